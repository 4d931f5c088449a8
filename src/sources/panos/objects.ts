/** PAN-OS objects a vsys reads: interfaces, management profiles, zones, addresses, services. */
import type {ExposureTemplate} from '../../model/build.js'
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {parseCidr, parseIp} from '../../net/ip.js'
import {ANY_BOX, type Box, intersectBox} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {ICMP, ICMPV6, parseProtocol} from '../../net/protocol.js'
import type {AddressObject} from './model.js'
import {readAddress} from './read.js'
import {MANAGEMENT_SERVICES, PREDEFINED_SERVICES} from './tables.js'
import {entries, items, markDeep, type PNode, take, value} from './tree.js'

export type Template = ExposureTemplate

export interface Resolved {
  set: AddressSet
  unresolved: string[]
}

/** One box per address family, so IPv6 sources never pair with IPv4 destinations. */
export function perFamily(b: Box): Box[] {
  const out: Box[] = []
  for (const [any, otherIcmp] of [[AddressSet.ANY4, ICMPV6], [AddressSet.ANY6, ICMP]] as const) {
    const i = intersectBox(b, {...ANY_BOX, from: any, to: any, protocols: ProtocolSet.ALL.subtract(ProtocolSet.of(otherIcmp))})
    if (i) out.push(i)
  }
  return out
}

export function specBox(spec: string): Box {
  const [proto, ports] = spec.split('/')
  return {...ANY_BOX, protocols: parseProtocol(proto) ?? ProtocolSet.ALL, ports: ports ? PortSet.parse(ports) ?? PortSet.ALL : PortSet.ALL}
}

export interface Iface {
  name: string
  line: number
  addresses: AddressSet
  /** The same with their prefix length (`203.0.113.2/24`), for the device model. */
  cidrs: string[]
  /** `<ip><entry name="fw-outside"/>`: an address object, resolved per vsys. */
  addressNames: string[]
  profile?: string
}

export function readInterfaces(network: PNode | undefined): Map<string, Iface> {
  const out = new Map<string, Iface>()
  const iface = take(network, 'interface')
  if (!iface) return out
  const add = (node: PNode, mode: PNode | undefined) => {
    const ips = items(mode, 'ip')
    let addresses = AddressSet.EMPTY
    const cidrs: string[] = []
    const addressNames: string[] = []
    for (const ip of ips) {
      const c = parseCidr(ip)
      const host = c ? AddressSet.parse(ip.split('/')[0]) : null
      if (host) addresses = addresses.union(host)
      else addressNames.push(ip)
      if (host) cidrs.push(ip.includes('/') ? ip : `${ip}/${c!.prefix}`)
    }
    for (const v6 of entries(take(take(mode, 'ipv6'), 'address'))) {
      markDeep(v6)
      const host = AddressSet.parse(v6.name.split('/')[0])
      if (host) addresses = addresses.union(host)
      if (host) cidrs.push(v6.name.includes('/') ? v6.name : `${v6.name}/128`)
    }
    markDeep(mode?.children.get('ipv6'))
    const profile = value(mode, 'interface-management-profile')
    out.set(node.name, {name: node.name, line: node.line, addresses, cidrs, addressNames, profile})
    // the rest of an interface (tags, MTU, LLDP, NetFlow, adjust-tcp-mss…) carries no reachability
    for (const c of mode?.children.values() ?? []) if (c.name !== 'units') markDeep(c)
    if (mode) mode.used = true
    for (const u of entries(take(mode, 'units'))) {
      u.used = true
      add(u, u)
    }
  }
  for (const kind of ['ethernet', 'aggregate-ethernet']) {
    for (const e of entries(take(iface, kind))) {
      e.used = true
      const mode = take(e, 'layer3')
      if (mode) add(e, mode)
      for (const c of e.children.values()) if (c.name !== 'layer3') markDeep(c)
    }
  }
  for (const kind of ['loopback', 'vlan', 'tunnel']) {
    const k = take(iface, kind)
    if (!k) continue
    add({...k, name: kind}, k)
  }
  for (const c of iface.children.values()) if (!c.used) markDeep(c)
  return out
}

