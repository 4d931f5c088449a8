/**
 * Strict address parsing. ipaddr.js decides what is a valid address (it rejects loose forms such as
 * `010.0.0.1` that netmask accepts); netmask reads dotted masks (`10.0.0.0/255.255.255.0`).
 */
import ipaddr from 'ipaddr.js'
import {Netmask} from 'netmask'

export type Family = 4 | 6

export interface ParsedIp {
  family: Family
  /** IPv4 as a number, IPv6 as a bigint. */
  value: number | bigint
}

export interface ParsedCidr {
  family: Family
  start: number | bigint
  end: number | bigint
  prefix: number
  /** False when host bits are set (`10.0.0.1/8`). */
  canonical: boolean
  /** The network this denotes, canonical (`10.0.0.0/8`). */
  network: string
}

const V4_MAX = 0xffffffff
export const V6_MAX = (1n << 128n) - 1n

export function parseIp(text: string): ParsedIp | null {
  const t = text.trim()
  if (t.includes(':')) {
    // zone ids (fe80::1%eth0) are not addresses we compare
    if (!ipaddr.IPv6.isValid(t) || t.includes('%')) return null
    const v4mapped = ipaddr.IPv6.parse(t)
    return {family: 6, value: bytesToBigint(v4mapped.toByteArray())}
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(t)) return null
  const b = ipaddr.IPv4.parse(t).octets
  return {family: 4, value: ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3]}
}

function bytesToBigint(bytes: number[]): bigint {
  let v = 0n
  for (const b of bytes) v = (v << 8n) | BigInt(b)
  return v
}

export function formatIp(family: Family, value: number | bigint): string {
  if (family === 4) {
    const v = Number(value)
    return `${(v >>> 24) & 255}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`
  }
  let v = BigInt(value)
  const parts: number[] = []
  for (let i = 0; i < 8; i++) {
    parts.unshift(Number(v & 0xffffn))
    v >>= 16n
  }
  return ipaddr.IPv6.parse(parts.map((p) => p.toString(16)).join(':')).toString()
}

function prefixRange(family: Family, base: number | bigint, prefix: number): [number | bigint, number | bigint] {
  if (family === 4) {
    const size = 2 ** (32 - prefix)
    const start = Math.floor(Number(base) / size) * size
    return [start, start + size - 1]
  }
  const hostBits = BigInt(128 - prefix)
  const start = (BigInt(base) >> hostBits) << hostBits
  return [start, start + (1n << hostBits) - 1n]
}

/**
 * `a.b.c.d/nn`, `a.b.c.d/m.m.m.m`, a bare address (host route), or an IPv6 prefix.
 * Host bits are masked as devices do; `canonical` says whether they were set.
 */
export function parseCidr(text: string): ParsedCidr | null {
  const t = text.trim()
  const slash = t.indexOf('/')
  const addrText = slash < 0 ? t : t.slice(0, slash)
  const ip = parseIp(addrText)
  if (!ip) return null
  const maxBits = ip.family === 4 ? 32 : 128
  let prefix = maxBits
  if (slash >= 0) {
    const p = t.slice(slash + 1)
    if (/^\d{1,3}$/.test(p)) {
      prefix = Number(p)
      if (prefix > maxBits) return null
    } else if (ip.family === 4 && ipaddr.IPv4.isValidFourPartDecimal(p)) {
      try {
        // netmask rejects the all-zero mask, which configs use for "any" (`0.0.0.0 0.0.0.0`)
        prefix = p === '0.0.0.0' ? 0 : new Netmask(`0.0.0.0/${p}`).bitmask
      } catch {
        return null // a non-contiguous mask is not a prefix
      }
    } else return null
  }
  const [start, end] = prefixRange(ip.family, ip.value, prefix)
  return {
    family: ip.family,
    start,
    end,
    prefix,
    canonical: start === ip.value,
    network: `${formatIp(ip.family, start)}/${prefix}`,
  }
}

/** Minimal list of CIDRs covering exactly [start, end]. */
export function rangeToCidrs(family: Family, start: number | bigint, end: number | bigint): string[] {
  const out: string[] = []
  if (family === 4) {
    let s = Number(start)
    const e = Number(end)
    while (s <= e) {
      let size = 1
      let bits = 0
      // grow the block while it stays aligned and inside the range
      while (bits < 32 && s % (size * 2) === 0 && s + size * 2 - 1 <= e) {
        size *= 2
        bits++
      }
      out.push(`${formatIp(4, s)}/${32 - bits}`)
      s += size
    }
    return out
  }
  let s = BigInt(start)
  const e = BigInt(end)
  while (s <= e) {
    let bits = 0n
    while (bits < 128n && (s & ((1n << (bits + 1n)) - 1n)) === 0n && s + (1n << (bits + 1n)) - 1n <= e) bits++
    out.push(`${formatIp(6, s)}/${128n - bits}`)
    s += 1n << bits
  }
  return out
}

/**
 * Cisco wildcard mask (`10.0.0.0 0.0.0.255`). Returns null for a non-contiguous wildcard, which
 * callers report rather than guess.
 */
export function wildcardToCidr(address: string, wildcard: string): ParsedCidr | null {
  const w = parseIp(wildcard)
  if (!w || w.family !== 4) return null
  const inv = (~Number(w.value)) >>> 0
  // contiguous: inverted wildcard is ones then zeros
  const prefix = 32 - Math.log2(Number(w.value) + 1)
  if (!Number.isInteger(prefix) || ((inv >>> 0) !== (prefix === 0 ? 0 : (V4_MAX << (32 - prefix)) >>> 0))) return null
  return parseCidr(`${address}/${prefix}`)
}

export const IPV4_MAX = V4_MAX
