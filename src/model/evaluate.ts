/**
 * The shared ordered-rule evaluator (first match wins). Every parser whose format has ordered rules
 * feeds it chains of rules and gets back the effective permits: what a deny above an allow removes is
 * gone, a policy of allow exposes everything not dropped, jumps into user chains are followed.
 *
 * Conditions the box algebra cannot express (interfaces, zones, conntrack state, unknown matches)
 * travel as `guards`: a deny shadows an allow only when the deny's guards are a subset of the allow's
 * (a deny on eth0 does not remove an allow that applies on every interface: recall first). A rule
 * marked `opaque` (a condition the parser did not understand) never shadows anything.
 */
import {AddressSet} from '../net/address-set.js'
import {DestinationIndex} from '../net/destination-index.js'
import {ANY_BOX, type Box, mergeBoxes, narrowBox, overlapsBox, subtractBox} from '../net/match.js'
import {type Guard, guardKey, guardOfKey} from './guards.js'

export type {Guard} from './guards.js'

export type RuleAction = 'allow' | 'deny' | 'jump' | 'goto' | 'return'

export interface EvalRule<M> {
  match: Box
  action: RuleAction
  /** Target chain of jump/goto. */
  target?: string
  /** Conditions outside the box (enters by eth0, App-ID, a set), compared by guardKey. */
  guards?: readonly Guard[]
  /** A condition the parser did not understand: the rule never shadows others. */
  opaque?: boolean
  meta: M
}

export interface EvalChain<M> {
  name: string
  rules: Array<EvalRule<M>>
  /** Base chains have a policy; user chains return to their caller when they run out. */
  policy?: 'allow' | 'deny'
  /** Metadata for exposures that come from an allow policy. */
  policyMeta?: M
}

export interface Permit<M> {
  box: Box
  guards: readonly Guard[]
  /** guardKey of each guard, sorted: equal arrays = the same conditions. */
  guardKeys: readonly string[]
  meta: M
}

/** A problem of the rule graph: a jump to a chain that does not exist, or a loop not followed. */
export interface EvalWarning<M> {
  meta: M
  kind: 'unknown-target' | 'loop'
  reason: string
}

export interface EvalResult<M> {
  permits: Array<Permit<M>>
  /** Problems with the rule graph itself (loops, unknown targets), with the rule that caused them. */
  warnings: Array<EvalWarning<M>>
  /**
   * A chain was walked more than once (jumped to from two places): only then may one rule give permits
   * in two walks, which `pruneCovered` folds. False: each rule gave its permits in one walk.
   */
  revisited: boolean
  /**
   * With `recordDenies`: each deny as it applies in context, in evaluation order, then the policy of a
   * deny-policy chain that has `policyMeta` (what decides a blocked packet: the first that matches it).
   */
  denies?: Array<{box: Box; meta: M}>
}

/** Recorded denies at most (a blocked flow's deciding line is then the flow's own line). */
const MAX_RECORDED_DENIES = 20000

interface Drop {
  box: Box
  guards: readonly string[]
}

// inside the evaluator guards are their keys (string compare, sort); permits get the typed guards back
const keysOf = new WeakMap<readonly Guard[], readonly string[]>()
function ruleKeys(guards: readonly Guard[]): readonly string[] {
  let k = keysOf.get(guards)
  if (!k) keysOf.set(guards, (k = guards.map(guardKey)))
  return k
}
const guardsOf = new WeakMap<readonly string[], readonly Guard[]>()
let lastKeys: readonly string[] | undefined
let lastGuards: readonly Guard[] = []
function typedGuards(keys: readonly string[]): readonly Guard[] {
  // permits in a row mostly share one list of keys
  if (keys === lastKeys) return lastGuards
  let g = guardsOf.get(keys)
  if (!g) guardsOf.set(keys, (g = keys.map(guardOfKey)))
  lastKeys = keys
  lastGuards = g
  return g
}

const MAX_DEPTH = 64
// denies indexed by protocol: most rules name one protocol, so an allow only meets the denies that can overlap;
// within a protocol, by destination (see DestinationIndex: an allow to a few hosts meets the denies near them)
const PROTO_BUCKETS = 256
const dropIndex = () => new DestinationIndex<Drop>((d) => d.box.to)

class DropIndex {
  private readonly anyProto = dropIndex()
  /** Per protocol number, created with its first drop. */
  private readonly byProto: Array<DestinationIndex<Drop> | undefined> = new Array(PROTO_BUCKETS)
  /** Protocol numbers with drops, ascending (an any-protocol allow visits only these). */
  private readonly protosInUse: number[] = []
  /** Drops with an input-interface guard of their own (`in=eth0`): without any, no allow is split by interface. */
  interfaceBound = 0

