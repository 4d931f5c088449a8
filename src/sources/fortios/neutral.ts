/**
 * FortiOS → the neutral device model: interfaces (addresses, `role wan`, zone), the interface a static
 * default route leaves by; and where each exposure enters and leaves. FortiOS names an interface or a
 * zone in the same place (`srcintf`, `dstintf`, `extintf`), and `any` names nothing.
 */
import {type Attachment, attachment, type DeviceInterface, type DeviceListener, type DeviceModel, deviceModel} from '../../model/device.js'
import type {Exposure} from '../../model/exposure.js'
import type {InterfaceInfo} from './device.js'
import type {Scope} from './items.js'
import {settingsOf} from './read.js'

/** `config system zone` of every scope: zone → member interfaces. */
export function zonesOf(scopes: Scope[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const scope of scopes) {
    for (const block of scope.sections.get('system zone') ?? []) {
      for (const e of block.children) {
        if (e.kind !== 'edit') continue
        out.set(e.name, settingsOf(e.statements).get('interface')?.values ?? [])
      }
    }
  }
  return out
}

export function describeDevice(interfaces: Map<string, InterfaceInfo>, zones: Map<string, string[]>, scopes: Scope[], listeners: DeviceListener[]): DeviceModel {
  const zoneOf = new Map<string, string>()
  for (const [z, members] of zones) for (const m of members) zoneOf.set(m, z)
  const out: DeviceInterface[] = [...interfaces.values()].map((i) => ({
    name: i.name,
    addresses: [...i.cidrs],
    ...(zoneOf.has(i.name) ? {vendorZone: zoneOf.get(i.name)} : {}),
    ...(i.wan ? {wan: true} : {}),
    line: i.line,
  }))
  // `config router static`: an entry without `dst` is the default route (FortiOS default 0.0.0.0 0.0.0.0).
  // Read, not modelled: routing is otherwise ignored on purpose.
  for (const scope of scopes) {
    for (const [section, defaults] of [['router static', ['0.0.0.0 0.0.0.0', '0.0.0.0/0']], ['router static6', ['::/0']]] as Array<[string, string[]]>) {
      for (const block of scope.sections.get(section) ?? []) {
        for (const e of block.children) {
          const s = settingsOf(e.statements)
          const dst = s.get('dst')?.values.join(' ')
          if (s.get('status')?.values[0] === 'disable' || (dst !== undefined && !defaults.includes(dst))) continue
          const via = s.get('device')?.values[0]
          for (const i of out) if (i.name === via) i.defaultRoute = true
        }
      }
    }
  }
  return deviceModel(out, listeners)
}

/** Ingress and egress from the interface or zone names an exposure carries (`any` is none). */
export function attachExposures(exposures: Exposure[], zones: Map<string, string[]>): void {
  const zoneOf = new Map<string, string>()
  for (const [z, members] of zones) for (const m of members) zoneOf.set(m, z)
  // one attachment per single name (most policies name one interface or zone a side): shared, as nat.ts shares them
  const single = new Map<string, Attachment | undefined>()
  const side = (names: string[] | undefined): Attachment | undefined => {
    if (names?.length !== 1) return sideOf(names)
    const name = names[0]
    let a = single.get(name)
    if (a === undefined && !single.has(name)) single.set(name, (a = sideOf(names)))
    return a
  }
  const sideOf = (names: string[] | undefined): Attachment | undefined => {
    const named = names?.filter((n) => n !== 'any') ?? []
    if (named.length === 0) return undefined
    const ifs = named.flatMap((n) => zones.get(n) ?? [n])
    const zs = named.flatMap((n) => (zones.has(n) ? [n] : zoneOf.has(n) ? [zoneOf.get(n)!] : []))
    return attachment(ifs, zs)
  }
  for (const e of exposures) {
    const ingress = side(e.interfaces?.in)
    const egress = side(e.interfaces?.out)
    if (ingress) e.ingress = ingress
    if (egress) e.egress = egress
  }
}
