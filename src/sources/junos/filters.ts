/**
 * Junos firewall filters (stateless, per interface unit and family): terms in order, each ending the
 * filter's implicit discard; `tcp-established` and `next term` terms decide nothing about new
 * connections. Also filters applied nowhere in the file, listed as written.
 */
import {type DoubtNote, note} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import {ANY_BOX, type Box, intersectBox} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {type EvalRule, evaluateList} from '../../model/evaluate.js'
import {parseAddress} from './build.js'
import {type ExposureProblem, junosProtocol, portSet, type Template} from './common.js'
import type {Convert} from './convert.js'
import type {Filter, FilterTerm, JunosConfig, Unit} from './model.js'

type Family = 'inet' | 'inet6'

/** What a term's own match conditions tell (doubts are collected as doubts, `opaque` for a deny). */
interface TermDoubts {
  doubts: DoubtNote[]
  opaque: boolean
}

const KNOWN_CONDITIONS = new Set([
  'source-address', 'destination-address', 'address', 'source-prefix-list', 'destination-prefix-list', 'prefix-list',
  'protocol', 'next-header', 'payload-protocol', 'protocol-except', 'next-header-except',
  'destination-port', 'source-port', 'port', 'destination-port-except', 'source-port-except', 'port-except',
])

export class Filters {
  /** Permits per family and filter list: many units apply the same filters (read only by callers). */
  private readonly evaluated = new Map<string, Array<{box: Box; meta: Template}>>()

  constructor(
    private readonly config: JunosConfig,
    private readonly problems: ExposureProblem[],
  ) {}

  /** What the named filters (a list is one chain) let through; every Junos filter ends in an implicit discard. */
  permits(family: Family, names: string[], unit: string, line: number): Array<{box: Box; meta: Template}> {
    const found: Filter[] = []
    for (const name of names) {
      const f = this.config.filters.get(`${family}:${name}`) ?? this.config.filters.get(`any:${name}`)
      if (!f) {
        this.problems.push({line, code: 'undefined-reference', reason: `filter ${name} (family ${family}) is applied to ${unit} but not defined`, text: `filter ${name}`})
        continue
      }
      found.push(f)
    }
    const key = `${family}\u0000${found.map((f) => `${f.family}:${f.name}`).join('\u0000')}`
    let permits = this.evaluated.get(key)
    if (permits === undefined) {
      const rules: Array<EvalRule<Template>> = []
      for (const f of found) for (const t of f.terms.values()) if (!t.inactive) for (const r of termRules(this.config, f, t, family)) rules.push(r)
      this.evaluated.set(key, (permits = evaluateList(rules, 'deny').permits))
    }
    return permits
  }
}

/** `source-address`/`prefix-list` style conditions → a set (excepts removed); null when the term has none. */
function termAddresses(config: JunosConfig, t: FilterTerm, kind: string, prefixKind: string, d: TermDoubts): AddressSet | null {
  // a term may list thousands of addresses: each side is one union of all of them (linear after a sort)
  const included: AddressSet[] = []
  const excluded: AddressSet[] = []
  let seen = false
  for (const c of t.from.get(kind) ?? []) {
    seen = true
    const s = parseAddress(c.value)
    if (!s) {
      d.doubts.push(note('unknown-match', `${kind} ${c.value} not understood`))
      d.opaque = true
      continue
    }
    ;(c.except ? excluded : included).push(s)
  }
  let include = AddressSet.unionAll(included)
  let exclude = AddressSet.unionAll(excluded)
  for (const c of t.from.get(prefixKind) ?? []) {
    seen = true
    const pl = config.prefixLists.get(c.value)
    if (!pl) {
      d.doubts.push(note('undefined-object', `prefix-list ${c.value} not defined; taken as any`))
      d.opaque = true
      if (!c.except) include = AddressSet.ANY
      continue
    }
    if (c.except) exclude = exclude.union(pl.set)
    else include = include.union(pl.set)
  }
  if (!seen) return null
  // only excepts: everything but them
  if (include.isEmpty() && !exclude.isEmpty()) include = AddressSet.ANY
  return include.subtract(exclude)
}

