/**
 * Longest-prefix match of single addresses against many CIDRs (zones, GeoIP tables): one hash map per
 * prefix length in use, probed from the longest length down. A lookup costs at most one probe per
 * distinct prefix length (≤ 33 for IPv4, ≤ 129 for IPv6), whatever the number of prefixes: fast enough
 * for 10^7 flow records in one pass.
 */
import {type Family, parseCidr} from './ip.js'

export class PrefixMap<T> {
  private readonly v4 = new Map<number, Map<number, T>>()
  private readonly v6 = new Map<number, Map<bigint, T>>()
  private v4Lengths: number[] = []
  private v6Lengths: number[] = []

  /** Add a CIDR; an existing identical prefix keeps its first value. Returns false when the text is not a CIDR. */
  add(cidr: string, value: T): boolean {
    const c = parseCidr(cidr)
    if (!c) return false
    if (c.family === 4) {
      let m = this.v4.get(c.prefix)
      if (!m) {
        m = new Map()
        this.v4.set(c.prefix, m)
        this.v4Lengths = [...this.v4.keys()].sort((a, b) => b - a)
      }
      if (!m.has(Number(c.start))) m.set(Number(c.start), value)
    } else {
      let m = this.v6.get(c.prefix)
      if (!m) {
        m = new Map()
        this.v6.set(c.prefix, m)
        this.v6Lengths = [...this.v6.keys()].sort((a, b) => b - a)
      }
      if (!m.has(BigInt(c.start))) m.set(BigInt(c.start), value)
    }
    return true
  }

  /** Value of the longest prefix containing the address, or undefined. */
  lookup(family: Family, value: number | bigint): T | undefined {
    if (family === 4) {
      const v = Number(value)
      for (const len of this.v4Lengths) {
        // network address by shifts; /0 is the one length a 32-bit shift cannot express
        const shift = 32 - len
        const net = shift === 32 ? 0 : ((v >>> shift) << shift) >>> 0
        const hit = this.v4.get(len)!.get(net)
        if (hit !== undefined) return hit
      }
      return undefined
    }
    const v = BigInt(value)
    for (const len of this.v6Lengths) {
      const host = BigInt(128 - len)
      const hit = this.v6.get(len)!.get((v >> host) << host)
      if (hit !== undefined) return hit
    }
    return undefined
  }

  get size(): number {
    let n = 0
    for (const m of this.v4.values()) n += m.size
    for (const m of this.v6.values()) n += m.size
    return n
  }
}

/** Kept here for existing importers; it lives in ip.ts with the other address parsing. */
export {parseIpv4Fast} from './ip.js'
