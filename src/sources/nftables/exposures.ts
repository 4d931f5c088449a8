/**
 * NftRuleset → Exposure[] through the shared evaluator, one walk per address family and hook.
 *
 * Several base chains on one hook (in one table or several): a packet must pass every one of them in
 * priority order; an accept only ends its own chain, a drop anywhere is final. We model that as an
 * intersection. The "final" chain (the last by priority among those with policy drop, else the last)
 * decides which rule an exposure is named after, so exposures are attributed to the restrictive chain,
 * never to a policy-accept helper table. Every other chain on the hook (and netdev ingress, and filter
 * chains on prerouting) is a stage that can only remove traffic:
 * - a stage whose user chains never accept runs before the final chain in the same walk, its accept
 *   read as "go on" and its drops kept with their interface guards (a drop on eth0 removes eth0 traffic);
 * - a stage with an accept inside a user chain (which ends the whole stage) is walked alone first, and
 *   only what it accepts reaches the final chain.
 * Nothing another table drops is listed; what a guarded drop might remove elsewhere stays listed (recall).
 */
import type {NetfilterHook} from '../../model/device.js'
import type {Denial, Direction, Exposure, ExposureKind} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import type {Family} from '../../net/ip.js'
import {ANY_BOX, type Box, isEmptyBox, mergeBoxes, subtractBox} from '../../net/match.js'
import {PortSet} from '../../net/number-set.js'
import {type EvalChain, type EvalRule, evaluateChains, type Guard, type Permit} from '../../model/evaluate.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import type {Doubt, Unparsed, UnparsedCode} from '../types.js'
import {addDoubt, applyMatch, applyStmt, cloneCompiled, type Compiled, emptyCompiled, problem} from './compile.js'
import type {NftChain, NftRule, NftRuleset, NftTable, Stmt, Verdict} from './model.js'
import {composeNetfilterNat} from '../iptables/nat-check.js'
import {pruneCovered} from '../iptables/permits.js'
import {verdictOf} from './statements.js'
import {netfilterExposure} from '../netfilter-common.js'

interface Meta {
  rule?: NftRule
  compiled?: Compiled
  name: string
  line: number
  text?: string
  kind: ExposureKind
  direction: Direction
  translated?: {to?: AddressSet; ports?: PortSet}
  note?: DoubtNote
}

type Mode = 'filter' | 'nat' | 'pre'

const LOOPBACK: Record<Family, AddressSet> = {4: AddressSet.of('127.0.0.0/8'), 6: AddressSet.of('::1/128')}
const FAMILY_ANY: Record<Family, AddressSet> = {4: AddressSet.ANY4, 6: AddressSet.ANY6}

function tableFamilies(t: NftTable): Family[] {
  switch (t.family) {
    case 'ip': return [4]
    case 'ip6': return [6]
    case 'inet': case 'netdev': return [4, 6]
    default: return [] // bridge/arp: layer 2, outside the IP exposure model
  }
}

// a user chain called from a stage and from the final chain means different things (accept = go on vs
// allow): each mode gets its own copy
const chainKey = (t: NftTable, c: string, mode: Mode) => `${t.family} ${t.name} ${c}\u0000${mode}`

interface Variant {
  compiled: Compiled
  verdict?: Verdict
  nat?: Extract<Stmt, {t: 'nat'}>
  natTo?: string
}

/** One rule → its variants: one normally, one per element for verdict maps, NAT maps and sets of tuples. */
function variantsOf(rule: NftRule, table: NftTable): Variant[] {
  const base = emptyCompiled()
  let verdict: Verdict | undefined
  let nat: Extract<Stmt, {t: 'nat'}> | undefined
  let vmap: Extract<Stmt, {t: 'vmap'}> | undefined
  const tuples: Array<Extract<Stmt, {t: 'tuples'}>> = []
  for (const s of rule.stmts) {
    if (s.t === 'verdict') verdict = s.v
    else if (s.t === 'nat') nat = s
    else if (s.t === 'vmap') vmap = s
    else if (s.t === 'tuples') tuples.push(s)
    else applyStmt(base, s, table)
  }
  let bases = [base]
  for (const t of tuples) bases = bases.flatMap((b) => tupleVariants(b, t, table))
  return bases.flatMap((b) => mapVariants(b, verdict, nat, vmap, table))
}

