/** Small helpers shared by checks: dated evidence and outcomes. */
import type {CheckContext, CheckOutcome, Evidence} from './types.js'
import {ageDays, isoDay, parseDate} from './dates.js'

export function at(ctx: CheckContext, entry: object, field: string | undefined, message: string): Evidence {
  return {message, ...ctx.locate(entry, field)}
}

export type Freshness = {kind: 'missing'} | {kind: 'future'; date: Date} | {kind: 'stale'; date: Date; age: number} | {kind: 'fresh'; date: Date; age: number}

/** Is a date field present, not in the future, and within maxDays of asOf? */
export function freshness(value: unknown, maxDays: number, asOf: Date): Freshness {
  const d = parseDate(value)
  if (!d) return {kind: 'missing'}
  const age = ageDays(d, asOf)
  if (age < 0) return {kind: 'future', date: d}
  return age > maxDays ? {kind: 'stale', date: d, age} : {kind: 'fresh', date: d, age}
}

/** Evidence for a date that is missing, in the future or too old; undefined when fresh. */
export function dateProblem(ctx: CheckContext, entry: object, field: string, label: string, maxDays: number): Evidence | undefined {
  const f = freshness(dig(entry, field), maxDays, ctx.asOf)
  switch (f.kind) {
    case 'missing':
      return at(ctx, entry, undefined, `${label}: no ${field} date recorded`)
    case 'future':
      return at(ctx, entry, field, `${label}: ${field} ${isoDay(f.date)} is in the future`)
    case 'stale':
      return at(ctx, entry, field, `${label}: ${field} ${isoDay(f.date)} is ${f.age} days old (policy: at most ${maxDays})`)
    default:
      return undefined
  }
}

export function dig(entry: object, path: string): unknown {
  let cur: unknown = entry
  for (const k of path.split('.')) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[k] : undefined
  return cur
}

export function outcome(findings: Evidence[], pass: string, fail: (n: number) => string, status: 'fail' | 'warn' = 'fail'): CheckOutcome {
  return findings.length ? {status, summary: fail(findings.length), findings} : {status: 'pass', summary: pass, findings: []}
}

export function notApplicable(summary: string): CheckOutcome {
  return {status: 'not-applicable', summary, findings: []}
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}
