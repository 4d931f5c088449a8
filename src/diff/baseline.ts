/**
 * Baseline mode: compare with a previous `diff --format json` report. Findings whose id the baseline
 * has are `unchanged`, the others `new`; baseline findings gone now are `fixed`.
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
  return {
    file: display,
    findings: findings
      .filter((f) => !f.suppressed)
      .map((f) => ({id: f.id, rule: f.rule, severity: f.severity, device: f.device ?? null, message: String(f.message ?? '')})),
    // #18: a finding suppressed then and now is unchanged, not new (code scanning must not reopen it)
    suppressed: findings.filter((f) => f.suppressed).map((f) => f.id as string),
  }
}

/** Mark each finding new/unchanged; return the baseline findings that are fixed, by id. */
export function applyBaseline(findings: Finding[], baseline: Baseline): {findings: Finding[]; fixed: FixedFinding[]} {
  const before = new Set([...baseline.findings.map((f) => f.id), ...(baseline.suppressed ?? [])])
  const now = new Set(findings.filter((f) => !f.suppressed).map((f) => f.id))
  const marked = findings.map((f) => ({...f, status: before.has(f.id) ? ('unchanged' as const) : ('new' as const)}))
  const fixed = baseline.findings.filter((f) => !now.has(f.id)).sort((a, b) => a.id.localeCompare(b.id))
  return {findings: marked, fixed}
}
