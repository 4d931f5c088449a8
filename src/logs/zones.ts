/** Which inventory zone an address belongs to: the most specific zone, else the catch-all (internet). */
import type {Inventory} from '../inventory/model.js'
import {resolverFor} from '../inventory/resolve.js'
import type {Family} from '../net/ip.js'
import {PrefixMap} from '../net/prefix-map.js'
import type {TrustModel} from '../policy/trust.js'

export const UNKNOWN_ZONE = '(no zone)'

export class ZoneLocator {
  private readonly map = new PrefixMap<string>()
  private readonly catchAll: string
  /** `trust`: the run's trust model (the policy's `diff.trusted_trust`), as the diff uses it. */
  constructor(
    inventory: Inventory,
    private readonly trust: TrustModel,
  ) {
    const r = resolverFor(inventory)
    let catchAll: string | undefined
    for (const z of inventory.zones) {
      if (r.isCatchAll(z)) {
        catchAll ??= z.id
        continue
      }
      for (const c of z.cidrs ?? []) this.map.add(c, z.id)
    }
    this.catchAll = catchAll ?? UNKNOWN_ZONE
  }

  zoneOf(family: Family, value: number | bigint): string {
    return this.map.lookup(family, value) ?? this.catchAll
  }

  /** An untrusted zone, or an address in no zone. */
  isUntrusted(zone: string): boolean {
    return !this.trust.isTrustedZone(zone)
  }
}

/** Local hour (0–23) and weekday (`mon`…) of an instant in a time zone, cached per epoch hour. */
export class LocalClock {
  private readonly cache = new Map<number, {hour: number; day: string}>()
  private readonly fmt: Intl.DateTimeFormat

  constructor(timeZone = 'UTC') {
    let tz = timeZone
    try {
      new Intl.DateTimeFormat('en-GB', {timeZone: tz})
    } catch {
      tz = 'UTC'
    }
    this.fmt = new Intl.DateTimeFormat('en-GB', {timeZone: tz, hour: '2-digit', hourCycle: 'h23', weekday: 'short'})
  }

  at(ms: number): {hour: number; day: string} {
    const key = Math.floor(ms / 3_600_000)
    let v = this.cache.get(key)
    if (!v) {
      const parts = this.fmt.formatToParts(new Date(key * 3_600_000))
      v = {hour: Number(parts.find((p) => p.type === 'hour')?.value ?? 0) % 24, day: (parts.find((p) => p.type === 'weekday')?.value ?? 'Mon').slice(0, 3).toLowerCase()}
      if (this.cache.size > 100_000) this.cache.clear()
      this.cache.set(key, v)
    }
    return v
  }
}

/** `07-20` → is hour h inside? `22-06` wraps midnight; `00-24` is always. */
export function inHours(spec: string | undefined, hour: number): boolean {
  if (!spec) return true
  const m = /^(\d{2})-(\d{2})$/.exec(spec)
  if (!m) return true
  const a = Number(m[1])
  const b = Number(m[2])
  return a <= b ? hour >= a && hour < b : hour >= a || hour < b
}
