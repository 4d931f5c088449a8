/**
 * The zone graph and the per-device decision (issue #20). Zones are joined by the devices whose
 * interfaces or vendor zones map to them (devices[].interfaces, else the same inference as the diff,
 * plus devices[].zones); a cloud account also joins the internet to its zones. Routing tables are not
 * read: every loop-free zone path is a candidate, and the rules on it decide.
 *
 * A device decides a piece of traffic that enters from zone A and leaves to zone B with its permits in
 * rule order (first match wins): the exposures the parser produced after rule ordering, bound to A and B
 * by their ingress/egress (a rule bound to nothing applies on every pair, decided by its addresses).
 * What no permit passes is denied by the device's default policy or a deny rule: the exposure model
 * carries permits only, so such a deny is reported as implicit.
 */
import {attachment, type DeviceModel} from '../model/device.js'
import {type Denial, type Exposure, exposureBox} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {DestinationIndex} from '../net/destination-index.js'
import {type Box, intersectBox, mergeBoxes, overlapsBox, subtractBox} from '../net/match.js'
import {byCodeUnit} from '../core/order.js'
import {DeviceReach, ZoneSpace} from '../diff/reach.js'
import type {DiffInput, DiffZone} from '../diff/model.js'
import {isEmptyConfig} from '../diff/unaudited.js'
import type {Condition, Piece} from './model.js'

/** Paths longer than this many devices are not followed (issue #20: up to 6 hops). */
export const MAX_HOPS = 6

/** Boxes taken by earlier permits of one match, past which they are looked up by destination. */
const TAKEN_INDEX_MIN = 32

/** Edges out of a zone past which a walk looks up the devices near its pieces (PathSpace.near). */
export const NEAR_MIN_EDGES = 16
/** A piece touching more IPv4 /16s than this is wide: it may meet any device. */
const NEAR_QUERY_16 = 64

function blocks16(v4: readonly number[]): number {
  let n = 0
  for (let i = 0; i < v4.length; i += 2) n += (v4[i + 1] >>> 16) - (v4[i] >>> 16) + 1
  return n
}

export interface Edge {
  device: string
  to: string
}

/** One audited device: its transit permits in rule order, indexed by destination. */
export class DeviceRules {
  readonly zones: string[]
  readonly permits: Exposure[]
  readonly denies: readonly Denial[]
  /** NAT rules the parser did not compose with a filter rule (composed here, see decide). */
  readonly nats: Exposure[]
  private readonly composedMemo = new Map<Exposure, Map<Exposure, Exposure>>()
  private readonly boxes = new Map<Exposure, Box>()
  private readonly index: DestinationIndex<Exposure>
  private readonly applicable = new Map<string, Set<Exposure>>()
  private readonly pairDenies = new Map<string, readonly Denial[]>()
  private readonly conditions = new Map<Exposure, Condition[]>()

  constructor(
    readonly id: string,
    readonly reach: DeviceReach,
    exposures: Exposure[],
    zones: string[],
    /** Lines of its configs the parser did not understand (a deny may be wrong there). */
    readonly unparsed: Array<{file: string; line: number}>,
    /** Zones an interface or vendor zone of the device leads to (mapped or inferred), not only declared. */
    readonly mapped: ReadonlySet<string> = new Set(zones),
    /** Denies in evaluation order (formats that record them): the first that holds a denied packet decides it. */
    denies: readonly Denial[] = [],
  ) {
    // transit denies only: the device's own input and output chains decide nothing that passes through
    this.denies = denies.filter((d) => d.direction === 'inbound' && d.hook !== 'output' && d.hook !== 'input')
    this.zones = zones
    // a NAT composed with its filter rule decides first: the device translates before its filter passes
    // the translated traffic, so the filter rule alone only takes what no NAT matched
    const natFirst = (e: Exposure) => (e.kind === 'nat-forward' ? 0 : 1)
    this.permits = exposures.filter(transit).sort((a, b) => natFirst(a) - natFirst(b) || byCodeUnit(a.file ?? '', b.file ?? '') || a.line - b.line)
    this.nats = exposures
      .filter((e) => e.kind === 'nat-forward' && !e.filter && e.translated?.to && e.direction === 'inbound')
      .sort((x, y) => byCodeUnit(x.file ?? '', y.file ?? '') || x.line - y.line)
    this.index = new DestinationIndex<Exposure>((e) => e.to)
    for (const e of this.permits) this.index.add(e)
  }

