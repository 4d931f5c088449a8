/**
 * OpenVPN model → exposures: the listener(s), the management socket, port-share forwarding, and the
 * routes from the client pool (server) or the far end (p2p).
 */
import {LOOPBACK, onlyLoopback} from '../../model/device.js'
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {ALL_PROTOCOLS, TCP, UDP, readPeerAddresses, vpnExposure} from '../vpn-common.js'
import {type OpenvpnModel, readPort} from './model.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import type {Directive} from './read.js'

export function toExposures(m: OpenvpnModel): Exposure[] {
  const listener = listenerSocket(m)
  const {exposures: listeners, listenTo} = listenOn(m, listener)
  return [
    ...listeners,
    ...m.management.map(managementExposure),
    ...portShare(m, listener, listenTo),
    ...(m.mode === 'p2p' ? p2pPeer(m) : []),
    ...(m.mode === 'server' ? serverRoutes(m) : []),
  ]
}

/** What every listener socket of the daemon shares: protocol, port, who may send to it, and its doubts. */
interface ListenerSocket {
  tcp: boolean
  protocols: ProtocolSet
  /** Every local address of the socket's family (`proto udp4` binds IPv4 only). */
  anyLocal: AddressSet
  port: number
  portDirective?: Directive
  peers: ReturnType<typeof readPeerAddresses>
  doubts: DoubtNote[]
}

function listenerSocket(m: OpenvpnModel): ListenerSocket {
  const tcp = m.proto.name.startsWith('tcp')
  const family = /^(udp|tcp)4/.test(m.proto.name) ? 4 : /^(udp|tcp)6/.test(m.proto.name) && m.ipv6only ? 6 : 0
  const portDirective = m.lport ?? m.port
  const peers = readPeerAddresses(m.mode === 'server' || m.float ? [] : m.remotes)
  return {
    tcp,
    protocols: ProtocolSet.of(tcp ? TCP : UDP),
    anyLocal: AddressSet.anyOf(family || undefined),
    port: readPort(portDirective?.args[0]) ?? 1194,
    portDirective,
    peers,
    doubts: [
      ...m.listenerDoubts,
      ...(m.mode === 'server' && !m.tlsWrap ? [note('weak-listener', 'no tls-auth/tls-crypt: anyone who reaches the port gets a TLS handshake')] : []),
      ...(peers.names.length ? [note('unresolved-name', `peer hostnames not resolved: ${peers.names.join(', ')}`)] : []),
      ...(m.mode === 'client' && !m.float ? [note('listener-info', 'client bound to lport: accepts packets from its servers only')] : []),
    ],
  }
}

/** One listener per `local` (or one on every address); `listenTo` is where port-share connections arrive (the last bind). */
function listenOn(m: OpenvpnModel, s: ListenerSocket): {exposures: Exposure[]; listenTo: AddressSet} {
  if (!listensOn(m)) return {exposures: [], listenTo: s.anyLocal}
  let listenTo = s.anyLocal
  const exposures = (m.locals.length ? m.locals : [undefined]).map((local) => {
    const {set: to, names: localNames} = local ? bindAddress(local.args[0]) : {set: s.anyLocal, names: []}
    listenTo = to
    const d = s.portDirective ?? local
    const loopback = onlyLoopback(to)
    return vpnExposure({
      kind: 'vpn-listener',
      // bound to loopback: only processes on this host can send to it
      from: loopback ? LOOPBACK : s.peers.set,
      to,
      protocols: s.protocols,
      ports: PortSet.range(readPort(local?.args[1]) ?? s.port),
      line: local?.line ?? d?.line ?? (m.proto.line || m.poolLine?.line || 1),
      rule: local ? `listener ${local.args[0]}` : 'listener',
      text: local?.text ?? d?.text ?? (m.proto.text || undefined),
      fromSets: s.peers.names,
      toSets: localNames,
      doubts: [...s.doubts, ...(localNames.length ? [note('unresolved-name', `local hostname not resolved: ${localNames.join(', ')}`)] : []), ...(loopback ? [LOOPBACK_NOTE] : [])],
    })
  })
  return {exposures, listenTo}
}

/** `management ADDR PORT [pwfile]`: a TCP socket with full control of the daemon. */
function managementExposure(d: Directive): Exposure {
  const to = bindAddress(d.args[0])
  const loopback = onlyLoopback(to.set)
  return vpnExposure({
    kind: 'vpn-listener',
    from: loopback ? LOOPBACK : AddressSet.ANY,
    to: to.set,
    protocols: ProtocolSet.of(TCP),
    ports: PortSet.range(Number(d.args[1])),
    line: d.line,
    rule: 'management',
    text: d.text,
    toSets: to.names,
    doubts: [
      note('listener-info', 'OpenVPN management interface: full control of the daemon'),
      d.args[2] ? note('listener-info', 'password file set') : note('weak-listener', 'no password file: anyone who connects controls the daemon'),
      ...(loopback ? [LOOPBACK_NOTE] : []),
    ],
    hostLocal: true,
  })
}