/** More tuples than this in one set are not expanded (the rule is doubted instead). */
const MAX_TUPLES = 4096

/** `ip saddr . tcp dport { 192.0.2.1 . 25, … }` / `@set`: one variant per element, each field matched. */
function tupleVariants(base: Compiled, t: Extract<Stmt, {t: 'tuples'}>, table: NftTable): Compiled[] {
  const what = t.fields.join(' . ')
  let elements: string[] | null
  if (t.value.kind === 'atoms') elements = t.value.items
  else {
    const set = table.sets.get(t.value.name)
    if (!set) {
      const c = cloneCompiled(base)
      applyStmt(c, {t: 'unknown', desc: `unknown set '@${t.value.name}'`, code: 'undefined-reference'}, table)
      return [c]
    }
    elements = set.elements
    if (elements === null) {
      const c = cloneCompiled(base)
      applyStmt(c, {t: 'cond', desc: `${what} ${t.op === '!=' ? '!= ' : ''}@${t.value.name} (filled at run time)`}, table)
      return [c]
    }
  }
  // a negated tuple set is everything but some combinations: the box cannot say it
  if (t.op !== '==' || elements.length > MAX_TUPLES) {
    const c = cloneCompiled(base)
    applyStmt(c, t.op !== '==' ? {t: 'unknown', desc: `negated concatenated match on '${what}'`, code: 'unsupported'} : {t: 'unknown', desc: `concatenated match on '${what}' has over ${MAX_TUPLES} elements`, code: 'unsupported'}, table)
    return [c]
  }
  const out: Compiled[] = []
  for (const e of elements) {
    const parts = e.split(' . ')
    const c = cloneCompiled(base)
    if (parts.length !== t.fields.length) applyStmt(c, {t: 'unknown', desc: `element '${e}' does not fit '${what}'`, code: 'malformed'}, table)
    else t.fields.forEach((field, k) => applyMatch(c, {field, op: '==', value: {kind: 'atoms', items: [parts[k]]}}, table))
    out.push(c)
  }
  return out
}

function mapVariants(
  base: Compiled,
  verdict: Verdict | undefined,
  nat: Extract<Stmt, {t: 'nat'}> | undefined,
  vmap: Extract<Stmt, {t: 'vmap'}> | undefined,
  table: NftTable,
): Variant[] {
  if (vmap) {
    let entries: Array<[string, Verdict]>
    if ('name' in vmap.entries) {
      const set = table.sets.get(vmap.entries.name)
      if (!set?.entries) {
        const c = cloneCompiled(base)
        problem(c, `verdict map '@${vmap.entries.name}' has no elements we can read`, 'unsupported')
        return [{compiled: c, verdict: {kind: 'continue'}}]
      }
      entries = set.entries.map(([k, v]) => [k, verdictOf(v) ?? {kind: 'continue'}])
    } else entries = vmap.entries
    return entries.map(([key, v]) => {
      const c = cloneCompiled(base)
      applyMatch(c, {field: vmap.field, op: '==', value: {kind: 'atoms', items: [key]}}, table)
      return {compiled: c, verdict: v}
    })
  }
  if (nat?.map) {
    const m = nat.map
    let entries: Array<[string, string]> | undefined
    if ('name' in m.entries) entries = table.sets.get(m.entries.name)?.entries
    else entries = m.entries
    if (!entries) {
      const c = cloneCompiled(base)
      addDoubt(c, note('translation-unknown', `translation map '@${'name' in m.entries ? m.entries.name : ''}' not expanded`))
      if ('name' in m.entries && !table.sets.has(m.entries.name)) problem(c, `unknown map '@${m.entries.name}'`, 'undefined-reference')
      return [{compiled: c, verdict, nat: {...nat, map: undefined}}]
    }
    // numgen/jhash/symhash pick a backend per connection: every backend serves the same traffic
    const balanced = /^(numgen|jhash|symhash)\b/.test(m.field)
    const fields = m.field.split(' . ')
    return entries.map(([key, to]) => {
      const c = cloneCompiled(base)
      if (balanced) addDoubt(c, note('load-balanced', `load-balanced (${m.field}): one of ${entries.length} backends`))
      else {
        const keys = key.split(' . ')
        if (keys.length !== fields.length) applyStmt(c, {t: 'unknown', desc: `map key '${key}' does not fit '${m.field}'`, code: 'malformed'}, table)
        else fields.forEach((field, k) => applyMatch(c, {field, op: '==', value: {kind: 'atoms', items: [keys[k]]}}, table))
      }
      // a malformed element (`{ : 10.0.0.20 }`) has no value: the rule is not understood, never a crash
      if (to === undefined) {
        applyStmt(c, {t: 'unknown', desc: `map element '${key}' has no value`, code: 'malformed'}, table)
        return {compiled: c, verdict, nat: {...nat, map: undefined}}
      }
      // a concatenated value is `address . port`
      const [addr, port] = to.split(' . ')
      return {compiled: c, verdict, nat: {...nat, map: undefined}, natTo: port === undefined ? to : addr.includes(':') ? `[${addr}]:${port}` : `${addr}:${port}`}
    })
  }
  return [{compiled: base, verdict, nat}]
}