  add(d: Drop): void {
    const p = d.box.protocols
    if (d.guards.some(boundToInterface)) this.interfaceBound++
    if (p.ranges.length === 2 && p.ranges[0] === p.ranges[1]) {
      const n = p.ranges[0]
      let index = this.byProto[n]
      if (!index) {
        this.byProto[n] = index = dropIndex()
        this.protosInUse.push(n)
        this.protosInUse.sort((a, b) => a - b)
      }
      index.add(d)
    } else this.anyProto.add(d)
  }

  /** Candidate drops for a box: any-protocol drops, then each protocol's, each in insertion order. */
  candidates(b: Box): readonly Drop[] {
    const any = this.anyProto.candidates(b.to)
    const p = b.protocols
    // the usual allow names one protocol
    if (p.ranges.length === 2 && p.ranges[0] === p.ranges[1]) {
      const own = this.byProto[p.ranges[0]]?.candidates(b.to)
      return !own?.length ? any : any.length ? [...any, ...own] : own
    }
    const out = [...any]
    const protos = p.size() > this.protosInUse.length ? this.protosInUse : p.values()
    for (const n of protos) {
      const own = this.byProto[n]
      if (own) for (const d of own.candidates(b.to)) out.push(d)
    }
    return out
  }
}

/** A guard that binds a drop to one input interface (what narrowByInterface splits an allow by). */
const boundToInterface = (g: string) => g.startsWith('in=') && !g.startsWith('in=!') && !g.includes(',')

function subset(a: readonly string[], b: readonly string[]): boolean {
  for (const x of a) if (!b.includes(x)) return false
  return true
}

/** The drop covers `b` in every dimension but the source: subtracting it only narrows `b.from`. */
function cutsSourceOnly(b: Box, d: Box): boolean {
  return d.protocols.covers(b.protocols) && d.ports.covers(b.ports) && d.sourcePorts.covers(b.sourcePorts) && d.to.covers(b.to)
}

/**
 * A drop that cuts only sources whatever it meets: no guard, every protocol and port, every destination
 * of a family (so the destination index files it where every query finds it).
 */
function plain(d: Drop): boolean {
  const b = d.box
  return d.guards.length === 0 && b.protocols.isAll() && b.ports.isAll() && b.sourcePorts.isAll() && (b.to.isAny() || (b.to.isAny4() && b.to.v6.length === 0) || (b.to.isAny6() && b.to.v4.length === 0))
}

interface PlainRun {
  /** The run is drops[0 .. length), ending with `last`. */
  length: number
  last: Drop
  /** Their sources, and the destinations all of them cover. */
  from: AddressSet
  to: AddressSet
}

// keyed by a list's first drop: the leading plain drops and the union of their sources
const plainRuns = new WeakMap<Drop, PlainRun>()

/**
 * The plain drops that open `drops`, remembered across allows: a blocklist above N allows was unioned
 * once per allow (N² range operations). A list of drops only grows at its end and keeps insertion
 * order (the evaluator's lists, the index's candidates), and every candidate list of an evaluation holds
 * every plain drop; so a list whose first drop and run.length-th drop are the run's holds that run.
 */
function plainRun(drops: readonly Drop[]): PlainRun | undefined {
  const first = drops[0]
  if (first === undefined || !plain(first)) return undefined
  let run = plainRuns.get(first)
  if (run && (drops.length < run.length || drops[run.length - 1] !== run.last)) run = undefined
  let end = run ? run.length : 0
  while (end < drops.length && plain(drops[end])) end++
  if (run && end === run.length) return run
  const added = drops.slice(run ? run.length : 0, end)
  let to = run ? run.to : added[0].box.to
  for (const d of added) if (d.box.to !== to) to = to.intersect(d.box.to)
  run = {length: end, last: drops[end - 1], from: AddressSet.unionAll([...(run ? [run.from] : []), ...added.map((d) => d.box.from)]), to}
  plainRuns.set(first, run)
  return run
}