/** `port-share HOST PORT` (TCP listeners only): non-OpenVPN connections are forwarded to HOST:PORT. */
function portShare(m: OpenvpnModel, s: ListenerSocket, listenTo: AddressSet): Exposure[] {
  if (!m.portShare || !listensOn(m) || !s.tcp) return []
  const [host, p] = m.portShare.args
  const target = readPeerAddresses([host])
  return [
    vpnExposure({
      kind: 'nat-forward',
      from: AddressSet.ANY,
      to: listenTo,
      protocols: ProtocolSet.of(TCP),
      ports: PortSet.range(s.port),
      line: m.portShare.line,
      rule: 'port-share',
      text: m.portShare.text,
      translated: {to: target.set, ports: PortSet.range(Number(p))},
      doubts: [note('listener-info', 'non-OpenVPN connections to the listener are forwarded'), ...(target.names.length ? [note('translation-unknown', `forward target hostname not resolved: ${target.names.join(', ')}`)] : [])],
    }),
  ]
}

/** p2p: the peer's tunnel address and the networks routed to it may send anything this host routes. */
function p2pPeer(m: OpenvpnModel): Exposure[] {
  const from = AddressSet.unionAll([m.pool, ...m.serverRoutes.map((r) => r.set)])
  const d = m.poolLine ?? m.serverRoutes[0]?.d
  if (!d || from.isEmpty()) return []
  return [
    vpnExposure({
      kind: 'vpn-route',
      from,
      to: AddressSet.ANY,
      protocols: ALL_PROTOCOLS,
      line: d.line,
      rule: 'peer',
      text: d.text,
      interfaces: m.dev ? {in: [m.dev]} : undefined,
      doubts: [note('unknown-address', 'point-to-point tunnel: what the peer reaches on this side is not in the file (destination any)')],
    }),
  ]
}

/** server: what the client pool reaches (the server's address, pushed routes, other clients), and what the networks behind clients reach. */
function serverRoutes(m: OpenvpnModel): Exposure[] {
  // clients' traffic comes from the pool; unknown pools (bridged DHCP, ccd-only addressing) are any
  const poolKnown = !m.pool.isEmpty() && m.poolNames.length === 0
  const pool = poolKnown ? m.pool : AddressSet.ANY
  const poolDoubts: DoubtNote[] = poolKnown ? [] : [m.poolNames.length ? note('unexpanded-set', `client addresses come from ${m.poolNames.join(', ')}: source is any`) : note('unknown-address', 'no client pool in the file: source is any')]
  const ccdDoubts: DoubtNote[] = m.ccd ? [note('unread-file', `client-config-dir ${m.ccd} is not read: per-client iroute/push there are not seen`)] : []
  const route = (from: AddressSet, to: AddressSet, d: Directive, rule: string, extra: DoubtNote[] = [], fromPool = true, hostLocal = false) =>
    vpnExposure({
      kind: 'vpn-route',
      from,
      to,
      protocols: ALL_PROTOCOLS,
      line: d.line,
      rule,
      text: d.text,
      fromSets: fromPool && !poolKnown ? m.poolNames : [],
      interfaces: m.dev ? {in: [m.dev]} : undefined,
      hostLocal,
      // a network behind a client is not the pool: the pool's doubt does not apply to it
      doubts: [...(fromPool ? poolDoubts : []), ...ccdDoubts, ...extra],
    })
  const served = AddressSet.unionAll([pool, ...m.pushed.map((p) => p.set)])
  return [
    ...m.serverAddresses.map((s) => route(pool, s.set, s.d, `server ${s.set.toCidrs()[0]}`, [note('device-itself', "the server's own tunnel address: every service the host listens on")], true, true)),
    ...m.pushed.filter((p) => !p.set.isEmpty()).map((p) => route(pool, p.set, p.d, p.label)),
    ...(m.clientToClient ? [route(pool, pool, m.clientToClient, 'client-to-client', [note('listener-info', 'clients reach each other through the server')])] : []),
    ...m.serverRoutes.map((r) =>
      route(r.set, served, r.d, `route ${r.set.toCidrs().join(',')}`, [note('listener-info', 'network behind a VPN client (its iroute is in client-config-dir): reaches the pool and the pushed networks')], false),
    ),
  ]
}

const LOOPBACK_NOTE = note('loopback-only', 'bound to loopback: reachable from this host only, never from outside')

/** Whether the daemon binds a socket others can send to (openvpn(8): server, bound p2p, client with lport). */
export function listensOn(m: OpenvpnModel): boolean {
  const tcp = m.proto.name.startsWith('tcp')
  return (
    m.mode === 'server' ||
    (m.mode === 'p2p' && !m.nobind && m.proto.name !== 'tcp-client') ||
    (m.mode === 'client' && !m.nobind && !!m.lport && !tcp)
  )
}

/** A bind address: `0.0.0.0`/`::` are every address, `localhost` the loopbacks; names stay names. */
export function bindAddress(text: string): {set: AddressSet; names: string[]} {
  if (text === '0.0.0.0') return {set: AddressSet.ANY4, names: []}
  if (text === '::' || text === '[::]') return {set: AddressSet.ANY, names: []}
  if (text === 'localhost') return {set: AddressSet.of('127.0.0.1', '::1'), names: []}
  return readPeerAddresses([text])
}