  /** A permit's box, built once. */
  private boxOf(e: Exposure): Box {
    let b = this.boxes.get(e)
    if (!b) this.boxes.set(e, (b = exposureBox(e)))
    return b
  }

  /** Whether a permit applies to traffic entering from zone `a` and leaving to zone `b`. */
  private applies(a: string, b: string): Set<Exposure> {
    const key = `${a}\u0000${b}`
    let set = this.applicable.get(key)
    if (set) return set
    set = new Set()
    for (const e of [...this.permits, ...this.nats]) {
      const inZones = e.ingress ? this.reach.zonesOf(e.ingress) : undefined
      if (inZones && !inZones.includes(a)) continue
      const outZones = e.egress ? this.reach.zonesOf(e.egress) : undefined
      if (outZones && !outZones.includes(b)) continue
      set.add(e)
    }
    this.applicable.set(key, set)
    return set
  }

  /**
   * The recorded denies that decide a box denied from zone `a` toward `b` (the first that overlaps each
   * part of it); a zone-scoped deny only where its vendor zones map to `a` and `b` on this device.
   */
  denying(a: string, b: string, box: Box): Denial[] {
    const out: Denial[] = []
    let rest: Box[] = [box]
    for (const d of this.deniesBetween(a, b)) {
      if (!rest.some((r) => intersectBox(r, d.box))) continue
      out.push(d)
      rest = rest.flatMap((r) => (intersectBox(r, d.box) ? subtractBox(r, d.box) : [r]))
      if (!rest.length) break
    }
    return out
  }

  /** The denies that apply between zones `a` and `b`, in evaluation order (unmapped vendor zones: none). */
  private deniesBetween(a: string, b: string): readonly Denial[] {
    const key = `${a}\u0000${b}`
    let list = this.pairDenies.get(key)
    if (list) return list
    const maps = (vendor: string[] | undefined, zone: string) => !vendor || !!this.reach.zonesOf(attachment([], vendor))?.includes(zone)
    list = this.denies.filter((d) => maps(d.fromZones, a) && maps(d.toZones, b))
    this.pairDenies.set(key, list)
    return list
  }

  conditionsOf(e: Exposure): Condition[] {
    let c = this.conditions.get(e)
    if (!c) this.conditions.set(e, (c = conditionsOf(e)))
    return c
  }

  /**
   * Decide pieces of traffic entering from `a` toward `b`: first match wins; what passes goes on with
   * its destination translated where the deciding rule is a NAT; the rest is denied. A NAT the parser
   * did not compose with its filter (no `filter`) is composed here both ways vendors order them: a
   * filter rule that names the address as it arrives (PAN-OS) passes it and the NAT then translates it;
   * else the NAT translates first and a filter rule naming the real address (ASA, netfilter) passes it.
   */
  decide(a: string, b: string, pieces: Piece[], needDenied = true): {passed: Piece[]; denied: Piece[]} {
    const rules = this.applies(a, b)
    const passed: Piece[] = []
    const denied: Piece[] = []
    // what the permits leave is needed for the denied report, and for NATs not yet composed
    const needRest = needDenied || this.nats.some((n) => rules.has(n))
    for (const piece of pieces) {
      const first = this.match(rules, piece, piece.box, undefined, needRest)
      for (const p of first.passed) passed.push(...this.natAfter(rules, p))
      for (const r of first.rest) {
        let rest: Box[] = [r]
        for (const nat of this.nats) {
          if (!rules.has(nat)) continue
          const next: Box[] = []
          for (const x of rest) {
            const i = intersectBox(x, this.boxOf(nat))
            if (!i) {
              next.push(x)
              continue
            }
            const after = this.match(rules, piece, translate(i, nat), nat)
            passed.push(...after.passed)
            for (const y of after.rest) next.push({...y, to: i.to, ports: i.ports})
            next.push(...subtractBox(x, this.boxOf(nat)))
          }
          rest = next
        }
        for (const x of mergeBoxes(rest)) denied.push({box: x, origin: originOf(piece, x), chain: piece.chain, entered: piece.entered})
      }
    }
    return {passed: mergePieces(passed), denied}
  }