function natTranslation(nat: Extract<Stmt, {t: 'nat'}>, natTo?: string): {to?: AddressSet; ports?: PortSet} {
  const out: {to?: AddressSet; ports?: PortSet} = {}
  let addr = natTo ?? nat.addr
  let port = nat.port
  if (natTo && !nat.port) {
    const m = /^([^:]+):(\d+(?:-\d+)?)$/.exec(natTo)
    if (m) [addr, port] = [m[1], m[2]]
  }
  const a = addr ? AddressSet.parse(addr) : null
  if (a) out.to = a
  const p = port ? PortSet.parse(port) : null
  if (p) out.ports = p
  return out
}

/** The variants of a chain's rules (index = rule), computed once for every walk that meets them. */
type VariantCache = Map<NftChain, Variant[][]>

function chainVariants(table: NftTable, chain: NftChain, cache: VariantCache): Variant[][] {
  let variants = cache.get(chain)
  if (!variants) {
    variants = chain.rules.map((rule) => variantsOf(rule, table))
    cache.set(chain, variants)
  }
  return variants
}

/** One variant of a rule as the evaluator's rule for a walk in `mode`; null when it decides nothing there. */
function evalRule(v: Variant, match: Box, meta: Meta, mode: Mode, table: NftTable): EvalRule<Meta> | null {
  const c = v.compiled
  const unsure = c.unknown || c.rateLimited
  const rule = (action: EvalRule<Meta>['action'], extra: Partial<EvalRule<Meta>> = {}): EvalRule<Meta> => ({match, action, guards: c.guards, opaque: action !== 'allow' && unsure, meta, ...extra})
  if (v.nat && (v.nat.kind === 'dnat' || v.nat.kind === 'redirect')) return mode === 'nat' ? rule('allow', {meta: {...meta, translated: natTranslation(v.nat, v.natTo)}}) : null
  switch (v.verdict?.kind) {
    case 'accept':
      // in a nat chain accept ends NAT lookups for this chain (no translation); in an ingress chain it
      // ends that chain and the packet goes on to the IP hooks
      return rule(mode === 'filter' ? 'allow' : 'return')
    case 'drop':
    case 'reject':
      return rule('deny')
    case 'return':
      return rule('return')
    case 'queue':
      return mode === 'filter' ? {match, action: 'allow', guards: c.guards, meta: {...meta, note: note('conditional', 'verdict decided in userspace (queue)')}} : null
    case 'jump':
    case 'goto':
      // a jump to a chain that does not exist is reported once per table (auditTable)
      return table.chains.has(v.verdict.target) ? rule(v.verdict.kind, {target: chainKey(table, v.verdict.target, mode)}) : null
    default:
      return null
  }
}

/** The chains a walk from `start` can reach (jump/goto, verdict maps included), in the table's order. */
function reachableChains(table: NftTable, start: NftChain, cache: VariantCache, reach: Map<NftChain, NftChain[]>): NftChain[] {
  const known = reach.get(start)
  if (known) return known
  const seen = new Set<NftChain>([start])
  const queue = [start]
  for (let c = queue.pop(); c; c = queue.pop()) {
    for (const variants of chainVariants(table, c, cache)) {
      for (const v of variants) {
        const vd = v.verdict
        if (vd?.kind !== 'jump' && vd?.kind !== 'goto') continue
        const next = table.chains.get(vd.target)
        if (next && !seen.has(next)) {
          seen.add(next)
          queue.push(next)
        }
      }
    }
  }
  const out = [...table.chains.values()].filter((c) => seen.has(c))
  reach.set(start, out)
  return out
}

