/**
 * Inventory words → the net algebra: zone ids and CIDRs → AddressSet, `tcp/443` → protocol and port
 * sets, zone id → trust. Shared by validate, diff, readiness and map. Lookups go through maps built
 * once per inventory object (cached in a WeakMap), so calling these per entry stays linear.
 */
import {AddressSet} from '../net/address-set.js'
import {box, type Box} from '../net/match.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {hasPorts, parseProtocol} from '../net/protocol.js'
import type {Inventory, Trust, Zone} from './model.js'

export interface Service {
  protocols: ProtocolSet
  /** Destination ports; ALL for protocols without ports and for `tcp` without a port. */
  ports: PortSet
}

export type ServiceProblem = {kind: 'syntax'} | {kind: 'port'; port: string}

const SERVICE = /^([a-z0-9]+)(?:\/(\d+)(?:-(\d+))?)?$/

/**
 * One inventory service (`tcp/443`, `udp/500-501`, `tcp`, `icmp`, `esp`, `47`, `any`) → sets, or a
 * problem: `syntax` when it does not read as a service, `port` when a port is 0, above 65535, or a
 * range is reversed.
 */
export function readService(text: string): Service | ServiceProblem {
  const m = SERVICE.exec(text.trim().toLowerCase())
  if (!m) return {kind: 'syntax'}
  const [, protoText, startText, endText] = m
  const protocols = protoText === 'any' ? ProtocolSet.ALL : parseProtocol(protoText)
  // `ip` and `all` are vendor words for any; the inventory writes `any`
  if (!protocols || (protocols.isAll() && protoText !== 'any')) return {kind: 'syntax'}
  if (startText === undefined) return {protocols, ports: PortSet.ALL}
  const n = protocols.values()
  if (n.length !== 1 || !hasPorts(n[0])) return {kind: 'syntax'}
  const start = Number(startText)
  const end = endText === undefined ? start : Number(endText)
  if (start < 1 || end > 65535 || start > end) return {kind: 'port', port: endText === undefined ? startText : `${startText}-${endText}`}
  return {protocols, ports: PortSet.range(start, end)}
}

/** `tcp/443` → {protocols, ports}; null when invalid (validate reports why). */
export function parseService(text: string): Service | null {
  const s = readService(text)
  return 'protocols' in s ? s : null
}

/** Zone ids, CIDRs and `any` → their addresses, with the zone index built once per inventory. */
export class Resolver {
  private readonly zones = new Map<string, Zone>()
  private readonly children = new Map<string, string[]>()
  private readonly zoneAddresses = new Map<string, AddressSet>()

  constructor(readonly inventory: Inventory) {
    // first definition wins, as validate reports the duplicate
    for (const z of inventory.zones) if (!this.zones.has(z.id)) this.zones.set(z.id, z)
    for (const z of this.zones.values()) {
      if (z.parent === undefined || z.parent === z.id) continue
      const list = this.children.get(z.parent) ?? []
      list.push(z.id)
      this.children.set(z.parent, list)
    }
  }

  zone(id: string): Zone | undefined {
    return this.zones.get(id)
  }

  trustOf(zoneId: string): Trust | undefined {
    return this.zones.get(zoneId)?.trust
  }

  /** A zone with no cidrs, or with 0.0.0.0/0 or ::/0, stands for any address (typically `internet`). */
  isCatchAll(zone: Zone): boolean {
    if (cidrsOf(zone).length === 0) return (this.children.get(zone.id) ?? []).length === 0
    const own = this.ownCidrs(zone)
    return own.isAny4() || own.isAny6()
  }

  /**
   * Addresses of a zone: its cidrs and those of the zones declared nested in it (`parent`). A
   * catch-all zone is any. Undefined for an unknown id.
   */
  zoneAddressesOf(id: string): AddressSet | undefined {
    const cached = this.zoneAddresses.get(id)
    if (cached) return cached
    const zone = this.zones.get(id)
    if (!zone) return undefined
    const parts: AddressSet[] = []
    const seen = new Set<string>()
    const stack = [id]
    // iterative walk, guarded against parent cycles (validate reports those)
    while (stack.length > 0) {
      const zid = stack.pop() as string
      if (seen.has(zid)) continue
      seen.add(zid)
      const z = this.zones.get(zid)
      if (!z) continue
      if (this.isCatchAll(z)) {
        parts.length = 0
        parts.push(AddressSet.ANY)
        break
      }
      parts.push(this.ownCidrs(z))
      stack.push(...(this.children.get(zid) ?? []))
    }
    const set = AddressSet.unionAll(parts)
    this.zoneAddresses.set(id, set)
    return set
  }

  /** One reference: `any`, a zone id, or a CIDR/address. Undefined when it is none of these. */
  addressOf(ref: string): AddressSet | undefined {
    if (ref.trim().toLowerCase() === 'any') return AddressSet.ANY
    const zone = this.zoneAddressesOf(ref)
    if (zone) return zone
    // `any4`/ranges are vendor spellings, not inventory ones
    if (!/^[0-9a-fA-F:.]+(?:\/\d{1,3})?$/.test(ref.trim())) return undefined
    return AddressSet.parse(ref) ?? undefined
  }

  /** Union of the references; unknown ones add nothing (validate reports them). */
  addresses(refs: readonly string[]): AddressSet {
    return AddressSet.unionAll(refs.map((r) => this.addressOf(r) ?? AddressSet.EMPTY))
  }

  /** Zone ids among the references (CIDRs and `any` are not zones). */
  zoneIds(refs: readonly string[]): string[] {
    return refs.filter((r) => this.zones.has(r))
  }

  /** The zone's own cidrs, without the zones nested in it. */
  ownCidrs(zone: Zone): AddressSet {
    return AddressSet.unionAll(cidrsOf(zone).map((c) => AddressSet.parse(c) ?? AddressSet.EMPTY))
  }
}

/** A zone's cidrs that are strings; defensive, as this also runs on inventories that fail the schema. */
function cidrsOf(zone: Zone): string[] {
  return Array.isArray(zone.cidrs) ? zone.cidrs.filter((c): c is string => typeof c === 'string') : []
}

const resolvers = new WeakMap<Inventory, Resolver>()

/** The Resolver of an inventory, built on first use. Do not mutate the inventory afterwards. */
export function resolverFor(inventory: Inventory): Resolver {
  let r = resolvers.get(inventory)
  if (!r) {
    r = new Resolver(inventory)
    resolvers.set(inventory, r)
  }
  return r
}

/** Zone ids, CIDRs and `any` → one AddressSet (unknown references add nothing). */
export function resolveAddresses(inventory: Inventory, refs: readonly string[]): AddressSet {
  return resolverFor(inventory).addresses(refs)
}

/** Trust level of a zone id; undefined for an unknown id. */
export function trustOf(inventory: Inventory, zoneId: string): Trust | undefined {
  return resolverFor(inventory).trustOf(zoneId)
}

/**
 * The traffic an access point or flow allows, as boxes (one per valid service): from × to ×
 * service. Invalid services are skipped (validate reports them).
 */
export function trafficBoxes(inventory: Inventory, entry: {from: readonly string[]; to: readonly string[]; services: readonly string[]}): Box[] {
  const r = resolverFor(inventory)
  const from = r.addresses(entry.from)
  const to = r.addresses(entry.to)
  const out: Box[] = []
  for (const s of entry.services) {
    const svc = parseService(s)
    if (svc) out.push(box({from, to, protocols: svc.protocols, ports: svc.ports}))
  }
  return out
}
