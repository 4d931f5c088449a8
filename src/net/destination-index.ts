/**
 * Items (denies, filter rules) filed by the IPv4 /24s their destination touches, or the /16s when they
 * touch too many /24s, so a query for a few hosts meets only the items near them instead of all of them.
 * Items with an IPv6 destination, or wider than FILE_16 /16s, are met by every query (kept exact, not
 * clever: results are always a superset of the items whose destination overlaps the query, in insertion
 * order, so callers that depend on rule order get the same answers as a scan of `all`).
 */
import type {AddressSet} from './address-set.js'

// an item touching at most this many /24s is filed under each of them, else under its /16s if at most FILE_16
const FILE_24 = 64
const FILE_16 = 64
// a query touching more /24s (or /16s) than this gets every item (enumerating buckets would cost more)
const QUERY_24 = 256
const QUERY_16 = 64

/** Number of /(32 - shift) blocks the IPv4 intervals touch (a block shared by two intervals counts twice). */
function blocks(v4: readonly number[], shift: number): number {
  let n = 0
  for (let i = 0; i < v4.length; i += 2) n += (v4[i + 1] >>> shift) - (v4[i] >>> shift) + 1
  return n
}

/** Each /(32 - shift) block the intervals touch, once, ascending. */
function eachBlock(v4: readonly number[], shift: number, f: (block: number) => void): void {
  let last = -1
  for (let i = 0; i < v4.length; i += 2) {
    for (let k = Math.max(v4[i] >>> shift, last + 1); k <= v4[i + 1] >>> shift; k++) f(k)
    last = v4[i + 1] >>> shift
  }
}

interface Entry<T> {
  item: T
  seq: number
  /** Last query that collected this entry (an entry filed under several blocks is returned once). */
  seen: number
}

function file<T>(map: Map<number, Array<Entry<T>>>, key: number, e: Entry<T>): void {
  const list = map.get(key)
  if (list) list.push(e)
  else map.set(key, [e])
}

export class DestinationIndex<T> {
  /** Every item, in insertion order. */
  readonly all: T[] = []
  private readonly wide: Array<Entry<T>> = []
  private readonly wideItems: T[] = []
  /** Entries filed by /24, under each /24 they touch. */
  private readonly by24 = new Map<number, Array<Entry<T>>>()
  /** The same entries under each /16 they touch (for queries too wide to enumerate by /24). */
  private readonly by24in16 = new Map<number, Array<Entry<T>>>()
  /** Entries filed by /16, under each /16 they touch. */
  private readonly by16 = new Map<number, Array<Entry<T>>>()
  private queries = 0

  constructor(private readonly destinationOf: (item: T) => AddressSet) {}

  add(item: T): void {
    const e: Entry<T> = {item, seq: this.all.length, seen: 0}
    this.all.push(item)
    const to = this.destinationOf(item)
    const v4 = to.v4
    if (to.v6.length > 0 || v4.length === 0) {
      this.wide.push(e)
      this.wideItems.push(item)
    } else if (blocks(v4, 8) <= FILE_24) {
      eachBlock(v4, 8, (k) => file(this.by24, k, e))
      eachBlock(v4, 16, (k) => file(this.by24in16, k, e))
    } else if (blocks(v4, 16) <= FILE_16) eachBlock(v4, 16, (k) => file(this.by16, k, e))
    else {
      this.wide.push(e)
      this.wideItems.push(item)
    }
  }

  /** The items whose destination may overlap `to` (a superset), in insertion order. */
  candidates(to: AddressSet): readonly T[] {
    if (this.wide.length === this.all.length) return this.all
    const v4 = to.v4
    if (v4.length === 0) return this.wideItems
    const parts: Array<ReadonlyArray<Entry<T>>> = [this.wide]
    const collect = (map: Map<number, Array<Entry<T>>>) => (k: number) => {
      const list = map.get(k)
      if (list) parts.push(list)
    }
    if (blocks(v4, 8) <= QUERY_24) {
      eachBlock(v4, 8, collect(this.by24))
      eachBlock(v4, 16, collect(this.by16))
    } else if (blocks(v4, 16) <= QUERY_16) {
      eachBlock(v4, 16, collect(this.by24in16))
      eachBlock(v4, 16, collect(this.by16))
    } else return this.all
    if (parts.length === 1) return this.wideItems
    const q = ++this.queries
    const found: Array<Entry<T>> = []
    for (const list of parts)
      for (const e of list)
        if (e.seen !== q) {
          e.seen = q
          found.push(e)
        }
    found.sort((x, y) => x.seq - y.seq)
    return found.map((e) => e.item)
  }
}
