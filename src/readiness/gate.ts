import type {PrepareReport} from './run.js'
import type {Severity} from './types.js'

const RANK: Record<Severity, number> = {critical: 0, high: 1, medium: 2, low: 3, info: 4}

/** Exit-1 rule of prepare: score under the threshold, or a failing check at or above the severity. */
export function preparationFails(report: PrepareReport, failUnder: number | undefined, failOn: Severity | 'none'): boolean {
  if (failUnder !== undefined && report.score < failUnder) return true
  if (failOn === 'none') return false
  return report.checks.some((c) => c.status === 'fail' && RANK[c.severity] <= RANK[failOn])
}

/** The last line of a failing run: `score 52 < --fail-under 70`, or the failing checks. */
export function preparationFailReason(report: PrepareReport, failUnder: number | undefined, failOn: Severity | 'none'): string | undefined {
  if (failUnder !== undefined && report.score < failUnder) return `score ${report.score} < --fail-under ${failUnder}`
  if (failOn === 'none') return undefined
  const failing = report.checks.filter((c) => c.status === 'fail' && RANK[c.severity] <= RANK[failOn])
  if (failing.length === 0) return undefined
  return `${failing.length} failing check${failing.length === 1 ? '' : 's'} at or above ${failOn} (--fail-on ${failOn}): ${failing.map((c) => c.id).join(', ')}`
}
