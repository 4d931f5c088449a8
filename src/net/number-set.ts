import {covers, equal, find, intersect, normalize, overlaps, subtract, union} from './intervals.js'

/** An immutable set of integers in [min, max], as sorted intervals: ports and protocol numbers. */
export class NumberSet {
  protected constructor(
    readonly min: number,
    readonly max: number,
    readonly ranges: readonly number[],
  ) {}

  protected make(ranges: number[]): this {
    return new (this.constructor as any)(this.min, this.max, ranges)
  }

  // Sets are immutable: an operation whose result equals an operand returns that operand, so the
  // millions of boxes of a big rule base share their sets instead of each holding a copy.
  union(o: NumberSet): this {
    return this.reuse(union(this.ranges, o.ranges, 1), o)
  }

  intersect(o: NumberSet): this {
    if (o === this) return this
    // one side within the other: that side, as reuse would give it, without a new list
    if (covers(o.ranges, this.ranges)) return this
    if (o.constructor === this.constructor && covers(this.ranges, o.ranges)) return o as this
    return this.reuse(intersect(this.ranges, o.ranges), o)
  }

  subtract(o: NumberSet): this {
    return this.reuse(subtract(this.ranges, o.ranges, 1))
  }

  private reuse(ranges: number[], o?: NumberSet): this {
    if (equal(ranges, this.ranges)) return this
    if (o && o.constructor === this.constructor && equal(ranges, o.ranges)) return o as this
    return this.make(ranges)
  }

  covers(o: NumberSet): boolean {
    return covers(this.ranges, o.ranges)
  }

  overlaps(o: NumberSet): boolean {
    return overlaps(this.ranges, o.ranges)
  }

  has(n: number): boolean {
    return find(this.ranges, n) >= 0
  }

  equals(o: NumberSet): boolean {
    return equal(this.ranges, o.ranges)
  }

  isEmpty(): boolean {
    return this.ranges.length === 0
  }

  isAll(): boolean {
    return this.ranges.length === 2 && this.ranges[0] === this.min && this.ranges[1] === this.max
  }

  size(): number {
    let n = 0
    for (let i = 0; i < this.ranges.length; i += 2) n += this.ranges[i + 1] - this.ranges[i] + 1
    return n
  }

  /** `["22", "8000-8080"]` */
  toStrings(): string[] {
    const out: string[] = []
    for (let i = 0; i < this.ranges.length; i += 2) {
      const s = this.ranges[i]
      const e = this.ranges[i + 1]
      out.push(s === e ? String(s) : `${s}-${e}`)
    }
    return out
  }

  values(): number[] {
    const out: number[] = []
    for (let i = 0; i < this.ranges.length; i += 2) for (let v = this.ranges[i]; v <= this.ranges[i + 1]; v++) out.push(v)
    return out
  }
}

/**
 * TCP/UDP ports, 1–65535. Port 0 is not a service; `0-65535` (as some vendors write "all")
 * reads as all ports.
 */
export class PortSet extends NumberSet {
  static readonly ALL = new PortSet(1, 65535, [1, 65535])
  static readonly EMPTY = new PortSet(1, 65535, [])

  static range(start: number, end: number = start): PortSet {
    const s = Math.max(1, Math.trunc(start))
    const e = Math.min(65535, Math.trunc(end))
    return new PortSet(1, 65535, s <= e ? [s, e] : [])
  }

  /** From the `ranges` of another PortSet (sorted, merged), e.g. sent from a worker thread. */
  static fromCanonical(ranges: readonly number[]): PortSet {
    if (equal(ranges, PortSet.ALL.ranges)) return PortSet.ALL
    return ranges.length ? new PortSet(1, 65535, ranges) : PortSet.EMPTY
  }

  static fromRanges(pairs: Array<[number, number]>): PortSet {
    return new PortSet(
      1,
      65535,
      normalize(
        pairs.map(([s, e]) => [Math.max(1, s), Math.min(65535, e)] as [number, number]),
        1,
      ),
    )
  }

  /**
   * `22`, `8000-8080`, `8000:8080`, `>1023`-free plain forms, comma lists. Names are the
   * caller's job (see services.ts). Null when anything does not read as a port.
   */
  static parse(text: string): PortSet | null {
    const pairs: Array<[number, number]> = []
    for (const part of text.split(',')) {
      const p = part.trim()
      const m = /^(\d{1,5})(?:\s*[-:]\s*(\d{1,5}))?$/.exec(p)
      if (!m) return null
      const s = Number(m[1])
      const e = m[2] === undefined ? s : Number(m[2])
      if (s > 65535 || e > 65535 || s > e) return null
      pairs.push([s, e])
    }
    return PortSet.fromRanges(pairs)
  }
}

/** IP protocol numbers 0–255; `ALL` is "any protocol". */
export class ProtocolSet extends NumberSet {
  static readonly ALL = new ProtocolSet(0, 255, [0, 255])
  static readonly EMPTY = new ProtocolSet(0, 255, [])

  /** From the `ranges` of another ProtocolSet (sorted, merged), e.g. sent from a worker thread. */
  static fromCanonical(ranges: readonly number[]): ProtocolSet {
    if (equal(ranges, ProtocolSet.ALL.ranges)) return ProtocolSet.ALL
    if (ranges.length === 2 && ranges[0] === ranges[1]) return ProtocolSet.of(ranges[0])
    return ranges.length ? new ProtocolSet(0, 255, ranges) : ProtocolSet.EMPTY
  }

  static of(...numbers: number[]): ProtocolSet {
    // one protocol is by far the common case: one shared instance per number (sets are immutable)
    if (numbers.length === 1 && Number.isInteger(numbers[0]) && numbers[0] >= 0 && numbers[0] <= 255) return (SINGLE[numbers[0]] ??= new ProtocolSet(0, 255, [numbers[0], numbers[0]]))
    return new ProtocolSet(0, 255, normalize(numbers.map((n) => [n, n] as [number, number]), 1))
  }
}

const SINGLE: ProtocolSet[] = []
