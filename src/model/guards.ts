/**
 * Conditions of a rule that the box algebra cannot express, as the ordered evaluator carries them:
 * the interface traffic enters or leaves by, a named set the parser could not expand, or any other
 * condition in words (conntrack state, App-ID, GCP target tags, FortiOS VIP matching). Typed here so
 * no parser encodes them into strings and decodes them back.
 */
export type Guard =
  /** Enters by this interface (vendor spelling; `!eth0` = not by eth0; nft lists as `a,b`). */
  | {in: string}
  /** Leaves by this interface. */
  | {out: string}
  /** Source or destination limited to a named set filled elsewhere (`!name` = not in it). */
  | {set: 'src' | 'dst'; name: string}
  /** Any other condition, in words. */
  | {cond: string}

/** The comparison key of a guard: two guards are the same condition when their keys are equal. */
export function guardKey(g: Guard): string {
  if ('in' in g) return `in=${g.in}`
  if ('out' in g) return `out=${g.out}`
  if ('set' in g) return `${g.set}-set=${g.name}`
  return `cond=${g.cond}`
}

/** The guard of a key made by guardKey (the evaluator compares keys and hands guards back). */
export function guardOfKey(key: string): Guard {
  const eq = key.indexOf('=')
  const k = key.slice(0, eq)
  const v = key.slice(eq + 1)
  if (k === 'in') return {in: v}
  if (k === 'out') return {out: v}
  if (k === 'src-set') return {set: 'src', name: v}
  if (k === 'dst-set') return {set: 'dst', name: v}
  return {cond: v}
}

/** What guards say about an exposure: the interfaces it is bound to and the sets it is limited to. */
export function guardFacts(guards: readonly Guard[]): {interfaces: {in?: string[]; out?: string[]}; fromSets: string[]; toSets: string[]; sets: Array<{side: 'src' | 'dst'; name: string}>; conditions: string[]} {
  const interfaces: {in?: string[]; out?: string[]} = {}
  const fromSets: string[] = []
  const toSets: string[] = []
  const sets: Array<{side: 'src' | 'dst'; name: string}> = []
  const conditions: string[] = []
  for (const g of guards) {
    if ('in' in g) (interfaces.in ??= []).push(g.in)
    else if ('out' in g) (interfaces.out ??= []).push(g.out)
    else if ('set' in g) {
      ;(g.set === 'src' ? fromSets : toSets).push(g.name)
      sets.push({side: g.set, name: g.name})
    } else conditions.push(g.cond)
  }
  return {interfaces, fromSets, toSets, sets, conditions}
}
