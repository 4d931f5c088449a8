/**
 * Finding identity (docs/finding-ids.md): what a finding is about, written so that two openings are two
 * findings and a suppression names exactly one of them.
 *
 *   <rule>:<device>:<service>:<destination>:<source class>[:<vendor rule name>]
 *
 * destination: `any`, else the inventory zone id when the set is exactly a zone, else up to 4 CIDRs
 * (comma-separated), else the zones it falls in joined by `+` and `~N` (N CIDRs). source class: `any`
 * when the rule admits every untrusted source of a family (0.0.0.0/0 or ::/0), else the untrusted zones its sources fall in, joined by
 * `+` (`any` when no zone claims them). The vendor rule name only where the vendor gives rules stable
 * names (Exposure.name); never a position, never a digest.
 *
 * The ids of irm-audit 0.1 (`<rule>:<device>:<service>:<sources>`, no destination) are kept as
 * `legacy_id`, so old suppressions and baselines still match (with a `deprecated-id` warning).
 */
import {createHash} from 'node:crypto'

import {AddressSet} from '../net/address-set.js'
import type {DiffZone} from './model.js'

const MAX_CIDRS = 4

export class Identity {
  /** Zones by their exact address set (first declared wins), to name a set after its zone. */
  private readonly byAddresses = new Map<string, DiffZone>()
  /** Addresses that some zone other than a catch-all claims. */
  private readonly claimed: AddressSet
  /**
   * Answers per set, by identity: sets are immutable and shared (ANY, an access point's, a rule's
   * exposures'), and thousands of findings name the same few.
   */
  private readonly named = new Map<AddressSet, DiffZone | null>()
  private readonly classes = new Map<AddressSet, string>()
  private readonly destinations = new Map<AddressSet, string>()
  private readonly legacySources = new Map<AddressSet, string>()

  constructor(
    private readonly zones: readonly DiffZone[],
    private readonly trusted: AddressSet,
  ) {
    for (const z of zones) {
      const key = setKey(z.addresses)
      if (!z.addresses.isEmpty() && !this.byAddresses.has(key)) this.byAddresses.set(key, z)
    }
    this.claimed = AddressSet.unionAll(zones.filter((z) => !isCatchAll(z)).map((z) => z.addresses))
  }

  /** The zone whose addresses are exactly `set`. */
  zoneNamed(set: AddressSet): DiffZone | undefined {
    let zone = this.named.get(set)
    if (zone === undefined) this.named.set(set, (zone = this.byAddresses.get(setKey(set)) ?? null))
    return zone ?? undefined
  }

  /** Id of an opening (unwanted or drift): see the grammar above. */
  exposureId(rule: string, device: string, service: string, from: AddressSet, to: AddressSet, name?: string): string {
    const parts = [rule, device, service, this.destination(to), this.sourceClass(from)]
    if (name) parts.push(name)
    return parts.join(':')
  }

  /** The 0.1 id of the same opening: no destination, sources spelled out (or digested). */
  legacyId(rule: string, device: string, service: string, from: AddressSet): string {
    let source = this.legacySources.get(from)
    if (source === undefined) this.legacySources.set(from, (source = this.legacySource(from)))
    return `${rule}:${device}:${service}:${source}`
  }

  private legacySource(from: AddressSet): string {
    if (from.isAny()) return 'any'
    const zone = this.zoneNamed(from)
    if (zone) return zone.id
    const cidrs = from.toCidrs()
    return cidrs.length <= MAX_CIDRS ? cidrs.join(',') : `set-${createHash('sha256').update(cidrs.join(',')).digest('hex').slice(0, 12)}`
  }

  destination(to: AddressSet): string {
    let text = this.destinations.get(to)
    if (text === undefined) this.destinations.set(to, (text = this.destinationOf(to)))
    return text
  }

  private destinationOf(to: AddressSet): string {
    if (to.isAny()) return 'any'
    const zone = this.zoneNamed(to)
    if (zone) return zone.id
    const cidrs = to.toCidrs()
    if (cidrs.length <= MAX_CIDRS) return cidrs.join(',')
    const zones = this.zonesOf(to, this.zones)
    return `${zones.length ? zones.join('+') : 'unzoned'}~${cidrs.length}`
  }

  /** The untrusted zones the sources fall in; `any` when the rule admits every untrusted source. */
  sourceClass(from: AddressSet): string {
    let text = this.classes.get(from)
    if (text === undefined) this.classes.set(from, (text = this.classOf(from)))
    return text
  }

  private classOf(from: AddressSet): string {
    const untrusted = from.subtract(this.trusted)
    // `0.0.0.0/0` alone is as much "any" as `any`: every untrusted address of its family
    const all = from.union(this.trusted)
    if (all.covers(AddressSet.ANY4) || all.covers(AddressSet.ANY6)) return 'any'
    const zones = this.zonesOf(untrusted, this.zones)
    return zones.length ? zones.join('+') : 'any'
  }

  /** Ids of the zones `set` overlaps, a catch-all zone counting only for addresses no other zone claims. */
  private zonesOf(set: AddressSet, zones: readonly DiffZone[]): string[] {
    const rest = set.subtract(this.claimed)
    const ids = zones.filter((z) => (isCatchAll(z) ? !rest.isEmpty() && z.addresses.overlaps(rest) : z.addresses.overlaps(set))).map((z) => z.id)
    return [...new Set(ids)].sort(compareText)
  }
}

/** As the inventory says: a zone without cidrs, or with 0.0.0.0/0 or ::/0, is any address no other zone claims. */
function isCatchAll(z: DiffZone): boolean {
  return Boolean(z.catchAll) || z.addresses.covers(AddressSet.ANY4) || z.addresses.covers(AddressSet.ANY6)
}

function setKey(set: AddressSet): string {
  return `${set.v4.join(',')}/${set.v6.join(',')}`
}

/** Code-unit order (never locale collation): ids sort the same everywhere. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
