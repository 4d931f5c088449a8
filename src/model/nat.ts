/**
 * NAT as a transformation (the device model's shared step): an inbound NAT opens only what a filter rule
 * passes once the vendor's order has been applied. Each vendor says, through a `NatOrder`, which filter
 * rules may meet a NAT (hook, direction, the NAT a filter names) and which destination a filter rule
 * sees: the translated one (netfilter FORWARD, ASA 8.3+, Junos, pfSense, Azure NSG, IOS zone-based
 * firewall) or the original one (PAN-OS security rules, IOS interface ACLs, ASA before 8.3).
 *
 * A NAT exposure composed with a filter exposure keeps the NAT's line, name and public destination, has
 * `translated` narrowed to what the filter passes and `filter: {line, rule}` of that filter rule; its
 * sources, protocols and ports are what both pass. A NAT that no filter rule passes is no exposure but a
 * `nat-dead` doubt (effect `dead`). A filter rule the parser already shaped as one NAT's traffic (it has
 * `translated`: a FortiOS policy naming a VIP, a pfSense rule associated with a port forward, `rdr
 * pass`) pairs only with that NAT, is read before translation, and is replaced by the composition.
 */
import {sameFamilies} from '../net/terms.js'
import {AddressSet} from '../net/address-set.js'
import {DestinationIndex} from '../net/destination-index.js'
import {parseCidr} from '../net/ip.js'
import {type Box, intersectBox} from '../net/match.js'
import type {PortSet} from '../net/number-set.js'
import {addDoubts} from './build.js'
import type {DeviceModel} from './device.js'
import type {Doubt} from './doubts.js'
import {type Exposure, exposureBox, exposureToJson} from './exposure.js'

/** A NAT that no filter passes: a `nat-dead` doubt (ParseResult.doubts). */
export type NatDoubt = Doubt & {code: 'nat-dead'; effect: 'dead'}

/** Which destination a filter rule names for NAT'd traffic. */
export type NatSide = 'translated' | 'original'

export interface NatOrder {
  /** Words for the doubt: which filter rules were looked at (`input or forward filter rule`, `security policy`). */
  filterWords: string
  /** Whether `f` is a filter rule that may pass the traffic of NAT `n` (direction, hook, host-local rules). */
  candidate(f: Exposure, n: Exposure): boolean
  /** The destination `f` matches NAT'd traffic on (default: translated). */
  sees?(f: Exposure, n: Exposure): NatSide
  /** Vendor conditions beyond boxes and ingress (post-NAT zone): false = `f` never passes `n`'s traffic. */
  pairs?(n: Exposure, f: Exposure): boolean
  /**
   * The part of `f`'s traffic the NAT's traffic is matched against, when the vendor's NAT changes it
   * (ASA: a static NAT naming its real interface diverts the packet there whatever the routes).
   */
  filterBox?(f: Exposure, n: Exposure): Box
  /** Filter rules `filterBox` may widen beyond their destination: every NAT meets them. */
  wide?(f: Exposure): boolean
  /** Exposures that are NATs (default: `nat-forward`). */
  isNat?(e: Exposure): boolean
  /**
   * The callbacks read a NAT only through its box, translation, interfaces and zones (never its line,
   * rule or object): NATs alike in those meet the filter rules once, and each is composed with what
   * passed (a config pasted k times has k copies of each NAT, each meeting every filter rule).
   */
  byContent?: boolean
}

/** A filter rule that passes a NAT's traffic: on which side, and what of it. */
interface Pass {
  f: Exposure
  side: NatSide
  i: Box
  /** An earlier filter rule of the same list is alike in every field: the composition would be the same. */
  twin?: boolean
}

/**
 * Things told apart by a cheap key first (a line and a rule), by an exact one only when cheap keys meet:
 * most never do, and the exact key (JSON) was most of the cost of a config pasted k times.
 */
class Distinct<T> {
  private readonly seen = new Map<string, {first: T; exact?: Set<string>}>()
  constructor(private readonly exactKey: (x: T) => string) {}

  /** False when something added under `near` is exactly alike. */
  add(x: T, near: string): boolean {
    const s = this.seen.get(near)
    if (!s) {
      this.seen.set(near, {first: x})
      return true
    }
    s.exact ??= new Set([this.exactKey(s.first)])
    const key = this.exactKey(x)
    if (s.exact.has(key)) return false
    s.exact.add(key)
    return true
  }
}

