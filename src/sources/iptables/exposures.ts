/**
 * IptRuleset → Exposure[]. Each hook is one walk of the shared evaluator through the tables a packet
 * meets in kernel order (raw → mangle → nat/filter): a DROP in raw or mangle removes traffic before the
 * filter sees it; an ACCEPT there only ends that table, so it reads as RETURN.
 */
import type {NetfilterHook} from '../../model/device.js'
import type {Denial, Exposure, ExposureKind, Direction} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import type {Family} from '../../net/ip.js'
import {ANY_BOX, type Box, intersectBox} from '../../net/match.js'
import {type EvalChain, type EvalRule, evaluateChains, type Guard} from '../../model/evaluate.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import type {Doubt, Unparsed, UnparsedCode} from '../types.js'
import {type IptChain, type IptRule, type IptRuleset, type IptTable, RuleFlag} from './model.js'
import {composeNetfilterNat} from './nat-check.js'
import {pruneCovered} from './permits.js'
import {NON_TERMINATING, VERDICTS} from './options.js'
import {netfilterExposure} from '../netfilter-common.js'

/**
 * What a permit, deny or warning comes from: the rule itself (named when its chain is converted: no
 * object of its own per rule), or a chain's policy or the walk's root. Kind and direction are the hook's.
 */
type Meta = IptRule | PolicyMeta

interface PolicyMeta {
  policy: true
  name: string
  line: number
  text?: string
}

const ruleOf = (m: Meta): IptRule | undefined => ('policy' in m ? undefined : m)
const policyMeta = (name: string, line: number, text?: string): PolicyMeta => ({policy: true, name, line, text})

type Mode = 'filter' | 'pre' | 'nat'

interface Hook {
  /** Final table and chain: whose ACCEPT (or DNAT) is an exposure. */
  table: 'filter' | 'nat' | 'mangle'
  chain: string
  /** Tables walked before it, in kernel order. */
  before: Array<[string, string]>
  kind: ExposureKind
  direction: Direction
  /** Only walked when the family has no filter table at all (then the kernel's filter accepts everything). */
  withoutFilter?: boolean
}

const NO_FILTER_NOTE = note('vendor-default', 'no filter table in this dump: the kernel accepts what mangle PREROUTING lets through')

const HOOKS: Hook[] = [
  {table: 'filter', chain: 'INPUT', before: [['raw', 'PREROUTING'], ['mangle', 'PREROUTING'], ['mangle', 'INPUT']], kind: 'filter', direction: 'inbound'},
  {table: 'filter', chain: 'FORWARD', before: [['raw', 'PREROUTING'], ['mangle', 'PREROUTING'], ['mangle', 'FORWARD']], kind: 'filter', direction: 'inbound'},
  {table: 'filter', chain: 'OUTPUT', before: [['raw', 'OUTPUT'], ['mangle', 'OUTPUT']], kind: 'filter', direction: 'outbound'},
  {table: 'nat', chain: 'PREROUTING', before: [['raw', 'PREROUTING'], ['mangle', 'PREROUTING']], kind: 'nat-forward', direction: 'inbound'},
  // dumps used as host filters through mangle alone (Batfish's convention): its verdicts decide
  {table: 'mangle', chain: 'PREROUTING', before: [['raw', 'PREROUTING']], kind: 'filter', direction: 'inbound', withoutFilter: true},
]

const HOOK_OF: Record<string, NetfilterHook> = {INPUT: 'input', FORWARD: 'forward', OUTPUT: 'output', PREROUTING: 'prerouting'}

const LOOPBACK: Record<Family, AddressSet> = {4: AddressSet.of('127.0.0.0/8'), 6: AddressSet.of('::1/128')}
const FAMILY_ANY: Record<Family, AddressSet> = {4: AddressSet.ANY4, 6: AddressSet.ANY6}

/** `INPUT#3`, `nat PREROUTING#1 "web"`: `prefix` is the chain's part (`nat PREROUTING#`). */
function ruleName(prefix: string, index: number, comment?: string): string {
  // joined, not concatenated: one flat string, not a rope of four (each exposure keeps its name)
  return comment ? [prefix, index, ' "', comment, '"'].join('') : prefix + index
}

/** `s` within the family's addresses: a set of that family alone (most rules) is its own scope. */
function inFamily(s: AddressSet, family: Family): AddressSet {
  if (s === AddressSet.ANY) return FAMILY_ANY[family]
  return s.hasFamily(family === 4 ? 6 : 4) ? s.intersect(FAMILY_ANY[family]) : s
}

