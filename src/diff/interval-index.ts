/**
 * A static interval index: add [lo, hi] intervals carrying a value, freeze, then ask for every value
 * whose interval overlaps [a, b] in O(log n + k). Intervals sorted by `lo`, with a segment tree of the
 * largest `hi` per node, so a query walks only into nodes that can still reach `a`.
 */
import type {AddressSet} from '../net/address-set.js'

type Scalar = number | bigint

export class IntervalIndex<T, S extends Scalar = number> {
  private items: Array<{lo: S; hi: S; value: T}> = []
  private lo: S[] = []
  private hi: S[] = []
  private values: T[] = []
  private maxHi: S[] = []
  private sortedHi: S[] = []
  private size = 0
  private frozen = false

  add(lo: S, hi: S, value: T): void {
    if (this.frozen) throw new Error('IntervalIndex: add after freeze')
    this.items.push({lo, hi, value})
  }

  private freeze(): void {
    this.frozen = true
    this.items.sort((x, y) => (x.lo < y.lo ? -1 : x.lo > y.lo ? 1 : 0))
    this.lo = this.items.map((i) => i.lo)
    this.hi = this.items.map((i) => i.hi)
    this.sortedHi = [...this.hi].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))
    this.values = this.items.map((i) => i.value)
    this.items = []
    let size = 1
    while (size < this.lo.length) size *= 2
    this.size = size
    const tree: S[] = new Array(2 * size)
    for (let i = 0; i < this.hi.length; i++) tree[size + i] = this.hi[i]
    for (let i = size - 1; i >= 1; i--) {
      const l = tree[2 * i]
      const r = tree[2 * i + 1]
      tree[i] = l === undefined ? r : r === undefined ? l : l > r ? l : r
    }
    this.maxHi = tree
  }

  /**
   * How many intervals overlap [a, b], in O(log n): those starting at or before b, less those ending
   * before a (which all start before a too).
   */
  count(a: S, b: S): number {
    if (!this.frozen) this.freeze()
    return countAtMost(this.lo, b) - countBelow(this.sortedHi, a)
  }

  /** Pushes onto `out` each value whose interval overlaps [a, b] (a value may come once per interval). */
  collect(a: S, b: S, out: T[]): void {
    if (!this.frozen) this.freeze()
    const n = this.lo.length
    if (n === 0) return
    // candidates are the prefix with lo <= b
    let l = 0
    let r = n
    while (l < r) {
      const m = (l + r) >> 1
      if (this.lo[m] <= b) l = m + 1
      else r = m
    }
    if (l > 0) this.walk(1, 0, this.size, l, a, out)
  }

  private walk(node: number, start: number, end: number, limit: number, a: Scalar, out: T[]): void {
    if (start >= limit) return
    const max = this.maxHi[node]
    if (max === undefined || max < a) return
    if (end - start === 1) {
      out.push(this.values[start])
      return
    }
    const mid = (start + end) >> 1
    this.walk(2 * node, start, mid, limit, a, out)
    this.walk(2 * node + 1, mid, end, limit, a, out)
  }
}

/** Ids sorted ascending, each once (in place: the caller's fresh list). */
export function sortedIds(ids: number[]): number[] {
  if (ids.length < 2) return ids
  ids.sort((x, y) => x - y)
  let k = 1
  for (let i = 1; i < ids.length; i++) if (ids[i] !== ids[k - 1]) ids[k++] = ids[i]
  ids.length = k
  return ids
}

function countAtMost<S extends Scalar>(sorted: S[], x: S): number {
  let l = 0
  let r = sorted.length
  while (l < r) {
    const m = (l + r) >> 1
    if (sorted[m] <= x) l = m + 1
    else r = m
  }
  return l
}

function countBelow<S extends Scalar>(sorted: S[], x: S): number {
  let l = 0
  let r = sorted.length
  while (l < r) {
    const m = (l + r) >> 1
    if (sorted[m] < x) l = m + 1
    else r = m
  }
  return l
}

/** Items indexed by the addresses of one dimension (IPv4 and IPv6); answers "which items overlap this set". */
export class AddressIndex {
  private v4 = new IntervalIndex<number, number>()
  private v6 = new IntervalIndex<number, bigint>()

  /** `id` is the caller's item number (an array index). */
  add(set: AddressSet, id: number): void {
    for (let i = 0; i < set.v4.length; i += 2) this.v4.add(set.v4[i], set.v4[i + 1], id)
    for (let i = 0; i < set.v6.length; i += 2) this.v6.add(set.v6[i], set.v6[i + 1], id)
  }

  /** An upper bound of how many items `overlapping(set)` returns, in O(log n) per interval of `set`. */
  estimate(set: AddressSet): number {
    let n = 0
    for (let i = 0; i < set.v4.length; i += 2) n += this.v4.count(set.v4[i], set.v4[i + 1])
    for (let i = 0; i < set.v6.length; i += 2) n += this.v6.count(set.v6[i], set.v6[i + 1])
    return n
  }

  /** Ids of the items whose set overlaps `set`, ascending, each once (added to `ids`, empty or not given). */
  overlapping(set: AddressSet, ids: number[] = []): number[] {
    for (let i = 0; i < set.v4.length; i += 2) this.v4.collect(set.v4[i], set.v4[i + 1], ids)
    for (let i = 0; i < set.v6.length; i += 2) this.v6.collect(set.v6[i], set.v6[i + 1], ids)
    return sortedIds(ids)
  }
}