function minus(boxes: Box[], drops: readonly Drop[], guards: readonly string[]): Box[] {
  let cur = boxes
  // A blocklist (thousands of `-s x -j DROP` above an allow) cuts only the source of the one box left:
  // those sources are subtracted at once (the same set as one by one, without a copy of the growing
  // source set per drop, which made blocklists quadratic).
  let sources: AddressSet[] = []
  // the plain drops that open the list: their union is remembered across allows
  let start = 0
  const run = cur.length === 1 && drops.length > 1 ? plainRun(drops) : undefined
  if (run && run.to.covers(cur[0].to)) {
    start = run.length
    if (cur[0].from.overlaps(run.from)) {
      if (run.from.covers(cur[0].from)) return []
      sources.push(run.from)
    }
  }
  const flush = () => {
    if (sources.length === 0) return
    const from = cur[0].from.subtract(AddressSet.unionAll(sources))
    cur = from.isEmpty() ? [] : [from === cur[0].from ? cur[0] : {from, to: cur[0].to, protocols: cur[0].protocols, ports: cur[0].ports, sourcePorts: cur[0].sourcePorts}]
    sources = []
  }
  for (let k = start; k < drops.length; k++) {
    const d = drops[k]
    if (cur.length === 0) break
    if (!subset(d.guards, guards)) continue
    if (cur.length === 1 && cutsSourceOnly(cur[0], d.box)) {
      // a drop of every source left (a class-default drop, `deny ip any any`) ends the walk: nothing is
      // left whatever follows (N allows below N such drops walked every drop each)
      if (cur[0].from.overlaps(d.box.from)) {
        if (d.box.from.covers(cur[0].from)) return []
        sources.push(d.box.from)
      }
      continue
    }
    flush()
    if (cur.length === 0) break
    let next: Box[] | null = null
    for (let i = 0; i < cur.length; i++) {
      const b = cur[i]
      if (!overlapsBox(b, d.box)) {
        next?.push(b)
        continue
      }
      if (!next) next = cur.slice(0, i)
      next.push(...subtractBox(b, d.box))
    }
    if (next) cur = next
  }
  flush()
  return cur
}

export interface EvalOptions {
  /** Record the denies (EvalResult.denies), for the line that decides a blocked flow. */
  recordDenies?: boolean
  /**
   * Recall first for conditional exits: a `return`/`goto` that carries guards of its own or is opaque
   * (`-i eth0 -j RETURN`, `-m addrtype --dst-type LOCAL -j RETURN`, a rate-limited RETURN) lets what it
   * matches skip the rest of its chain under a condition the box cannot hold. With this option the denies
   * that follow it in the same chain do not shadow that traffic (instead of shadowing it everywhere).
   */
  conditionalExitsExempt?: boolean
  /**
   * Netfilter: a deny limited to one input interface (`-i eth0 -j DROP`) narrows an allow that names no
   * input interface exactly for that ingress: the allow is split into `in=eth0` (minus the deny) and
   * `in=!eth0` (whole). Up to MAX_SPLIT interfaces per allow; beyond that the allow stays whole (recall).
   */
  narrowByInterface?: boolean
}

const MAX_SPLIT = 8

/** Denies that apply to an allow with `guards` once it enters by one interface: `in=<name>` → denies. */
function interfaceDrops(boxes: Box[], drops: DropIndex, guards: readonly string[]): Map<string, Drop[]> {
  const out = new Map<string, Drop[]>()
  const seen = new Set<Drop>()
  for (const b of boxes) {
    for (const d of drops.candidates(b)) {
      if (seen.has(d)) continue
      seen.add(d)
      const extra = d.guards.filter((g) => !guards.includes(g))
      if (extra.length !== 1 || !extra[0].startsWith('in=') || extra[0].startsWith('in=!') || extra[0].includes(',')) continue
      if (!boxes.some((x) => overlapsBox(x, d.box))) continue
      const list = out.get(extra[0])
      if (list) list.push(d)
      else out.set(extra[0], [d])
    }
  }
  return out
}

/**
 * Evaluate `entry` (a base chain) of `chains`. Returns permits in rule order.
 */
/**
 * The chains by name, as the evaluator looks them up (a Map is one): only `get`, so a parser may make
 * a chain when the walk first reaches it, while its rules are still in cache.
 */
export interface ChainLookup<M> {
  get(name: string): EvalChain<M> | undefined
}