function ruleBox(r: IptRule, family: Family): Box {
  // `-i lo`: iptables does not check addresses, but only the host's own loopback traffic arrives there
  if (r.flags & RuleFlag.Loopback) {
    const scope = LOOPBACK[family]
    return {from: r.from.intersect(scope), to: r.to.intersect(scope), protocols: r.protocols, ports: r.ports, sourcePorts: r.sourcePorts}
  }
  const from = inFamily(r.from, family)
  const to = inFamily(r.to, family)
  // the rule holds the five dimensions itself: within its family (nearly every rule) it is its own box,
  // one object fewer per rule for the whole walk
  return from === r.from && to === r.to ? r : {from, to, protocols: r.protocols, ports: r.ports, sourcePorts: r.sourcePorts}
}

/** A box as its five dimensions alone (a rule used as its own box carries its other fields). */
const plainBox = (b: Box): Box => ({from: b.from, to: b.to, protocols: b.protocols, ports: b.ports, sourcePorts: b.sourcePorts})

/**
 * What a user chain may ACCEPT: the boxes of its ACCEPT rules (a superset of what it really accepts),
 * or the whole box when it jumps further (we do not chase accepts through several levels).
 */
function acceptedInside(table: IptTable, name: string): Array<{match: Box; guards: readonly Guard[]}> | null {
  const out: Array<{match: Box; guards: readonly Guard[]}> = []
  for (const r of table.chains.get(name)?.rules ?? []) {
    if (r.target && table.chains.has(r.target)) return [{match: ANY_BOX, guards: []}]
    if (r.target === 'ACCEPT' && !(r.flags & RuleFlag.OldTraffic)) out.push({match: ruleBox(r, table.family), guards: r.guards})
  }
  return out.length ? out : null
}

/** What a rule's target does in a chain walked in `mode`: an evaluator action, or nothing (no verdict here). */
function actionOf(t: string, mode: Mode): EvalRule<Meta>['action'] | 'queue' | 'unknown' | undefined {
  switch (t) {
    // raw/mangle ACCEPT ends that table only; nat ACCEPT ends NAT lookups: no translation follows
    case 'ACCEPT': return mode === 'filter' ? 'allow' : mode === 'pre' ? 'return' : 'deny'
    case 'DROP': case 'REJECT': return mode !== 'nat' ? 'deny' : undefined
    case 'RETURN': return 'return'
    case 'NFQUEUE': case 'QUEUE': return mode === 'filter' ? 'queue' : undefined
    case 'DNAT': case 'REDIRECT': return mode === 'nat' ? 'allow' : undefined
    // non-terminating, or NAT/mangle targets outside their table: no verdict here
    default: return NON_TERMINATING.has(t) || VERDICTS.has(t) ? undefined : 'unknown'
  }
}

/**
 * A chain as the evaluator walks it. Its rules are made as the walk reads them (a generator, again for a
 * chain walked twice): each dies young instead of living, one object per rule, until the hook is done.
 * `walked` is called once the walk has read them all (their warnings given).
 */
function convertChain(table: IptTable, c: IptChain, mode: Mode, base: boolean, warn: (r: IptRule, reason: string) => void, walked: () => void): EvalChain<Meta> {
  const chain: EvalChain<Meta> = {name: `${table.name}/${c.name}`, rules: {[Symbol.iterator]: () => evalRules(table, c, mode, base, warn, walked)}}
  if (base && c.policy === 'ACCEPT' && mode === 'filter') {
    chain.policy = 'allow'
    chain.policyMeta = policyMeta(`${c.name} policy ACCEPT`, c.policyLine ?? 0, c.policyText)
  }
  // the DROP policy decides what nothing accepted (critical-flow-blocked points at its line)
  if (base && c.policy === 'DROP' && mode === 'filter') {
    chain.policy = 'deny'
    chain.policyMeta = policyMeta(`${c.name} policy DROP`, c.policyLine ?? 0, c.policyText)
  }
  return chain
}

