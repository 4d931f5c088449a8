/** Inventory model → the diff's input sets (the one place the diff reads the inventory's shapes). */
import type {FieldPath, LoadedInventory} from '../inventory/load.js'
import {parseService, resolverFor} from '../inventory/resolve.js'
import {TrustModel} from '../policy/trust.js'
import type {ApprovedAccess, CriticalFlow, DiffDevice, DiffInput, DiffPolicy, DiffZone, LiveConfig, Service, SourceRef} from './model.js'

/** `trust`: the run's trust model (built from the same policy when the caller has none). */
export function diffInputFromInventory(loaded: LoadedInventory, live: LiveConfig[], asOf: string, policy: DiffPolicy, trust = TrustModel.of(policy, loaded.inventory)): DiffInput {
  const inv = loaded.inventory
  const resolver = resolverFor(inv)
  const where = (entry: object, field?: FieldPath): SourceRef => {
    const p = loaded.where(entry, field)
    return {file: p?.file ?? '?', line: p?.line ?? 1}
  }
  const services = (texts: readonly string[]): Service[] =>
    texts.flatMap((text) => {
      const s = parseService(text)
      return s ? [{text, protocols: s.protocols, ports: s.ports}] : []
    })
  const zones: DiffZone[] = inv.zones.map((z) => ({
    id: z.id,
    trust: z.trust,
    addresses: resolver.zoneAddressesOf(z.id)!,
    catchAll: resolver.isCatchAll(z),
    ...(z.cloud_refs?.length ? {cloudRefs: [...z.cloud_refs]} : {}),
  }))
  const catchAll = inv.zones.filter((z) => resolver.isCatchAll(z)).map((z) => z.id)
  // zones a flow end lies in: the zones it names, else the (non catch-all) zones its CIDRs fall in
  const zonesOf = (refs: readonly string[]): string[] => {
    const named = resolver.zoneIds(refs)
    const set = resolver.addresses(refs.filter((r) => !named.includes(r)))
    const inside = set.isEmpty() ? [] : inv.zones.filter((z) => !resolver.isCatchAll(z) && resolver.zoneAddressesOf(z.id)!.overlaps(set)).map((z) => z.id)
    const out = [...new Set([...named, ...inside])]
    return out.length ? out : catchAll
  }
  const devices: DiffDevice[] = inv.devices.map((d) => ({
    id: d.id,
    zones: [...(d.zones ?? [])],
    role: d.role,
    ...(d.audit?.manual ? {audit: {reason: d.audit.reason, reviewBy: String(d.audit.review_by)}} : {}),
    source: where(d),
    ...(d.interfaces?.length
      ? {interfaces: d.interfaces.map((i, n) => ({...('name' in i ? {name: i.name} : {vendorZone: i.vendor_zone}), zone: i.zone, source: where(d, ['interfaces', n])}))}
      : {}),
    ...(d.management_addresses?.length ? {managementAddresses: resolver.addresses(d.management_addresses)} : {}),
  }))
  // an access point without a device names no device to audit; only its expiry is checked
  const accessPoints: ApprovedAccess[] = inv.access_points.map((ap) => ({
    id: ap.id,
    device: ap.device ?? '',
    kind: ap.kind,
    from: resolver.addresses(ap.from),
    to: resolver.addresses(ap.to),
    services: services(ap.services),
    fromText: [...ap.from],
    toText: [...ap.to],
    owner: ap.owner,
    reviewBy: ap.review_by,
    source: where(ap),
  }))
  const flows: CriticalFlow[] = inv.flows.map((f) => ({
    id: f.id,
    name: f.name,
    from: resolver.addresses(f.from),
    to: resolver.addresses(f.to),
    services: services(f.services),
    fromZones: zonesOf(f.from),
    toZones: zonesOf(f.to),
    via: [...(f.via ?? [])],
    criticality: f.criticality,
    source: where(f),
  }))
  return {zones, devices, accessPoints, flows, live, asOf, policy, trust}
}
