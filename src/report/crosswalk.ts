/**
 * Framework crosswalk of the diff's finding kinds (the readiness checks carry theirs in their own
 * metadata). A policy pack's `crosswalk:` adds ids to either, keyed by check id or finding rule.
 */
import {FINDING_KINDS, type FindingRule} from '../diff/kinds.js'
import {compareIds, type Crosswalk, type FrameworkId, FRAMEWORKS, mergeCrosswalk, sectionOf} from '../readiness/frameworks.js'
import type {ReadinessPolicy} from '../policy/pack.js'
import type {CheckStatus, Evidence} from '../readiness/types.js'

/** Each finding kind's own crosswalk (its row in src/diff/kinds.ts). */
export const RULE_CROSSWALK: Record<FindingRule, Crosswalk> = Object.fromEntries(FINDING_KINDS.map((k) => [k.id, k.frameworks])) as unknown as Record<FindingRule, Crosswalk>

/** The crosswalk of a check id or finding rule, with the policy's additions. */
export function crosswalkOf(key: string, base: Crosswalk | undefined, extra?: Record<string, Crosswalk>): Crosswalk {
  return mergeCrosswalk(base, extra?.[key])
}

export function ruleCrosswalk(rule: FindingRule, extra?: Record<string, Crosswalk>): Crosswalk {
  return crosswalkOf(rule, RULE_CROSSWALK[rule], extra)
}

export type RequirementStatus = 'pass' | 'fail' | 'warn' | 'not-applicable' | 'not-covered'

export interface RequirementResult {
  id: string
  section: string | null
  summary: string
  status: RequirementStatus
  /** Why the policy's threshold is weaker than the requirement (the check may pass while the requirement does not). */
  weaker?: string
  checks: Array<{id: string; status: CheckStatus; summary: string; findings: Evidence[]}>
  /** Live-diff findings of the finding kinds mapped here (unsuppressed). */
  findings: Array<{id: string; rule: string; severity: string; message: string; file?: string; line?: number}>
}

export interface FrameworkView {
  id: FrameworkId
  name: string
  sections: string[]
  counts: Record<RequirementStatus, number>
  requirements: RequirementResult[]
}

interface CheckLike {
  id: string
  status: CheckStatus
  summary: string
  findings: Evidence[]
  crosswalk: Crosswalk
}

/**
 * The results by requirement of one framework: every requirement of its listed sections (those no check
 * or finding kind maps to are "not covered by this tool"), then any mapped requirement outside them.
 */
export function frameworkView(
  fwId: FrameworkId,
  checks: CheckLike[],
  diff: {findings: Array<{id: string; rule: FindingRule; severity: string; message: string; file?: string; line?: number; suppressed: boolean}>} | undefined,
  policy: {readiness: ReadinessPolicy; crosswalk: Record<string, Crosswalk>; recert: {cadence_days: number}},
): FrameworkView {
  const fw = FRAMEWORKS[fwId]
  const known = new Map(fw.requirements.map((r) => [r.id, r]))
  const ids = new Set(fw.requirements.filter((r) => sectionOf(fw, r.id)).map((r) => r.id))
  for (const c of checks) for (const id of c.crosswalk[fwId] ?? []) ids.add(id)
  const rules = Object.keys(RULE_CROSSWALK) as FindingRule[]
  const ruleWalk = new Map(rules.map((r) => [r, ruleCrosswalk(r, policy.crosswalk)]))
  for (const w of ruleWalk.values()) for (const id of w[fwId] ?? []) ids.add(id)
  const requirements: RequirementResult[] = []
  for (const id of [...ids].sort(compareIds)) {
    const req = known.get(id)
    const covering = checks.filter((c) => c.crosswalk[fwId]?.includes(id))
    const mappedRules = rules.filter((r) => ruleWalk.get(r)![fwId]?.includes(id))
    const findings = diff ? diff.findings.filter((f) => !f.suppressed && mappedRules.includes(f.rule)).map((f) => ({id: f.id, rule: f.rule, severity: f.severity, message: f.message, ...(f.file ? {file: f.file, line: f.line} : {})})) : []
    let status: RequirementStatus
    if (covering.length === 0 && (mappedRules.length === 0 || !diff)) status = 'not-covered'
    else if (findings.length || covering.some((c) => c.status === 'fail')) status = 'fail'
    else if (covering.some((c) => c.status === 'warn')) status = 'warn'
    else if (covering.length && covering.every((c) => c.status === 'not-applicable') && !mappedRules.length) status = 'not-applicable'
    else status = 'pass'
    const weaker = status === 'not-covered' ? undefined : req?.weaker?.(policy.readiness, policy.recert.cadence_days)
    requirements.push({
      id,
      section: sectionOf(fw, id) ?? null,
      summary: req?.summary ?? '(mapped by the policy pack)',
      status,
      ...(weaker ? {weaker} : {}),
      checks: covering.map((c) => ({id: c.id, status: c.status, summary: c.summary, findings: c.findings})),
      findings,
    })
  }
  const counts: Record<RequirementStatus, number> = {pass: 0, fail: 0, warn: 0, 'not-applicable': 0, 'not-covered': 0}
  for (const r of requirements) counts[r.status]++
  return {id: fw.id, name: fw.name, sections: fw.sections, counts, requirements}
}
