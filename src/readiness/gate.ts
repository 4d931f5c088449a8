import type {PrepareReport} from './run.js'
import type {Severity} from './types.js'

const RANK: Record<Severity, number> = {critical: 0, high: 1, medium: 2, low: 3, info: 4}

/** Exit-1 rule of prepare: score under the threshold, or a failing check at or above the severity. */
export function preparationFails(report: PrepareReport, failUnder: number | undefined, failOn: Severity | 'none'): boolean {
  if (failUnder !== undefined && report.score < failUnder) return true
  if (failOn === 'none') return false
  return report.checks.some((c) => c.status === 'fail' && RANK[c.severity] <= RANK[failOn])
}
