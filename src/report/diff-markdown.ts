/**
 * `irm-audit diff --format markdown`: a pull-request comment. Summary table, new findings first, each
 * with device, rule location, the access point it should match and, for an opening someone may mean to
 * approve, an inventory snippet; fixed and suppressed findings folded; the network map in Mermaid.
 */
import {crosswalkLine} from '../readiness/frameworks.js'
import {ruleCrosswalk} from './crosswalk.js'
import type {Finding} from '../diff/model.js'
import type {DiffReport} from '../diff/run.js'
import {filesLine, gateMarkdown, notRecheckedMarkdown, warningLines} from './diff-gate.js'
import {FINDING_KINDS, kindOf} from '../diff/kinds.js'
import {where} from './diff-text.js'
import {type FindingList, fitMarkdown} from './markdown-fit.js'
import {plural} from '../core/plural.js'

/** Text safe inside a table cell or a heading. */
function md(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/([<>*_`[\]])/g, '\\$1').replace(/\n/g, ' ')
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``
}

export function finding(f: Finding, n: number, level = '####'): string[] {
  const out = [`${level} ${n}. ${f.severity} · ${f.rule} · ${f.device ? md(f.device) : 'inventory'}${f.status === 'new' ? ' · new' : ''}`, '']
  out.push(md(f.message), '')
  if (f.file) out.push(`- **Where:** ${code(where(f))}${f.exposure ? ` (rule ${code(f.exposure.rule)})` : ''}`)
  if (f.also?.length) out.push(`- **Also at:** ${f.also.map((a) => code(where(a))).join(', ')}`)
  if (f.exposure?.text) out.push(`- **Live rule:** ${code(f.exposure.text)}`)
  if (f.rule === 'unwanted-access-point') {
    const near = f.access_points?.length ? `; nearest (same destination, other service or source): ${f.access_points.map(code).join(', ')}` : ''
    out.push(`- **Should match:** no access point of this device approves it${near}`)
  }
  else if (f.access_points?.length || f.access_point) {
    const aps = f.access_points ?? [f.access_point as string]
    out.push(`- **Access point:** ${aps.map(code).join(', ')}${f.inventory && f.inventory.file !== f.file ? ` at ${code(where(f.inventory))}` : ''}`)
  }
  if (f.flow) out.push(`- **Flow:** ${code(f.flow)}`)
  out.push(`- **Fix:** ${md(kindOf(f.rule).remediation)}`)
  out.push(`- **Id:** ${code(f.id)}`)
  if (f.suppression) out.push(`- **Suppressed** until ${f.suppression.expires}: ${md(f.suppression.reason)}`)
  if (f.suggestion) {
    out.push('', '<details><summary>If this opening is legitimate: inventory entry to add (access_points)</summary>', '', '```yaml', f.suggestion, '```', '', '</details>')
  }
  out.push('')
  return out
}

const block = (lines: string[]) => lines.map((l) => `${l}\n`).join('')

/** The summary line and the table of counts by rule (shared with the prepare report). */
export function diffSummaryMarkdown(report: DiffReport): string[] {
  const s = report.summary
  const out: string[] = []
  const head = `**${plural(s.total, 'finding')}** on ${code(report.inventory)} as of ${report.as_of}`
  const sev = (['critical', 'high', 'medium', 'low', 'info'] as const).filter((k) => s.by_severity[k]).map((k) => `${s.by_severity[k]} ${k}`)
  const since = s.new !== undefined ? `: ${s.new} new, ${s.fixed ?? 0} fixed${s.not_rechecked ? `, ${s.not_rechecked} not re-checked` : ''} since the baseline` : ''
  out.push(`${head}${sev.length ? ` (${sev.join(', ')})` : ''}${since}.`, '', `<sub>${md(filesLine(report))}</sub>`, '')
  const warnings = warningLines(report)
  if (warnings.length) out.push(`**Warnings (${warnings.length})**`, '', ...warnings.map((w) => `- ${md(w)}`), '')
  out.push('| Finding | Count |', '| --- | ---: |')
  for (const k of FINDING_KINDS) out.push(`| ${k.id} | ${s[k.summaryKey]} |`)
  if (s.suppressed) out.push(`| suppressed | ${s.suppressed} |`)
  out.push('')
  return out
}

/** Active findings as prioritised lists: new ones first in baseline mode, then the others. */
export function findingLists(report: DiffReport, level = '###'): FindingList[] {
  const active = report.findings.filter((f) => !f.suppressed)
  const fresh = active.filter((f) => f.status === 'new')
  const rest = active.filter((f) => f.status !== 'new')
  let n = 0
  const lists: FindingList[] = []
  if (report.summary.new !== undefined) {
    lists.push({heading: block([`${level} New findings (${fresh.length})`, '']), always: true, items: fresh.map((f) => block(finding(f, ++n, `${level}#`)))})
    lists.push({heading: block([`${level} Unchanged findings (${rest.length})`, '']), items: rest.map((f) => block(finding(f, ++n, `${level}#`)))})
  } else {
    lists.push({heading: block([`${level} Findings (${active.length})`, '']), items: rest.map((f) => block(finding(f, ++n, `${level}#`)))})
  }
  return lists
}

export function renderDiffMarkdown(report: DiffReport, mermaid?: string, options: {maxLength?: number} = {}): string {
  // what the pull request changes in its own gate comes first
  const head = ['## irm-audit diff', '', ...gateMarkdown(report), ...diffSummaryMarkdown(report)]
  const lists = findingLists(report)
  const tail: string[] = []
  if (report.fixed?.length) {
    tail.push(`### Fixed since the baseline (${report.fixed.length})`, '')
    for (const f of report.fixed) tail.push(`- ${f.severity} · ${f.rule} · ${code(f.id)}`)
    tail.push('')
  }
  tail.push(...notRecheckedMarkdown(report.not_rechecked))
  const suppressed = report.findings.filter((f) => f.suppressed)
  if (suppressed.length) {
    tail.push(`<details><summary>Suppressed findings (${suppressed.length})</summary>`, '')
    for (const f of suppressed) tail.push(`- ${f.severity} · ${code(f.id)}: ${md(f.suppression?.reason ?? '')} (until ${f.suppression?.expires ?? '?'})`)
    tail.push('', '</details>', '')
  }
  tail.push('### Devices', '', '| Device | Config | Status |', '| --- | --- | --- |')
  for (const d of report.devices) {
    const status = d.status === 'audited' ? `${plural(d.exposures ?? 0, 'exposure')}, ${d.understood}/${d.lines} lines understood` : d.status === 'unaudited' ? '**not audited**' : d.status === 'manual' ? 'audited by hand' : 'no live config'
    tail.push(`| ${md(d.id)} | ${d.file ? code(d.file) : '-'} | ${status} |`)
  }
  tail.push('')
  const rules = [...new Set(report.findings.filter((f) => !f.suppressed).map((f) => f.rule))].sort()
  if (rules.length) {
    tail.push('### Framework crosswalk', '', '| Finding kind | Requirements |', '| --- | --- |')
    for (const r of rules) tail.push(`| ${code(r)} | ${md(crosswalkLine(ruleCrosswalk(r)))} |`)
    tail.push('')
  }
  const blocks = [{text: block(tail), omitted: block(['_Fixed, suppressed findings and devices: in the artifact._', ''])}]
  if (mermaid) blocks.push({text: block(['### Map', '', '```mermaid', mermaid, '```', '']), omitted: block(['_Map left out to fit the comment: `irm-audit map` draws it._', ''])})
  return fitMarkdown({head: block(head), lists, tail: blocks, maxLength: options.maxLength}).replace(/\n$/, '')
}
