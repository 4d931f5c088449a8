/**
 * Reach by where traffic enters (issue "reach by where traffic enters"). An exposure that says where its
 * traffic enters (`ingress`) is reachable from untrusted networks only when that interface or vendor zone
 * maps to an untrusted inventory zone, and only from that zone's addresses; its destinations are those of
 * the zones its egress maps to. The mapping comes from the inventory (`devices[].interfaces`) or from
 * inference on the device model, never from vendor zone names (`outside`, `untrust` mean nothing here).
 * No routing is modelled: a rule without ingress, or bound to an interface nobody maps, is decided by its
 * source addresses alone, as before, and the unmapped interface is reported.
 */
import type {Attachment, DeviceInterface, DeviceModel} from '../model/device.js'
import type {Exposure} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import type {DiffDevice, DiffZone, Trust} from './model.js'

/** How an interface or vendor zone got its zone, for the report. */
export type MappingHow = 'inventory' | 'vendor-zone' | 'default-route' | 'wan' | 'security-level-0' | 'subnet' | 'unmapped'

export interface InterfaceMapping {
  name?: string
  vendor_zone?: string
  /** Inventory zones behind it (several when the inventory lists it more than once); empty when unmapped. */
  zones: string[]
  how: MappingHow
}

/** An interface or vendor zone that rules are bound to and no zone is mapped to. */
export interface Unmapped {
  name?: string
  vendorZone?: string
  addresses: string[]
  /** Zones whose cidrs hold one of its subnets. */
  fits: string[]
  line?: number
}

const LOOPBACK = AddressSet.of('127.0.0.0/8', '::1/128')
/** Address space that is never routed on the internet: a connected subnet here may be inferred to a zone. */
const PRIVATE = AddressSet.of('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', 'fc00::/7', 'fe80::/10')

/** The zones as address sets, catch-all zones resolved to the addresses no other zone claims. */
export class ZoneSpace {
  private readonly byId = new Map<string, DiffZone>()
  private readonly resolved = new Map<string, AddressSet>()
  private readonly unions = new Map<string, AddressSet>()
  /** Cloud reference (`sg-…`, `pl-…`, `tag:…`, `sa:…`, an Azure service tag) → zone ids. */
  private readonly refs = new Map<string, string[]>()
  readonly internet?: DiffZone

  constructor(
    readonly zones: readonly DiffZone[],
    private readonly trustedTrust: readonly Trust[],
  ) {
    for (const z of zones) if (!this.byId.has(z.id)) this.byId.set(z.id, z)
    const claimed = AddressSet.unionAll(zones.filter((z) => !z.catchAll).map((z) => z.addresses))
    for (const z of zones) this.resolved.set(z.id, z.catchAll ? z.addresses.subtract(claimed) : z.addresses)
    this.internet = zones.find((z) => z.catchAll && z.trust === 'internet')
    for (const z of zones) {
      for (const ref of z.cloudRefs ?? []) {
        // `VirtualNetwork@corp-vnet`: the export names the tag only, so the tag stands for its zones
        const key = /^sg-|^pl-|^tag:|^sa:/.test(ref) ? ref : ref.split('@')[0]
        this.refs.set(key, [...(this.refs.get(key) ?? []), z.id])
      }
    }
  }

