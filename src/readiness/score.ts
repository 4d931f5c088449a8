/**
 * Scoring: each applicable check weighs by its severity (policy `scoring.weights`); pass earns its
 * weight, warn `warn_credit` of it, fail nothing. Score = earned / possible × 100, rounded down, per
 * section and overall; not-applicable checks do not count.
 */
import type {ScoringPolicy} from '../policy/pack.js'
import type {CheckStatus, Section, Severity} from './types.js'

export interface Scored {
  section: Section
  severity: Severity
  status: CheckStatus
}

export interface ScoreBreakdown {
  score: number
  possible: number
  earned: number
}

export function scoreOf(checks: readonly Scored[], policy: ScoringPolicy): ScoreBreakdown {
  let possible = 0
  let earned = 0
  for (const c of checks) {
    if (c.status === 'not-applicable') continue
    const w = policy.weights[c.severity] ?? 0
    possible += w
    if (c.status === 'pass') earned += w
    else if (c.status === 'warn') earned += w * policy.warn_credit
  }
  // integer arithmetic on the rounded ratio keeps the score stable across platforms
  const score = possible === 0 ? 100 : Math.floor((earned * 100) / possible + 1e-9)
  return {score, possible, earned}
}

export function sectionScores(checks: readonly Scored[], policy: ScoringPolicy): Record<string, ScoreBreakdown> {
  const out: Record<string, ScoreBreakdown> = {}
  const sections = [...new Set(checks.map((c) => c.section))]
  for (const s of sections) out[s] = scoreOf(checks.filter((c) => c.section === s), policy)
  return out
}
