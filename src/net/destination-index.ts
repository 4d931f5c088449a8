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

interface Entry<T> {
  item: T
  seq: number
  /** Last query that collected this entry (an entry filed under several blocks is returned once). */
  seen: number
}

/** The entries filed under one block, and their items (returned as they are when one block answers a query). */
interface Bucket<T> {
  entries: Array<Entry<T>>
  items: T[]
}

/** File `e` under each /(32 - shift) block the intervals touch, once. */
function fileUnder<T>(map: Map<number, Bucket<T>>, v4: readonly number[], shift: number, e: Entry<T>): void {
  let last = -1
  for (let i = 0; i < v4.length; i += 2) {
    for (let k = Math.max(v4[i] >>> shift, last + 1); k <= v4[i + 1] >>> shift; k++) {
      const b = map.get(k)
      if (b) {
        b.entries.push(e)
        b.items.push(e.item)
      } else map.set(k, {entries: [e], items: [e.item]})
    }
    last = v4[i + 1] >>> shift
  }
}

/** The buckets of each /(32 - shift) block the intervals touch, once each, pushed to `out`. */
function bucketsOf<T>(map: Map<number, Bucket<T>>, v4: readonly number[], shift: number, out: Array<Bucket<T>>): void {
  if (map.size === 0) return
  let last = -1
  for (let i = 0; i < v4.length; i += 2) {
    for (let k = Math.max(v4[i] >>> shift, last + 1); k <= v4[i + 1] >>> shift; k++) {
      const b = map.get(k)
      if (b) out.push(b)
    }
    last = v4[i + 1] >>> shift
  }
}

export class DestinationIndex<T> {
  /** Every item, in insertion order. */
  readonly all: T[] = []
  private readonly wide: Array<Entry<T>> = []
  private readonly wideItems: T[] = []
  /** Entries filed by /24, under each /24 they touch. */
  private readonly by24 = new Map<number, Bucket<T>>()
  /** The same entries under each /16 they touch (for queries too wide to enumerate by /24). */
  private readonly by24in16 = new Map<number, Bucket<T>>()
  /** Entries filed by /16, under each /16 they touch. */
  private readonly by16 = new Map<number, Bucket<T>>()
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
      fileUnder(this.by24, v4, 8, e)
      fileUnder(this.by24in16, v4, 16, e)
    } else if (blocks(v4, 16) <= FILE_16) fileUnder(this.by16, v4, 16, e)
    else {
      this.wide.push(e)
      this.wideItems.push(item)
    }
  }

  /** The items whose destination may overlap `to` (a superset), in insertion order; not to be changed. */
  candidates(to: AddressSet): readonly T[] {
    if (this.wide.length === this.all.length) return this.all
    const v4 = to.v4
    if (v4.length === 0) return this.wideItems
    // one range within one /24 (a query for a host, nearly every rule of a big rule base): its bucket
    if (v4.length === 2 && this.by16.size === 0 && this.wide.length === 0 && v4[0] >>> 8 === v4[1] >>> 8) return this.by24.get(v4[0] >>> 8)?.items ?? this.wideItems
    const found: Array<Bucket<T>> = []
    if (blocks(v4, 8) <= QUERY_24) {
      bucketsOf(this.by24, v4, 8, found)
      bucketsOf(this.by16, v4, 16, found)
    } else if (blocks(v4, 16) <= QUERY_16) {
      bucketsOf(this.by24in16, v4, 16, found)
      bucketsOf(this.by16, v4, 16, found)
    } else return this.all
    if (found.length === 0) return this.wideItems
    // one block answers (a query for a host): its items are already in insertion order
    if (found.length === 1 && this.wide.length === 0) return found[0].items
    const q = ++this.queries
    const entries: Array<Entry<T>> = []
    for (const list of [this.wide, ...found.map((b) => b.entries)])
      for (const e of list)
        if (e.seen !== q) {
          e.seen = q
          entries.push(e)
        }
    entries.sort((x, y) => x.seq - y.seq)
    return entries.map((e) => e.item)
  }
}