/**
 * The rule problems of a table walked at all, reported once (reachable or not): what its rules do not
 * say clearly, and jumps to chains that do not exist.
 */
function auditTable(table: NftTable, cache: VariantCache, warn: Warn): void {
  for (const chain of table.chains.values()) {
    const all = chainVariants(table, chain, cache)
    for (let i = 0; i < chain.rules.length; i++) {
      const rule = chain.rules[i]
      const variants = all[i]
      const problems = new Set(variants.flatMap((v) => v.compiled.problems))
      const code = variants.find((v) => v.compiled.code)?.compiled.code
      if (problems.size && code) warn(rule, [...problems].join('; '), code)
      for (const v of variants) {
        const vd = v.verdict
        if (!v.compiled.newTraffic || (v.nat && (v.nat.kind === 'dnat' || v.nat.kind === 'redirect'))) continue
        if ((vd?.kind === 'jump' || vd?.kind === 'goto') && !table.chains.has(vd.target)) warn(rule, `jump to unknown chain '${vd.target}'`, 'undefined-reference')
      }
    }
  }
}

type Warn = (rule: NftRule, reason: string, code: UnparsedCode) => void

function convertChain(
  table: NftTable,
  chain: NftChain,
  family: Family,
  mode: Mode,
  base: boolean,
  kind: ExposureKind,
  direction: Direction,
  cache: VariantCache,
): EvalChain<Meta> {
  const rules: Array<EvalRule<Meta>> = []
  const all = chainVariants(table, chain, cache)
  for (let i = 0; i < chain.rules.length; i++) {
    const rule = chain.rules[i]
    let name: string | undefined
    for (const v of all[i]) {
      const c = v.compiled
      if (!c.newTraffic) continue
      const scope = c.loopback ? LOOPBACK[family] : FAMILY_ANY[family]
      const match: Box = {from: c.from.intersect(scope), to: c.to.intersect(scope), protocols: c.protocols, ports: c.ports, sourcePorts: c.sourcePorts}
      // a rule of the other family (`ip saddr …` walked for IPv6) matches no packet of this walk
      if (isEmptyBox(match)) continue
      name ??= `${table.family} ${table.name} ${chain.name}#${i + 1}${rule.comment ? ` "${rule.comment}"` : ''}`
      const meta: Meta = {rule, compiled: c, name, line: rule.line, text: rule.text, kind, direction}
      const r = evalRule(v, match, meta, mode, table)
      if (r) rules.push(r)
    }
  }
  if (base && mode === 'pre' && chain.policy === 'drop') {
    rules.push({match: ANY_BOX, action: 'deny', meta: {name: `${table.family} ${table.name} ${chain.name} policy drop`, line: chain.line, kind, direction}})
  }
  const out: EvalChain<Meta> = {name: chainKey(table, chain.name, mode), rules}
  // the drop policy decides what nothing accepted (critical-flow-blocked points at its line)
  if (base && mode === 'filter' && chain.policy === 'drop') {
    out.policy = 'deny'
    out.policyMeta = {name: `${table.family} ${table.name} ${chain.name} policy drop`, line: chain.line, text: chain.text, kind, direction}
  }
  if (base && mode === 'filter' && (chain.policy ?? 'accept') === 'accept') {
    out.policy = 'allow'
    out.policyMeta = IMPLICIT.has(chain)
      ? {name: `no ${chain.name} chain`, line: chain.line, kind, direction, note: note('vendor-default', `no filter chain on the ${chain.name} hook: the kernel accepts every packet`)}
      : {name: `${table.family} ${table.name} ${chain.name} policy accept`, line: chain.line, text: chain.text, kind, direction}
  }
  return out
}

