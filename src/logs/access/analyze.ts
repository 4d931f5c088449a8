/**
 * Logins against what is usual (IRM #5: "look for VPN access and Cloud access from rare locations").
 * The first `baselineDays` of the logs are the learning window; successful logins after it are flagged:
 * - new-source-network: from a network (/24, /48) no one logged in from during the learning window;
 * - rare-country / rare-asn: from a country or AS that accounts for a tiny share of all logins;
 * - new-country-for-user: a user's first login from a country they never used in the window;
 * - impossible-travel: two logins of one user farther apart than a plane flies in the time between;
 * - unexpected-vpn-source: a VPN login from outside the ranges the inventory's VPN access points declare.
 * Country, AS and travel need a location table (or Azure's own locations); without one, only the network
 * checks run, and the report says so.
 */
import {createHash} from 'node:crypto'

import type {Inventory} from '../../inventory/model.js'
import {resolverFor} from '../../inventory/resolve.js'
import {formatIp} from '../../net/ip.js'
import type {TrustModel} from '../../policy/trust.js'
import {ZoneLocator} from '../zones.js'
import {distanceKm, type GeoInfo, type GeoSource} from './geo.js'
import type {LoginEvent} from './types.js'
import {byCodeUnit} from '../../core/order.js'

import type {Severity} from '../../core/severity.js'

export type {Severity}

export interface AccessPolicy {
  baseline_days: number
  /** A country/AS with fewer than this share of all successful logins… */
  rare_share: number
  /** …and at most this many logins is rare. */
  rare_max_logins: number
  /** Faster than this between two logins of one user is impossible travel… */
  max_speed_kmh: number
  /** …when they are at least this far apart (GeoIP is coarse). */
  min_travel_km: number
}

export const DEFAULT_ACCESS_POLICY: AccessPolicy = {baseline_days: 14, rare_share: 0.02, rare_max_logins: 3, max_speed_kmh: 900, min_travel_km: 500}

export interface AccessFinding {
  id: string
  rule: 'new-source-network' | 'rare-country' | 'rare-asn' | 'new-country-for-user' | 'impossible-travel' | 'unexpected-vpn-source'
  severity: Severity
  message: string
  user: string
  source: string
  /** ISO time of the first flagged login. */
  time: string
  count: number
  country?: string
  file: string
  line: number
}

export interface AccessReport {
  /** `non_user`: sign-ins of service principals and managed identities, site-to-site SAs: read, kept out of the analysis. */
  files: Array<{file: string; format: string; events: number; skipped: number; non_user?: number}>
  window?: {from: string; to: string; learning_until: string}
  events: {total: number; success: number; failed: number}
  location: {source: string | null; note?: string}
  users: Array<{user: string; logins: number; failed: number; networks: number; countries: string[]}>
  findings: AccessFinding[]
}

function networkOf(e: LoginEvent): string {
  if (e.family === 4) {
    const v = Number(e.value)
    return `${formatIp(4, v - (v % 256))}/24`
  }
  const v = BigInt(e.value)
  return `${formatIp(6, (v >> 80n) << 80n)}/48`
}

export interface AnalyzeOptions {
  geo?: GeoSource
  policy?: Partial<AccessPolicy>
  /** Replace user names by a stable pseudonym (sha256 prefix). */
  pseudonymize?: boolean
  /** Kind of each service (vpn or cloud). */
  kinds: Record<string, 'vpn' | 'cloud'>
  /** Which zones are untrusted (the run's trust model). */
  trust: TrustModel
}