export interface MgmtProfile {
  name: string
  line: number
  services: string[]
  permitted: AddressSet
}

export function readManagementProfiles(network: PNode | undefined): Map<string, MgmtProfile> {
  const out = new Map<string, MgmtProfile>()
  const profiles = take(network, 'profiles')
  for (const c of profiles?.children.values() ?? []) if (c.name !== 'interface-management-profile') markDeep(c)
  for (const p of entries(take(profiles, 'interface-management-profile'))) {
    markDeep(p)
    const services = Object.keys(MANAGEMENT_SERVICES).filter((s) => value(p, s) === 'yes')
    const permitted = [...(p.children.get('permitted-ip')?.children.keys() ?? []), ...(p.children.get('permitted-ip')?.values ?? [])]
      .map((ip) => AddressSet.parse(ip))
      .filter((s): s is AddressSet => s !== null)
    out.set(p.name, {name: p.name, line: p.line, services, permitted: permitted.length ? AddressSet.unionAll(permitted) : AddressSet.ANY})
  }
  return out
}

/** Address, service and group objects of one vsys/device-group, falling back to `shared`. */
export class Objects {
  private readonly addresses = new Map<string, AddressObject>()
  private readonly groups = new Map<string, PNode>()
  private readonly services = new Map<string, PNode>()
  private readonly serviceGroups = new Map<string, PNode>()
  private readonly addrCache = new Map<string, Resolved>()
  private readonly serviceCache = new Map<string, {boxes: Box[]; unresolved?: string}>()

  constructor(ctx: PNode, shared: PNode | undefined) {
    for (const scope of [shared, ctx]) {
      for (const a of entries(take(scope, 'address'))) this.addresses.set(a.name, a.folded ? (a.folded.model as AddressObject) : readAddress(a))
      for (const g of entries(take(scope, 'address-group'))) this.groups.set(g.name, g)
      for (const s of entries(take(scope, 'service'))) this.services.set(s.name, s)
      for (const g of entries(take(scope, 'service-group'))) this.serviceGroups.set(g.name, g)
    }
    // objects are modelled whether or not a rule uses them
    for (const map of [this.groups, this.services, this.serviceGroups]) for (const n of map.values()) markDeep(n)
  }

  address(name: string, path?: Set<string>): Resolved {
    const cached = this.addrCache.get(name)
    if (cached) return cached
    const seen = path ?? new Set<string>()
    let out: Resolved
    const obj = this.addresses.get(name)
    const group = this.groups.get(name)
    if (name === 'any') out = {set: AddressSet.ANY, unresolved: []}
    else if (obj) {
      const {netmask, range, wildcard, fqdn} = obj
      let set: AddressSet | null = null
      if (netmask) set = AddressSet.parse(netmask)
      else if (range) set = AddressSet.parse(range)
      else if (wildcard) {
        const [a, w] = wildcard.split('/')
        set = w ? wildcardCover(a, w) : null
      }
      out = set ? {set, unresolved: []} : {set: AddressSet.EMPTY, unresolved: [fqdn ? `${name} (fqdn ${fqdn})` : wildcard ? `${name} (wildcard ${wildcard})` : name]}
    } else if (group) {
      markDeep(group)
      if (seen.has(name)) return {set: AddressSet.EMPTY, unresolved: []}
      seen.add(name)
      const dynamic = group.children.get('dynamic')
      if (dynamic) out = {set: AddressSet.EMPTY, unresolved: [`${name} (dynamic group)`]}
      else {
        let set = AddressSet.EMPTY
        const unresolved: string[] = []
        for (const m of items(group, 'static')) {
          const r = this.address(m, seen)
          set = set.union(r.set)
          unresolved.push(...r.unresolved)
        }
        out = {set, unresolved}
      }
    } else {
      // rules may name addresses directly: 10.0.0.0/8, 10.0.0.1-10.0.0.9, a host
      const literal = AddressSet.parse(name)
      out = literal ? {set: literal, unresolved: []} : {set: AddressSet.EMPTY, unresolved: [name]}
    }
    this.addrCache.set(name, out)
    return out
  }