/** `destination-port` and `destination-port-except` style conditions; null when the term has none. */
function termPorts(t: FilterTerm, kind: string, d: TermDoubts): PortSet | null {
  const conds = t.from.get(kind)
  const except = t.from.get(`${kind}-except`)
  if (!conds && !except) return null
  let set = conds ? PortSet.EMPTY : PortSet.ALL
  for (const c of conds ?? []) {
    const p = portSet(c.value)
    if (!p) {
      d.doubts.push(note('unknown-match', `${kind} ${c.value} not understood`))
      d.opaque = true
      set = PortSet.ALL
      break
    }
    set = set.union(p)
  }
  for (const c of except ?? []) {
    const p = portSet(c.value)
    if (p) set = set.subtract(p)
  }
  return set
}

function termProtocols(t: FilterTerm, d: TermDoubts): ProtocolSet {
  let protocols = ProtocolSet.ALL
  for (const k of ['protocol', 'next-header', 'payload-protocol']) {
    const conds = t.from.get(k)
    if (!conds) continue
    let set = ProtocolSet.EMPTY
    for (const c of conds) {
      const p = junosProtocol(c.value)
      if (!p) {
        d.doubts.push(note('unknown-match', `${k} ${c.value} not understood`))
        d.opaque = true
        set = ProtocolSet.ALL
        break
      }
      set = set.union(p)
    }
    protocols = protocols.intersect(set)
  }
  for (const k of ['protocol-except', 'next-header-except']) {
    for (const c of t.from.get(k) ?? []) {
      const p = junosProtocol(c.value)
      if (p) protocols = protocols.subtract(p)
    }
  }
  return protocols
}

/** The terminating action; none (only count/log…) means accept. */
function termAction(t: FilterTerm): 'allow' | 'deny' | 'next' {
  let action: 'allow' | 'deny' | 'next' = 'allow'
  for (const a of t.then) {
    if (a === 'accept' || a === 'routing-instance') action = 'allow'
    else if (a === 'discard' || a === 'reject') action = 'deny'
    else if (a === 'next') action = 'next'
  }
  return action
}

function termRules(config: JunosConfig, f: Filter, t: FilterTerm, family: Family): Array<EvalRule<Template>> {
  // `tcp-established` matches only segments with ACK or RST set: the term neither admits nor stops a new
  // connection (as IOS `established`), so it takes no part in what the filter exposes
  if (t.from.has('tcp-established')) return []
  const d: TermDoubts = {doubts: [], opaque: false}
  for (const k of t.from.keys()) {
    if (!KNOWN_CONDITIONS.has(k)) {
      d.doubts.push(note('unknown-match', `match ${k} not modelled`))
      d.opaque = true
    }
  }
  const protocols = termProtocols(t, d)
  const src = termAddresses(config, t, 'source-address', 'source-prefix-list', d)
  const dst = termAddresses(config, t, 'destination-address', 'destination-prefix-list', d)
  const either = termAddresses(config, t, 'address', 'prefix-list', d)
  const ports = {dst: termPorts(t, 'destination-port', d), src: termPorts(t, 'source-port', d), either: termPorts(t, 'port', d)}
  const action = termAction(t)
  if (action === 'next') return []
  const familyAll = family === 'inet' ? AddressSet.ANY4 : AddressSet.ANY6
  const base: Box = {...ANY_BOX, from: (src ?? AddressSet.ANY).intersect(familyAll), to: (dst ?? AddressSet.ANY).intersect(familyAll), protocols}
  const template: Template = {
    kind: 'filter',
    direction: 'inbound',
    line: t.line,
    rule: `filter ${f.name} term ${t.name}`,
    name: `${f.name}/${t.name}`,
    text: termText(f, t),
    doubts: d.doubts.length ? d.doubts : undefined,
  }
  return termBoxes(base, either, ports)
    .filter((b) => !b.from.isEmpty() && !b.to.isEmpty() && !b.protocols.isEmpty() && !b.ports.isEmpty() && !b.sourcePorts.isEmpty())
    .map((match) => ({match, action, opaque: action === 'deny' && d.opaque, meta: template}))
}

