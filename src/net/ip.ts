/**
 * Strict address parsing. IPv4 is read by a hand-written dotted-quad scanner as strict as ipaddr.js's
 * four-part check (it rejects loose forms such as `010.0.0.1`); ipaddr.js decides what is valid IPv6.
 * Dotted masks (`10.0.0.0/255.255.255.0`) must be contiguous.
 */
import ipaddr from 'ipaddr.js'

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
  if (!t.includes(':')) {
    // same strictness as ipaddr's isValidFourPartDecimal (no leading zeros, four parts), without its regexes
    const v = parseIpv4Fast(t)
    return v === undefined ? null : {family: 4, value: v}
  }
  // zone ids (fe80::1%eth0) are not addresses we compare
  if (!ipaddr.IPv6.isValid(t) || t.includes('%')) return null
  return {family: 6, value: bytesToBigint(ipaddr.IPv6.parse(t).toByteArray())}
}

/** Strict dotted quad (`10.0.0.1`; not `010.0.0.1`, `10.1`, `0x0a.0.0.1`) as a number, without allocating; undefined otherwise. */
export function parseIpv4Fast(s: string): number | undefined {
  return parseIpv4Range(s, 0, s.length)
}

/** parseIpv4Fast of `s.slice(from, to)`, without making that string. */
export function parseIpv4Range(s: string, from: number, to: number): number | undefined {
  let value = 0
  let part = 0
  let digits = 0
  let dots = 0
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c >= 48 && c <= 57) {
      // a leading zero is a loose form (010.0.0.1): refuse, as ipaddr's four-part check does
      if (digits === 1 && part === 0) return undefined
      part = part * 10 + (c - 48)
      if (++digits > 3 || part > 255) return undefined
    } else if (c === 46) {
      if (digits === 0 || ++dots > 3) return undefined
      value = value * 256 + part
      part = 0
      digits = 0
    } else return undefined
  }
  if (dots !== 3 || digits === 0) return undefined
  return value * 256 + part
}

/** Prefix length of a contiguous dotted mask (`255.255.255.0` → 24), null when not contiguous; cached (configs repeat a few masks). */
const maskPrefixes = new Map<string, number | null>()
function dottedMaskPrefix(mask: string): number | null | undefined {
  const cached = maskPrefixes.get(mask)
  if (cached !== undefined) return cached
  const m = parseIpv4Fast(mask)
  if (m === undefined) return undefined
  // contiguous: the inverted mask is all low ones, so inverted + 1 is a power of two
  const inverted = ~m >>> 0
  const prefix = (inverted & (inverted + 1)) === 0 ? 32 - Math.log2(inverted + 1) : null
  if (maskPrefixes.size < 1024) maskPrefixes.set(mask, prefix)
  return prefix
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

function prefixRange4(base: number, prefix: number): [number, number] {
  // unsigned 32-bit arithmetic; a /0 mask is 0 (a shift by 32 is a shift by 0 in JS)
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
  const start = (base & mask) >>> 0
  return [start, (start | ~mask) >>> 0]
}

function prefixRange6(base: bigint, prefix: number): [bigint, bigint] {
  const hostBits = BigInt(128 - prefix)
  const start = (base >> hostBits) << hostBits
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
    } else if (ip.family === 4) {
      // the all-zero mask is "any" (`0.0.0.0 0.0.0.0`); a non-contiguous mask is not a prefix
      const maskPrefix = dottedMaskPrefix(p)
      if (maskPrefix === undefined || maskPrefix === null) return null
      prefix = maskPrefix
    } else return null
  }
  const [start, end] = ip.family === 4 ? prefixRange4(ip.value as number, prefix) : prefixRange6(ip.value as bigint, prefix)
  return {
    family: ip.family,
    start,
    end,
    prefix,
    canonical: start === ip.value,
    network: `${formatIp(ip.family, start)}/${prefix}`,
  }
}

/** Trailing zero bits of a 32-bit unsigned value (32 for 0). */
function ctz32(n: number): number {
  return n === 0 ? 32 : 31 - Math.clz32(n & -n)
}

/**
 * Minimal list of CIDRs covering exactly [start, end]: each block is as large as both the alignment of
 * its start (trailing zero bits) and what is left of the range (its floor log2) allow.
 */
export function rangeToCidrs(family: Family, start: number | bigint, end: number | bigint): string[] {
  const out: string[] = []
  if (family === 4) {
    let s = Number(start)
    const e = Number(end)
    while (s <= e) {
      const span = e - s + 1
      const fits = span >= 2 ** 32 ? 32 : 31 - Math.clz32(span)
      const bits = Math.min(ctz32(s), fits)
      out.push(`${formatIp(4, s)}/${32 - bits}`)
      s += 2 ** bits
    }
    return out
  }
  let s = BigInt(start)
  const e = BigInt(end)
  while (s <= e) {
    const fits = (e - s + 1n).toString(2).length - 1
    let aligned = 0
    if (s === 0n) aligned = 128
    else {
      let x = s
      while ((x & 0xffffffffn) === 0n) {
        aligned += 32
        x >>= 32n
      }
      aligned += ctz32(Number(x & 0xffffffffn))
    }
    const bits = Math.min(aligned, fits)
    out.push(`${formatIp(6, s)}/${128 - bits}`)
    s += 1n << BigInt(bits)
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

/**
 * An IPv4 address under an arbitrary bit mask (`care` has a 1 for every bit that must match), as
 * [start, end] ranges: one per combination of the free bits above the trailing free block, when there
 * are at most `limit` of them (exact); otherwise the one covering range (a superset, `exact: false`).
 */
export function maskedRangesV4(address: number, care: number, limit = 4096): {ranges: Array<[number, number]>; exact: boolean} {
  const free = (~care) >>> 0
  // the trailing free block is one range; the free bits above it are combinations
  let trailing = 0
  while (trailing < 32 && ((free >>> trailing) & 1) === 1) trailing++
  const block = trailing === 32 ? V4_MAX : 2 ** trailing - 1
  const scattered: number[] = []
  for (let b = trailing; b < 32; b++) if ((free >>> b) & 1) scattered.push(b)
  const base = (address & care) >>> 0
  if (2 ** scattered.length > limit) {
    return {ranges: [[base, (base | free) >>> 0]], exact: false}
  }
  const ranges: Array<[number, number]> = []
  for (let combo = 0; combo < 2 ** scattered.length; combo++) {
    let start = base
    for (let k = 0; k < scattered.length; k++) if ((combo >>> k) & 1) start = (start | (2 ** scattered[k])) >>> 0
    ranges.push([start, start + block])
  }
  return {ranges, exact: true}
}
