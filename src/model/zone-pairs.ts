/**
 * Zone-pair evaluation, written once for every zone-based firewall (Junos security policies, PAN-OS
 * security rules, IOS zone-based firewall): for each (from, to) zone pair, the policies that apply to
 * it, in order, through the ordered evaluator, ending in the pair's default action. A policy names its
 * zones; an empty list, or the vendor's wildcard name (`any` for Junos and PAN-OS), means every zone.
 */
import {type EvalResult, type EvalRule, evaluateList} from './evaluate.js'

export interface ZonePairOptions<P, M> {
  /** Zones known besides those the policies name (interfaces' zones). */
  zones: Iterable<string>
  /** Policies in evaluation order. */
  policies: readonly P[]
  zonesOf: (p: P) => {from: readonly string[]; to: readonly string[]}
  /** The evaluator rules of one policy for one pair (none: the policy does not apply there). */
  rulesFor: (p: P, from: string, to: string) => Array<EvalRule<M>>
  /** Every pair of known zones (a default permit, a global policy), not only the pairs policies name. */
  allPairs?: boolean
  /** The pair's default action (and the metadata of what an allow default exposes); default deny. */
  defaultFor?: (from: string, to: string) => {action: 'allow' | 'deny'; meta?: M}
  /** Record each pair's denies (EvalResult.denies), for the line that decides a blocked flow. */
  recordDenies?: boolean
  /** The zone name that means every zone (default `any`); null where the vendor has none (IOS ZBF: `any` is a zone like another). */
  wildcard?: string | null
}

/**
 * Zone pairs as (from, to) tuples. Zone names are config words and may hold any character (a NUL from a
 * damaged file included), so a pair is never a joined string that is split again.
 */
export class ZonePairMap<V> {
  private readonly byFrom = new Map<string, Map<string, V>>()

  get(from: string, to: string): V | undefined {
    return this.byFrom.get(from)?.get(to)
  }

  set(from: string, to: string, value: V): this {
    const inner = this.byFrom.get(from) ?? this.byFrom.set(from, new Map()).get(from)!
    inner.set(to, value)
    return this
  }

  /** Every pair, in code-unit order of from, then to. */
  sorted(): Array<[from: string, to: string, value: V]> {
    const out: Array<[string, string, V]> = []
    for (const from of [...this.byFrom.keys()].sort(byCodeUnit)) {
      const inner = this.byFrom.get(from)!
      for (const to of [...inner.keys()].sort(byCodeUnit)) out.push([from, to, inner.get(to)!])
    }
    return out
  }
}

const byCodeUnit = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

export interface ZonePairResult<M> extends EvalResult<M> {
  from: string
  to: string
}

/** Evaluate every zone pair, in code-unit order of (from, to). */
export function evaluateZonePairs<P, M>(options: ZonePairOptions<P, M>): Array<ZonePairResult<M>> {
  const {policies, zonesOf} = options
  const wildcard = options.wildcard === undefined ? 'any' : options.wildcard
  const anyZone = (zs: readonly string[]) => zs.length === 0 || (wildcard !== null && zs.includes(wildcard))
  const zones = new Set<string>(options.zones)
  for (const p of policies) {
    const z = zonesOf(p)
    for (const n of [...z.from, ...z.to]) if (n !== wildcard) zones.add(n)
  }
  const all = [...zones].sort(byCodeUnit)
  const pairs = new ZonePairMap<true>()
  if (options.allPairs) for (const a of all) for (const b of all) pairs.set(a, b, true)
  else
    for (const p of policies) {
      const z = zonesOf(p)
      for (const a of anyZone(z.from) ? all : z.from) for (const b of anyZone(z.to) ? all : z.to) pairs.set(a, b, true)
    }
  // policies indexed by source zone, so a pair walks only those that can apply to it
  const byFrom = new Map<string, number[]>()
  const anyFrom: number[] = []
  policies.forEach((p, i) => {
    const from = zonesOf(p).from
    if (anyZone(from)) anyFrom.push(i)
    else for (const z of new Set(from)) (byFrom.get(z) ?? byFrom.set(z, []).get(z)!).push(i)
  })
  const out: Array<ZonePairResult<M>> = []
  for (const [from, to] of pairs.sorted()) {
    const rules: Array<EvalRule<M>> = []
    policies: for (const i of mergeSorted(byFrom.get(from) ?? [], anyFrom)) {
      const p = policies[i]
      const z = zonesOf(p)
      if (!anyZone(z.to) && !z.to.includes(to)) continue
      for (const r of options.rulesFor(p, from, to)) {
        rules.push(r)
        // first match: nothing below a drop of all traffic is reached (a config pasted k times lists
        // its zone-pairs k times, each with its policy's rules); its denies are only wanted when recorded
        if (!options.recordDenies && dropsAll(r)) break policies
      }
    }
    const def = options.defaultFor?.(from, to) ?? {action: 'deny' as const}
    out.push({from, to, ...evaluateList(rules, def.action, def.meta, {recordDenies: options.recordDenies})})
  }
  return out
}

/** A rule that drops every packet whatever its conditions: no guard, understood, every box. */
function dropsAll<M>(r: EvalRule<M>): boolean {
  const b = r.match
  return r.action === 'deny' && !r.opaque && !r.guards?.length && b.from.isAny() && b.to.isAny() && b.protocols.isAll() && b.ports.isAll() && b.sourcePorts.isAll()
}

/** Two ascending index lists merged, without repeats. */
export function mergeSorted(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++]
    if (out[out.length - 1] !== x) out.push(x)
  }
  return out
}
