/**
 * What swanctl.conf and ipsec.conf share once read: the IKE listener of a connection and the routes of
 * its CHILD_SAs, built from traffic selectors (`10.1.0.0/16[tcp/80]`, `dynamic`, ranges, lists).
 */
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {parseProtocol, TCP, UDP} from '../../net/protocol.js'
import {servicePort} from '../../net/services.js'
import {type DeviceListener, type DeviceModel, deviceModel, LOOPBACK, onlyLoopback} from '../../model/device.js'
import {ALL_PROTOCOLS, ESP, readPeerAddresses, vpnExposure, type PeerAddresses} from '../vpn-common.js'
import {type DoubtNote, note} from '../../model/doubts.js'

/** One traffic selector: addresses (or `dynamic`: the tunnel's own address), protocol, port. */
export interface TrafficSelector {
  dynamic: boolean
  addresses: PeerAddresses
  protocols: ProtocolSet
  ports: PortSet
}

/** Protocols that carry ports; a port selector with "any protocol" means these. */
const PORTED = ProtocolSet.of(TCP, UDP, 132)

/**
 * A selector list as both formats write it: `10.0.0.0/8, 192.168.1.1-192.168.1.9[udp/53], dynamic`.
 * Returns the selectors and the entries it could not read (whole entry text).
 */
export function readSelectors(value: string, protoport?: string): {selectors: TrafficSelector[]; bad: string[]; problem?: string} {
  const result = readSelectorList(value, protoport)
  if (result.bad.length === 0) return result
  // recall first: a list we could not read at all stands for any
  const none = result.selectors.length === 0
  if (none) result.selectors.push(...readSelectorList('0.0.0.0/0, ::/0').selectors)
  return {...result, problem: `cannot read ${result.bad.join(', ')}${none ? ' (read as any)' : ''}`}
}

function readSelectorList(value: string, protoport?: string): {selectors: TrafficSelector[]; bad: string[]} {
  const selectors: TrafficSelector[] = []
  const bad: string[] = []
  for (const raw of value.split(',')) {
    const item = raw.trim()
    if (item === '') continue
    const m = /^([^[\]]*)(?:\[([^\]]*)\])?$/.exec(item)
    if (!m) {
      bad.push(item)
      continue
    }
    const sel = readProtoPort(m[2] ?? protoport ?? '')
    if (!sel) {
      bad.push(item)
      continue
    }
    const addr = m[1].trim()
    const dynamic = addr === '' || addr === 'dynamic' || addr === '%dynamic'
    const addresses = dynamic ? {set: AddressSet.EMPTY, names: []} : readPeerAddresses([addr])
    if (addresses.names.length) {
      // a selector is never a hostname: keep it as a name, but say it was not read
      bad.push(item)
      continue
    }
    selectors.push({dynamic, addresses, ...sel})
  }
  return {selectors, bad}
}

/** `tcp/80`, `6/http`, `udp/%any`, `/53`, `tcp`, `tcp/1024-2048`, `icmp/8` (type: kept as icmp). */
function readProtoPort(text: string): {protocols: ProtocolSet; ports: PortSet} | null {
  const t = text.trim()
  if (t === '') return {protocols: ALL_PROTOCOLS, ports: PortSet.ALL}
  const [protoText, portText = ''] = t.split('/', 2)
  const p = protoText.trim().toLowerCase()
  const protocols = p === '' || p === '%any' ? ALL_PROTOCOLS : parseProtocol(p)
  if (!protocols) return null
  const portWord = portText.trim().toLowerCase()
  if (portWord === '' || portWord === '%any' || portWord === '%opaque') return {protocols, ports: PortSet.ALL}
  if (!protocols.overlaps(PORTED)) return {protocols, ports: PortSet.ALL} // icmp type/code: not a port
  const named = servicePort(portWord)
  const ports = named !== undefined ? PortSet.range(named) : PortSet.parse(portWord)
  if (!ports) return null
  return {protocols: protocols.intersect(PORTED), ports}
}

export interface ConnectionSides {
  /** Connection name, used as the rule. */
  name: string
  line: number
  text?: string
  /** Where IKE is accepted from, and on which local addresses. */
  remote: PeerAddresses
  local: PeerAddresses
  /** The local IKE port when not 500 (then no NAT-T float to 4500). */
  localPort?: number
  doubts?: DoubtNote[]
}

