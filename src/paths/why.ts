/**
 * `irm-audit why SRC DST SERVICE`: every loop-free zone path from the source's zones to the
 * destination's (or to where a NAT on the way sends it), and on each the deciding rule device by device.
 */
import {IrmError} from '../core/errors.js'
import {AddressSet} from '../net/address-set.js'
import {type Box} from '../net/match.js'
import {PortSet} from '../net/number-set.js'
import {parseServiceText} from '../diff/services.js'
import {byCodeUnit} from '../core/order.js'
import type {PathJson, Verdict} from './model.js'
import {byFamily, hopJson, overallVerdict, pathJson} from './evaluate.js'
import type {HopJson, Piece} from './model.js'
import {MAX_HOPS} from './space.js'
import {type PathSpace} from './space.js'

export const ROUTING_NOTE = 'zone paths come from the interface → zone mapping of the inventory; routing tables are not read, so a path may exist that no route uses'

export interface WhyReport {
  query: {source: string; destination: string; service: string}
  source: {addresses: string[]; zones: string[]}
  destination: {addresses: string[]; zones: string[]}
  note: string
  verdict: Verdict
  paths: PathJson[]
  /** Paths whose traffic was all denied before the destination's zone: counted, not listed. */
  stopped_before_destination?: number
  /** Paths not followed past the limit. */
  truncated?: boolean
}

/** A zone id, or an address / CIDR (IPv4 or IPv6); `any` is refused (ask about a zone instead). */
export function readEndpoint(space: PathSpace, text: string, what: 'SRC' | 'DST'): {addresses: AddressSet; zones: string[]} {
  if (space.zone(text)) return {addresses: space.addresses(text), zones: [text]}
  const set = /[.:]/.test(text) ? AddressSet.parse(text) : null
  if (!set || set.isEmpty()) {
    const ids = space.input.zones.map((z) => z.id).sort(byCodeUnit)
    throw new IrmError('USAGE', `${what} '${text}' is neither a zone id nor an address`, {hint: `Give an address (10.20.1.5), a CIDR (10.20.0.0/16) or a zone id: ${ids.join(', ')}.`})
  }
  return {addresses: set, zones: space.zonesHolding(set)}
}

export function readService(text: string): {protocols: Box['protocols']; ports: Box['ports']} {
  const s = parseServiceText(text)
  if (!s) throw new IrmError('USAGE', `SERVICE '${text}' is not a service`, {hint: 'Write it as tcp/443, udp/53, tcp/8000-8080, icmp or any.'})
  return s
}

/** Zones a NAT of some device sends (part of) `to` into: the destinations to look for paths to. */
export function natZones(space: PathSpace, to: AddressSet): string[] {
  const out = new Set<string>()
  for (const d of space.devices.values()) {
    for (const e of [...d.permits, ...d.nats]) {
      if (e.kind !== 'nat-forward' || !e.translated?.to || !e.to.overlaps(to)) continue
      for (const z of space.zonesHolding(e.translated.to)) out.add(z)
    }
  }
  return [...out]
}

export function why(space: PathSpace, source: string, destination: string, service: string, limit = 200): WhyReport {
  const src = readEndpoint(space, source, 'SRC')
  const dst = readEndpoint(space, destination, 'DST')
  const svc = readService(service)
  const start: Box = {from: src.addresses, to: dst.addresses, protocols: svc.protocols, ports: svc.ports, sourcePorts: PortSet.ALL}
  const targets = new Set([...dst.zones, ...natZones(space, dst.addresses)])
  const paths: PathJson[] = []
  let stopped = 0
  for (const from of src.zones) {
    for (const r of followPaths(space, from, targets, start, limit - paths.length)) {
      if (r.json) paths.push(r.json)
      else stopped++
    }
  }
  const truncated = paths.length >= limit
  paths.sort((a, b) => a.devices.length - b.devices.length || byCodeUnit(a.zones.join(' '), b.zones.join(' ')) || byCodeUnit(a.devices.join(' '), b.devices.join(' ')))
  return {
    query: {source, destination, service},
    source: {addresses: src.addresses.toCidrs(), zones: src.zones},
    destination: {addresses: dst.addresses.toCidrs(), zones: dst.zones},
    note: ROUTING_NOTE,
    verdict: paths.length ? overallVerdict(paths) : 'deny',
    paths,
    ...(stopped ? {stopped_before_destination: stopped} : {}),
    ...(truncated ? {truncated} : {}),
  }
}

/**
 * Depth-first along the zone graph from `from`, deciding at each hop: a path that reaches a target zone
 * is listed whatever its verdict; one whose traffic is all denied before a target zone is counted
 * (json null), not listed: the path into the zone where it stopped is what explains it.
 */
function followPaths(space: PathSpace, from: string, targets: Set<string>, start: Box, limit: number): Array<{json: PathJson | null}> {
  const out: Array<{json: PathJson | null}> = []
  const startPieces: Piece[] = byFamily(start).map((b) => ({box: b, origin: b, chain: [], entered: []}))
  const walk = (zones: string[], devices: string[], hops: HopJson[], pieces: Piece[], denied: Box[]) => {
    const here = zones[zones.length - 1]
    for (const edge of space.edges(here)) {
      if (out.length >= limit) return
      if (zones.includes(edge.to)) continue
      const d = space.devices.get(edge.device)!
      const r = d.decide(here, edge.to, pieces)
      const hop = hopJson(space, d, here, edge.to, r.passed, r.denied)
      const z = [...zones, edge.to]
      const devs = [...devices, edge.device]
      const h = [...hops, hop]
      const den = [...denied, ...r.denied.map((p) => p.origin)]
      if (targets.has(edge.to)) {
        const json = pathJson(space, {zones: z, devices: devs}, h, r.passed, den)
        if (json) out.push({json})
        continue
      }
      if (!r.passed.length) {
        if (r.denied.length && canReach(space, edge.to, targets, z)) out.push({json: null})
        continue
      }
      if (devs.length >= MAX_HOPS || space.untrusted(edge.to) || !space.continues(edge)) continue
      walk(z, devs, h, r.passed, den)
    }
  }
  walk([from], [], [], startPieces, [])
  return out
}

/** Whether some zone path leads from `zone` to a target without revisiting `seen`. */
function canReach(space: PathSpace, zone: string, targets: Set<string>, seen: string[]): boolean {
  const visited = new Set(seen)
  const queue = [zone]
  while (queue.length) {
    const z = queue.shift()!
    for (const e of space.edges(z)) {
      if (targets.has(e.to)) return true
      if (visited.has(e.to) || space.untrusted(e.to)) continue
      visited.add(e.to)
      queue.push(e.to)
    }
  }
  return false
}
