/**
 * The one shared step between a parser and the analysis: exposures gain `ingress`/`egress` from the
 * vendor-spelled bindings the parser kept (interfaces in/out, from/to zones). Written once for every
 * format, so a parser only says where a rule is bound; what that means for reach is the diff's job
 * (diff/reach.ts).
 */
import type {Attachment, DeviceModel} from './device.js'
import type {Exposure} from './exposure.js'

/** Words that bind a rule to nothing in particular. */
const UNBOUND = new Set(['any', '*', 'all'])

/**
 * After every parse. A parser that returns a device model says itself where its rules apply and which
 * addresses its host-local rules reach (it may call `bindingsToAttachments`); for the others, ingress and
 * egress are read from their vendor bindings. Host-local rules without an address are the diff's to
 * resolve (management_addresses, else "the device itself").
 */
export function attachExposures(exposures: Exposure[], device?: DeviceModel): void {
  if (!device) bindingsToAttachments(exposures)
}

/** `interfaces.in/out` and `fromZones/toZones` → `ingress`/`egress`, where the exposure has none yet. */
export function bindingsToAttachments(exposures: Exposure[], device?: DeviceModel): void {
  for (const e of exposures) {
    if (!e.ingress) {
      const a = attachment(e.interfaces?.in, e.fromZones, device)
      if (a) e.ingress = a
    }
    if (!e.egress) {
      const a = attachment(e.interfaces?.out, e.toZones, device)
      if (a) e.egress = a
    }
  }
}

/**
 * Interfaces as named (negations `!eth0` resolved against the device's interfaces when it lists them;
 * else the binding is unknown), vendor zones that are not also the interface names (ASA nameif).
 */
function attachment(ifaces: readonly string[] | undefined, zones: readonly string[] | undefined, device?: DeviceModel): Attachment | undefined {
  // most rules of a big rule base are bound to nothing
  if (!ifaces?.length && !zones?.length) return undefined
  let names = (ifaces ?? []).filter((n) => !UNBOUND.has(n.toLowerCase()))
  const negated = names.filter((n) => n.startsWith('!')).map((n) => n.slice(1).trim())
  if (negated.length) {
    if (!device?.interfaces.length) return undefined
    const excluded = new Set(negated)
    const positive = names.filter((n) => !n.startsWith('!'))
    names = positive.length ? positive.filter((n) => !excluded.has(n)) : device.interfaces.map((i) => i.name).filter((n) => !excluded.has(n))
    if (!names.length) return undefined
  }
  // a "zone" that is one of the device's interface names (ASA nameif) is that interface
  const isIface = (z: string) => !!device?.interfaces.some((i) => i.name === z) && !device.interfaces.some((i) => i.vendorZone === z)
  for (const z of zones ?? []) if (isIface(z) && !names.includes(z)) names.push(z)
  const nameSet = new Set(names)
  const vendorZones = (zones ?? []).filter((z) => !UNBOUND.has(z.toLowerCase()) && !nameSet.has(z))
  if (!names.length && !vendorZones.length) return undefined
  return {interfaces: [...new Set(names)], zones: [...new Set(vendorZones)]}
}
