import {AddressSet} from './address-set.js'
import {PortSet, ProtocolSet} from './number-set.js'

/**
 * One hyper-rectangle of traffic: source × destination × protocol × destination port × source port.
 * For protocols without ports the port dimensions are always ALL, so a box never says "icmp port 22".
 */
export interface Box {
  readonly from: AddressSet
  readonly to: AddressSet
  readonly protocols: ProtocolSet
  readonly ports: PortSet
  readonly sourcePorts: PortSet
}

export const ANY_BOX: Box = {
  from: AddressSet.ANY,
  to: AddressSet.ANY,
  protocols: ProtocolSet.ALL,
  ports: PortSet.ALL,
  sourcePorts: PortSet.ALL,
}

export function box(partial: Partial<Box>): Box {
  return {...ANY_BOX, ...partial}
}

export function isEmptyBox(b: Box): boolean {
  return b.from.isEmpty() || b.to.isEmpty() || b.protocols.isEmpty() || b.ports.isEmpty() || b.sourcePorts.isEmpty()
}

export function intersectBox(a: Box, b: Box): Box | null {
  const r: Box = {
    from: a.from.intersect(b.from),
    to: a.to.intersect(b.to),
    protocols: a.protocols.intersect(b.protocols),
    ports: a.ports.intersect(b.ports),
    sourcePorts: a.sourcePorts.intersect(b.sourcePorts),
  }
  return isEmptyBox(r) ? null : r
}

/**
 * intersectBox for the ordered evaluator: `b` itself when `a` covers it (a rule inside the traffic that
 * reached its chain), so the millions of pieces of a big rule base share their rules' boxes. Boxes are
 * immutable; the evaluator's rule boxes are plain ones.
 */
export function narrowBox(a: Box, b: Box): Box | null {
  // a set shared by both sides (ALL ports, the family's addresses) is its own intersection
  const from = a.from === b.from ? b.from : a.from.intersect(b.from)
  if (from.isEmpty()) return null
  const to = a.to === b.to ? b.to : a.to.intersect(b.to)
  if (to.isEmpty()) return null
  const protocols = a.protocols === b.protocols ? b.protocols : a.protocols.intersect(b.protocols)
  if (protocols.isEmpty()) return null
  const ports = a.ports === b.ports ? b.ports : a.ports.intersect(b.ports)
  if (ports.isEmpty()) return null
  const sourcePorts = a.sourcePorts === b.sourcePorts ? b.sourcePorts : a.sourcePorts.intersect(b.sourcePorts)
  if (sourcePorts.isEmpty()) return null
  if (from === b.from && to === b.to && protocols === b.protocols && ports === b.ports && sourcePorts === b.sourcePorts) return b
  return {from, to, protocols, ports, sourcePorts}
}

export function overlapsBox(a: Box, b: Box): boolean {
  return (
    a.protocols.overlaps(b.protocols) &&
    a.ports.overlaps(b.ports) &&
    a.sourcePorts.overlaps(b.sourcePorts) &&
    a.to.overlaps(b.to) &&
    a.from.overlaps(b.from)
  )
}

export function coversBox(outer: Box, inner: Box): boolean {
  return (
    outer.protocols.covers(inner.protocols) &&
    outer.ports.covers(inner.ports) &&
    outer.sourcePorts.covers(inner.sourcePorts) &&
    outer.to.covers(inner.to) &&
    outer.from.covers(inner.from)
  )
}

/**
 * a \ d as disjoint boxes: peel one dimension at a time (at most five pieces). Exact.
 */
export function subtractBox(a: Box, d: Box): Box[] {
  if (!overlapsBox(a, d)) return [a]
  if (coversBox(d, a)) return []
  // every piece a literal of the five dimensions (`a` may be a rule object that is also a box)
  const out: Box[] = []
  const fromOut = a.from.subtract(d.from)
  const from = a.from.intersect(d.from)
  if (!fromOut.isEmpty()) out.push({from: fromOut, to: a.to, protocols: a.protocols, ports: a.ports, sourcePorts: a.sourcePorts})
  const toOut = a.to.subtract(d.to)
  const to = a.to.intersect(d.to)
  if (!toOut.isEmpty()) out.push({from, to: toOut, protocols: a.protocols, ports: a.ports, sourcePorts: a.sourcePorts})
  const protoOut = a.protocols.subtract(d.protocols)
  const protocols = a.protocols.intersect(d.protocols)
  if (!protoOut.isEmpty()) out.push({from, to, protocols: protoOut, ports: a.ports, sourcePorts: a.sourcePorts})
  const portOut = a.ports.subtract(d.ports)
  const ports = a.ports.intersect(d.ports)
  if (!portOut.isEmpty()) out.push({from, to, protocols, ports: portOut, sourcePorts: a.sourcePorts})
  const sportOut = a.sourcePorts.subtract(d.sourcePorts)
  if (!sportOut.isEmpty()) out.push({from, to, protocols, ports, sourcePorts: sportOut})
  return out
}

/** Merge boxes that differ in one dimension only, so a rule split by denies reads back compactly. */
export function mergeBoxes(boxes: Box[]): Box[] {
  if (boxes.length < 2) return boxes
  let cur = boxes
  const dims: Array<keyof Box> = ['from', 'to', 'ports', 'protocols', 'sourcePorts']
  for (const dim of dims) {
    const groups = new Map<string, Box>()
    for (const b of cur) {
      const key = dims
        .filter((d) => d !== dim)
        .map((d) => keyOf(b[d]))
        .join('|')
      const prev = groups.get(key)
      groups.set(key, prev ? withDimension(prev, dim, (prev[dim] as any).union(b[dim])) : b)
    }
    cur = [...groups.values()]
  }
  return cur
}

/** `b` with one dimension replaced, as a plain five-field box. */
function withDimension(b: Box, dim: keyof Box, value: Box[keyof Box]): Box {
  const out = {from: b.from, to: b.to, protocols: b.protocols, ports: b.ports, sourcePorts: b.sourcePorts}
  ;(out as Record<keyof Box, unknown>)[dim] = value
  return out
}

function keyOf(v: unknown): string {
  if (v instanceof AddressSet) return `${v.v4.join(',')}/${v.v6.join(',')}`
  return (v as PortSet).ranges.join(',')
}
