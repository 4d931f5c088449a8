/**
 * Reach across chained devices (issue #20): from an untrusted zone, every loop-free zone path of up to
 * MAX_HOPS devices, composing each device's permits (NAT included) with what the previous hops passed.
 * What arrives in a zone of ours is reported with the rule chain that carries it; what is addressed to
 * a zone is delivered there and goes no further.
 */
import {byCodeUnit} from '../core/order.js'
import {AddressSet} from '../net/address-set.js'
import type {Exposure} from '../model/exposure.js'
import {type Box, mergeBoxes} from '../net/match.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import type {RuleRefJson, TrafficJson} from './model.js'
import type {Piece} from './model.js'
import {byFamily, ruleRef, trafficJson} from './evaluate.js'
import {chainPart, MAX_HOPS, NEAR_MIN_EDGES, type PathSpace} from './space.js'
import {ROUTING_NOTE} from './why.js'
import {serviceText} from '../diff/services.js'

export interface ReachChainJson {
  /** One deciding rule per hop, with its device. */
  rules: Array<RuleRefJson & {device: string}>
  traffic: TrafficJson[]
}

export interface ReachPathJson {
  from_zone: string
  to_zone: string
  trust: string
  zones: string[]
  devices: string[]
  traffic: TrafficJson[]
  chains: ReachChainJson[]
}

/**
 * The diff's reach section follows the audited devices in id order up to MAX_REACH_EXPOSURES exposures:
 * what it leaves out, when it leaves out any (`reach --from` follows every device).
 */
export interface ReachTruncated {
  /** The bound: exposures of the devices followed, at most. */
  limit: number
  /** Audited devices left out, and their exposures. */
  devices: number
  exposures: number
  /** The first device left out (the devices after it in id order are left out too). */
  first: string
}

export interface ReachReport {
  from: string[]
  note: string
  truncated?: ReachTruncated
  /** Zones reached, each once, with the services that arrive there (all paths together). */
  zones: Array<{zone: string; trust: string; services: string[]; paths: number}>
  paths: ReachPathJson[]
}

/** A reached path with its pieces (rule chains), for findings. */
export interface ReachedPath {
  from: string
  zones: string[]
  devices: string[]
  pieces: Piece[]
}

const NO_HOPS: Box[][] = []

/**
 * Every path from `from` into a zone of ours, with what arrives. Zones of untrusted trust are not
 * entered (a path does not cross the internet or a partner).
 */
export function reachFrom(space: PathSpace, from: string, options: {reportOnly?: boolean} = {}): ReachedPath[] {
  // the report reads each piece's box and chain only: what reached a zone keeps no origin nor per-hop
  // traffic then (the findings read those), so a walk over many devices holds half as much
  const kept = options.reportOnly ? (p: Piece, box: Box): Piece => ({box, origin: box, chain: p.chain, entered: NO_HOPS}) : (p: Piece, box: Box): Piece => ({...p, box})
  const out: ReachedPath[] = []
  const start: Box = {from: space.addresses(from), to: AddressSet.ANY, protocols: ProtocolSet.ALL, ports: PortSet.ALL, sourcePorts: PortSet.ALL}
  if (start.from.isEmpty()) return out
  const walk = (zones: string[], devices: string[], pieces: Piece[]) => {
    const here = zones[zones.length - 1]
    // only what passes is followed: past a few devices, each decides just the pieces its rules may meet
    const edges = space.edges(here)
    const near = edges.length > NEAR_MIN_EDGES ? space.near(pieces) : undefined
    for (const edge of edges) {
      if (zones.includes(edge.to) || space.untrusted(edge.to)) continue
      const mine = near ? near.get(edge.device) : pieces
      if (!mine) continue
      const d = space.devices.get(edge.device)!
      const {passed} = d.decide(here, edge.to, mine, false)
      if (!passed.length) continue
      const inZone = space.addresses(edge.to)
      const arrived: Piece[] = []
      for (const p of passed) {
        const to = p.box.to.intersect(inZone)
        if (to.isEmpty()) continue
        arrived.push(kept(p, {...p.box, to}))
      }
      const path = {from, zones: [...zones, edge.to], devices: [...devices, edge.device]}
      if (arrived.length) out.push({...path, pieces: arrived})
      if (path.devices.length >= MAX_HOPS || !space.continues(edge)) continue
      // what is addressed to this zone is delivered here; the rest may go on
      const own = space.ownAddresses(edge.to)
      const onward: Piece[] = []
      for (const p of passed) {
        const to = p.box.to.subtract(own)
        if (to.isEmpty()) continue
        const q = {...p, box: {...p.box, to}}
        onward.push(q)
      }
      if (onward.length) walk(path.zones, path.devices, onward)
    }
  }
  walk([from], [], byFamily(start).map((b) => ({box: b, origin: b, chain: [], entered: []})))
  return out
}