  /** An interface address given as an object (`203.0.113.2/24`): the host, not its subnet. */
  /** An interface address given as an address object: its `ip-netmask` (`203.0.113.2/24`). */
  interfaceCidr(name: string): string | undefined {
    const netmask = this.addresses.get(name)?.netmaskFirst
    return netmask && this.hostAddress(name) ? (netmask.includes('/') ? netmask : `${netmask}/${netmask.includes(':') ? 128 : 32}`) : undefined
  }

  hostAddress(name: string): AddressSet | null {
    const netmask = this.addresses.get(name)?.netmaskFirst
    return AddressSet.parse((netmask ?? name).split('/')[0])
  }

  addressesOf(names: string[]): Resolved {
    if (names.length === 0 || names.includes('any')) return {set: AddressSet.ANY, unresolved: []}
    // one name (most rules): its cached resolution as it is
    if (names.length === 1) return this.address(names[0])
    let set = AddressSet.EMPTY
    const unresolved: string[] = []
    for (const n of names) {
      const r = this.address(n)
      set = set.union(r.set)
      unresolved.push(...r.unresolved)
    }
    return {set, unresolved}
  }

  /** Service boxes (each name read once: rules name the same few services again and again). */
  service(name: string): {boxes: Box[]; unresolved?: string} {
    let r = this.serviceCache.get(name)
    if (!r) this.serviceCache.set(name, (r = this.readService(name, new Set())))
    return r
  }

  private readService(name: string, seen: Set<string>): {boxes: Box[]; unresolved?: string} {
    if (name === 'any') return {boxes: [ANY_BOX]}
    const obj = this.services.get(name)
    if (obj) {
      markDeep(obj)
      const proto = take(obj, 'protocol')
      const boxes: Box[] = []
      for (const p of ['tcp', 'udp', 'sctp']) {
        const node = take(proto, p)
        if (!node) continue
        const port = value(node, 'port')
        const sport = value(node, 'source-port')
        const ports = port ? PortSet.parse(port) : PortSet.ALL
        const sourcePorts = sport ? PortSet.parse(sport) : PortSet.ALL
        if (!ports || !sourcePorts) return {boxes: [ANY_BOX], unresolved: `${name} (port not understood)`}
        boxes.push({...ANY_BOX, protocols: parseProtocol(p)!, ports, sourcePorts})
      }
      return boxes.length ? {boxes} : {boxes: [ANY_BOX], unresolved: name}
    }
    const group = this.serviceGroups.get(name)
    if (group) {
      markDeep(group)
      if (seen.has(name)) return {boxes: []}
      seen.add(name)
      const boxes: Box[] = []
      let unresolved: string | undefined
      for (const m of items(group, 'members')) {
        const r = this.readService(m, seen)
        boxes.push(...r.boxes)
        unresolved ??= r.unresolved
      }
      return {boxes, unresolved}
    }
    if (PREDEFINED_SERVICES[name]) return {boxes: PREDEFINED_SERVICES[name].map(specBox)}
    return {boxes: [ANY_BOX], unresolved: name}
  }
}

/**
 * `ip-wildcard 10.132.1.2/0.0.2.255` (Cisco-style: 1 = any). A contiguous mask is a prefix; a
 * discontiguous one is taken as its covering prefix (broader, never narrower).
 */
function wildcardCover(addr: string, wildcard: string): AddressSet | null {
  const w = parseIp(wildcard)
  if (!w || w.family !== 4 || !parseIp(addr)) return null
  const value = Number(w.value)
  let prefix = 0
  while (prefix < 32 && !(value & (0x80000000 >>> prefix))) prefix++
  const c = parseCidr(`${addr}/${prefix}`)
  return c ? AddressSet.parse(c.network) : null
}