/** IKE on udp/500 and 4500 (NAT-T) plus ESP, from the peers to the local addresses. */
export function listenerExposures(c: ConnectionSides): Exposure[] {
  const doubts = [...(c.doubts ?? [])]
  if (c.remote.names.length) doubts.push(note('unresolved-name', `peer address not resolved: ${c.remote.names.join(', ')}`))
  if (c.local.names.length) doubts.push(note('unresolved-name', `local address not resolved: ${c.local.names.join(', ')}`))
  const ports = c.localPort && c.localPort !== 500 ? PortSet.range(c.localPort) : PortSet.fromRanges([[500, 500], [4500, 4500]])
  // IKE bound only to loopback (a lab or a local test) is reachable from this host only
  const loopback = onlyLoopback(c.local.set)
  if (loopback) doubts.push(note('loopback-only', 'bound to loopback: reachable from this host only, never from outside'))
  const common = {
    kind: 'vpn-listener' as const,
    from: loopback ? LOOPBACK : c.remote.set,
    to: c.local.set,
    line: c.line,
    rule: c.name,
    text: c.text,
    fromSets: c.remote.names,
    toSets: c.local.names,
    doubts,
  }
  return [
    vpnExposure({...common, protocols: ProtocolSet.of(UDP), ports}),
    vpnExposure({...common, protocols: ProtocolSet.of(ESP)}),
  ]
}

/**
 * The device as a strongSwan file shows it: no interfaces, one IKE listener per connection bound to its
 * local addresses (every address when `%any`/unset), and those concrete local addresses as its own.
 */
export function describeDevice(exposures: Exposure[]): DeviceModel {
  const listeners: DeviceListener[] = []
  for (const e of exposures) {
    if (e.kind !== 'vpn-listener' || listeners.some((l) => l.line === e.line)) continue
    const concrete = !e.toSets?.length && !e.to.isAny() && !e.to.isAny4() && !e.to.isAny6()
    listeners.push({service: 'ipsec', bind: concrete ? e.to.toCidrs() : [], line: e.line})
  }
  const own = listeners.flatMap((l) => l.bind).filter((c) => !LOOPBACK.covers(AddressSet.parse(c)!) && /\/(32|128)$/.test(c))
  return deviceModel([], listeners, own)
}

export interface ChildRoute {
  rule: string
  line: number
  text?: string
  /** Traffic enters from the remote selectors and goes to the local ones. */
  remote: TrafficSelector[]
  local: TrafficSelector[]
  /** What `dynamic` stands for on each side (peer address / virtual-IP pool, local address). */
  remoteDynamic: PeerAddresses
  localDynamic: PeerAddresses
  doubts?: DoubtNote[]
}

const selectorKey = (s: TrafficSelector) => `${s.protocols.toStrings().join(',')}|${s.ports.toStrings().join(',')}`

/**
 * One exposure per (remote selector kind × local selector kind): addresses of selectors with the same
 * protocol/port are unioned, which keeps the cross product exact.
 */
export function childExposures(c: ChildRoute): Exposure[] {
  const group = (list: TrafficSelector[], dyn: PeerAddresses) => {
    const out = new Map<string, {sel: TrafficSelector; set: AddressSet; names: string[]}>()
    for (const s of list) {
      const addr = s.dynamic ? dyn : s.addresses
      const g = out.get(selectorKey(s))
      if (g) {
        g.set = g.set.union(addr.set)
        g.names.push(...addr.names)
      } else out.set(selectorKey(s), {sel: s, set: addr.set, names: [...addr.names]})
    }
    return [...out.values()]
  }
  const exposures: Exposure[] = []
  for (const r of group(c.remote, c.remoteDynamic)) {
    for (const l of group(c.local, c.localDynamic)) {
      const protocols = r.sel.protocols.intersect(l.sel.protocols)
      if (protocols.isEmpty() || r.set.isEmpty() || l.set.isEmpty()) continue
      const doubts = [...(c.doubts ?? [])]
      if (r.names.length) doubts.push(note('unresolved-name', `source not resolved: ${[...new Set(r.names)].join(', ')}`))
      if (l.names.length) doubts.push(note('unresolved-name', `destination not resolved: ${[...new Set(l.names)].join(', ')}`))
      exposures.push(
        vpnExposure({
          kind: 'vpn-route',
          from: r.set,
          to: l.set,
          protocols,
          ports: protocols.overlaps(PORTED) ? l.sel.ports : PortSet.ALL,
          sourcePorts: protocols.overlaps(PORTED) ? r.sel.ports : PortSet.ALL,
          line: c.line,
          rule: c.rule,
          text: c.text,
          fromSets: [...new Set(r.names)],
          toSets: [...new Set(l.names)],
          doubts,
        }),
      )
    }
  }
  return exposures
}
