/**
 * Coverage arithmetic and the indexes behind it: approved boxes per device (by destination and by port,
 * whichever is more selective), live permits per device (for flows), and box subtraction per address
 * family. Used by engine.ts; nothing here makes findings.
 */
import type {Exposure} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {type Box, mergeBoxes, overlapsBox, subtractBox} from '../net/match.js'
import {PortSet} from '../net/number-set.js'
import {AddressIndex, IntervalIndex, sortedIds} from './interval-index.js'
import type {ApprovedAccess} from './model.js'

/** Up to this many approved boxes on a device, candidates are all of them (and so many by port are few). */
const FEW = 16

export interface ApBox {
  ap: ApprovedAccess
  box: Box
}

/**
 * The approved boxes of one device, indexed by destination. NAT needs no pairing here: the device model
 * composes each NAT with the filter rule that passes it (model/nat.ts), so a composed exposure names
 * both its public and its translated destination (exposureBoxes).
 */
export class DeviceAccess {
  readonly boxes: ApBox[] = []
  private readonly byAddress = new AddressIndex()
  /** Destination ports (protocols without ports count as every port). */
  private readonly byPort = new IntervalIndex<number>()
  /** Every id, ascending (shared: the candidates of a device with few boxes). */
  private every?: readonly number[]

  add(ap: ApprovedAccess): void {
    const to = ap.to
    for (const s of ap.services) {
      const box: Box = {from: ap.from, to, protocols: s.protocols, ports: s.ports, sourcePorts: PortSet.ALL}
      const id = this.boxes.length
      this.byAddress.add(to, id)
      for (let i = 0; i < s.ports.ranges.length; i += 2) this.byPort.add(s.ports.ranges[i], s.ports.ranges[i + 1], id)
      this.boxes.push({ap, box})
    }
    this.every = undefined
  }

  /**
   * Approved boxes overlapping `b`: candidates from the more selective index (destination, or port when
   * one address carries many services), counted in O(log n) before any is listed; then the exact test.
   */
  overlapping(b: Box): ApBox[] {
    return this.matching(this.candidates(b), b)
  }

  /**
   * Ids (ascending) of the boxes that may overlap `b`: every box overlapping `b` is among them, and among
   * the candidates of any box holding `b` in its destination and ports (the diff asks once per exposure
   * and narrows with `matching`). `into`: a list to fill instead of a new one (the caller's, reused).
   */
  candidates(b: Box, into: number[] = []): readonly number[] {
    // a device with a handful of access points: every box, tested exactly (cheaper than any lookup)
    if (this.boxes.length <= FEW) return (this.every ??= this.boxes.map((_, i) => i))
    const r = b.ports.ranges
    let byPort = 0
    for (let i = 0; i < r.length; i += 2) byPort += this.byPort.count(r[i], r[i + 1])
    into.length = 0
    // a few by port (the usual exposure: one port): those, without weighing the destination index
    if (byPort > FEW && byPort >= this.byAddress.estimate(b.to)) return this.byAddress.overlapping(b.to, into)
    for (let i = 0; i < r.length; i += 2) this.byPort.collect(r[i], r[i + 1], into)
    return sortedIds(into)
  }

  /** Of the candidate ids, the boxes that overlap `b`, in id order. */
  matching(ids: readonly number[], b: Box): ApBox[] {
    const out: ApBox[] = []
    for (const i of ids) if (overlapsBox(this.boxes[i].box, b)) out.push(this.boxes[i])
    return out
  }
}

/** The IPv4 and the IPv6 part of a box: a packet never goes from one family to the other. */
export function byFamily(b: Box): Box[] {
  const out: Box[] = []
  for (let f: 4 | 6 = 4; ; f = 6) {
    if (b.from.hasFamily(f) && b.to.hasFamily(f)) {
      const from = b.from.only(f)
      const to = b.to.only(f)
      out.push(from === b.from && to === b.to ? b : {...b, from, to})
    }
    if (f === 6) return out
  }
}

/** One box holding exactly the addresses some family of `b` can use (empty sets when none). */
export function sameFamily(b: Box): Box {
  const v4 = b.from.v4.length > 0 && b.to.v4.length > 0
  const v6 = b.from.v6.length > 0 && b.to.v6.length > 0
  // nothing of the other family on either side (the usual box): as it is
  if (v4 !== v6 && (v4 ? b.from.v6.length === 0 && b.to.v6.length === 0 : b.from.v4.length === 0 && b.to.v4.length === 0)) return b
  // both families on both sides: every address can be used (the same sets, not a rebuilt union)
  if (v4 && v6) return b
  const parts = byFamily(b)
  // one family (the usual box): that part as it is, no union to rebuild
  if (parts.length === 1) return parts[0].from === b.from && parts[0].to === b.to ? b : parts[0]
  return {...b, from: AddressSet.unionAll(parts.map((p) => p.from)), to: AddressSet.unionAll(parts.map((p) => p.to))}
}

/** What is left of `b` once `cover` is taken away, and whether anything was taken. */
export function uncovered(b: Box, cover: Box[]): {rest: Box[]; touched: boolean} {
  let rest = byFamily(b)
  let touched = false
  for (const c of cover) {
    const next: Box[] = []
    for (const r of rest) {
      if (!overlapsBox(r, c)) {
        next.push(r)
        continue
      }
      touched = true
      next.push(...subtractBox(r, c))
    }
    rest = next
    if (rest.length === 0) break
  }
  return {rest: mergeBoxes(rest), touched}
}

export function exposureBoxes(e: Exposure): Box[] {
  const main: Box = {from: e.from, to: e.to, protocols: e.protocols, ports: e.ports, sourcePorts: e.sourcePorts}
  // NAT: the inventory may name the public address or the real one; either approves the opening
  if (!e.translated?.to && !e.translated?.ports) return [main]
  return [main, {...main, to: e.translated.to ?? e.to, ports: e.translated.ports ?? e.ports}]
}

/** Live permits of one device, indexed by destination (and NAT destination). */
export class ExposureIndex {
  private readonly boxes: Box[] = []
  private readonly index = new AddressIndex()

  constructor(exposures: Exposure[]) {
    for (const e of exposures) {
      for (const b of exposureBoxes(e)) {
        this.index.add(b.to, this.boxes.length)
        this.boxes.push(b)
      }
    }
  }

  overlapping(b: Box): Box[] {
    return this.index
      .overlapping(b.to)
      .map((i) => this.boxes[i])
      .filter((c) => overlapsBox(c, b))
  }
}
