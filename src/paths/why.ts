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
import {evaluatePath, overallVerdict} from './evaluate.js'
import {type PathSpace} from './space.js'

export const ROUTING_NOTE = 'zone paths come from the interface → zone mapping of the inventory; routing tables are not read, so a path may exist that no route uses'

export interface WhyReport {
  query: {source: string; destination: string; service: string}
  source: {addresses: string[]; zones: string[]}
  destination: {addresses: string[]; zones: string[]}
  note: string
  verdict: Verdict
  paths: PathJson[]
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
function natZones(space: PathSpace, to: AddressSet): string[] {
  const out = new Set<string>()
  for (const d of space.devices.values()) {
    for (const e of d.permits) {
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
  const targets = [...new Set([...dst.zones, ...natZones(space, dst.addresses)])].sort(byCodeUnit)
  const paths: PathJson[] = []
  let truncated = false
  for (const from of src.zones) {
    for (const to of targets) {
      if (from === to) continue
      const found = space.paths(from, to, limit)
      if (found.length >= limit) truncated = true
      for (const p of found) {
        const r = evaluatePath(space, p, start)
        if (r) paths.push(r.json)
      }
    }
  }
  paths.sort((a, b) => a.devices.length - b.devices.length || byCodeUnit(a.zones.join(' '), b.zones.join(' ')) || byCodeUnit(a.devices.join(' '), b.devices.join(' ')))
  return {
    query: {source, destination, service},
    source: {addresses: src.addresses.toCidrs(), zones: src.zones},
    destination: {addresses: dst.addresses.toCidrs(), zones: dst.zones},
    note: ROUTING_NOTE,
    verdict: paths.length ? overallVerdict(paths) : 'deny',
    paths,
    ...(truncated ? {truncated} : {}),
  }
}