  /**
   * First-match of the permits on `box`; `nat` is the NAT that already translated it. Each permit keeps
   * what no earlier permit took (only the earlier ones that overlap it are subtracted, so distinct rules
   * cost no fragmentation); `rest`, what none took, only when asked.
   */
  private match(rules: Set<Exposure>, piece: Piece, box: Box, nat?: Exposure, needRest = true): {passed: Piece[]; rest: Box[]} {
    const passed: Piece[] = []
    const taken: Box[] = []
    // what earlier permits took, by destination once there are many: a wide piece meets every permit,
    // and testing each against all the earlier ones grew with the square of the rules
    let takenIndex: DestinationIndex<Box> | undefined
    for (const e of this.index.candidates(box.to)) {
      if (!rules.has(e) || (nat && e.kind === 'nat-forward')) continue
      const eb = this.boxOf(e)
      // most candidates share the destination block only: test before building the intersection
      if (!eb.to.overlaps(box.to) || !eb.ports.overlaps(box.ports) || !eb.protocols.overlaps(box.protocols)) continue
      const i = intersectBox(box, eb)
      if (!i) continue
      let parts: Box[] = [i]
      // the index gives the earlier boxes that may meet `i` in the order they were taken, as the scan did
      for (const t of takenIndex ? takenIndex.candidates(i.to) : taken) {
        if (!parts.some((p) => overlapsBox(p, t))) continue
        parts = parts.flatMap((p) => (overlapsBox(p, t) ? subtractBox(p, t) : [p]))
        if (!parts.length) break
      }
      taken.push(i)
      if (takenIndex) takenIndex.add(i)
      else if (taken.length >= TAKEN_INDEX_MIN) {
        takenIndex = new DestinationIndex<Box>((b) => b.to)
        for (const t of taken) takenIndex.add(t)
      }
      const rule = nat ? this.composed(nat, e) : e
      for (const part of mergeBoxes(parts)) {
        const before = nat ? {...part, to: nat.to.intersect(piece.box.to), ports: piece.box.ports} : part
        passed.push({box: translate(part, e), origin: originOf(piece, before), chain: [...piece.chain, rule], entered: [...piece.entered, [before]]})
      }
    }
    if (!needRest) return {passed, rest: []}
    let rest: Box[] = [box]
    for (const t of taken) {
      rest = rest.flatMap((r) => (overlapsBox(r, t) ? subtractBox(r, t) : [r]))
      if (!rest.length) break
    }
    return {passed, rest: mergeBoxes(rest)}
  }

  /** A filter rule that passed the address as it arrives: the device's NAT then translates it. */
  private natAfter(rules: Set<Exposure>, p: Piece): Piece[] {
    const e = p.chain[p.chain.length - 1]
    if (e.kind === 'nat-forward' || !this.nats.length) return [p]
    const out: Piece[] = []
    let rest: Box[] = [p.box]
    for (const nat of this.nats) {
      if (!rules.has(nat)) continue
      const next: Box[] = []
      for (const x of rest) {
        const i = intersectBox(x, this.boxOf(nat))
        if (!i) {
          next.push(x)
          continue
        }
        out.push({...p, box: translate(i, nat), chain: [...p.chain.slice(0, -1), this.composed(nat, e)]})
        next.push(...subtractBox(x, this.boxOf(nat)))
      }
      rest = next
    }
    for (const x of rest) out.push({...p, box: x})
    return out
  }

  /** A NAT and the filter rule that passes it, as one rule (the composed form parsers give). */
  private composed(nat: Exposure, filter: Exposure): Exposure {
    let byFilter = this.composedMemo.get(nat)
    if (!byFilter) this.composedMemo.set(nat, (byFilter = new Map()))
    let c = byFilter.get(filter)
    if (!c) byFilter.set(filter, (c = {...nat, filter: {line: filter.line, rule: filter.rule}, notes: [...(nat.notes ?? []), ...(filter.notes ?? [])], fromSets: filter.fromSets, toSets: filter.toSets}))
    return c
  }
}

/** Permits of traffic passing through a device (as the diff's flow check reads them). */
function transit(e: Exposure): boolean {
  if (e.direction !== 'inbound' || e.hook === 'output' || e.hostLocal) return false
  if (e.kind === 'nat-forward') return !!e.filter
  return e.kind === 'filter' || e.kind === 'load-balancer'
}

