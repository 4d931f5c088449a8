/**
 * PAN-OS → the neutral device model: layer-3 interfaces with their addresses and zone, the interface a
 * static default route leaves by, the MGT port, listeners; and where each exposure enters and leaves.
 */
import {type Attachment, attachment, type DeviceInterface, interfaceAddress, onSubnet} from '../../model/device.js'
import type {Exposure} from '../../model/exposure.js'
import type {Iface} from './objects.js'
import {type PNode} from './tree.js'

/** Interfaces of one device (firewall or template), with zone and default-route flags. */
export function describeInterfaces(ifaces: Map<string, Iface>, zoneOf: Map<string, string>, network: PNode | undefined): DeviceInterface[] {
  const out: DeviceInterface[] = [...ifaces.values()].map((i) => ({
    name: i.name,
    addresses: [...i.cidrs],
    ...(zoneOf.has(i.name) ? {vendorZone: zoneOf.get(i.name)} : {}),
    line: i.line,
  }))
  // virtual-router … static-route X destination 0.0.0.0/0 [interface I] [nexthop ip-address A]
  // (read, not marked: the virtual router is otherwise ignored on purpose)
  for (const vr of network?.children.get('virtual-router')?.children.values() ?? []) {
    const table = vr.children.get('routing-table')
    for (const family of ['ip', 'ipv6']) {
      for (const r of table?.children.get(family)?.children.get('static-route')?.children.values() ?? []) {
        const dst = r.children.get('destination')?.values[0]
        if (dst !== '0.0.0.0/0' && dst !== '::/0') continue
        const via = r.children.get('interface')?.values[0]
        const hop = r.children.get('nexthop')
        const hopIp = hop?.children.get('ip-address')?.values[0] ?? hop?.children.get('ipv6-address')?.values[0]
        for (const i of out) if (i.name === via || (!via && hopIp && onSubnet(i, hopIp))) i.defaultRoute = true
      }
    }
  }
  return out
}

/** The MGT port as an interface (`management`), when deviceconfig gives it an address. */
export function managementInterface(deviceconfig: PNode | undefined): DeviceInterface | undefined {
  const system = deviceconfig?.children.get('system')
  const ip = system?.children.get('ip-address')?.values[0]
  const mask = system?.children.get('netmask')?.values[0]
  const ip6 = system?.children.get('ipv6-address')?.values[0]
  if (!ip && !ip6) return undefined
  const addresses = [ip ? interfaceAddress(ip, ip.includes('/') ? undefined : mask) : null, ip6 ? interfaceAddress(ip6) : null].filter((a): a is string => a !== null)
  return {name: 'management', addresses, line: system!.children.get('ip-address')?.line ?? system!.line}
}

/** Zones (not `any`) and their member interfaces; undefined when no zone is named. */
export function zoneAttachment(zones: string[] | undefined, zoneIfaces: Map<string, string[]>): Attachment | undefined {
  const named = zones?.filter((z) => z !== 'any') ?? []
  return named.length ? attachment(named.flatMap((z) => zoneIfaces.get(z) ?? []), named) : undefined
}

/**
 * Ingress and egress from the zones and interfaces an exposure names: a zone stands for its member
 * interfaces, an interface for itself and its zone. A zoneless rulebase (a bare device-group) stays unattached.
 */
export function attachExposures(exposures: Exposure[], zoneOf: Map<string, string>): void {
  const members = new Map<string, string[]>()
  for (const [i, z] of zoneOf) members.set(z, [...(members.get(z) ?? []), i])
  // a rulebase names few zone lists: one attachment per list, shared (attachments are never edited)
  const byZone = new Map<string, Attachment | undefined>()
  const byZoneList = new Map<string, Attachment | undefined>()
  const side = (ifs: string[] | undefined, zones: string[] | undefined): Attachment | undefined => {
    if (ifs?.length) return attachment(ifs, ifs.flatMap((i) => (zoneOf.has(i) ? [zoneOf.get(i)!] : [])))
    if (!zones?.length) return undefined
    // one zone by its name, several by their JSON (names may hold any character: no joined key)
    const key = zones.length === 1 ? zones[0] : JSON.stringify(zones)
    const byZones = zones.length === 1 ? byZone : byZoneList
    if (byZones.has(key)) return byZones.get(key)
    const named = zones.filter((z) => z !== 'any')
    const a = named.length ? attachment(named.flatMap((z) => members.get(z) ?? []), named) : undefined
    byZones.set(key, a)
    return a
  }
  for (const e of exposures) {
    // NAT rules are attached where they are read (their `to` zone is not always where traffic leaves)
    if (e.kind === 'nat-forward') continue
    const ingress = side(e.interfaces?.in, e.fromZones)
    const egress = side(e.interfaces?.out, e.toZones)
    if (ingress) e.ingress = ingress
    if (egress) e.egress = egress
  }
}
