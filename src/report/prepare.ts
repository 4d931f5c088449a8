/** Renderers of the readiness report: text, markdown (PR comment / audit), sarif, junit. JSON is the report itself. */
import type {DiffReport} from '../diff/run.js'
import type {GateVerdict} from '../readiness/gate.js'
import type {CheckResult, PrepareReport} from '../readiness/run.js'
import {diffSummaryMarkdown, findingLists} from './diff-markdown.js'
import {gateMarkdown} from './diff-gate.js'
import {type FindingList, fitMarkdown} from './markdown-fit.js'
import type {Paint} from './output.js'
import {plural} from '../core/plural.js'
import {crosswalkLine, crosswalkTags, requirementLabel, sectionsLabel} from '../readiness/frameworks.js'
import type {FrameworkView, RequirementResult} from './crosswalk.js'
import {buildSarif, type SarifFinding, type SarifLevel, type SarifRule} from './sarif.js'

const STATUS_ICON: Record<CheckResult['status'], string> = {pass: '✅', fail: '❌', warn: '⚠️', 'not-applicable': '➖'}

function where(f: {file?: string; line?: number}): string {
  return f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : ''
}

export function renderPrepareText(r: PrepareReport, p: Paint): string {
  const out: string[] = []
  out.push(p.bold(`IRM #5 Preparation readiness — ${r.inventory} (as of ${r.as_of})`))
  out.push(`score ${r.score}/100 · ${r.passed} passed · ${r.failed} failed · ${plural(r.warned, 'warning')} · ${r.not_applicable} not applicable`)
  out.push(`policy: ${r.policy.sources.join(' + ')} (retention profile ${r.policy.retention_profile})${r.suppressions ? `; suppressions: ${r.suppressions}` : ''}`)
  out.push(`earned ${num(r.scoring.earned)} of ${num(r.scoring.possible)}. ${weightsLine(r)}`)
  if (r.framework) {
    out.push('', ...frameworkText(r.framework, p))
    return out.join('\n')
  }
  for (const s of r.sections) {
    out.push('')
    out.push(p.bold(`${s.section}  ${s.score}/100 (${num(s.earned)} of ${num(s.possible)})`))
    for (const c of r.checks.filter((x) => x.section === s.section)) {
      const tag = c.status === 'pass' ? p.green('PASS') : c.status === 'fail' ? p.red('FAIL') : c.status === 'warn' ? p.yellow('WARN') : p.dim('N/A ')
      out.push(`  ${tag} ${c.id} (${c.severity}) ${c.item}`)
      out.push(`       ${c.summary}`)
      if (crosswalkLine(c.crosswalk)) out.push(p.dim(`       maps to: ${crosswalkLine(c.crosswalk)}`))
      for (const f of c.findings.slice(0, 20)) out.push(`       - ${where(f) ? `${where(f)}: ` : ''}${f.message}`)
      if (c.findings.length > 20) out.push(`       … ${c.findings.length - 20} more (use --format json)`)
      if (c.status === 'fail') out.push(p.dim(`       fix: ${c.remediation}`))
    }
  }
  if (r.diff) {
    const d = r.diff.summary
    const devices = r.diff.devices
    out.push('')
    const count = (status: string) => new Set(devices.filter((x) => x.status === status).map((x) => x.id)).size
    const manual = count('manual')
    out.push(
      `live diff: ${d.unwanted} unwanted, ${d.drift} drift, ${d.stale} stale, ${plural(d['critical-flow-blocked'], 'critical flow')} blocked, ${d.expired} expired, ` +
        `${plural(count('unaudited'), 'device')} unaudited${manual ? ` (${manual} audited by hand)` : ''}`,
    )
  }
  return out.join('\n')
}

const REQ_TAG: Record<RequirementResult['status'], string> = {pass: 'PASS', fail: 'FAIL', warn: 'WARN', 'not-applicable': 'N/A', 'not-covered': 'NOT COVERED'}

function countsLine(v: FrameworkView): string {
  const c = v.counts
  return `${c.pass} pass · ${c.fail} fail · ${plural(c.warn, 'warning')} · ${c['not-applicable']} not applicable · ${c['not-covered']} not covered by this tool`
}

/** The results by requirement: each requirement with its checks and live-diff findings as evidence. */
export function frameworkText(v: FrameworkView, p: Paint): string[] {
  const out = [p.bold(`${v.name} by requirement (sections ${sectionsLabel(v.id)})`), countsLine(v)]
  for (const q of v.requirements) {
    const tag = q.status === 'pass' ? p.green('PASS') : q.status === 'fail' ? p.red('FAIL') : q.status === 'warn' ? p.yellow('WARN') : p.dim(REQ_TAG[q.status])
    out.push(`  ${tag} ${requirementLabel(v.id, q.id)}: ${q.summary}${q.status === 'not-covered' ? ' (not covered by this tool)' : ''}`)
    if (q.weaker) out.push(p.yellow(`       weaker than the requirement: ${q.weaker}`))
    for (const c of q.checks) {
      out.push(`       ${c.id} ${c.status}: ${c.summary}`)
      for (const f of c.findings.slice(0, 5)) out.push(`         - ${where(f) ? `${where(f)}: ` : ''}${f.message}`)
      if (c.findings.length > 5) out.push(`         … ${c.findings.length - 5} more`)
    }
    if (q.findings.length) {
      out.push(`       live diff: ${plural(q.findings.length, 'finding')}`)
      for (const f of q.findings.slice(0, 5)) out.push(`         - ${where(f) ? `${where(f)}: ` : ''}${f.rule}: ${f.message}`)
      if (q.findings.length > 5) out.push(`         … ${q.findings.length - 5} more`)
    }
  }
  return out
}