/** The traffic after a NAT rule: its destination (and ports) as translated. */
function translate(b: Box, e: Exposure): Box {
  if (e.kind !== 'nat-forward' || !e.translated) return b
  return {...b, to: e.translated.to ?? b.to, ports: e.translated.ports ?? b.ports}
}

/** The part of a piece's origin that `sub` (a part of its current box) came from. */
function originOf(piece: Piece, sub: Box): Box {
  const natted = piece.chain.some((e) => e.kind === 'nat-forward' && e.translated)
  return {
    from: piece.origin.from.intersect(sub.from),
    to: natted ? piece.origin.to : piece.origin.to.intersect(sub.to),
    protocols: piece.origin.protocols.intersect(sub.protocols),
    ports: natted ? piece.origin.ports : piece.origin.ports.intersect(sub.ports),
    sourcePorts: piece.origin.sourcePorts.intersect(sub.sourcePorts),
  }
}

/** One rule of a chain as a key (a composed NAT with each filter rule is its own link). */
export function chainPart(e: Exposure): string {
  return `${e.device ?? ''}\u0001${e.file ?? ''}\u0001${e.line}\u0001${e.rule}\u0001${e.filter?.line ?? ''}`
}

/** Pieces with the same rule chain merged (fewer, larger boxes; the chain is what the report names). */
export function mergePieces(pieces: Piece[]): Piece[] {
  if (pieces.length < 2) return pieces
  const byChain = new Map<string, Piece[]>()
  const key = (p: Piece) => p.chain.map(chainPart).join('\u0000')
  for (const p of pieces) {
    const k = key(p)
    const list = byChain.get(k)
    if (list) list.push(p)
    else byChain.set(k, [p])
  }
  const out: Piece[] = []
  for (const list of byChain.values()) {
    if (list.length === 1) {
      out.push(list[0])
      continue
    }
    const boxes = mergeBoxes(list.map((p) => p.box))
    const origins = mergeBoxes(list.map((p) => p.origin))
    // one origin per merged box is enough for the report: keep the union's hull per chain
    const entered = list[0].entered.map((_, hop) => mergeBoxes(list.flatMap((p) => p.entered[hop])))
    boxes.forEach((b, i) => out.push({box: b, origin: origins[Math.min(i, origins.length - 1)], chain: list[0].chain, entered}))
  }
  return out
}

/** Doubt codes that say when a permit holds rather than how far it reaches. */
const CONDITION_OF: Partial<Record<string, Condition['kind']>> = {'time-limited': 'schedule'}

/** Conditions a permit holds under (state, schedule, user) and the parser's doubts about it, with their codes. */
export function conditionsOf(e: Exposure): Condition[] {
  const out: Condition[] = []
  if (e.doubts?.length) {
    for (const d of e.doubts) {
      // `conditional` is any match the box cannot hold (`only when …`): its text says which kind
      const kind =
        CONDITION_OF[d.code] ??
        (/\b(ct)?state\b|established|related/i.test(d.detail) ? 'state' : /\btime\b|timestart|schedule|weekdays|datestart/i.test(d.detail) ? 'schedule' : /\buser|fsso|identity|owner/i.test(d.detail) ? 'user' : 'doubt')
      out.push({kind, detail: d.detail, code: d.code, lines: [e.line]})
    }
    return out
  }
  for (const note of e.notes ?? []) {
    const kind: Condition['kind'] = /\b(ct)?state\b|established|related/i.test(note)
      ? 'state'
      : /schedule/i.test(note)
        ? 'schedule'
        : /\buser|fsso|identity|source-user\b/i.test(note)
          ? 'user'
          : 'doubt'
    out.push({kind, detail: note, lines: [e.line]})
  }
  for (const s of e.fromSets ?? []) out.push({kind: 'doubt', detail: `source set ${s} not expanded`, lines: [e.line]})
  for (const s of e.toSets ?? []) out.push({kind: 'doubt', detail: `destination set ${s} not expanded`, lines: [e.line]})
  return out
}

