/** Renderers of the readiness report: text, markdown (PR comment / audit), sarif, junit. JSON is the report itself. */
import type {CheckResult, PrepareReport} from '../readiness/run.js'
import type {Paint} from './output.js'
import {buildSarif, type SarifFinding, type SarifLevel, type SarifRule} from './sarif.js'

const STATUS_ICON: Record<CheckResult['status'], string> = {pass: '✅', fail: '❌', warn: '⚠️', 'not-applicable': '➖'}

function where(f: {file?: string; line?: number}): string {
  return f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : ''
}

export function renderPrepareText(r: PrepareReport, p: Paint): string {
  const out: string[] = []
  out.push(p.bold(`IRM #5 Preparation readiness — ${r.inventory} (as of ${r.as_of})`))
  out.push(`score ${r.score}/100 · ${r.passed} passed · ${r.failed} failed · ${r.warned} warning${r.warned === 1 ? '' : 's'} · ${r.not_applicable} not applicable`)
  out.push(`policy: ${r.policy.sources.join(' + ')} (retention profile ${r.policy.retention_profile})${r.suppressions ? `; suppressions: ${r.suppressions}` : ''}`)
  for (const s of r.sections) {
    out.push('')
    out.push(p.bold(`${s.section}  ${s.score}/100`))
    for (const c of r.checks.filter((x) => x.section === s.section)) {
      const tag = c.status === 'pass' ? p.green('PASS') : c.status === 'fail' ? p.red('FAIL') : c.status === 'warn' ? p.yellow('WARN') : p.dim('N/A ')
      out.push(`  ${tag} ${c.id} (${c.severity}) ${c.item}`)
      out.push(`       ${c.summary}`)
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
      `live diff: ${d.unwanted} unwanted, ${d.drift} drift, ${d.stale} stale, ${d['critical-flow-blocked']} critical flows blocked, ${d.expired} expired, ` +
        `${count('unaudited')} devices unaudited${manual ? ` (${manual} audited by hand)` : ''}`,
    )
  }
  return out.join('\n')
}

function mdEscape(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

export function renderPrepareMarkdown(r: PrepareReport, map?: string): string {
  const out: string[] = []
  out.push(`## IRM #5 Preparation readiness: ${r.score}/100`)
  out.push('')
  out.push(`${r.passed} passed · ${r.failed} failed · ${r.warned} warning${r.warned === 1 ? '' : 's'} · ${r.not_applicable} not applicable — inventory \`${r.inventory}\`, as of ${r.as_of}, retention profile \`${r.policy.retention_profile}\`; policy ${r.policy.sources.map((f) => `\`${f}\``).join(' + ')}${r.suppressions ? `, suppressions \`${r.suppressions}\`` : ''}.`)
  out.push('')
  out.push('| Section | Score |')
  out.push('| --- | ---: |')
  for (const s of r.sections) out.push(`| ${s.section} | ${s.score} |`)
  for (const s of r.sections) {
    out.push('')
    out.push(`### ${s.section}`)
    out.push('')
    out.push('| | Check | Item | Severity | Result |')
    out.push('| --- | --- | --- | --- | --- |')
    for (const c of r.checks.filter((x) => x.section === s.section)) {
      out.push(`| ${STATUS_ICON[c.status]} | \`${c.id}\` | ${mdEscape(c.item)} | ${c.severity} | ${mdEscape(c.summary)} |`)
    }
  }
  const failing = r.checks.filter((c) => c.findings.length && c.status !== 'pass')
  if (failing.length) {
    out.push('')
    out.push('### Evidence')
    for (const c of failing) {
      out.push('')
      out.push(`<details><summary>${STATUS_ICON[c.status]} <code>${c.id}</code> — ${c.findings.length} finding${c.findings.length === 1 ? '' : 's'}</summary>`)
      out.push('')
      for (const f of c.findings.slice(0, 50)) out.push(`- ${where(f) ? `\`${where(f)}\` ` : ''}${mdEscape(f.message)}`)
      if (c.findings.length > 50) out.push(`- … ${c.findings.length - 50} more`)
      out.push('')
      out.push(`**Fix:** ${mdEscape(c.remediation)}`)
      out.push('')
      out.push('</details>')
    }
  }
  if (map) {
    out.push('')
    out.push('### Network map')
    out.push('')
    out.push('```mermaid')
    out.push(map.trimEnd())
    out.push('```')
  }
  return `${out.join('\n')}\n`
}

const LEVEL: Record<string, SarifLevel> = {critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note'}
const SECURITY_SEVERITY: Record<string, string> = {critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0'}

export function renderPrepareSarif(r: PrepareReport, version: string): string {
  const rules: SarifRule[] = r.checks.map((c) => ({
    id: c.id,
    description: c.item,
    help: `${c.rationale} Fix: ${c.remediation}`,
    defaultLevel: LEVEL[c.severity],
    properties: {'security-severity': SECURITY_SEVERITY[c.severity], tags: ['irm5', 'preparation', c.section]},
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
  return JSON.stringify(buildSarif({name: 'irm-audit', version, informationUri: 'https://github.com/irm-audit/irm-audit'}, rules, results), null, 2)
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