function frameworkMarkdown(v: FrameworkView): string[] {
  const out = [`### ${v.name} by requirement`, '', `Sections ${sectionsLabel(v.id)}: ${countsLine(v)}.`, '', '| Requirement | Summary | Result | Evidence |', '| --- | --- | --- | --- |']
  for (const q of v.requirements) {
    const evidence = [
      ...(q.weaker ? [`⚠️ weaker than the requirement: ${q.weaker}`] : []),
      ...q.checks.map((c) => `\`${c.id}\` ${c.status}: ${c.summary}`),
      ...(q.findings.length ? [`live diff: ${plural(q.findings.length, 'finding')}${q.findings[0].file ? ` (first \`${where(q.findings[0])}\`)` : ''}`] : []),
    ]
    out.push(`| ${q.id} | ${mdEscape(q.summary)} | ${q.status === 'not-covered' ? 'not covered by this tool' : q.status} | ${mdEscape(evidence.join('<br>'))} |`)
  }
  out.push('')
  return out
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

const block = (lines: string[]) => lines.map((l) => `${l}\n`).join('')
const num = (n: number) => String(Math.round(n * 100) / 100)

/** How the score is made: earned/possible per section, the weights and the credit of a warning. */
function breakdownMarkdown(r: PrepareReport): string[] {
  const out = ['| Section | Earned | Possible | Score |', '| --- | ---: | ---: | ---: |']
  for (const s of r.sections) out.push(`| ${s.section} | ${num(s.earned)} | ${num(s.possible)} | ${s.score} |`)
  out.push(`| **Total** | **${num(r.scoring.earned)}** | **${num(r.scoring.possible)}** | **${r.score}** |`, '')
  out.push(`${weightsLine(r)}`, '')
  return out
}

function weightsLine(r: PrepareReport): string {
  const w = r.scoring.weights
  const weights = (['critical', 'high', 'medium', 'low', 'info'] as const).map((k) => `${k} ${w[k]}`).join(', ')
  return `Each applicable check weighs by its severity (${weights}); a pass earns its weight, a warning ${Math.round(r.scoring.warn_credit * 100)} % of it, a failure nothing. Score = earned / possible × 100, rounded down.`
}

export interface PrepareMarkdownOptions {
  /** The full live diff (its findings are listed, new ones first in baseline mode). */
  diff?: DiffReport
  /** The verdict of --fail-under / --fail-on / --fail-on-new, printed first. */
  gate?: GateVerdict
  /** Fit a pull-request comment: see markdown-fit.ts. */
  maxLength?: number
}

/**
 * The readiness report in Markdown, written to be the pull-request comment: the verdict and its reasons,
 * the score and how it is made, the live-diff summary, new findings, the other findings, then the checks
 * and one map. A section that must come before the verdict (changes to the gate's own files) goes in
 * front of `head`.
 */
export function renderPrepareMarkdown(r: PrepareReport, map?: string, options: PrepareMarkdownOptions = {}): string {
  const head: string[] = []
  const verdict = options.gate ? ` · gate ${options.gate.fails ? 'failed' : 'passed'}` : ''
  head.push(`## IRM #5 Preparation readiness: ${r.score}/100${verdict}`, '')
  // what the pull request changes in its own gate comes first
  if (options.diff) head.push(...gateMarkdown(options.diff))
  if (options.gate) {
    const g = options.gate
    if (g.reasons.length === 1) head.push(`**Gate ${g.fails ? 'failed' : 'passed'}:** ${mdEscape(g.reasons[0])}.`, '')
    else head.push(`**Gate ${g.fails ? 'failed' : 'passed'}:**`, '', ...g.reasons.map((x) => `- ${mdEscape(x)}`), '')
  }
  head.push(`${r.passed} passed · ${r.failed} failed · ${plural(r.warned, 'warning')} · ${r.not_applicable} not applicable — inventory \`${r.inventory}\`, as of ${r.as_of}, retention profile \`${r.policy.retention_profile}\`; policy ${r.policy.sources.map((f) => `\`${f}\``).join(' + ')}${r.suppressions ? `, suppressions \`${r.suppressions}\`` : ''}.`, '')
  head.push(...breakdownMarkdown(r))
  if (r.framework) head.push(...frameworkMarkdown(r.framework))
  const lists: FindingList[] = []
  if (options.diff) {
    head.push('### Live diff', '', ...diffSummaryMarkdown(options.diff))
    lists.push(...findingLists(options.diff, '####'))
  }
  const checks: string[] = []
  for (const s of r.sections) {
    checks.push(`### ${s.section}`, '', '| | Check | Item | Severity | Result |', '| --- | --- | --- | --- | --- |')
    for (const c of r.checks.filter((x) => x.section === s.section)) {
      checks.push(`| ${STATUS_ICON[c.status]} | \`${c.id}\` | ${mdEscape(c.item)} | ${c.severity} | ${mdEscape(c.summary)} |`)
    }
    checks.push('')
  }
  const evidence: string[] = []
  const failing = r.checks.filter((c) => c.findings.length && c.status !== 'pass')
  if (failing.length) {
    evidence.push('### Evidence', '')
    for (const c of failing) {
      evidence.push(`<details><summary>${STATUS_ICON[c.status]} <code>${c.id}</code> — ${plural(c.findings.length, 'finding')}</summary>`, '')
      for (const f of c.findings.slice(0, 50)) evidence.push(`- ${where(f) ? `\`${where(f)}\` ` : ''}${mdEscape(f.message)}`)
      if (c.findings.length > 50) evidence.push(`- … ${c.findings.length - 50} more`)
      evidence.push('', `**Fix:** ${mdEscape(c.remediation)}`, '', '</details>', '')
    }
  }
  const crosswalk = ['### Framework crosswalk', '', '| Check | Requirements |', '| --- | --- |']
  for (const c of r.checks) crosswalk.push(`| \`${c.id}\` | ${mdEscape(crosswalkLine(c.crosswalk) || '—')} |`)
  crosswalk.push('')
  const tail = [{text: block(checks), omitted: block(['_Readiness checks left out to fit the comment: in the artifact._', ''])}]
  tail.push({text: block(crosswalk), omitted: block(['_Framework crosswalk left out to fit the comment: in the artifact._', ''])})
  if (evidence.length) tail.push({text: block(evidence), omitted: block(['_Evidence of the failing checks left out to fit the comment: in the artifact._', ''])})
  if (map) tail.push({text: block(['### Network map', '', '```mermaid', map.trimEnd(), '```']), omitted: block(['_Network map left out to fit the comment: `irm-audit map` draws it._'])})
  return fitMarkdown({head: block(head), lists, tail, maxLength: options.maxLength})
}

const LEVEL: Record<string, SarifLevel> = {critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note'}
const SECURITY_SEVERITY: Record<string, string> = {critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0'}

export function renderPrepareSarif(r: PrepareReport, version: string): string {
  const rules: SarifRule[] = r.checks.map((c) => ({
    id: c.id,
    description: c.item,
    help: `${c.rationale} Fix: ${c.remediation}`,
    defaultLevel: LEVEL[c.severity],
    properties: {'security-severity': SECURITY_SEVERITY[c.severity], tags: ['irm5', 'preparation', c.section, ...crosswalkTags(c.crosswalk)]},
  }))
  const results: SarifFinding[] = []
  for (const c of r.checks) {
    if (c.status !== 'fail' && c.status !== 'warn') continue
    const level = c.status === 'warn' ? 'note' : LEVEL[c.severity]
    const list = c.findings.length ? c.findings : [{message: c.summary}]
    for (const f of list) {
      results.push({
        ruleId: c.id,
        level,
        message: f.message,
        file: 'file' in f ? f.file : undefined,
        line: 'line' in f ? f.line : undefined,
        fingerprint: `${c.id}:${f.message}`,
      })
    }
  }
  return JSON.stringify(buildSarif({name: 'irm-audit', version, informationUri: 'https://github.com/irm-audit/irm-audit', category: 'irm-audit-prepare'}, rules, results), null, 2)
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

export function renderPrepareJunit(r: PrepareReport): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>']
  out.push(`<testsuites name="irm-audit prepare" tests="${r.checks.length}" failures="${r.failed}" skipped="${r.not_applicable}">`)
  for (const s of r.sections) {
    const checks = r.checks.filter((c) => c.section === s.section)
    out.push(`  <testsuite name="${xml(s.section)}" tests="${checks.length}" failures="${checks.filter((c) => c.status === 'fail').length}" skipped="${checks.filter((c) => c.status === 'not-applicable').length}">`)
    for (const c of checks) {
      out.push(`    <testcase classname="${xml(s.section)}" name="${xml(`${c.id} ${c.item}`)}">`)
      if (crosswalkLine(c.crosswalk)) out.push(`      <properties><property name="crosswalk" value="${xml(crosswalkTags(c.crosswalk).join(' '))}"/></properties>`)
      if (c.status === 'fail') out.push(`      <failure type="${c.severity}" message="${xml(c.summary)}">${xml(c.findings.map((f) => `${where(f) ? `${where(f)}: ` : ''}${f.message}`).join('\n'))}</failure>`)
      else if (c.status === 'not-applicable') out.push(`      <skipped message="${xml(c.summary)}"/>`)
      else if (c.status === 'warn') out.push(`      <system-out>${xml(`WARN: ${c.summary}`)}</system-out>`)
      out.push('    </testcase>')
    }
    out.push('  </testsuite>')
  }
  out.push('</testsuites>')
  return `${out.join('\n')}\n`
}