/** The JSON report of `reach --from` (also the diff's reach section). */
export function reachReport(space: PathSpace, from: string[], paths: ReachedPath[], truncated?: ReachTruncated): ReachReport {
  const label = (s: AddressSet) => space.label(s)
  const boxes = new Map<ReachPathJson, Box[]>()
  const json: ReachPathJson[] = paths.map((r) => {
    // the merged traffic is kept (the zones read its services); its JSON and the chains, the bulk of the
    // report, are made each time they are read: a report of many devices is written one path at a time,
    // and no path holds its JSON once written
    const traffic = mergeBoxes(r.pieces.map((p) => p.box))
    const to = r.zones[r.zones.length - 1]
    const path = {
      from_zone: r.from,
      to_zone: to,
      trust: space.zone(to)?.trust ?? '',
      zones: r.zones,
      devices: r.devices,
    } as ReachPathJson
    Object.defineProperty(path, 'traffic', {enumerable: true, get: () => traffic.map((b) => trafficJson(b, label))})
    Object.defineProperty(path, 'chains', {enumerable: true, get: () => chainsOf(r.pieces, label)})
    boxes.set(path, traffic)
    return path
  })
  json.sort((a, b) => byCodeUnit(a.from_zone, b.from_zone) || byCodeUnit(a.to_zone, b.to_zone) || a.devices.length - b.devices.length || byCodeUnit(a.zones.join(' '), b.zones.join(' ')) || byCodeUnit(a.devices.join(' '), b.devices.join(' ')))
  const zones = new Map<string, {zone: string; trust: string; services: Set<string>; paths: number}>()
  for (const p of json) {
    const z = zones.get(p.to_zone) ?? {zone: p.to_zone, trust: p.trust, services: new Set<string>(), paths: 0}
    z.paths++
    // the services of the path's traffic, as trafficJson writes them
    for (const b of boxes.get(p)!) for (const s of serviceText(b.protocols, b.ports).split('+')) z.services.add(s)
    zones.set(p.to_zone, z)
  }
  return {
    from,
    note: ROUTING_NOTE,
    ...(truncated ? {truncated} : {}),
    zones: [...zones.values()].sort((a, b) => byCodeUnit(a.zone, b.zone)).map((z) => ({zone: z.zone, trust: z.trust, services: [...z.services].sort(byCodeUnit), paths: z.paths})),
    paths: json,
  }
}

/** A path's rule chains, each with the traffic it carries (pieces with the same chain merged). */
function chainsOf(pieces: readonly Piece[], label: (s: AddressSet) => string[]): ReachChainJson[] {
  const byChain = new Map<string, {chain: Exposure[]; boxes: Box[]}>()
  for (const p of pieces) {
    const k = p.chain.map(chainPart).join('\u0000')
    const g = byChain.get(k)
    if (g) g.boxes.push(p.box)
    else byChain.set(k, {chain: p.chain, boxes: [p.box]})
  }
  return [...byChain.values()]
    .map((g) => ({rules: g.chain.map((e) => ({device: e.device ?? '', ...ruleRef(e)})), traffic: mergeBoxes(g.boxes).map((b) => trafficJson(b, label))}))
    .sort((a, b) => byCodeUnit(chainKey(a), chainKey(b)))
}

function chainKey(c: ReachChainJson): string {
  return c.rules.map((r) => `${r.device} ${r.file ?? ''} ${String(r.line).padStart(9, '0')}`).join(' > ')
}

/** The untrusted zones (internet and partner trust), or those named. */
export function untrustedZones(space: PathSpace): string[] {
  return space.input.zones.filter((z) => space.untrusted(z.id)).map((z) => z.id).sort(byCodeUnit)
}