  /**
   * The addresses a symbolic cloud source stands for: the zones whose cloud_refs name it; Azure's
   * `Internet` tag is the public address space (the catch-all internet zone), `AzureLoadBalancer` the
   * platform's health probe (no network of anyone). Undefined when nothing resolves it.
   */
  resolveRef(name: string): AddressSet | undefined {
    // an AWS group is shown with its name or owner (`sg-0abc (db) via pcx-1`): its id is the reference
    const zones = this.refs.get(/^(?:sg|pl)-[0-9a-z]+/i.exec(name)?.[0] ?? name)
    if (zones) return this.addressesOf(zones)
    if (name === 'Internet' && this.internet) return this.addressesOf([this.internet.id])
    if (name === 'AzureLoadBalancer') return AddressSet.EMPTY
    return undefined
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  catchAll(id: string): boolean {
    return !!this.byId.get(id)?.catchAll
  }

  untrusted(id: string): boolean {
    const z = this.byId.get(id)
    return !!z && !this.trustedTrust.includes(z.trust)
  }

  /** Union of the zones' addresses (catch-all: what no other zone claims), cached by the id list. */
  addressesOf(ids: readonly string[]): AddressSet {
    const key = ids.join('\u0000')
    let set = this.unions.get(key)
    if (!set) this.unions.set(key, (set = AddressSet.unionAll(ids.map((id) => this.resolved.get(id) ?? AddressSet.EMPTY))))
    return set
  }

  /** Non catch-all zones whose cidrs hold the whole subnet. */
  holding(subnet: AddressSet): string[] {
    return this.zones.filter((z) => !z.catchAll && !z.addresses.isEmpty() && z.addresses.covers(subnet)).map((z) => z.id)
  }
}

/** What the diff checks of one exposure: untrusted sources and the destinations that are ours. */
export interface ReachScope {
  /** Sources that count as untrusted (empty: nothing to report). */
  untrusted: AddressSet
  /** Destinations narrowed by egress and host-local addresses; ANY when nothing narrows them. */
  to: AddressSet
  /** The inventory zones of the ingress, when mapped. */
  ingressZones?: string[]
  egressZones?: string[]
  /** Host-local with no address known: the destination is "the device itself". */
  deviceItself?: boolean
}

/** One device's interfaces and vendor zones mapped to inventory zones (explicit, else inferred). */
export class DeviceReach {
  private readonly byName = new Map<string, string[]>()
  private readonly byVendorZone = new Map<string, string[]>()
  private readonly modelIfaces = new Map<string, DeviceInterface>()
  private readonly ifaceMemo = new Map<string, InterfaceMapping>()
  private readonly vzMemo = new Map<string, {zones?: string[]; how: MappingHow}>()
  private readonly attachMemo = new Map<string, string[] | null>()
  private readonly unmappedSeen = new Map<string, Unmapped>()
  private readonly management?: AddressSet
  /** Sources less the trusted set, by the sources' identity (a rule's exposures, and ANY, share theirs). */
  private readonly untrustedOf = new Map<AddressSet, AddressSet>()
  private untrustedFor?: AddressSet
  /** Zones the inventory maps explicitly on this device. */
  private readonly explicitZones = new Set<string>()
  /**
   * A cloud account's rules attach to the instances they protect (ENIs, NICs), which says nothing of
   * where traffic comes from: nothing is inferred nor reported there, sources decide unless mapped.
   */
  private readonly cloud: boolean

  constructor(
    private readonly space: ZoneSpace,
    device: DiffDevice | undefined,
    private readonly model: DeviceModel | undefined,
    /** Destinations the device translates (DNAT, VIPs, static NAT): a rule may name them with a post-NAT egress. */
    private readonly natted: AddressSet = AddressSet.EMPTY,
  ) {
    for (const m of device?.interfaces ?? []) {
      // an entry listed twice (a tunnel toward several zones) leads to each of them
      if (m.name !== undefined) this.byName.set(m.name, [...(this.byName.get(m.name) ?? []), m.zone])
      if (m.vendorZone !== undefined) this.byVendorZone.set(m.vendorZone, [...(this.byVendorZone.get(m.vendorZone) ?? []), m.zone])
      this.explicitZones.add(m.zone)
    }
    for (const i of model?.interfaces ?? []) if (!this.modelIfaces.has(i.name)) this.modelIfaces.set(i.name, i)
    this.cloud = device?.role === 'cloud-account'
    this.management = device?.managementAddresses && !device.managementAddresses.isEmpty() ? device.managementAddresses : undefined
  }

  /** Reach of one inbound exposure. `trusted` is the address-only fallback's trusted set. */
  scope(e: Exposure, trusted: AddressSet): ReachScope {
    let to = AddressSet.ANY
    let deviceItself = false
    if (e.hostLocal && anyAddress(e.to)) {
      // the config has no address for the device: the inventory's management addresses, else "itself"
      if (this.management) to = this.management
      else deviceItself = true
    }
    // a listener or rule bound to loopback never answers from outside
    // (against every address: whether anything is left beyond loopback, without building the rest)
    if (to === AddressSet.ANY ? LOOPBACK.covers(e.to) : !e.to.subtract(LOOPBACK).overlaps(to)) return {untrusted: AddressSet.EMPTY, to}
    const from = this.cloudSources(e) ?? e.from
    const ingressZones = e.ingress ? this.zonesOf(e.ingress, true, e.line) : undefined
    let untrusted: AddressSet
    if (ingressZones) {
      const outside = ingressZones.filter((z) => this.space.untrusted(z))
      untrusted = outside.length ? from.intersect(this.space.addressesOf(outside)).subtract(LOOPBACK) : AddressSet.EMPTY
    } else untrusted = this.outside(from, trusted)
    if (untrusted.isEmpty()) return {untrusted, to, ingressZones}
    // an unmapped egress narrows nothing (and is not reported: reach is decided where traffic enters)
    const egressZones = e.egress ? this.zonesOf(e.egress, false) : undefined
    if (egressZones) {
      // only our side counts: traffic that leaves toward untrusted zones opens nothing of ours
      const ours = egressZones.filter((z) => !this.space.untrusted(z))
      // PAN-OS and others name the pre-NAT address with the post-NAT zone: translated addresses stay
      to = ours.length ? to.intersect(this.space.addressesOf(ours).union(this.natted)) : AddressSet.EMPTY
      if (to.isEmpty()) return {untrusted: AddressSet.EMPTY, to, ingressZones, egressZones}
    }
    return {untrusted, to, ingressZones, egressZones, deviceItself}
  }

