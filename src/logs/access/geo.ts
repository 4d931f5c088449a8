/**
 * Offline location of source addresses: the user's own table (CSV `network,country,asn,org,latitude,
 * longitude`, header required, any subset of the columns after `network`, read with csv-parse: quoted
 * fields such as `"Google, LLC"` keep their commas) and/or MaxMind-format
 * databases (GeoLite2/GeoIP2 Country, City or ASN `.mmdb`, read with the `maxmind` library). Nothing is
 * looked up online. Several sources merge: the first that knows a field wins.
 */
import {readFile} from 'node:fs/promises'

import {parse} from 'csv-parse/sync'

import {IrmError} from '../../core/errors.js'
import type {Family} from '../../net/ip.js'
import {formatIp} from '../../net/ip.js'
import {PrefixMap} from '../../net/prefix-map.js'

export interface GeoInfo {
  country?: string
  asn?: number
  org?: string
  latitude?: number
  longitude?: number
}

export interface GeoSource {
  name: string
  lookup(family: Family, value: number | bigint): GeoInfo | undefined
}

export async function csvGeo(path: string, display: string): Promise<GeoSource> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new IrmError('INPUT_NOT_FOUND', `cannot read the location table: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {file: display})
  }
  let rows: Array<{record: string[]; info: {lines: number}}>
  try {
    rows = parse(text, {relax_column_count: true, skip_empty_lines: true, comment: '#', comment_no_infix: true, trim: true, bom: true, info: true}) as unknown as typeof rows
  } catch (e) {
    throw new IrmError('INPUT_UNREADABLE', `not a CSV table: ${(e as Error).message.replace(/\s+/g, ' ').slice(0, 200)}`, {file: display, line: (e as {lines?: number}).lines, hint: 'Quote fields that contain commas ("Google, LLC").'})
  }
  const header = (rows[0]?.record ?? []).map((h) => h.toLowerCase())
  const col = (n: string) => header.indexOf(n)
  if (col('network') < 0) {
    throw new IrmError('INPUT_UNREADABLE', 'the location table has no `network` column', {file: display, line: 1, hint: 'First line: network,country,asn,org,latitude,longitude'})
  }
  const map = new PrefixMap<GeoInfo>()
  for (const {record: f, info} of rows.slice(1)) {
    const get = (n: string) => (col(n) >= 0 ? (f[col(n)] ?? '') : '')
    const info2: GeoInfo = {}
    if (get('country')) info2.country = get('country').toUpperCase()
    if (get('asn')) info2.asn = Number(get('asn').replace(/^AS/i, '')) || undefined
    if (get('org')) info2.org = get('org')
    const lat = Number(get('latitude'))
    const lon = Number(get('longitude'))
    if (get('latitude') && get('longitude') && Number.isFinite(lat) && Number.isFinite(lon)) {
      info2.latitude = lat
      info2.longitude = lon
    }
    if (!map.add(get('network'), info2)) {
      throw new IrmError('INPUT_UNREADABLE', `not a network: '${get('network')}'`, {file: display, line: info.lines, hint: 'Write networks in CIDR notation (203.0.113.0/24).'})
    }
  }
  return {name: display, lookup: (family, value) => map.lookup(family, value)}
}

export async function mmdbGeo(path: string, display: string): Promise<GeoSource> {
  const {Reader} = await import('maxmind')
  let reader: InstanceType<typeof Reader>
  try {
    reader = new Reader(await readFile(path))
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new IrmError(code ? 'INPUT_NOT_FOUND' : 'INPUT_UNREADABLE', code ? `cannot read the database: ${code}` : 'not a MaxMind database (.mmdb)', {
      file: display,
      hint: 'Give a GeoLite2/GeoIP2 Country, City or ASN .mmdb file, or a CSV table.',
    })
  }
  return {
    name: display,
    lookup(family, value) {
      const r = reader.get(formatIp(family, value)) as Record<string, any> | null
      if (!r) return undefined
      const info: GeoInfo = {}
      const country = r.country?.iso_code ?? r.registered_country?.iso_code
      if (country) info.country = String(country)
      if (typeof r.autonomous_system_number === 'number') info.asn = r.autonomous_system_number
      if (r.autonomous_system_organization) info.org = String(r.autonomous_system_organization)
      if (typeof r.location?.latitude === 'number') {
        info.latitude = r.location.latitude
        info.longitude = r.location.longitude
      }
      return info
    },
  }
}

export async function openGeo(path: string, display: string): Promise<GeoSource> {
  return /\.mmdb$/i.test(path) ? mmdbGeo(path, display) : csvGeo(path, display)
}

/** Merge sources field by field, first wins. */
export function mergeGeo(sources: GeoSource[]): GeoSource | undefined {
  if (sources.length === 0) return undefined
  return {
    name: sources.map((s) => s.name).join(' + '),
    lookup(family, value) {
      let out: GeoInfo | undefined
      for (const s of sources) {
        const g = s.lookup(family, value)
        if (g) out = {...g, ...out}
      }
      return out
    },
  }
}

/** Great-circle distance in km. */
export function distanceKm(a: {latitude: number; longitude: number}, b: {latitude: number; longitude: number}): number {
  const rad = Math.PI / 180
  const dLat = (b.latitude - a.latitude) * rad
  const dLon = (b.longitude - a.longitude) * rad
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)))
}
