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
  const out: Exposure[] = []
  const tcp = m.proto.name.startsWith('tcp')
  const protocols = ProtocolSet.of(tcp ? TCP : UDP)
  const family = /^(udp|tcp)4/.test(m.proto.name) ? 4 : /^(udp|tcp)6/.test(m.proto.name) && m.ipv6only ? 6 : 0
  const anyLocal = AddressSet.anyOf(family || undefined)

  const listens = listensOn(m)
  const portDirective = m.lport ?? m.port
  const port = readPort(portDirective?.args[0]) ?? 1194
  const peers = readPeerAddresses(m.mode === 'server' || m.float ? [] : m.remotes)
  const doubts = [
    ...m.listenerDoubts,
    ...(m.mode === 'server' && !m.tlsWrap ? [note('weak-listener', 'no tls-auth/tls-crypt: anyone who reaches the port gets a TLS handshake')] : []),
    ...(peers.names.length ? [note('unresolved-name', `peer hostnames not resolved: ${peers.names.join(', ')}`)] : []),
    ...(m.mode === 'client' && !m.float ? [note('listener-info', 'client bound to lport: accepts packets from its servers only')] : []),
  ]

  let listenTo = anyLocal
  if (listens) {
    const locals = m.locals.length ? m.locals : [undefined]
    for (const local of locals) {
      const {set: to, names: localNames} = local ? bindAddress(local.args[0]) : {set: anyLocal, names: []}
      listenTo = to
      const p = readPort(local?.args[1]) ?? port
      const d = portDirective ?? local
      const loopback = onlyLoopback(to)
      out.push(
        vpnExposure({
          kind: 'vpn-listener',
          // bound to loopback: only processes on this host can send to it
          from: loopback ? LOOPBACK : peers.set,
          to,
          protocols,
          ports: PortSet.range(p),
          line: local?.line ?? d?.line ?? (m.proto.line || m.poolLine?.line || 1),
          rule: local ? `listener ${local.args[0]}` : 'listener',
          text: local?.text ?? d?.text ?? (m.proto.text || undefined),
          fromSets: peers.names,
          toSets: localNames,
          doubts: [...doubts, ...(localNames.length ? [note('unresolved-name', `local hostname not resolved: ${localNames.join(', ')}`)] : []), ...(loopback ? [LOOPBACK_NOTE] : [])],
        }),
      )
    }
  }

  for (const d of m.management) {
    const to = bindAddress(d.args[0])
    const loopback = onlyLoopback(to.set)
    out.push(
      vpnExposure({
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
      }),
    )
  }

  if (m.portShare && listens && tcp) {
    const [host, p] = m.portShare.args
    const target = readPeerAddresses([host])
    out.push(
      vpnExposure({
        kind: 'nat-forward',
        from: AddressSet.ANY,
        to: listenTo,
        protocols: ProtocolSet.of(TCP),
        ports: PortSet.range(port),
        line: m.portShare.line,
        rule: 'port-share',
        text: m.portShare.text,
        translated: {to: target.set, ports: PortSet.range(Number(p))},
        doubts: [note('listener-info', 'non-OpenVPN connections to the listener are forwarded'), ...(target.names.length ? [note('translation-unknown', `forward target hostname not resolved: ${target.names.join(', ')}`)] : [])],
      }),
    )
  }

  if (m.mode === 'p2p') {
    // the peer's tunnel address and the networks routed to it may send anything this host routes
    const from = AddressSet.unionAll([m.pool, ...m.serverRoutes.map((r) => r.set)])
    const d = m.poolLine ?? m.serverRoutes[0]?.d
    if (d && !from.isEmpty()) {
      out.push(
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
      )
    }
  }
  if (m.mode !== 'server') return out
  // clients' traffic comes from the pool; unknown pools (bridged DHCP, ccd-only addressing) are any
  const poolKnown = !m.pool.isEmpty() && m.poolNames.length === 0
  const pool = poolKnown ? m.pool : AddressSet.ANY
  const routeDoubts: DoubtNote[] = [
    ...(poolKnown ? [] : [m.poolNames.length ? note('unexpanded-set', `client addresses come from ${m.poolNames.join(', ')}: source is any`) : note('unknown-address', 'no client pool in the file: source is any')]),
    ...(m.ccd ? [note('unread-file', `client-config-dir ${m.ccd} is not read: per-client iroute/push there are not seen`)] : []),
  ]
  const route = (from: AddressSet, to: AddressSet, d: Directive, rule: string, extra: DoubtNote[] = [], fromPool = true) =>
    out.push(
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
        doubts: [...(fromPool ? routeDoubts : routeDoubts.slice(poolKnown ? 0 : 1)), ...extra],
      }),
    )
  for (const s of m.serverAddresses) {
    route(pool, s.set, s.d, `server ${s.set.toCidrs()[0]}`, [note('device-itself', "the server's own tunnel address: every service the host listens on")])
    out[out.length - 1].hostLocal = true
  }
  for (const p of m.pushed) if (!p.set.isEmpty()) route(pool, p.set, p.d, p.label)
  if (m.clientToClient) route(pool, pool, m.clientToClient, 'client-to-client', [note('listener-info', 'clients reach each other through the server')])
  const served = AddressSet.unionAll([pool, ...m.pushed.map((p) => p.set)])
  for (const r of m.serverRoutes) {
    route(r.set, served, r.d, `route ${r.set.toCidrs().join(',')}`, [
      note('listener-info', 'network behind a VPN client (its iroute is in client-config-dir): reaches the pool and the pushed networks'),
    ], false)
  }
  return out
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
