/** Human-readable `irm-audit diff`: findings by severity (new first in baseline mode), then a summary. */
import type {DiffReport} from '../diff/run.js'
import type {Finding, Severity} from '../diff/model.js'
import type {Paint} from './output.js'

function tone(p: Paint, s: Severity): (x: string) => string {
  return s === 'critical' || s === 'high' ? p.red : s === 'medium' ? p.yellow : p.dim
}

export function where(f: {file?: string; line?: number}): string {
  return f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '-'
}

export function summaryLine(report: DiffReport): string {
  const s = report.summary
  const parts = [
    `${s.unwanted} unwanted`,
    `${s.drift} drift`,
    `${s.stale} stale`,
    `${s['critical-flow-blocked']} critical flow blocked`,
    `${s.expired} expired`,
  ]
  if (s['device-unaudited']) parts.push(`${s['device-unaudited']} device(s) unaudited`)
  if (s['unaudited-rules']) parts.push(`${s['unaudited-rules']} file(s) with unaudited rules`)
  if (s['suppression-expired']) parts.push(`${s['suppression-expired']} suppression(s) expired`)
  if (s['interface-unmapped']) parts.push(`${s['interface-unmapped']} interface(s) unmapped`)
  let line = `${s.total} finding(s): ${parts.join(', ')}`
  if (s.suppressed) line += `; ${s.suppressed} suppressed`
  if (s.new !== undefined) line += `; ${s.new} new, ${s.fixed ?? 0} fixed since the baseline`
  return line
}

function findingLines(f: Finding, p: Paint): string[] {
  const tag = f.status === 'new' ? ' [new]' : ''
  const out = [`${tone(p, f.severity)(f.severity.toUpperCase().padEnd(8))} ${p.bold(f.rule)}${tag}  ${f.device ?? '-'}  ${where(f)}`]
  out.push(`  ${f.message}`)
  if (f.also?.length) out.push(`  also at ${f.also.map(where).join(', ')}`)
  if (f.inventory && f.inventory.file !== f.file) out.push(`  inventory: ${where(f.inventory)}${f.access_point ? ` (${f.access_point})` : ''}`)
  if (f.suppression) out.push(p.dim(`  suppressed until ${f.suppression.expires}: ${f.suppression.reason} (${where(f.suppression)})`))
  out.push(p.dim(`  id: ${f.id}`))
  return out
}

export function renderDiffText(report: DiffReport, p: Paint): string {
  const out: string[] = [p.bold(`irm-audit diff: ${report.inventory} as of ${report.as_of}`)]
  for (const d of report.devices) {
    const detail =
      d.status === 'audited'
        ? `${d.file} (${d.type}): ${d.exposures} exposure(s), ${d.understood}/${d.lines} lines understood`
        : d.status === 'unaudited'
          ? `${d.file ?? '-'}: not audited`
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
  out.push(active.length ? summaryLine(report) : p.green(summaryLine(report)))
  return out.join('\n')
}
