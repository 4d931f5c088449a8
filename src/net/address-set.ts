import {covers, equal, find, intersect, normalize, overlaps, subtract, union} from './intervals.js'
import {type Family, IPV4_MAX, parseCidr, parseIp, parseIpv4Range, rangeToCidrs, V6_MAX} from './ip.js'

// the empty half of a one-family set, shared
const NO_V4: readonly number[] = []
const NO_V6: readonly bigint[] = []

// parseIpv4Range's sets of a /16 or shorter prefix, by network and prefix length; bounded, so a
// long-lived process that reads many files keeps a few thousand at most
const SHORT_PREFIXES = new Map<number, AddressSet>()
const MAX_SHORT_PREFIXES = 4096

// toCidrs, computed once per set (shared sets such as ANY are printed over and over); outside the
// object, so two equal sets stay structurally equal whichever was printed
const CIDRS = new WeakMap<AddressSet, string[]>()

/**
 * An immutable set of IPv4 and IPv6 addresses, as sorted interval lists (never per-address).
 * Canonical output is the minimal CIDR list, IPv4 first.
 */
export class AddressSet {
  static readonly EMPTY = new AddressSet([], [])
  static readonly ANY4 = new AddressSet([0, IPV4_MAX], [])
  static readonly ANY6 = new AddressSet([], [0n, V6_MAX])
  static readonly ANY = new AddressSet([0, IPV4_MAX], [0n, V6_MAX])

  private constructor(
    readonly v4: readonly number[],
    readonly v6: readonly bigint[],
  ) {}

  /** Every address of one family (`undefined`: both). */
  static anyOf(family: Family | undefined): AddressSet {
    return family === 4 ? AddressSet.ANY4 : family === 6 ? AddressSet.ANY6 : AddressSet.ANY
  }

  /** One CIDR, address, `a-b` range, or `any`; null when the text is none of these. */
  static parse(text: string): AddressSet | null {
    const t = text.trim()
    const lower = t.toLowerCase()
    if (lower === 'any' || lower === '*') return AddressSet.ANY
    if (lower === 'any4' || lower === '0.0.0.0/0') return AddressSet.ANY4
    if (lower === 'any6' || lower === '::/0') return AddressSet.ANY6
    const dash = t.indexOf('-')
    if (dash > 0) {
      const a = parseIp(t.slice(0, dash))
      const b = parseIp(t.slice(dash + 1))
      if (!a || !b || a.family !== b.family || a.value > b.value) return null
      return AddressSet.fromRange(a.family, a.value, b.value)
    }
    const c = parseCidr(t)
    if (!c) return null
    return AddressSet.fromRange(c.family, c.start, c.end)
  }

  /**
   * `a.b.c.d` or `a.b.c.d/nn`, read as `parse` reads it but without its intermediate objects (nearly
   * every address of a big rule base is spelled so); undefined for any other text, which `parse` decides.
   */
  static parseIpv4(text: string): AddressSet | undefined {
    return AddressSet.parseIpv4Range(text, 0, text.length)
  }

  /** parseIpv4 of `text.slice(from, to)`, without making that string (a reader of words in place). */
  static parseIpv4Range(text: string, from: number, to: number): AddressSet | undefined {
    let slash = -1
    for (let i = from; i < to; i++) {
      if (text.charCodeAt(i) === 47) {
        slash = i
        break
      }
    }
    const addr = parseIpv4Range(text, from, slash < 0 ? to : slash)
    if (addr === undefined) return undefined
    let prefix = 32
    if (slash >= 0) {
      const digits = to - slash - 1
      if (digits < 1 || digits > 3) return undefined
      prefix = 0
      for (let i = slash + 1; i < to; i++) {
        const c = text.charCodeAt(i)
        if (c < 48 || c > 57) return undefined
        prefix = prefix * 10 + (c - 48)
      }
      if (prefix > 32) return undefined
      // `0.0.0.0/0` (the one spelling of address 0 with a one-digit prefix 0): the shared set
      if (addr === 0 && prefix === 0 && digits === 1) return AddressSet.ANY4
    }
    // host bits masked, as parseCidr does
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
    const start = (addr & mask) >>> 0
    if (prefix > 16) return parsedRange(start, (start | ~mask) >>> 0)
    // a short prefix (`-s 172.16.0.0/12`) is written again and again in a big rule base: one shared set
    // per network (sets are immutable), up to SHORT_PREFIXES of them
    const key = (start >>> 16) * 32 + prefix
    let set = SHORT_PREFIXES.get(key)
    if (set === undefined) {
      set = parsedRange(start, (start | ~mask) >>> 0)
      if (SHORT_PREFIXES.size < MAX_SHORT_PREFIXES) SHORT_PREFIXES.set(key, set)
    }
    return set
  }