function toExposure(box: Box, guards: readonly Guard[], meta: Meta): Exposure {
  const doubts: DoubtNote[] = [...(meta.compiled?.doubts ?? [])]
  const interfaces: {in?: string[]; out?: string[]} = {}
  const fromSets: string[] = []
  const toSets: string[] = []
  for (const g of guards) {
    if ('in' in g || 'out' in g) {
      const [key, value] = 'in' in g ? (['in', g.in] as const) : (['out', g.out] as const)
      ;(interfaces[key] ??= []).push(...(value.startsWith('!') ? [value] : value.split(',')))
    } else if ('set' in g) {
      const value = g.name
      ;(g.set === 'src' ? fromSets : toSets).push(value)
      doubts.push(note('unexpanded-set', `${g.set === 'src' ? 'source' : 'destination'} limited to set @${value.replace(/^!/, '')}${value.startsWith('!') ? ' (negated)' : ''}, filled at run time`))
    } else doubts.push(note('conditional', `only when ${g.cond}`))
  }
  if (meta.compiled?.loopback) doubts.push(note('loopback-only', 'loopback'))
  if (meta.note) doubts.push(meta.note)
  return netfilterExposure({kind: meta.kind, direction: meta.direction, box, line: meta.line, rule: meta.name, text: meta.text, translated: meta.translated, interfaces, fromSets, toSets, doubts})
}

/**
 * Permits that come from walking several contexts overlap or split one rule in pieces: merge the pieces
 * of one rule (same meta and guards); for stage contexts (`disjoint`), also remove overlaps so the next
 * walk does not list the same traffic twice.
 */
function compact(permits: Array<Permit<Meta>>, disjoint: boolean): Array<Permit<Meta>> {
  type Group = {meta: Meta; guards: readonly Guard[]; guardKeys: readonly string[]; boxes: Box[]}
  // groups by meta (one map for all when disjoint), then by guards; listed in the order first met
  const groups: Group[] = []
  const byMeta = new Map<Meta | undefined, Map<string, Group>>()
  for (const p of permits) {
    const m = disjoint ? undefined : p.meta
    let byGuards = byMeta.get(m)
    if (!byGuards) byMeta.set(m, (byGuards = new Map()))
    const key = p.guardKeys.length ? p.guardKeys.join('\u0001') : ''
    const g = byGuards.get(key)
    if (g) g.boxes.push(p.box)
    else {
      const group = {meta: p.meta, guards: p.guards, guardKeys: p.guardKeys, boxes: [p.box]}
      byGuards.set(key, group)
      groups.push(group)
    }
  }
  const out: Array<Permit<Meta>> = []
  for (const g of groups) {
    let boxes = g.boxes
    if (disjoint && boxes.length > 1 && boxes.length <= 2000) {
      const kept: Box[] = []
      for (const b of boxes) {
        let pieces = [b]
        for (const k of kept) pieces = pieces.flatMap((p) => subtractBox(p, k))
        kept.push(...pieces)
      }
      boxes = kept
    }
    for (const b of mergeBoxes(boxes)) out.push({box: b, guards: g.guards, guardKeys: g.guardKeys, meta: g.meta})
  }
  return out
}

interface Base {
  table: NftTable
  chain: NftChain
}

/** Whether a user chain reachable from this base chain accepts (nft: accept ends the base chain too). */
function hasNestedAccept(b: Base): boolean {
  const seen = new Set<string>([b.chain.name])
  const queue = [b.chain]
  const accepts = (v: Verdict | undefined) => v?.kind === 'accept'
  for (let c = queue.shift(); c; c = queue.shift()) {
    for (const r of c.rules) {
      for (const s of r.stmts) {
        if (c !== b.chain) {
          if (s.t === 'verdict' && accepts(s.v)) return true
          if (s.t === 'vmap' && (('name' in s.entries) || s.entries.some(([, v]) => accepts(v)))) return true
        }
        const targets = s.t === 'verdict' ? [s.v] : s.t === 'vmap' && !('name' in s.entries) ? s.entries.map(([, v]) => v) : []
        for (const v of targets) {
          if ((v.kind !== 'jump' && v.kind !== 'goto') || seen.has(v.target)) continue
          seen.add(v.target)
          const next = b.table.chains.get(v.target)
          if (next) queue.push(next)
        }
      }
    }
  }
  return false
}

// base chains made up for a hook the ruleset leaves without a filter chain
const IMPLICIT = new WeakSet<NftChain>()