/** The inventory's zones and audited devices as a graph of zones joined by devices. */
export class PathSpace {
  readonly zones: ZoneSpace
  readonly devices = new Map<string, DeviceRules>()
  private readonly adjacency = new Map<string, Edge[]>()
  private readonly zoneById = new Map<string, DiffZone>()
  private readonly own = new Map<string, AddressSet>()
  /** Every permit and NAT destination of every device, by destination (built on the first `near`). */
  private destinations?: DestinationIndex<{device: string; to: AddressSet}>

  constructor(readonly input: DiffInput) {
    this.zones = new ZoneSpace(input.zones, input.policy.trustedTrust)
    for (const z of input.zones) if (!this.zoneById.has(z.id)) this.zoneById.set(z.id, z)
    const byDevice = new Map<string, Array<Exclude<DiffInput['live'][number], {error: string}>>>()
    for (const l of input.live) {
      if ('error' in l || isEmptyConfig(l)) continue
      const list = byDevice.get(l.device) ?? []
      list.push(l)
      byDevice.set(l.device, list)
    }
    for (const [id, lives] of [...byDevice].sort(([a], [b]) => byCodeUnit(a, b))) {
      const device = input.devices.find((d) => d.id === id)
      const models = lives.flatMap((l) => (l.model ? [l.model] : []))
      const model: DeviceModel | undefined = models.length
        ? {interfaces: models.flatMap((m) => m.interfaces), ownAddresses: models.flatMap((m) => m.ownAddresses), listeners: models.flatMap((m) => m.listeners)}
        : undefined
      const exposures = lives.flatMap((l) => l.exposures.map((e) => ({...e, device: id, file: e.file ?? l.file})))
      const natted = AddressSet.unionAll(exposures.filter((x) => x.kind === 'nat-forward' && x.translated?.to).map((x) => x.to))
      const reach = new DeviceReach(this.zones, device, model, natted)
      const mapped = new Set<string>()
      for (const m of device?.interfaces ?? []) mapped.add(m.zone)
      for (const i of model?.interfaces ?? []) for (const z of reach.zonesOf({interfaces: [i.name], zones: []}) ?? []) mapped.add(z)
      // a cloud account's instances face the internet through the provider's gateway
      if (device?.role === 'cloud-account' && this.zones.internet) mapped.add(this.zones.internet.id)
      // zones the inventory only declares (devices[].zones) end a path: no interface is known to carry
      // traffic on from there; a device with no mapping at all is joined by its declared zones
      const zones = new Set<string>([...mapped, ...(device?.zones ?? [])])
      const known = [...zones].filter((z) => this.zoneById.has(z)).sort(byCodeUnit)
      const unparsed = lives.flatMap((l) => l.unparsed.map((u) => ({file: u.file ?? l.file, line: u.line})))
      const denies = lives.flatMap((l) => (l.denies ?? []).map((d) => ({...d, file: d.file ?? l.file})))
      this.devices.set(id, new DeviceRules(id, reach, exposures, known, unparsed, mapped.size ? mapped : new Set(known), denies))
    }
    for (const d of this.devices.values()) {
      for (const a of d.zones) for (const b of d.zones) if (a !== b) this.edgesOf(a).push({device: d.id, to: b})
    }
    for (const list of this.adjacency.values()) list.sort((x, y) => byCodeUnit(x.to, y.to) || byCodeUnit(x.device, y.device))
    // a zone's own addresses: without those of the zones nested inside it (delivered there, not here)
    for (const z of input.zones) {
      const all = this.addresses(z.id)
      const inner = input.zones.filter((o) => o.id !== z.id && !o.catchAll && !all.isEmpty() && all.covers(o.addresses) && !o.addresses.equals(all))
      this.own.set(z.id, inner.length ? all.subtract(AddressSet.unionAll(inner.map((o) => o.addresses))) : all)
    }
  }

  private edgesOf(zone: string): Edge[] {
    let list = this.adjacency.get(zone)
    if (!list) this.adjacency.set(zone, (list = []))
    return list
  }

  /**
   * The edges traffic in `zone` may take: through a device with an interface in that zone (one that
   * only declares it in devices[].zones is not known to receive traffic from it).
   */
  edges(zone: string): readonly Edge[] {
    return (this.adjacency.get(zone) ?? []).filter((e) => this.devices.get(e.device)!.mapped.has(zone))
  }

