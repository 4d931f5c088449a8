/**
 * How sure a finding is, from the typed doubts of the exposures it stands on (model/doubts.ts). A
 * `narrower` doubt says the device may let less through than the exposure shows (a condition the
 * parser could not apply): the finding may be a false alarm. `dead` exposures open nothing and never
 * become findings; `broader` and `unknown` doubts do not lower confidence (the opening is at least
 * what is shown).
 */
import type {Exposure} from '../model/exposure.js'
import type {DiffInput, Finding} from './model.js'

export type Confidence = 'high' | 'medium' | 'low'

/** high: no narrower doubt; medium: narrower doubts of one code; low: of two codes or more. */
export function confidenceOf(doubts: ReadonlyArray<{code: string; effect: string}>): Confidence {
  const codes = new Set(doubts.filter((d) => d.effect === 'narrower').map((d) => d.code))
  return codes.size === 0 ? 'high' : codes.size === 1 ? 'medium' : 'low'
}

export function isDead(e: Exposure): boolean {
  return e.doubts?.some((d) => d.effect === 'dead') ?? false
}

/** The input without exposures a doubt marks dead: they open nothing. */
export function withoutDead(input: DiffInput): DiffInput {
  if (!input.live.some((l) => 'exposures' in l && l.exposures.some(isDead))) return input
  return {...input, live: input.live.map((l) => ('exposures' in l && l.exposures.some(isDead) ? {...l, exposures: l.exposures.filter((e) => !isDead(e))} : l))}
}

/** Set `confidence` on every finding that stands on exposures. */
export function rateFindings(findings: Finding[]): void {
  for (const f of findings) {
    const rows = f.exposures ?? (f.exposure ? [f.exposure] : [])
    if (rows.length) f.confidence = rows.some((r) => r.doubts?.length) ? confidenceOf(rows.flatMap((r) => r.doubts ?? [])) : 'high'
  }
}
