/**
 * Which devices border a zone, and through what. Derived from the inventory's device model alone
 * (devices[].interfaces and devices[].zones), in one small function so that the zone graph of
 * src/paths/ can replace it later without touching the generators.
 */
import type {Device, Inventory} from '../inventory/model.js'
import {byCodeUnit} from '../core/order.js'
import type {Face} from './types.js'

/** One interface or vendor zone of a device that carries the zone (or a zone nested in it). */
export interface BorderLink {
  interface?: string
  vendorZone?: string
  /** The inventory zone it carries (the zone itself or one nested in it). */
  zone: string
  /** True when it carries nothing but the zone and zones nested in it. */
  exclusive: boolean
}

export interface BorderDevice {
  device: Device
  /** Empty when the device only lists the zone in `zones` without mapping an interface to it. */
  links: BorderLink[]
  faces: Face[]
}

/** The zone and every zone declared nested in it (`parent`), cycles ignored. */
export function zoneFamily(inventory: Inventory, zoneId: string): Set<string> {
  const family = new Set([zoneId])
  let grew = true
  while (grew) {
    grew = false
    for (const z of inventory.zones) {
      if (z.parent !== undefined && family.has(z.parent) && !family.has(z.id)) {
        family.add(z.id)
        grew = true
      }
    }
  }
  return family
}

/** Devices that border the zone: an interface or vendor zone mapped to it, or the zone in `zones`. Sorted by id. */
export function zoneBorder(inventory: Inventory, zoneId: string): BorderDevice[] {
  const family = zoneFamily(inventory, zoneId)
  const out: BorderDevice[] = []
  for (const device of inventory.devices) {
    const entries = device.interfaces ?? []
    // every zone each interface / vendor zone carries, to tell an exclusive one
    const carried = new Map<string, Set<string>>()
    const key = (e: (typeof entries)[number]) => ('name' in e && e.name !== undefined ? `i:${e.name}` : `z:${(e as {vendor_zone: string}).vendor_zone}`)
    for (const e of entries) {
      const set = carried.get(key(e)) ?? new Set<string>()
      set.add(e.zone)
      carried.set(key(e), set)
    }
    const links: BorderLink[] = []
    for (const e of entries) {
      if (!family.has(e.zone)) continue
      const exclusive = [...(carried.get(key(e)) ?? [])].every((z) => family.has(z))
      const link: BorderLink = 'name' in e && e.name !== undefined ? {interface: e.name, zone: e.zone, exclusive} : {vendorZone: (e as {vendor_zone: string}).vendor_zone, zone: e.zone, exclusive}
      links.push(link)
    }
    const joins = (device.zones ?? []).some((z) => family.has(z))
    if (!links.length && !joins) continue
    const faces: Face[] = []
    const seen = new Set<string>()
    for (const l of links) {
      if (!l.exclusive) continue
      const k = l.interface !== undefined ? `i:${l.interface}` : `z:${l.vendorZone}`
      if (seen.has(k)) continue
      seen.add(k)
      faces.push(l.interface !== undefined ? {interface: l.interface} : {vendorZone: l.vendorZone})
    }
    out.push({device, links, faces})
  }
  return out.sort((a, b) => byCodeUnit(a.device.id, b.device.id))
}