  /** Like parse, but throws a plain Error naming the text; for inputs already validated. */
  static of(...texts: string[]): AddressSet {
    let out = AddressSet.EMPTY
    for (const t of texts) {
      const s = AddressSet.parse(t)
      if (!s) throw new Error(`not an address, CIDR or range: '${t}'`)
      out = out.union(s)
    }
    return out
  }

  /**
   * A set from the intervals of another set (`v4`, `v6` as they were: sorted, disjoint, merged), e.g.
   * sent from a worker thread; the shared ANY/EMPTY instances come back as themselves.
   */
  static fromCanonical(v4: readonly number[], v6: readonly bigint[]): AddressSet {
    for (const known of [AddressSet.ANY, AddressSet.EMPTY, AddressSet.ANY4, AddressSet.ANY6]) if (equal(v4, known.v4) && equal(v6, known.v6)) return known
    return new AddressSet(v4.length ? v4 : NO_V4, v6.length ? v6 : NO_V6)
  }

  static fromRange(family: Family, start: number | bigint, end: number | bigint): AddressSet {
    return family === 4 ? new AddressSet([Number(start), Number(end)], NO_V6) : new AddressSet(NO_V4, [BigInt(start), BigInt(end)])
  }

  /** Build from many ranges at once (linear after a sort): the fast path for big object groups. */
  static fromRanges(v4: Array<[number, number]>, v6: Array<[bigint, bigint]>): AddressSet {
    return new AddressSet(normalize(v4, 1), normalize(v6, 1n))
  }

  static unionAll(sets: Iterable<AddressSet>): AddressSet {
    const v4: Array<[number, number]> = []
    const v6: Array<[bigint, bigint]> = []
    for (const s of sets) {
      for (let i = 0; i < s.v4.length; i += 2) v4.push([s.v4[i], s.v4[i + 1]])
      for (let i = 0; i < s.v6.length; i += 2) v6.push([s.v6[i], s.v6[i + 1]])
    }
    return AddressSet.fromRanges(v4, v6)
  }

  union(o: AddressSet): AddressSet {
    if (o.isEmpty()) return this
    if (this.isEmpty()) return o
    return this.reuse(union(this.v4, o.v4, 1), union(this.v6, o.v6, 1n), o)
  }

  intersect(o: AddressSet): AddressSet {
    if (o === this || o === AddressSet.ANY) return this
    if (this === AddressSet.ANY) return o
    // one IPv4 range each (nearly every rule's address against its chain's traffic): two compares
    if (this.v4.length === 2 && o.v4.length === 2 && this.v6.length === 0 && o.v6.length === 0) {
      const a0 = this.v4[0]
      const a1 = this.v4[1]
      const b0 = o.v4[0]
      const b1 = o.v4[1]
      if (b0 <= a0 && a1 <= b1) return this
      if (a0 <= b0 && b1 <= a1) return o
      const lo = a0 > b0 ? a0 : b0
      const hi = a1 < b1 ? a1 : b1
      return lo > hi ? AddressSet.EMPTY : new AddressSet([lo, hi], NO_V6)
    }
    // one side within the other (a rule inside its chain's traffic): that side, without a new list
    if (o.covers(this)) return this
    if (this.covers(o)) return o
    return this.reuse(intersect(this.v4, o.v4), intersect(this.v6, o.v6), o)
  }

