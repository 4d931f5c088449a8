/**
 * The Junos vendor model → the neutral device model (units with their addresses and security zone, the
 * unit a static default route leaves by, listeners), and where each exposure's traffic enters and leaves.
 */
import {type Attachment, attachment, type DeviceInterface, type DeviceListener, type DeviceModel, deviceModel, onSubnet} from '../../model/device.js'
import type {Exposure} from '../../model/exposure.js'
import type {JunosConfig} from './model.js'
import type {Statement} from './read.js'

export function describeDevice(config: JunosConfig, statements: Statement[]): DeviceModel {
  const zoneOf = unitZones(config)
  const interfaces: DeviceInterface[] = [...config.units.values()].map((u) => ({
    name: u.name,
    addresses: [...u.addresses],
    vendorZone: zoneOf.get(u.name),
    line: u.line,
  }))
  // routing-options is not otherwise modelled: only `static route 0.0.0.0/0|::/0 next-hop X` says which unit holds the default route
  for (const s of statements) {
    if (s.inactive) continue
    const w = s.words
    const at = w.indexOf('route')
    if (w[0] !== 'routing-options' || at < 0 || w[at - 1] !== 'static' || !['0.0.0.0/0', '::/0'].includes(w[at + 1]) || w[at + 2] !== 'next-hop') continue
    const hop = w[at + 3] ?? ''
    for (const i of interfaces) if (i.name === hop || i.name === `${hop}.0` || onSubnet(i, hop)) i.defaultRoute = true
  }
  const listeners: DeviceListener[] = []
  for (const g of config.ikeGateways.values()) {
    const ext = g.externalInterface ? config.units.get(g.externalInterface) : undefined
    const bind = g.localAddress ? [g.localAddress] : ext ? ext.hostAddresses.toCidrs() : []
    listeners.push({service: 'ipsec', bind, line: g.line})
  }
  for (const svc of config.systemServices.values()) {
    // `web-management` itself is only the parent of its http/https listeners
    if (svc.name === 'web-management') continue
    const bind = svc.interfaces.flatMap((n) => config.units.get(n)?.hostAddresses.toCidrs() ?? [])
    listeners.push({service: svc.name.replace(/^web-management /, ''), bind, line: svc.line})
  }
  return deviceModel(interfaces, listeners)
}

/**
 * Ingress and egress from what each exposure already names: a zone stands for its member units, an
 * interface for itself and its zone. Global policies and lo0 filters name neither and stay unattached.
 */
export function attachExposures(config: JunosConfig, exposures: Exposure[]): void {
  const zoneOf = unitZones(config)
  const members = new Map<string, string[]>()
  for (const z of config.zones.values()) members.set(z.name, [...z.interfaces.keys()])
  // most exposures name one zone pair: one attachment per zone list, shared (attachments are never edited)
  const byZone = new Map<string, Attachment>()
  const byZoneList = new Map<string, Attachment>()
  const side = (units: string[] | undefined, zones: string[] | undefined): Attachment | undefined => {
    if (units?.length) return attachment(units, units.flatMap((u) => (zoneOf.has(u) ? [zoneOf.get(u)!] : [])))
    if (!zones?.length) return undefined
    // one zone by its name, several by their JSON (names may hold any character: no joined key)
    const key = zones.length === 1 ? zones[0] : JSON.stringify(zones)
    const byZones = zones.length === 1 ? byZone : byZoneList
    let a = byZones.get(key)
    if (!a) byZones.set(key, (a = attachment(zones.flatMap((z) => members.get(z) ?? []), zones)))
    return a
  }
  for (const e of exposures) {
    const ingress = side(e.interfaces?.in, e.fromZones)
    const egress = side(e.interfaces?.out, e.toZones)
    if (ingress) e.ingress = ingress
    if (egress) e.egress = egress
  }
}

function unitZones(config: JunosConfig): Map<string, string> {
  const out = new Map<string, string>()
  for (const z of config.zones.values()) for (const u of z.interfaces.keys()) out.set(u, z.name)
  return out
}
