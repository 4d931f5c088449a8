import type {DiffReport} from '../diff/run.js'
import {plural} from '../core/plural.js'
import type {PrepareReport} from './run.js'
import type {Severity} from './types.js'

const RANK: Record<Severity, number> = {critical: 0, high: 1, medium: 2, low: 3, info: 4}

export interface GateOptions {
  failUnder?: number
  /** A failing check at or above this severity fails the gate. */
  failOn?: Severity | 'none'
  /** A live-diff finding new since the baseline (every active finding without one) at or above this fails. */
  failOnNew?: Severity | 'none'
}

export interface GateVerdict {
  fails: boolean
  /** Why it fails, one sentence each; why it passes when it does. */
  reasons: string[]
}

/** Exit-1 rule of prepare, with the reasons the report prints first. */
export function preparationGate(report: PrepareReport, options: GateOptions, diff?: DiffReport): GateVerdict {
  const reasons: string[] = []
  if (options.failUnder !== undefined && report.score < options.failUnder) reasons.push(`readiness score ${report.score} is under ${options.failUnder} (--fail-under)`)
  const failOn = options.failOn ?? 'none'
  if (failOn !== 'none') {
    const failing = report.checks.filter((c) => c.status === 'fail' && RANK[c.severity] <= RANK[failOn])
    if (failing.length) reasons.push(`${plural(failing.length, 'failing check')} at or above ${failOn} (--fail-on): ${failing.map((c) => c.id).join(', ')}`)
  }
  const failOnNew = options.failOnNew ?? 'none'
  if (failOnNew !== 'none' && diff) {
    const fresh = diff.findings.filter((f) => !f.suppressed && f.status !== 'unchanged' && RANK[f.severity] <= RANK[failOnNew])
    const since = diff.summary.new === undefined ? ' (no baseline: every finding counts as new)' : ' since the baseline'
    if (fresh.length) reasons.push(`${plural(fresh.length, 'new live-diff finding')} at or above ${failOnNew}${since} (--fail-on-new): ${fresh.map((f) => f.id).join(', ')}`)
  }
  if (reasons.length) return {fails: true, reasons}
  const checked = [
    ...(options.failUnder === undefined ? [] : [`score ${report.score} ≥ ${options.failUnder}`]),
    ...(failOn === 'none' ? [] : [`no failing check at or above ${failOn}`]),
    ...(failOnNew === 'none' || !diff ? [] : [`no new finding at or above ${failOnNew}`]),
  ]
  return {fails: false, reasons: checked.length ? checked : ['no threshold set (informational run)']}
}

/** Exit-1 rule of prepare: score under the threshold, or a failing check at or above the severity. */
export function preparationFails(report: PrepareReport, failUnder: number | undefined, failOn: Severity | 'none'): boolean {
  return preparationGate(report, {failUnder, failOn}).fails
}

/** The last line of a failing run: `score 52 < --fail-under 70`, or the failing checks. */
export function preparationFailReason(report: PrepareReport, failUnder: number | undefined, failOn: Severity | 'none'): string | undefined {
  if (failUnder !== undefined && report.score < failUnder) return `score ${report.score} < --fail-under ${failUnder}`
  if (failOn === 'none') return undefined
  const failing = report.checks.filter((c) => c.status === 'fail' && RANK[c.severity] <= RANK[failOn])
  if (failing.length === 0) return undefined
  return `${failing.length} failing check${failing.length === 1 ? '' : 's'} at or above ${failOn} (--fail-on ${failOn}): ${failing.map((c) => c.id).join(', ')}`
}
