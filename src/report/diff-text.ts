/** Human-readable `irm-audit diff`: findings by severity (new first in baseline mode), then a summary. */
import {crosswalkLine} from '../readiness/frameworks.js'
import {ruleCrosswalk} from './crosswalk.js'
import type {DiffReport} from '../diff/run.js'
import type {Finding, Severity} from '../diff/model.js'
import {filesLine, gateText, notRecheckedText, warningLines} from './diff-gate.js'
import {FINDING_KINDS, kindOf} from '../diff/kinds.js'
import type {Paint} from './output.js'
import {plural} from '../core/plural.js'

function tone(p: Paint, s: Severity): (x: string) => string {
  return s === 'critical' || s === 'high' ? p.red : s === 'medium' ? p.yellow : p.dim
}

export function where(f: {file?: string; line?: number}): string {
  return f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '-'
}

export function summaryLine(report: DiffReport): string {
  const s = report.summary
  const parts = FINDING_KINDS.filter((k) => k.alwaysCounted || s[k.summaryKey]).map((k) => k.counted(s[k.summaryKey]))
  const sev = (['critical', 'high', 'medium', 'low', 'info'] as const).filter((k) => s.by_severity[k]).map((k) => `${s.by_severity[k]} ${k}`)
  let line = `${plural(s.total, 'finding')}${sev.length ? ` (${sev.join(', ')})` : ''}: ${parts.join(', ')}`
  if (s.suppressed) line += `; ${s.suppressed} suppressed`
  if (s.new !== undefined) line += `; ${s.new} new, ${s.fixed ?? 0} fixed${s.not_rechecked ? `, ${s.not_rechecked} not re-checked` : ''} since the baseline`
  return line
}

function findingLines(f: Finding, p: Paint): string[] {
  const tag = f.status === 'new' ? ' [new]' : ''
  const out = [`${tone(p, f.severity)(f.severity.toUpperCase().padEnd(8))} ${p.bold(f.rule)}${tag}  ${f.device ?? '-'}  ${where(f)}`]
  out.push(`  ${f.message}`)
  if (f.also?.length) out.push(`  also at ${f.also.map(where).join(', ')}`)
  if (f.inventory && f.inventory.file !== f.file) out.push(`  inventory: ${where(f.inventory)}${f.access_point ? ` (${f.access_point})` : ''}`)
  const fix = kindOf(f.rule).remediation
  if (fix) out.push(`  fix: ${fix}`)
  if (f.suppression) out.push(p.dim(`  suppressed until ${f.suppression.expires}: ${f.suppression.reason} (${where(f.suppression)})`))
  out.push(p.dim(`  id: ${f.id}`))
  return out
}

export function renderDiffText(report: DiffReport, p: Paint): string {
  const out: string[] = [p.bold(`irm-audit diff: ${report.inventory} as of ${report.as_of}`), ...gateText(report), p.dim(`  ${filesLine(report)}`)]
  for (const d of report.devices) {
    const detail =
      d.status === 'audited'
        ? `${d.file} (${d.type}): ${plural(d.exposures ?? 0, 'exposure')}, ${d.understood}/${d.lines} lines understood`
        : d.status === 'unaudited'
          ? `${d.file ?? 'no live config'}: not audited`
          : d.status === 'manual'
            ? 'audited by hand'
            : 'no live config'
    out.push(`  ${d.id}: ${detail}`)
    // which interfaces were mapped by inference, so a reader can confirm or override them in the inventory
    const inferred = (d.interfaces ?? []).filter((m) => m.how !== 'inventory' && m.how !== 'vendor-zone' && m.how !== 'unmapped')
    if (inferred.length) out.push(p.dim(`    inferred: ${inferred.map((m) => `${m.name ?? m.vendor_zone} → ${m.zones.join('+')} (${m.how})`).join(', ')}`))
  }
  out.push('')
  const active = report.findings.filter((f) => !f.suppressed)
  const suppressed = report.findings.filter((f) => f.suppressed)
  for (const f of active) out.push(...findingLines(f, p), '')
  if (suppressed.length) {
    out.push(p.dim(`Suppressed (${suppressed.length}):`))
    for (const f of suppressed) out.push(...findingLines(f, p), '')
  }
  if (report.fixed?.length) {
    out.push(p.green(`Fixed since the baseline (${report.fixed.length}):`))
    for (const f of report.fixed) out.push(`  ${f.severity.padEnd(8)} ${f.rule}  ${f.id}`)
    out.push('')
  }
  out.push(...notRecheckedText(report.not_rechecked))
  for (const w of warningLines(report)) out.push(p.yellow(`warning ${w}`))
  for (const r of [...new Set(active.map((f) => f.rule))].sort()) out.push(p.dim(`maps to: ${r} → ${crosswalkLine(ruleCrosswalk(r))}`))
  if (active.length) out.push('')
  out.push(active.length ? summaryLine(report) : p.green(summaryLine(report)))
  return out.join('\n')
}
