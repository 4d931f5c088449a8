/** Zone questions readiness asks: which zones does a reference land in, and is a source untrusted. */
import type {Inventory} from '../inventory/model.js'
import {resolverFor} from '../inventory/resolve.js'
import {AddressSet} from '../net/address-set.js'
import {byCodeUnit} from '../core/order.js'
import type {TrustModel} from '../policy/trust.js'

export class ZoneView {
  private readonly trusted: AddressSet

  /** `trust`: the run's trust model (the policy's `diff.trusted_trust`), as the diff uses it. */
  constructor(
    private readonly inventory: Inventory,
    private readonly trust: TrustModel,
  ) {
    const r = resolverFor(inventory)
    this.trusted = AddressSet.unionAll(
      inventory.zones.filter((z) => trust.isTrustedLevel(z.trust) && !r.isCatchAll(z)).map((z) => r.zoneAddressesOf(z.id) ?? AddressSet.EMPTY),
    )
  }

  isUntrustedZone(id: string): boolean {
    return this.trust.isUntrustedZone(id)
  }

  /** `any`, an untrusted zone, or addresses outside every trusted zone. */
  isUntrustedSource(ref: string): boolean {
    const r = resolverFor(this.inventory)
    if (r.zone(ref)) return this.isUntrustedZone(ref)
    const a = r.addressOf(ref)
    return a !== undefined && !this.trusted.covers(a)
  }

  /** Non-catch-all zones a reference lands in: the zone itself, or zones whose networks overlap a CIDR. */
  zonesOf(ref: string): string[] {
    const r = resolverFor(this.inventory)
    if (r.zone(ref)) return [ref]
    const a = r.addressOf(ref)
    if (!a || a.isAny()) return []
    return this.inventory.zones
      .filter((z) => !r.isCatchAll(z) && (r.zoneAddressesOf(z.id) ?? AddressSet.EMPTY).overlaps(a))
      .map((z) => z.id)
  }

  /** Zones reachable from untrusted sources through declared access points (the perimeters). */
  perimeterZones(): Map<string, string[]> {
    const out = new Map<string, string[]>()
    for (const ap of this.inventory.access_points) {
      if (!(ap.from ?? []).some((f) => this.isUntrustedSource(f))) continue
      for (const to of ap.to ?? []) {
        for (const z of this.zonesOf(to)) {
          if (this.isUntrustedZone(z)) continue
          const list = out.get(z) ?? []
          list.push(ap.id)
          out.set(z, list)
        }
      }
    }
    return new Map([...out].sort((a, b) => byCodeUnit(a[0], b[0])))
  }
}