function* evalRules(table: IptTable, c: IptChain, mode: Mode, base: boolean, warn: (r: IptRule, reason: string) => void, walked: () => void): Generator<EvalRule<Meta>> {
  const family = table.family
  const prefix = `${table.name === 'filter' ? '' : `${table.name} `}${c.name}#`
  for (let i = 0; i < c.rules.length; i++) {
    const r = c.rules[i]
    const t = r.target
    // ESTABLISHED/RELATED/INVALID-only rules never see a new connection: no access, no shadow
    if (r.flags & RuleFlag.OldTraffic || t === undefined) continue
    const user = table.chains.has(t)
    const action = user ? (r.flags & RuleFlag.Goto ? 'goto' : 'jump') : actionOf(t, mode)
    if (action === undefined) continue
    if (action === 'unknown') {
      warn(r, unknownTarget(t))
      continue
    }
    // a chain converted again (another hook) names its rules as before
    if (!r.name) r.name = ruleName(prefix, i + 1, r.comment)
    const meta = r
    const match = ruleBox(r, family)
    if (action === 'queue') {
      // toExposure notes the userspace verdict by the target
      yield {match, action: 'allow', target: undefined, guards: r.guards, opaque: undefined, meta}
      continue
    }
    const opaque = action !== 'allow' && (r.flags & (RuleFlag.Unknown | RuleFlag.RateLimited)) !== 0
    yield {match, action, target: user ? `${table.name}/${t}` : undefined, guards: r.guards, opaque, meta}
    // raw/mangle: an ACCEPT inside the user chain ends the whole table for that packet, which a
    // return to this chain cannot say; keep what went in there out of this chain's later DROPs
    if (user && mode === 'pre' && !(r.flags & RuleFlag.Goto)) {
      for (const b of acceptedInside(table, t) ?? []) {
        const inside = intersectBox(match, b.match)
        if (inside) yield {match: inside, action: 'return', guards: [...r.guards, ...b.guards], opaque: true, meta}
      }
    }
  }
  if (base && c.policy === 'DROP' && mode === 'pre') {
    yield {match: ANY_BOX, action: 'deny', meta: policyMeta(`${table.name} ${c.name} policy DROP`, c.policyLine ?? 0)}
  }
  walked()
}

const HANDLED = new Set(['ACCEPT', 'DROP', 'REJECT', 'RETURN', 'NFQUEUE', 'QUEUE', 'DNAT', 'REDIRECT'])
/** A rule-graph warning's code: a target that names nothing defined, or a jump the evaluator does not follow. */
const unknownTarget = (t: string) => `jump to unknown chain or target '${t}' (read as non-terminating)`

/** The warnings convertChain gives, for a chain no hook's walk reads. */
function warnUnreached(table: IptTable, c: IptChain, warn: (r: IptRule, reason: string) => void): void {
  for (const r of c.rules) {
    const t = r.target
    if (r.flags & RuleFlag.OldTraffic || t === undefined || table.chains.has(t) || HANDLED.has(t) || NON_TERMINATING.has(t) || VERDICTS.has(t)) continue
    warn(r, unknownTarget(t))
  }
}

const LOOPBACK_NOTE = note('loopback-only', 'loopback')
const ROOT_META = policyMeta('root', 0)

/** One permit as an exposure; the lists it does not need (most permits: no guard, no doubt) are not made. */
function toExposure(box: Box, guards: readonly Guard[], meta: Meta, hook: Hook): Exposure {
  const r = ruleOf(meta)
  let doubts: DoubtNote[] | undefined = r?.doubts.length ? [...r.doubts] : undefined
  let interfaces: {in?: string[]; out?: string[]} | undefined
  let fromSets: string[] | undefined
  let toSets: string[] | undefined
  for (const g of guards) {
    if ('in' in g) ((interfaces ??= {}).in ??= []).push(g.in)
    else if ('out' in g) ((interfaces ??= {}).out ??= []).push(g.out)
    else if ('set' in g) {
      if (g.set === 'src') (fromSets ??= []).push(g.name)
      else (toSets ??= []).push(g.name)
      ;(doubts ??= []).push(note('unexpanded-set', `${g.set === 'src' ? 'source' : 'destination'} limited to ipset ${g.name} (not expanded)`))
    } else (doubts ??= []).push(note('conditional', `only when ${g.cond}`))
  }
  if (r && r.flags & RuleFlag.Loopback) (doubts ??= []).push(LOOPBACK_NOTE)
  // an allow that is no plain ACCEPT: only a queue target's permits carry it (evalRules)
  if (r && (r.target === 'NFQUEUE' || r.target === 'QUEUE')) (doubts ??= []).push(note('conditional', `verdict decided in userspace (${r.target})`))
  if (hook.withoutFilter) (doubts ??= []).push(NO_FILTER_NOTE)
  const h = HOOK_OF[hook.chain]
  return netfilterExposure({
    kind: hook.kind, direction: hook.direction, box, line: meta.line, rule: meta.name, text: meta.text,
    translated: hook.kind === 'nat-forward' ? r?.nat : undefined, interfaces, fromSets, toSets, doubts, hook: h,
    // INPUT reaches the host itself; FORWARD and PREROUTING pass through it
    hostLocal: h === 'input',
  })
}

/**
 * Where the ruleset's NATs may take traffic from or send it to (at least composeNat's `near`): the own
 * and translated destinations of every DNAT and REDIRECT of a nat table. Undefined without any.
 */