  /** Whether a path may go on past the zone an edge leads to (its device has an interface there). */
  continues(edge: Edge): boolean {
    return this.devices.get(edge.device)!.mapped.has(edge.to)
  }

  zone(id: string): DiffZone | undefined {
    return this.zoneById.get(id)
  }

  /**
   * Per device, the pieces whose destination meets one of its permits or NATs (in the pieces' order):
   * the others pass nothing there, so a walk that needs only what passes decides just these. Chained
   * devices in parallel meet a few of each other's hosts; without this, every pair of devices would
   * try every piece. Undefined when a piece is wide (every device may take it: decide them all).
   */
  near(pieces: readonly Piece[]): Map<string, Piece[]> | undefined {
    // a piece as wide as the index meets every device: nothing to save (the first hop from a zone)
    if (pieces.some((p) => p.box.to.v6.length > 0 || blocks16(p.box.to.v4) > NEAR_QUERY_16)) return undefined
    if (!this.destinations) {
      this.destinations = new DestinationIndex((e) => e.to)
      for (const d of this.devices.values()) for (const e of [...d.permits, ...d.nats]) this.destinations.add({device: d.id, to: e.to})
    }
    const out = new Map<string, Piece[]>()
    for (const p of pieces) {
      for (const e of this.destinations.candidates(p.box.to)) {
        const list = out.get(e.device)
        // a piece goes once to each device (its permits are filed one by one)
        if (list?.[list.length - 1] === p || !e.to.overlaps(p.box.to)) continue
        if (list) list.push(p)
        else out.set(e.device, [p])
      }
    }
    return out
  }

  /** A zone's addresses (a catch-all zone: those no other zone claims). */
  addresses(id: string): AddressSet {
    return this.zones.addressesOf([id])
  }

  /** A zone's addresses without those of the zones nested in it. */
  ownAddresses(id: string): AddressSet {
    return this.own.get(id) ?? this.addresses(id)
  }

  /** A set as the report writes it: a zone id when it is exactly that zone, else its CIDRs. */
  label(set: AddressSet): string[] {
    for (const z of this.input.zones) {
      const all = this.addresses(z.id)
      if (set.equals(all)) return [z.id]
      if (all.v4.length && all.v6.length && set.equals(all.intersect(AddressSet.ANY4))) return [`${z.id} (IPv4)`]
      if (all.v4.length && all.v6.length && set.equals(all.intersect(AddressSet.ANY6))) return [`${z.id} (IPv6)`]
    }
    return set.toCidrs()
  }

  untrusted(id: string): boolean {
    const z = this.zoneById.get(id)
    return !!z && (z.trust === 'internet' || z.trust === 'partner')
  }

  /** The most specific zones holding part of `set` (a zone whose nested zone holds it all is skipped). */
  zonesHolding(set: AddressSet): string[] {
    const out: string[] = []
    for (const z of this.input.zones) {
      const part = set.intersect(this.ownAddresses(z.id))
      if (!part.isEmpty()) out.push(z.id)
    }
    return out.sort(byCodeUnit)
  }

  /**
   * Every loop-free zone path from `from` to `to`, up to MAX_HOPS devices; intermediate zones are ours
   * (a path does not cross the internet or a partner). Paths come in order: fewer hops first, then by name.
   */
  paths(from: string, to: string, limit = 200): Array<{zones: string[]; devices: string[]}> {
    const out: Array<{zones: string[]; devices: string[]}> = []
    const walk = (zones: string[], devices: string[]) => {
      if (out.length >= limit) return
      const here = zones[zones.length - 1]
      if (here === to && devices.length) {
        out.push({zones: [...zones], devices: [...devices]})
        return
      }
      if (devices.length >= MAX_HOPS) return
      if (devices.length && this.untrusted(here)) return
      if (devices.length && !this.continues({device: devices[devices.length - 1], to: here})) return
      for (const e of this.edges(here)) {
        if (zones.includes(e.to)) continue
        zones.push(e.to)
        devices.push(e.device)
        walk(zones, devices)
        zones.pop()
        devices.pop()
      }
    }
    walk([from], [])
    return out.sort((a, b) => a.devices.length - b.devices.length || byCodeUnit(a.zones.join(' '), b.zones.join(' ')) || byCodeUnit(a.devices.join(' '), b.devices.join(' ')))
  }
}