/** A policy-accept base chain standing for "no chain on this hook", placed at the family's first table. */
function implicitAccept(tables: NftTable[], family: Family, hook: NetfilterHook): Base {
  const line = Math.min(...tables.map((t) => t.line))
  const table: NftTable = {family: family === 4 ? 'ip' : 'ip6', name: '', line, chains: new Map(), sets: new Map()}
  const chain: NftChain = {name: hook, line, type: 'filter', hook, priority: 0, policy: 'accept', rules: []}
  IMPLICIT.add(chain)
  table.chains.set(hook, chain)
  return {table, chain}
}

/** What the walks of one ruleset share: the variant cache, the warnings, and what they produce. */
interface Walks {
  cache: VariantCache
  /** The chains each start chain reaches, once per ruleset (every hook's walks ask again). */
  reachable: Map<NftChain, NftChain[]>
  warnings: Map<number, Unparsed>
  warn: Warn
  audited: Set<NftTable>
  exposures: Exposure[]
  denies: Denial[]
}

/** One family's walks: its base chains, the hook their traffic meets them on. */
interface FamilyWalk {
  w: Walks
  family: Family
  familyBox: Box
  /** The filter hook whose walk is running (its denies are recorded); undefined for NAT walks. */
  deciding?: NetfilterHook
}

/** The evaluator's chains for the base chains of a walk: what each can reach, each in `mode`. */
function walkChains(f: FamilyWalk, bases: Base[], mode: Mode, kind: ExposureKind, direction: Direction, chains: Map<string, EvalChain<Meta>>): void {
  for (const b of bases) {
    if (!f.w.audited.has(b.table)) {
      f.w.audited.add(b.table)
      auditTable(b.table, f.w.cache, f.w.warn)
    }
    for (const c of reachableChains(b.table, b.chain, f.w.cache, f.w.reachable)) {
      const key = chainKey(b.table, c.name, mode)
      const isBase = c === b.chain
      if (!chains.has(key) || isBase) chains.set(key, convertChain(b.table, c, f.family, mode, isBase, kind, direction, f.w.cache))
    }
  }
}

/** Walk `bases` once per context (traffic that passed the stages before); permits in rule order. */
function walk(f: FamilyWalk, bases: Base[], mode: Mode, contexts: Array<Permit<Meta>>, kind: ExposureKind, direction: Direction, preludes: Base[] = []): Array<Permit<Meta>> {
  const chains = new Map<string, EvalChain<Meta>>()
  const root: Array<EvalRule<Meta>> = []
  const rootMeta: Meta = {name: 'root', line: 0, kind, direction}
  // netdev ingress chains are bound to devices: their drops apply, as denies guarded by `in=<device>`,
  // to what the final chains accept on that device only
  walkChains(f, preludes, 'pre', kind, direction, chains)
  for (const b of preludes) {
    const device: Guard[] = b.chain.devices?.length ? [{in: b.chain.devices.join(',')}] : []
    root.push({match: f.familyBox, action: 'jump', target: chainKey(b.table, b.chain.name, 'pre'), guards: device, meta: rootMeta})
  }
  walkChains(f, bases, mode, kind, direction, chains)
  for (const ctx of contexts) for (const b of bases) root.push({match: ctx.box, action: 'jump', target: chainKey(b.table, b.chain.name, mode), guards: ctx.guards, meta: rootMeta})
  chains.set('\u0000root', {name: '\u0000root', rules: root})
  const deciding = f.deciding
  const result = evaluateChains(chains, '\u0000root', {conditionalExitsExempt: true, narrowByInterface: true, recordDenies: mode === 'filter' && deciding !== undefined})
  for (const d of result.denies ?? []) if (d.meta.line > 0 && deciding) f.w.denies.push({line: d.meta.line, rule: d.meta.name, box: d.box, direction, hook: deciding})
  // the evaluator's two warnings: a jump loop (not followed) and a jump to a chain that does not exist
  for (const w of result.warnings) if (w.meta.rule) f.w.warn(w.meta.rule, w.reason.replace(/'([^' ]+ ){2}([^'\u0000]+)\u0000\w+'/, "'$2'"), w.reason.startsWith('jump loop') ? 'not-followed' : 'undefined-reference')
  return result.permits
}