export function analyzeLogins(inventory: Inventory, events: LoginEvent[], files: AccessReport['files'], options: AnalyzeOptions): AccessReport {
  const policy = {...DEFAULT_ACCESS_POLICY, ...options.policy}
  const alias = (u: string) => (options.pseudonymize ? `user-${createHash('sha256').update(u).digest('hex').slice(0, 10)}` : u)
  const sorted = [...events].sort((a, b) => a.time - b.time || byCodeUnit(a.file, b.file) || a.line - b.line)
  const ok = sorted.filter((e) => e.success)
  const findings = new Map<string, AccessFinding>()
  const flag = (f: Omit<AccessFinding, 'count' | 'time' | 'file' | 'line'>, e: LoginEvent) => {
    const prev = findings.get(f.id)
    if (prev) prev.count++
    else findings.set(f.id, {...f, time: new Date(e.time).toISOString(), count: 1, file: e.file, line: e.line})
  }
  const geoOf = (e: LoginEvent): GeoInfo | undefined => {
    const g = options.geo?.lookup(e.family, e.value)
    if (!g && e.country === undefined) return undefined
    return {...g, ...(e.country ? {country: e.country} : {}), ...(e.latitude !== undefined ? {latitude: e.latitude, longitude: e.longitude} : {})}
  }

  const start = sorted.length ? sorted[0].time : 0
  const learningUntil = start + policy.baseline_days * 86_400_000
  const orgNets = new Set<string>()
  const userCountries = new Map<string, Set<string>>()
  const countryCount = new Map<string, number>()
  const asnCount = new Map<number, number>()
  for (const e of ok) {
    const g = geoOf(e)
    if (g?.country) countryCount.set(g.country, (countryCount.get(g.country) ?? 0) + 1)
    if (g?.asn !== undefined) asnCount.set(g.asn, (asnCount.get(g.asn) ?? 0) + 1)
    if (e.time >= learningUntil) continue
    orgNets.add(networkOf(e))
    if (g?.country) {
      const set = userCountries.get(e.user) ?? new Set()
      set.add(g.country)
      userCountries.set(e.user, set)
    }
  }
  const rare = (n: number) => n / Math.max(ok.length, 1) < policy.rare_share && n <= policy.rare_max_logins

  // the sources the inventory expects for VPN logins: union of the `from` of its vpn access points
  const vpnFrom = inventory.access_points.filter((a) => a.kind === 'vpn').flatMap((a) => a.from)
  const expected = vpnFrom.length ? resolverFor(inventory).addresses(vpnFrom) : undefined
  const zones = new ZoneLocator(inventory, options.trust)

  const lastByUser = new Map<string, {e: LoginEvent; g: GeoInfo}>()
  for (const e of ok) {
    const user = alias(e.user)
    const g = geoOf(e)
    const net = networkOf(e)
    if (g?.latitude !== undefined && g.longitude !== undefined) {
      const prev = lastByUser.get(e.user)
      if (prev && prev.g.latitude !== undefined) {
        const km = distanceKm(prev.g as {latitude: number; longitude: number}, g as {latitude: number; longitude: number})
        const hours = Math.max((e.time - prev.e.time) / 3_600_000, 1 / 60)
        if (km >= policy.min_travel_km && km / hours > policy.max_speed_kmh) {
          flag({id: `impossible-travel:${user}:${prev.e.ip}>${e.ip}`, rule: 'impossible-travel', severity: 'high', user, source: e.ip, country: g.country,
            message: `${user} logged in from ${prev.e.ip}${prev.g.country ? ` (${prev.g.country})` : ''} then from ${e.ip}${g.country ? ` (${g.country})` : ''}: ${Math.round(km)} km in ${hours < 1 ? `${Math.round(hours * 60)} min` : `${hours.toFixed(1)} h`} (${e.service})`}, e)
        }
      }
      lastByUser.set(e.user, {e, g})
    }
    if (expected && options.kinds[e.service] === 'vpn' && !expected.isAny() && !expected.has(e.family, e.value)) {
      flag({id: `unexpected-vpn-source:${user}:${net}`, rule: 'unexpected-vpn-source', severity: 'high', user, source: net,
        message: `${user} connected to the VPN (${e.service}) from ${e.ip} (zone ${zones.zoneOf(e.family, e.value)}), outside the sources the VPN access points declare`}, e)
    }
    if (e.time < learningUntil) continue
    if (!orgNets.has(net)) {
      flag({id: `new-source-network:${user}:${net}`, rule: 'new-source-network', severity: 'medium', user, source: net, country: g?.country,
        message: `${user} logged in (${e.service}) from ${net}, a network not seen in the ${policy.baseline_days}-day learning window`}, e)
    }
    if (g?.country && rare(countryCount.get(g.country) ?? 0)) {
      flag({id: `rare-country:${g.country}:${user}`, rule: 'rare-country', severity: 'high', user, source: e.ip, country: g.country,
        message: `${user} logged in (${e.service}) from ${g.country}, a country with ${countryCount.get(g.country)} of ${ok.length} logins`}, e)
    } else if (g?.country && userCountries.has(e.user) && !userCountries.get(e.user)!.has(g.country)) {
      flag({id: `new-country-for-user:${user}:${g.country}`, rule: 'new-country-for-user', severity: 'medium', user, source: e.ip, country: g.country,
        message: `${user} logged in (${e.service}) from ${g.country} for the first time (usual: ${[...userCountries.get(e.user)!].sort().join(', ')})`}, e)
    }
    if (g?.asn !== undefined && rare(asnCount.get(g.asn) ?? 0)) {
      flag({id: `rare-asn:AS${g.asn}:${user}`, rule: 'rare-asn', severity: 'medium', user, source: e.ip, country: g.country,
        message: `${user} logged in (${e.service}) from AS${g.asn}${g.org ? ` ${g.org}` : ''}, with ${asnCount.get(g.asn)} of ${ok.length} logins`}, e)
    }
  }

  const users = new Map<string, {user: string; logins: number; failed: number; nets: Set<string>; countries: Set<string>}>()
  for (const e of sorted) {
    const u = users.get(e.user) ?? {user: alias(e.user), logins: 0, failed: 0, nets: new Set(), countries: new Set()}
    if (e.success) u.logins++
    else u.failed++
    u.nets.add(networkOf(e))
    const c = geoOf(e)?.country
    if (c) u.countries.add(c)
    users.set(e.user, u)
  }
  const rank: Record<Severity, number> = {critical: 0, high: 1, medium: 2, low: 3, info: 4}
  const hasLocations = Boolean(options.geo) || events.some((e) => e.country !== undefined)
  return {
    files,
    ...(sorted.length ? {window: {from: new Date(start).toISOString(), to: new Date(sorted[sorted.length - 1].time).toISOString(), learning_until: new Date(learningUntil).toISOString()}} : {}),
    events: {total: sorted.length, success: ok.length, failed: sorted.length - ok.length},
    location: hasLocations
      ? {source: options.geo?.name ?? 'locations in the logs'}
      : {source: null, note: 'no location table (--geo): country, AS and impossible-travel checks skipped; network checks only'},
    users: [...users.values()].map((u) => ({user: u.user, logins: u.logins, failed: u.failed, networks: u.nets.size, countries: [...u.countries].sort()})).sort((a, b) => byCodeUnit(a.user, b.user)),
    findings: [...findings.values()].sort((a, b) => rank[a.severity] - rank[b.severity] || byCodeUnit(a.time, b.time) || byCodeUnit(a.id, b.id)),
  }
}