  private outside(from: AddressSet, trusted: AddressSet): AddressSet {
    if (trusted !== this.untrustedFor) {
      this.untrustedOf.clear()
      this.untrustedFor = trusted
    }
    let set = this.untrustedOf.get(from)
    if (!set) this.untrustedOf.set(from, (set = from.subtract(trusted)))
    return set
  }

  /**
   * Sources named by cloud references (security groups, prefix lists, service tags, network tags,
   * service accounts) resolved through zones[].cloud_refs, when every reference resolves; otherwise
   * undefined: the parser's "any" stands and the finding names the unexpanded reference.
   */
  private cloudSources(e: Exposure): AddressSet | undefined {
    if (!e.fromSets?.length || e.kind === 'vpn-route') return undefined
    const sets = e.fromSets.map((n) => this.space.resolveRef(n))
    if (sets.some((s) => s === undefined)) return undefined
    const named = AddressSet.unionAll(sets as AddressSet[])
    // sources that are only named sets (groups, tags, service accounts) come empty from the parser: the
    // references resolved are the sources
    return e.from.isEmpty() ? named : e.from.intersect(named)
  }

  /**
   * The sources of an exposure that enter where it is bound (its ingress zones); undefined when unmapped
   * or when it enters from a catch-all zone (the internet side also carries our other sites' public
   * addresses, VPN peers among them).
   */
  entering(e: Exposure): AddressSet | undefined {
    const zones = e.ingress ? this.zonesOf(e.ingress) : undefined
    if (!zones || zones.some((z) => this.space.catchAll(z))) return undefined
    return e.from.intersect(this.space.addressesOf(zones))
  }

  /** Inventory zones of an attachment (interfaces first, else vendor zones); undefined when unmapped. */
  zonesOf(a: Attachment, report = false, line?: number): string[] | undefined {
    const key = `${a.interfaces.join('\u0000')}\u0001${a.zones.join('\u0000')}`
    const memo = this.attachMemo.get(key)
    if (memo !== undefined) {
      if (memo === null && report) this.noteUnmapped(a, line)
      return memo ?? undefined
    }
    let zones: string[] | undefined
    if (a.interfaces.length) {
      const mapped = a.interfaces.map((n) => this.iface(n))
      if (mapped.every((m) => m.zones.length)) zones = mapped.flatMap((m) => m.zones)
    }
    if (!zones && a.zones.length) {
      const mapped = a.zones.map((z) => this.vendorZone(z))
      if (mapped.every((m) => m.zones)) zones = mapped.flatMap((m) => m.zones!)
    }
    if (!zones && report) this.noteUnmapped(a, line)
    const out = zones ? [...new Set(zones)].sort() : undefined
    this.attachMemo.set(key, out ?? null)
    return out
  }

  /** Every interface and vendor zone looked up so far, with how it was mapped. */
  mappings(): InterfaceMapping[] {
    const out: InterfaceMapping[] = [...this.ifaceMemo.values()]
    for (const [vz, m] of this.vzMemo) {
      if (m.how === 'inventory' || m.how === 'unmapped') out.push({vendor_zone: vz, zones: [...(m.zones ?? [])], how: m.how})
    }
    const key = (m: InterfaceMapping) => `${m.name ?? ''}\u0000${m.vendor_zone ?? ''}`
    return out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
  }

  unmapped(): Unmapped[] {
    return [...this.unmappedSeen.values()]
  }

  private iface(name: string): InterfaceMapping {
    let m = this.ifaceMemo.get(name)
    if (!m) this.ifaceMemo.set(name, (m = this.mapIface(name)))
    return m
  }