/** What composeNat and a `byContent` order read of a NAT: NATs with the same key pass the same filters. */
function contentKey(e: Exposure): string {
  const t = e.translated
  return JSON.stringify([
    e.kind,
    e.direction,
    e.hook ?? '',
    !!e.hostLocal,
    e.from.toCidrs(),
    e.to.toCidrs(),
    e.protocols.toStrings(),
    e.ports.toStrings(),
    e.sourcePorts.toStrings(),
    t ? [t.to?.toCidrs() ?? null, t.ports?.toStrings() ?? null] : null,
    e.interfaces ?? null,
    e.fromZones ?? null,
    e.toZones ?? null,
    e.ingress ?? null,
    e.egress ?? null,
  ])
}

/** Filter rules of every vendor except netfilter: inbound, not to the device itself. */
export function forwardingFilter(f: Exposure): boolean {
  return f.kind === 'filter' && f.direction === 'inbound' && !f.hostLocal
}

/**
 * Replace the NAT exposures by their compositions with the filter rules that pass them (in the order
 * the vendor gives), and the NATs nothing passes by `nat-dead` doubts. Other exposures are kept as they
 * are, except filter rules bound to one NAT (`translated` set), which the composition replaces.
 *
 * `mayMeet`: the exposures among which every filter rule that can meet a NAT is (in their order in
 * `exposures`), when the parser knew its NATs' destinations as it made its filters; default all of them.
 * A big rule base has a few NATs among many filters: each filter is then looked at once, while it is
 * made, not again here.
 */
export function composeNat(exposures: Exposure[], order: NatOrder, mayMeet: readonly Exposure[] = exposures): {exposures: Exposure[]; doubts: NatDoubt[]; nats: Exposure[]} {
  const isNat = order.isNat ?? ((e: Exposure) => e.kind === 'nat-forward')
  const nats = exposures.filter(isNat)
  if (!nats.length) return {exposures, doubts: [], nats}
  // filters indexed by destination on both sides, so each NAT meets only the rules near its addresses
  const filters = new DestinationIndex<Exposure>((e) => e.to)
  const wide: Exposure[] = []
  // a filter rule meets a NAT only where its destination meets the NAT's (translated or public): the
  // others are not indexed (a big rule base has a few NATs among many filters)
  const near = AddressSet.unionAll(nats.map((n) => (n.translated?.to ?? n.to).union(n.to)))
  for (const e of mayMeet) if (!isNat(e) && e.kind === 'filter') (order.wide?.(e) ? wide.push(e) : e.to.overlaps(near) && filters.add(e))
  const out: Exposure[] = []
  const doubts: NatDoubt[] = []
  const dead = new Set<string>()
  // pieces of one NAT rule meeting pieces of one filter rule may compose to the same exposure: those
  // (same NAT line and rule, same filter line and rule) are told apart by their JSON, the others never
  // collide (a JSON key per composition was most of the cost of a config pasted k times: k² of them)
  const listed = new Distinct<Exposure>((c) => JSON.stringify(exposureToJson(c)))
  const isNew = (c: Exposure): boolean => listed.add(c, `${c.file ?? ''}\u0000${c.line}\u0000${c.rule}\u0000${c.filter!.line}\u0000${c.filter!.rule}`)
  const consumed = new Set<Exposure>()
  // the filter rules that pass NAT `e`, in the vendor's order
  const passesOf = (e: Exposure): Pass[] => {
    const t = e.translated
    const original = exposureBox(e)
    const translated: Box = {...original, to: t?.to ?? e.to, ports: t?.ports ?? e.ports}
    const out: Pass[] = []
    const candidates = filters.candidates(translated.to.union(original.to))
    for (const f of wide.length ? [...candidates, ...wide] : candidates) {
      if (!order.candidate(f, e) || !sameIngress(e, f)) continue
      const bound = !!f.translated
      if (bound && !boundTo(f, e)) continue
      if (order.pairs && !order.pairs(e, f)) continue
      const side: NatSide = bound ? 'original' : (order.sees?.(f, e) ?? 'translated')
      const i = intersectBox(side === 'translated' ? translated : original, order.filterBox?.(f, e) ?? exposureBox(f))
      if (i) out.push({f, side, i})
    }
    markTwins(out)
    return out
  }
  // filter rules alike in every field (an ACL pasted k times lists its permits k times under one class)
  // compose alike with a NAT: told apart by line and rule first, by JSON only when those meet
  const filterJson = new Map<Exposure, string>()
  const jsonOf = (f: Exposure) => filterJson.get(f) ?? filterJson.set(f, `${f.name ?? ''}\u0000${JSON.stringify(exposureToJson(f))}`).get(f)!
  const markTwins = (passes: Pass[]) => {
    const byLine = new Distinct<Exposure>(jsonOf)
    for (const p of passes) if (!byLine.add(p.f, `${p.f.file ?? ''}\u0000${p.f.line}\u0000${p.f.rule}\u0000${p.side}`)) p.twin = true
  }
  const alike = order.byContent ? new Map<string, Pass[]>() : undefined
  for (const e of exposures) {
    if (!isNat(e)) {
      out.push(e)
      continue
    }
    let passes: Pass[]
    if (alike) {
      const key = contentKey(e)
      const known = alike.get(key)
      if (!known) alike.set(key, (passes = passesOf(e)))
      else passes = known
    } else passes = passesOf(e)
    const passed = passes.length > 0
    for (const {f, side, i, twin} of passes) {
      if (f.translated) consumed.add(f)
      if (twin) continue
      const c = side === 'translated' ? afterNat(e, f, i) : beforeNat(e, f, i)
      if (isNew(c)) out.push(c)
    }
    if (!passed) {
      const key = `${e.file ?? ''}\u0000${e.line}\u0000${e.rule}`
      if (dead.has(key)) continue
      dead.add(key)
      doubts.push({code: 'nat-dead', effect: 'dead', line: e.line, detail: `${e.rule}: no ${order.filterWords} passes the translated traffic`, ...(e.file ? {file: e.file} : {})})
    }
  }
  return {exposures: consumed.size ? out.filter((e) => !consumed.has(e)) : out, doubts, nats}
}