/** `address`/`port` match either side: two boxes each; a port match restricts the protocol to tcp/udp/sctp. */
function termBoxes(base: Box, either: AddressSet | null, ports: {dst: PortSet | null; src: PortSet | null; either: PortSet | null}): Box[] {
  let boxes: Box[] = [base]
  if (either) boxes = boxes.flatMap((b) => [{...b, from: b.from.intersect(either)}, {...b, to: b.to.intersect(either)}])
  const anyPort = ports.either
  if (anyPort) boxes = boxes.flatMap((b) => [{...b, ports: anyPort}, {...b, sourcePorts: anyPort}])
  if (ports.dst || ports.src) {
    const portProtocols = base.protocols.intersect(ProtocolSet.of(6, 17, 132))
    boxes = boxes.map((b) => ({...b, protocols: portProtocols, ports: ports.dst ?? b.ports, sourcePorts: ports.src ?? b.sourcePorts}))
  }
  return boxes
}

/** One applied filter's permits as exposures on its unit (lo0: traffic to the device itself). */
function appliedFilterExposures(cv: Convert, u: Unit, applied: Unit['filters'][number], zone: string | undefined): void {
  const isLo0 = u.name.startsWith('lo0.')
  for (const permit of cv.filters.permits(applied.family, applied.names, u.name, applied.line)) {
    const box = isLo0 ? intersectBox(permit.box, {...ANY_BOX, to: cv.deviceAddresses.isEmpty() ? AddressSet.ANY : cv.deviceAddresses}) : permit.box
    if (!box) continue
    const doubts = [...(permit.meta.doubts ?? [])]
    if (isLo0) doubts.push(note('device-itself', 'lo0 filter: traffic to the device itself (management plane)'))
    const input = applied.direction === 'input'
    cv.emit(
      {
        ...permit.meta,
        direction: input ? 'inbound' : 'outbound',
        interfaces: input ? {in: [u.name]} : {out: [u.name]},
        fromZones: zone && input ? [zone] : undefined,
        toZones: zone && !input ? [zone] : undefined,
        doubts,
        ...(isLo0 ? {hostLocal: true} : {}),
      },
      box,
    )
  }
}

export function filterExposures(cv: Convert): void {
  const zoneOfUnit = new Map<string, string>()
  for (const z of cv.config.zones.values()) for (const ifu of z.interfaces.keys()) zoneOfUnit.set(ifu, z.name)
  for (const u of cv.config.units.values()) for (const applied of u.filters) appliedFilterExposures(cv, u, applied, zoneOfUnit.get(u.name))
  // a filter applied nowhere in this file (a filter-only export) is listed as written, with a note
  const applied = new Set([...cv.config.units.values()].flatMap((u) => u.filters.flatMap((f) => f.names.map((n) => `${f.family}:${n}`))))
  for (const [key, f] of cv.config.filters) {
    if (applied.has(key) || f.family === 'any') continue
    for (const permit of cv.filters.permits(f.family, [f.name], '(none)', f.line)) {
      cv.emit({...permit.meta, doubts: [...(permit.meta.doubts ?? []), note('not-applied', 'filter not applied to any interface in this config')]}, permit.box)
    }
  }
}

function termText(f: Filter, t: FilterTerm): string {
  const from = [...t.from].map(([k, vs]) => (vs.length ? vs.map((v) => `${k} ${v.value}${v.except ? ' except' : ''}`).join(' ') : k)).join(' ')
  return `filter ${f.name} term ${t.name}${from ? ` from ${from}` : ''}${t.then.length ? ` then ${t.then.join(' ')}` : ''}`
}