/**
 * The exposures of one hook. A stage whose user chains never accept runs inside the final walk: its
 * drops stay guarded by their interfaces and apply only where they match. A stage with an accept inside
 * a user chain (which ends the whole stage, not just the user chain) is walked on its own first, and what
 * it accepts becomes the traffic the final chain sees.
 */
function runHook(f: FamilyWalk, stages: Base[], finals: Base[], finalMode: Mode, kind: ExposureKind, direction: Direction, ingressChains: Base[], hook: NetfilterHook): void {
  const narrowing = stages.filter(hasNestedAccept)
  const preludes = [...ingressChains, ...stages.filter((s) => !hasNestedAccept(s))]
  let contexts: Array<Permit<Meta>> = [{box: f.familyBox, guards: [], guardKeys: [], meta: {name: 'root', line: 0, kind, direction}}]
  for (const s of narrowing) {
    contexts = compact(walk(f, [s], 'filter', contexts, kind, direction), true)
    if (!contexts.length) return
  }
  f.deciding = finalMode === 'filter' ? hook : undefined
  const walked = walk(f, finals, finalMode, contexts, kind, direction, preludes)
  f.deciding = undefined
  for (const p of pruneCovered(compact(walked, false))) {
    const e = toExposure(p.box, p.guards, p.meta)
    e.hook = hook
    // the input hook reaches the host itself; forward and prerouting pass through it
    if (hook === 'input') e.hostLocal = true
    f.w.exposures.push(e)
  }
}

/** One family: the filter hooks (input, forward, output), then destination NAT on prerouting. */
function familyExposures(w: Walks, ruleset: NftRuleset, family: Family): void {
  const tables = [...ruleset.values()].filter((t) => tableFamilies(t).includes(family))
  const bases: Base[] = []
  for (const t of tables) for (const c of t.chains.values()) if (c.hook) bases.push({table: t, chain: c})
  const onHook = (hook: string, types: string[]) =>
    bases.filter((b) => b.chain.hook === hook && types.includes(b.chain.type ?? 'filter')).sort((a, b) => a.chain.priority - b.chain.priority)
  const ingress = bases.filter((b) => b.chain.hook === 'ingress')
  const preFilter = onHook('prerouting', ['filter'])
  const f: FamilyWalk = {w, family, familyBox: {...ANY_BOX, from: FAMILY_ANY[family], to: FAMILY_ANY[family]}}
  for (const [hook, direction] of [['input', 'inbound'], ['forward', 'inbound'], ['output', 'outbound']] as Array<[NetfilterHook, Direction]>) {
    const chains = onHook(hook, hook === 'output' ? ['filter', 'route'] : ['filter'])
    // no filter chain on the hook: the kernel accepts every packet there (for a family the ruleset filters at all)
    if (!chains.length && bases.length) chains.push(implicitAccept(tables, family, hook))
    if (!chains.length) continue
    const drops = chains.filter((b) => b.chain.policy === 'drop')
    const final = drops.length ? drops[drops.length - 1] : chains[chains.length - 1]
    const stages = [...(hook === 'output' ? [] : preFilter), ...chains.filter((b) => b !== final)]
    runHook(f, stages, [final], 'filter', 'filter', direction, hook === 'output' ? [] : ingress, hook)
  }
  const nat = onHook('prerouting', ['nat'])
  if (nat.length) runHook(f, preFilter, nat, 'nat', 'nat-forward', 'inbound', ingress, 'prerouting')
}

export function toExposures(ruleset: NftRuleset): {exposures: Exposure[]; warnings: Unparsed[]; doubts: Doubt[]; denies: Denial[]; nats: Exposure[]} {
  const warnings = new Map<number, Unparsed>()
  const warn: Warn = (rule, reason, code) => warnings.set(rule.line, {line: rule.line, code, reason, text: rule.text})
  const w: Walks = {cache: new Map(), reachable: new Map(), warnings, warn, audited: new Set(), exposures: [], denies: []}
  for (const family of [4, 6] as Family[]) familyExposures(w, ruleset, family)
  const nat = composeNetfilterNat(w.exposures)
  return {exposures: nat.exposures, warnings: [...warnings.values()], doubts: nat.doubts, denies: w.denies, nats: nat.nats}
}