export function evaluateChains<M>(chains: ChainLookup<M>, entry: string, options: EvalOptions = {}): EvalResult<M> {
  const permits: Array<Permit<M>> = []
  const warnings: Array<EvalWarning<M>> = []
  const drops = new DropIndex()
  const denies: Array<{box: Box; meta: M}> | undefined = options.recordDenies ? [] : undefined
  const record = (boxes: Box[], meta: M) => {
    if (denies) for (const box of boxes) if (denies.length < MAX_RECORDED_DENIES) denies.push({box, meta})
  }
  const base = chains.get(entry)
  if (!base) return {permits, warnings, revisited: false, ...(denies ? {denies} : {})}
  const walked = new Set<EvalChain<M>>()
  let revisited = false

  const emit = (boxes: Box[], guards: readonly string[], meta: M) => {
    let remaining: Box[] = []
    // a loop, not push(...): an allow cut by many denies may leave more pieces than the stack holds arguments
    for (const b of boxes) {
      const near = drops.candidates(b)
      if (near.length === 0) remaining.push(b)
      else for (const piece of minus([b], near, guards)) remaining.push(piece)
    }
    remaining = mergeBoxes(remaining)
    if (options.narrowByInterface && drops.interfaceBound && remaining.length && !guards.some((g) => g.startsWith('in='))) {
      const byInterface = interfaceDrops(remaining, drops, guards)
      if (byInterface.size && byInterface.size <= MAX_SPLIT) {
        for (const [iface, list] of [...byInterface].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
          const g = [...guards, iface].sort()
          for (const b of mergeBoxes(minus(remaining, list, g))) permits.push({box: b, guards: typedGuards(g), guardKeys: g, meta})
        }
        const rest = [...guards, ...[...byInterface.keys()].map((k) => `in=!${k.slice(3)}`)].sort()
        for (const b of remaining) permits.push({box: b, guards: typedGuards(rest), guardKeys: rest, meta})
        return
      }
    }
    for (const b of remaining) permits.push({box: b, guards: typedGuards(guards), guardKeys: guards, meta})
  }

  // Walk a chain under a context (the traffic that reached it, and the guards collected on the way).
  // Returns nothing: permits and drops accumulate; `returned` is local to each invocation.
  const walk = (chain: EvalChain<M>, context: Box[], guards: readonly string[], stack: string[], inherited: readonly Drop[] = []) => {
    if (walked.has(chain)) revisited = true
    else walked.add(chain)
    const returned: Drop[] = []
    // what a goto target accepted: netfilter gives the rest of it to this chain's policy (base chains)
    const decided: Drop[] = []
    // conditional exits (see EvalOptions): carved out of the later denies of this chain and of the chains
    // it jumps to (a drop in a user chain jumped to below the exit is one of those later denies)
    const exempt: Drop[] = [...inherited]
    for (const rule of chain.rules) {
      let pieces: Box[] = []
      for (const c of context) {
        const i = narrowBox(c, rule.match)
        if (i) pieces.push(i)
      }
      if (pieces.length === 0) continue
      if (returned.length) pieces = minus(pieces, returned, guards)
      if (pieces.length === 0) continue
      const g = rule.guards?.length ? [...new Set([...guards, ...ruleKeys(rule.guards)])].sort() : guards
      switch (rule.action) {
        case 'allow':
          emit(pieces, g, rule.meta)
          break
        case 'deny':
          if (!rule.opaque) for (const b of exempt.length ? minus(pieces, exempt, g) : pieces) drops.add({box: b, guards: g})
          if (!rule.opaque) record(pieces, rule.meta)
          break
        case 'return':
          if (!rule.opaque) for (const b of pieces) returned.push({box: b, guards: g})
          if (options.conditionalExitsExempt && (rule.opaque || g.length > guards.length)) for (const b of pieces) exempt.push({box: b, guards: []})
          break
        case 'jump':
        case 'goto': {
          const target = rule.target ? chains.get(rule.target) : undefined
          if (!target) {
            warnings.push({meta: rule.meta, kind: 'unknown-target', reason: `jump to unknown chain '${rule.target ?? ''}'`})
            break
          }
          if (stack.includes(target.name) || stack.length >= MAX_DEPTH) {
            warnings.push({meta: rule.meta, kind: 'loop', reason: `jump loop through chain '${target.name}' not followed`})
            break
          }
          const before = permits.length
          walk(target, pieces, g, [...stack, target.name], exempt)
          if (rule.action === 'goto' && chain.policy) for (const p of permits.slice(before)) decided.push({box: p.box, guards: p.guardKeys})
          // goto does not come back: what it matched is decided by the target (or the base policy)
          if (rule.action === 'goto' && !rule.opaque) for (const b of pieces) returned.push({box: b, guards: g})
          if (rule.action === 'goto' && options.conditionalExitsExempt && (rule.opaque || g.length > guards.length)) for (const b of pieces) exempt.push({box: b, guards: []})
          break
        }
      }
    }
    if (chain.policy === 'allow' && chain.policyMeta !== undefined) {
      // netfilter: a return in a base chain, and a goto target that ends without a verdict, fall to the
      // base chain's policy (only what the goto target accepted is already decided)
      const rest = decided.length ? minus(context, decided, guards) : context
      if (rest.length) emit(rest, guards, chain.policyMeta)
    } else if (chain.policy === 'deny' && chain.policyMeta !== undefined) record(context, chain.policyMeta)
  }

  walk(base, [ANY_BOX], [], [base.name])
  return {permits, warnings, revisited, ...(denies ? {denies} : {})}
}

/** Convenience for formats with a single ordered list and a default action (cloud ACLs, zone policies). */
export function evaluateList<M>(rules: Array<EvalRule<M>>, policy: 'allow' | 'deny' = 'deny', policyMeta?: M, options: EvalOptions = {}): EvalResult<M> {
  return evaluateChains(new Map([['main', {name: 'main', rules, policy, policyMeta}]]), 'main', options)
}
