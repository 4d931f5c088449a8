/**
 * Baseline mode: compare with a previous `diff --format json` report. Findings whose id the baseline
 * has are `unchanged`, the others `new`; baseline findings gone now are `fixed`, unless their device is
 * not audited in this run: those are `not re-checked`, never fixed. A baseline written by irm-audit 0.1
 * (ids without a destination) maps through each finding's `legacy_id` and the opening's destination.
 */
import {readFile} from 'node:fs/promises'

import {IrmError} from '../core/errors.js'
import type {Finding, FindingRule, Severity} from './model.js'

export interface FixedFinding {
  id: string
  rule: FindingRule
  severity: Severity
  device: string | null
  message: string
}

export interface Baseline {
  file: string
  /** Active findings of the baseline (those that can be fixed). */
  findings: FixedFinding[]
  /** The git commit the baseline was computed at, when it says (`revision` in the report). */
  revision?: string
  /** Devices it audited, and those with an internet-reachable finding (they must stay audited). */
  audited?: string[]
  internet?: string[]
  /** Per finding id: the destination CIDRs of its opening and whether 0.1 merged several openings into it. */
  openings?: Map<string, {to?: string[]; merged: boolean}>
  /** Ids the baseline had suppressed. */
  suppressed?: string[]
}

export async function loadBaseline(path: string, display: string): Promise<Baseline> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(path, 'utf8'))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new IrmError('BASELINE_INVALID', code ? `cannot read the baseline: ${code}` : 'the baseline is not JSON', {
      file: display,
      hint: 'Give a report written by `irm-audit diff --format json`.',
    })
  }
  const findings = (data as {findings?: unknown})?.findings
  if (!Array.isArray(findings) || !findings.every((f) => typeof f?.id === 'string' && typeof f?.rule === 'string')) {
    throw new IrmError('BASELINE_INVALID', 'the baseline has no findings list with ids', {
      file: display,
      hint: 'Give a report written by `irm-audit diff --format json`.',
    })
  }
  const kept = findings.filter((f) => !f.suppressed)
  const doc = data as {revision?: unknown; devices?: unknown}
  const devices = Array.isArray(doc.devices) ? (doc.devices as Array<{id?: unknown; status?: unknown}>) : []
  return {
    file: display,
    findings: kept.map((f) => ({id: f.id, rule: f.rule, severity: f.severity, device: f.device ?? null, message: String(f.message ?? '')})),
    ...(typeof doc.revision === 'string' && /^[0-9a-f]{7,64}$/.test(doc.revision) ? {revision: doc.revision} : {}),
    audited: [...new Set(devices.filter((d) => d?.status === 'audited' && typeof d.id === 'string').map((d) => d.id as string))].sort(),
    internet: [...new Set(kept.filter((f) => f.reach === 'internet' && typeof f.device === 'string').map((f) => f.device as string))].sort(),
    openings: new Map(kept.map((f) => [f.id, {to: Array.isArray(f.exposure?.to) ? (f.exposure.to as string[]) : undefined, merged: Array.isArray(f.also) && f.also.length > 0}])),
    // #18: a finding suppressed then and now is unchanged, not new (code scanning must not reopen it)
    suppressed: findings.filter((f) => f.suppressed).map((f) => f.id as string),
  }
}

/**
 * Mark each finding new/unchanged; return the baseline findings that are fixed and those whose device
 * this run did not audit (not re-checked), by id.
 */
export function applyBaseline(
  findings: Finding[],
  baseline: Baseline,
  audited?: ReadonlySet<string>,
): {findings: Finding[]; fixed: FixedFinding[]; notRechecked: FixedFinding[]} {
  const before = new Set([...baseline.findings.map((f) => f.id), ...(baseline.suppressed ?? [])])
  const matched = new Set<string>()
  const known = (f: Finding): boolean => {
    if (before.has(f.id)) {
      if (!f.suppressed) matched.add(f.id)
      return true
    }
    // a 0.1 baseline: same old id and, when it recorded one opening, the same destination
    if (!f.legacy_id || !before.has(f.legacy_id)) return false
    const old = baseline.openings?.get(f.legacy_id)
    const to = f.exposure?.to
    if (old?.to && !old.merged && to && old.to.join(',') !== to.join(',')) return false
    if (!f.suppressed) matched.add(f.legacy_id)
    return true
  }
  const marked = findings.map((f) => ({...f, status: known(f) ? ('unchanged' as const) : ('new' as const)}))
  const gone = baseline.findings.filter((f) => !matched.has(f.id))
  const byId = (a: FixedFinding, b: FixedFinding) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  const rechecked = (f: FixedFinding) => !audited || f.device === null || audited.has(f.device)
  return {findings: marked, fixed: gone.filter(rechecked).sort(byId), notRechecked: gone.filter((f) => !rechecked(f)).sort(byId)}
}