/** A filter rule shaped as one NAT's traffic belongs to the NAT that translates to the same place. */
function boundTo(f: Exposure, n: Exposure): boolean {
  const ft = f.translated!
  const nt = n.translated
  if (!n.to.covers(f.to)) return false
  if (ft.to && nt?.to && !nt.to.overlaps(ft.to)) return false
  if (ft.ports && nt?.ports && !nt.ports.overlaps(ft.ports)) return false
  return true
}

/**
 * Whether traffic the NAT takes can enter where the filter rule is bound: interfaces (netfilter `eth+`
 * wildcards; `-i lo` never carries it) and vendor zones; a side that names none matches every other.
 */
export function sameIngress(n: Exposure, f: Exposure): boolean {
  const positive = (e: Exposure) => (e.interfaces?.in ?? []).filter((x) => !x.startsWith('!') && !UNBOUND.has(x.toLowerCase()))
  const fi = positive(f)
  if (fi.length && fi.every((x) => x === 'lo')) return false
  const ni = positive(n)
  const match = (a: string, b: string) => a === b || (a.endsWith('+') && b.startsWith(a.slice(0, -1))) || (b.endsWith('+') && a.startsWith(b.slice(0, -1)))
  if (ni.length && fi.length && !ni.some((a) => fi.some((b) => match(a, b)))) return false
  const zones = (list?: string[]) => (list ?? []).filter((z) => !UNBOUND.has(z.toLowerCase()))
  const nz = zones(n.fromZones)
  const fz = zones(f.fromZones)
  return !nz.length || !fz.length || nz.some((z) => fz.includes(z))
}

const UNBOUND = new Set(['any', '*', 'all'])

/**
 * The vendor zones (or interface names, for vendors without zones) the translated destination lies
 * behind, by the device's connected subnets; empty when the device does not say (no interface holds it).
 */
export function postNatZones(device: DeviceModel | undefined, n: Exposure, names: 'zones' | 'interfaces' = 'zones'): string[] {
  const to = n.translated?.to
  if (!device || !to || to.isAny()) return []
  const out = new Set<string>()
  for (const i of device.interfaces) {
    const name = names === 'zones' ? i.vendorZone : i.name
    if (!name) continue
    const subnets = AddressSet.unionAll(i.addresses.map((a) => {
      const c = parseCidr(a)
      return (c && AddressSet.parse(c.network)) || AddressSet.EMPTY
    }))
    if (subnets.overlaps(to)) out.add(name)
  }
  return [...out]
}