function natDestinations(ruleset: IptRuleset): AddressSet | undefined {
  const sets: AddressSet[] = []
  for (const t of ruleset.values()) {
    if (t.name !== 'nat') continue
    for (const c of t.chains.values()) for (const r of c.rules) if (r.target === 'DNAT' || r.target === 'REDIRECT') sets.push(r.to, r.nat?.to ?? r.to)
  }
  return sets.length ? AddressSet.unionAll(sets) : undefined
}

/** Every effective permit of every family and hook; graph problems (unknown targets, loops) as Unparsed. */
export function toExposures(ruleset: IptRuleset): {exposures: Exposure[]; warnings: Unparsed[]; doubts: Doubt[]; denies: Denial[]; nats: Exposure[]} {
  const exposures: Exposure[] = []
  // the filters a NAT may meet, found while each is made (composeNat need not look at all of them again)
  const natNear = natDestinations(ruleset)
  const mayMeetNat: Exposure[] = []
  const denies: Denial[] = []
  const warnings = new Map<number, Unparsed>()
  const warn = (r: IptRule, reason: string, code: UnparsedCode = 'undefined-reference') => warnings.set(r.line, {line: r.line, code, reason, text: r.text})
  const families = new Set<Family>([...ruleset.values()].map((t) => t.family))
  for (const family of [...families].sort()) {
    // every chain of a table a hook walks is read, reached or not: its unknown targets are reported
    const seen = new Map<IptTable, Set<string>>()
    for (const hook of HOOKS) {
      const final = ruleset.get(`${family} ${hook.table}`)
      if (!final?.chains.has(hook.chain)) continue
      if (hook.withoutFilter && ruleset.has(`${family} filter`)) continue
      // only the chains this hook reaches are converted (a user chain of FORWARD is not INPUT's
      // business), each when the walk first jumps to it, while its rules are in cache
      const walked = new Map<string, {t: IptTable; mode: Mode; baseName: string}>()
      const root: Array<EvalRule<Meta>> = []
      const familyBox: Box = {...ANY_BOX, from: FAMILY_ANY[family], to: FAMILY_ANY[family]}
      for (const [tableName, chainName] of [...hook.before, [hook.table, hook.chain] as [string, string]]) {
        const t = ruleset.get(`${family} ${tableName}`)
        if (!t?.chains.has(chainName)) continue
        walked.set(tableName, {t, mode: tableName === hook.table ? (hook.table === 'nat' ? 'nat' : 'filter') : 'pre', baseName: chainName})
        if (!seen.has(t)) seen.set(t, new Set())
        root.push({match: familyBox, action: 'jump', target: `${tableName}/${chainName}`, meta: ROOT_META})
      }
      const chains = new Map<string, EvalChain<Meta> | undefined>([['root', {name: 'root', rules: root}]])
      const lookup = {
        get(key: string): EvalChain<Meta> | undefined {
          if (chains.has(key)) return chains.get(key)
          const slash = key.indexOf('/')
          const w = walked.get(key.slice(0, slash))
          const c = w?.t.chains.get(key.slice(slash + 1))
          const converted = w && c ? convertChain(w.t, c, w.mode, c.name === w.baseName, warn, () => seen.get(w.t)!.add(c.name)) : undefined
          chains.set(key, converted)
          return converted
        },
      }
      const result = evaluateChains(lookup, 'root', {conditionalExitsExempt: true, narrowByInterface: true, recordDenies: hook.kind === 'filter'})
      for (const d of result.denies ?? []) if (d.meta.line > 0) denies.push({line: d.meta.line, rule: d.meta.name, box: plainBox(d.box), direction: hook.direction, hook: HOOK_OF[hook.chain]})
      // each rule has its own meta: only a chain walked twice can list one rule twice
      for (const p of result.revisited ? pruneCovered(result.permits) : result.permits) {
        const e = toExposure(p.box, p.guards, p.meta, hook)
        exposures.push(e)
        if (natNear && e.kind === 'filter' && e.to.overlaps(natNear)) mayMeetNat.push(e)
      }
      for (const w of result.warnings) {
        const r = ruleOf(w.meta)
        if (r) warn(r, w.reason, w.kind === 'loop' ? 'unsupported' : 'undefined-reference')
      }
    }
    for (const [t, converted] of seen) {
      for (const c of t.chains.values()) if (!converted.has(c.name)) warnUnreached(t, c, warn)
    }
  }
  const nat = composeNetfilterNat(exposures, mayMeetNat)
  return {exposures: nat.exposures, warnings: [...warnings.values()], doubts: nat.doubts, denies, nats: nat.nats}
}
