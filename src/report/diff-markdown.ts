/**
 * `irm-audit diff --format markdown`: a pull-request comment. Summary table, new findings first, each
 * with device, rule location, the access point it should match and, for an opening someone may mean to
 * approve, an inventory snippet; fixed and suppressed findings folded; the network map in Mermaid.
 */
import type {Finding} from '../diff/model.js'
import type {DiffReport} from '../diff/run.js'
import {RULE_INFO} from './diff-rules.js'
import {where} from './diff-text.js'

const ROWS: Array<[keyof DiffReport['summary'], string]> = [
  ['unwanted', 'unwanted-access-point'],
  ['drift', 'access-point-drift'],
  ['stale', 'stale-access-point'],
  ['critical-flow-blocked', 'critical-flow-blocked'],
  ['expired', 'access-point-expired'],
  ['device-unaudited', 'device-unaudited'],
  ['unaudited-rules', 'unaudited-rules'],
  ['suppression-expired', 'suppression-expired'],
  ['interface-unmapped', 'interface-unmapped'],
]

/** Text safe inside a table cell or a heading. */
function md(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/([<>*_`[\]])/g, '\\$1').replace(/\n/g, ' ')
}

function code(s: string): string {
  return `\`${s.replace(/`/g, "'")}\``
}

function finding(f: Finding, n: number): string[] {
  const out = [`#### ${n}. ${f.severity} · ${f.rule} · ${f.device ? md(f.device) : 'inventory'}${f.status === 'new' ? ' · new' : ''}`, '']
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
  out.push(`- **Fix:** ${md(RULE_INFO.get(f.rule)?.remediation ?? '')}`)
  out.push(`- **Id:** ${code(f.id)}`)
  if (f.suppression) out.push(`- **Suppressed** until ${f.suppression.expires}: ${md(f.suppression.reason)}`)
  if (f.suggestion) {
    out.push('', '<details><summary>If this opening is legitimate: inventory entry to add (access_points)</summary>', '', '```yaml', f.suggestion, '```', '', '</details>')
  }
  out.push('')
  return out
}

export function renderDiffMarkdown(report: DiffReport, mermaid?: string): string {
  const s = report.summary
  const active = report.findings.filter((f) => !f.suppressed)
  const out = ['## irm-audit diff', '']
  const head = `**${s.total} finding(s)** on ${code(report.inventory)} as of ${report.as_of}`
  const sev = (['critical', 'high', 'medium', 'low', 'info'] as const).filter((k) => s.by_severity[k]).map((k) => `${s.by_severity[k]} ${k}`)
  out.push(`${head}${sev.length ? ` (${sev.join(', ')})` : ''}${s.new !== undefined ? `: ${s.new} new, ${s.fixed ?? 0} fixed since the baseline` : ''}.`, '')
  out.push('| Finding | Count |', '| --- | ---: |')
  for (const [key, rule] of ROWS) out.push(`| ${rule} | ${s[key] as number} |`)
  if (s.suppressed) out.push(`| suppressed | ${s.suppressed} |`)
  out.push('')
  const fresh = active.filter((f) => f.status === 'new')
  const rest = active.filter((f) => f.status !== 'new')
  let n = 0
  if (s.new !== undefined) {
    out.push(`### New findings (${fresh.length})`, '')
    for (const f of fresh) out.push(...finding(f, ++n))
    if (rest.length) out.push(`### Unchanged findings (${rest.length})`, '')
  } else if (active.length) {
    out.push(`### Findings (${active.length})`, '')
  }
  for (const f of rest) out.push(...finding(f, ++n))
  if (report.fixed?.length) {
    out.push(`### Fixed since the baseline (${report.fixed.length})`, '')
    for (const f of report.fixed) out.push(`- ${f.severity} · ${f.rule} · ${code(f.id)}`)
    out.push('')
  }
  const suppressed = report.findings.filter((f) => f.suppressed)
  if (suppressed.length) {
    out.push(`<details><summary>Suppressed findings (${suppressed.length})</summary>`, '')
    for (const f of suppressed) out.push(`- ${f.severity} · ${code(f.id)}: ${md(f.suppression?.reason ?? '')} (until ${f.suppression?.expires ?? '?'})`)
    out.push('', '</details>', '')
  }
  out.push('### Devices', '', '| Device | Config | Status |', '| --- | --- | --- |')
  for (const d of report.devices) {
    const status = d.status === 'audited' ? `${d.exposures} exposure(s), ${d.understood}/${d.lines} lines understood` : d.status === 'unaudited' ? '**not audited**' : 'no live config'
    out.push(`| ${md(d.id)} | ${d.file ? code(d.file) : '-'} | ${status} |`)
  }
  out.push('')
  if (mermaid) out.push('### Map', '', '```mermaid', mermaid, '```', '')
  return out.join('\n')
}