/** Whether the filter's destination zones admit traffic toward `zones` (a filter naming none admits all). */
export function leavesToward(f: Exposure, zones: string[]): boolean {
  if (!zones.length) return true
  const named = (f.toZones ?? []).filter((z) => !UNBOUND.has(z.toLowerCase()))
  return !named.length || named.some((z) => zones.includes(z))
}

/** The filter saw the translated packet (`i` is on the translated side): map back to the public side. */
function afterNat(n: Exposure, f: Exposure, i: Box): Exposure {
  const t = n.translated
  // the public side: ports map back one to one when the NAT keeps them; a NAT to one port takes all of its own
  const ports = t?.ports ? n.ports : i.ports
  return composed(n, f, {
    from: i.from,
    // the NAT sends its whole match to the new address; without a new address (REDIRECT) it stays
    to: t?.to ? n.to : i.to,
    protocols: i.protocols,
    ports,
    sourcePorts: i.sourcePorts,
    translated: {to: i.to, ...(t?.ports ? {ports: i.ports} : {})},
  })
}

/** The filter saw the packet before translation (`i` is on the public side). */
function beforeNat(n: Exposure, f: Exposure, i: Box): Exposure {
  // a filter rule bound to this NAT knows the translation of its own part best
  const t = f.translated ?? n.translated
  const translated: {to?: AddressSet; ports?: PortSet} = {}
  // a translation the parser could not compute stays unknown (no `to`), never the public address
  if (t?.to) translated.to = t.to
  if (t?.ports) translated.ports = t.ports
  return composed(n, f, {from: i.from, to: i.to, protocols: i.protocols, ports: i.ports, sourcePorts: i.sourcePorts, translated})
}

function composed(n: Exposure, f: Exposure, part: Pick<Exposure, 'from' | 'to' | 'protocols' | 'ports' | 'sourcePorts' | 'translated'>): Exposure {
  // a packet keeps its family: sources of the other family never reach the NAT'd address
  const families = sameFamilies(part.to)
  const e: Exposure = {...n, ...part, from: part.from.intersect(families), filter: {line: f.line, rule: f.rule}}
  // the vendor's stable name (finding ids): the NAT's, else the filter rule's that decides
  const name = n.name ?? f.name
  if (name) e.name = name
  if (f.hook) e.hook = f.hook
  // the filter's doubts stay on the filter's line (addDoubts re-renders notes from the doubts)
  if (f.doubts?.length) addDoubts(e, f.doubts)
  const notes = [...new Set([...(e.notes ?? []), ...(n.notes ?? []), ...(f.notes ?? [])])]
  if (notes.length) e.notes = notes
  else delete e.notes
  const fromSets = [...new Set([...(n.fromSets ?? []), ...(f.fromSets ?? [])])]
  if (fromSets.length) e.fromSets = fromSets
  const toSets = [...new Set([...(n.toSets ?? []), ...(f.toSets ?? [])])]
  if (toSets.length) e.toSets = toSets
  // where it enters: the NAT's binding, else the filter's; where it leaves: the filter's (post-NAT zone)
  const ins = n.interfaces?.in ?? f.interfaces?.in
  const outs = f.interfaces?.out ?? n.interfaces?.out
  if (ins || outs) e.interfaces = {...(ins ? {in: ins} : {}), ...(outs ? {out: outs} : {})}
  else delete e.interfaces
  const fromZones = n.fromZones ?? f.fromZones
  const toZones = f.toZones ?? n.toZones
  if (fromZones) e.fromZones = fromZones
  if (toZones) e.toZones = toZones
  const ingress = n.ingress ?? (n.interfaces?.in?.length || n.fromZones?.length ? undefined : f.ingress)
  const egress = f.egress ?? (f.interfaces?.out?.length || f.toZones?.length ? undefined : n.egress)
  if (ingress) e.ingress = ingress
  else delete e.ingress
  if (egress) e.egress = egress
  else delete e.egress
  return e
}