  private mapIface(name: string): InterfaceMapping {
    const explicit = this.byName.get(name)
    if (explicit !== undefined) return {name, zones: explicit, how: 'inventory'}
    const i = this.modelIfaces.get(name)
    if (i?.vendorZone !== undefined) {
      const vz = this.byVendorZone.get(i.vendorZone)
      if (vz !== undefined) return {name, zones: vz, how: 'vendor-zone'}
    }
    const inferred = i && !this.cloud ? this.infer(i) : undefined
    return inferred ? {name, ...inferred} : {name, zones: [], how: 'unmapped'}
  }

  /**
   * Default route, WAN or security level 0 → the internet zone, with the partner zones (they arrive over
   * the internet unless the inventory maps them to another interface); else the one private zone holding
   * its subnets.
   */
  private infer(i: DeviceInterface): {zones: string[]; how: MappingHow} | undefined {
    const internet = this.space.internet
    if (internet) {
      const how: MappingHow | undefined = i.defaultRoute ? 'default-route' : i.wan ? 'wan' : i.securityLevel === 0 ? 'security-level-0' : undefined
      if (how) return {zones: [internet.id, ...this.space.zones.filter((z) => z.trust === 'partner' && !this.explicitZones.has(z.id)).map((z) => z.id)], how}
    }
    const zones = new Set<string>()
    for (const subnet of subnets(i)) {
      // a public subnet (an edge zone) is where the internet side usually sits: never inferred
      if (!PRIVATE.covers(subnet)) return undefined
      const holding = this.space.holding(subnet)
      if (holding.length !== 1) return undefined
      zones.add(holding[0])
    }
    return zones.size === 1 ? {zones: [...zones], how: 'subnet'} : undefined
  }

  private vendorZone(vz: string): {zones?: string[]; how: MappingHow} {
    let m = this.vzMemo.get(vz)
    if (m) return m
    const explicit = this.byVendorZone.get(vz)
    if (explicit !== undefined) m = {zones: explicit, how: 'inventory'}
    else {
      // its member interfaces, when the device model lists them and each maps
      const members = [...this.modelIfaces.values()].filter((i) => i.vendorZone === vz).map((i) => this.iface(i.name))
      m = members.length && members.every((x) => x.zones.length) ? {zones: members.flatMap((x) => x.zones), how: 'vendor-zone'} : {how: 'unmapped'}
    }
    this.vzMemo.set(vz, m)
    return m
  }

  /** Remember what could not be mapped, at its declaration or else at the first rule bound to it. */
  private noteUnmapped(a: Attachment, line?: number): void {
    if (this.cloud) return
    const names = a.interfaces.filter((n) => !this.iface(n).zones.length)
    for (const name of names) {
      if (this.unmappedSeen.has(`i:${name}`)) continue
      const i = this.modelIfaces.get(name)
      this.unmappedSeen.set(`i:${name}`, {name, ...(i?.vendorZone ? {vendorZone: i.vendorZone} : {}), addresses: [...(i?.addresses ?? [])], fits: this.fits(i ? [i] : []), line: i?.line ?? line})
    }
    // a vendor zone is reported only when the rule names no interface
    if (a.interfaces.length) return
    for (const vz of a.zones.filter((z) => !this.vendorZone(z).zones)) {
      if (this.unmappedSeen.has(`z:${vz}`)) continue
      const members = [...this.modelIfaces.values()].filter((i) => i.vendorZone === vz)
      this.unmappedSeen.set(`z:${vz}`, {vendorZone: vz, addresses: members.flatMap((i) => i.addresses), fits: this.fits(members), line: members[0]?.line ?? line})
    }
  }

  private fits(ifaces: DeviceInterface[]): string[] {
    const out = new Set<string>()
    for (const i of ifaces) for (const s of subnets(i)) for (const z of this.space.zones) if (!z.catchAll && z.addresses.overlaps(s)) out.add(z.id)
    return [...out].sort()
  }
}

/** Every address, or every address of one family (`0.0.0.0/0`): a rule that names no destination. */
export function anyAddress(set: AddressSet): boolean {
  return set.isAny() || set.equals(AddressSet.ANY4) || set.equals(AddressSet.ANY6)
}

/** The connected subnets of an interface (`10.10.0.1/16` → 10.10.0.0/16). */
function subnets(i: DeviceInterface): AddressSet[] {
  return i.addresses.map((a) => AddressSet.parse(a)).filter((s): s is AddressSet => s !== null && !s.isEmpty())
}