  subtract(o: AddressSet): AddressSet {
    if (o.isEmpty()) return this
    return this.reuse(subtract(this.v4, o.v4, 1), subtract(this.v6, o.v6, 1n))
  }

  /** Sets are immutable: a result equal to an operand is that operand (big rule bases share their sets). */
  private reuse(v4: number[], v6: bigint[], o?: AddressSet): AddressSet {
    if (equal(v4, this.v4) && equal(v6, this.v6)) return this
    if (o && equal(v4, o.v4) && equal(v6, o.v6)) return o
    return new AddressSet(v4.length ? v4 : NO_V4, v6.length ? v6 : NO_V6)
  }

  /** One address (as parsed by parseIp) is in the set: a binary search, no allocation. */
  has(family: Family, value: number | bigint): boolean {
    return family === 4 ? find(this.v4, Number(value)) >= 0 : find(this.v6, BigInt(value)) >= 0
  }

  /** Every address of `o` is in this set. */
  covers(o: AddressSet): boolean {
    return covers(this.v4, o.v4) && covers(this.v6, o.v6)
  }

  overlaps(o: AddressSet): boolean {
    return overlaps(this.v4, o.v4) || overlaps(this.v6, o.v6)
  }

  equals(o: AddressSet): boolean {
    return equal(this.v4, o.v4) && equal(this.v6, o.v6)
  }

  isEmpty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0
  }

  isAny(): boolean {
    return this.isAny4() && this.isAny6()
  }

  isAny4(): boolean {
    return this.v4.length === 2 && this.v4[0] === 0 && this.v4[1] === IPV4_MAX
  }

  isAny6(): boolean {
    return this.v6.length === 2 && this.v6[0] === 0n && this.v6[1] === V6_MAX
  }

  hasFamily(family: Family): boolean {
    return family === 4 ? this.v4.length > 0 : this.v6.length > 0
  }

  /** The part of one family (this set itself when it has no other, shared: sets are immutable). */
  only(family: Family): AddressSet {
    // every address: the shared one-family instances, not a new set per call (the diff asks per exposure)
    if (this === AddressSet.ANY) return family === 4 ? AddressSet.ANY4 : AddressSet.ANY6
    if (family === 4) return this.v6.length === 0 ? this : this.v4.length === 0 ? AddressSet.EMPTY : new AddressSet(this.v4, NO_V6)
    return this.v4.length === 0 ? this : this.v6.length === 0 ? AddressSet.EMPTY : new AddressSet(NO_V4, this.v6)
  }

  /** Number of IPv4 addresses (IPv6 sizes overflow doubles; compare sets, not sizes). */
  size4(): number {
    let n = 0
    for (let i = 0; i < this.v4.length; i += 2) n += this.v4[i + 1] - this.v4[i] + 1
    return n
  }

  /** Minimal canonical CIDR list, IPv4 then IPv6. */
  toCidrs(): string[] {
    let cidrs = CIDRS.get(this)
    if (cidrs === undefined) {
      cidrs = []
      for (let i = 0; i < this.v4.length; i += 2) cidrs.push(...rangeToCidrs(4, this.v4[i], this.v4[i + 1]))
      for (let i = 0; i < this.v6.length; i += 2) cidrs.push(...rangeToCidrs(6, this.v6[i], this.v6[i + 1]))
      CIDRS.set(this, cidrs)
    }
    // a copy: callers may sort or extend the list they get
    return cidrs.slice()
  }

  toString(): string {
    if (this.isAny()) return 'any'
    if (this.isEmpty()) return '(none)'
    return this.toCidrs().join(', ')
  }
}

/**
 * One IPv4 range read from a config, made as an object literal (same fields, same prototype, immutable
 * as any other AddressSet). It was written hoping V8 would pretenure the site; session 7 measured that it
 * does not (`--trace-pretenuring-statistics` keeps it at "maybe tenure"), and that `new` costs the same.
 */
function parsedRange(start: number, end: number): AddressSet {
  return {__proto__: AddressSet.prototype, v4: [start, end], v6: NO_V6} as unknown as AddressSet
}
