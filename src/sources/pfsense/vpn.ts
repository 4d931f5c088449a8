/** VPN listeners and routes: OpenVPN servers, WireGuard, IPsec phase 1. */
import {buildExposure} from '../../model/build.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import type {Exposure} from '../../model/exposure.js'
import {ANY_BOX} from '../../net/match.js'
import {AddressSet} from '../../net/address-set.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {TCP, UDP} from '../../net/protocol.js'
import {redactLine} from '../redact.js'
import {child, children, dig, textOf, type XmlElement} from '../xml.js'
import {Accounting} from './accounting.js'
import type {Context} from './objects.js'
import {isSet} from './rules.js'

const ESP = 50

function listenerTo(ctx: Context, name: string | undefined, doubts: DoubtNote[]): AddressSet {
  if (!name || name === 'any') {
    doubts.push(note('listener-info', 'listens on every interface'))
    const all = AddressSet.unionAll([...ctx.interfaces.values()].map((i) => i.hosts))
    return all.isEmpty() ? AddressSet.ANY : all
  }
  const iface = ctx.interfaces.get(name)
  const direct = AddressSet.parse(name)
  if (direct) return direct
  // daemons bind the interface's own address, not its virtual IPs
  if (iface && !iface.primary.isEmpty()) return iface.primary
  doubts.push(note('unknown-address', `address of '${name}' is dynamic or unknown: any shown`))
  return AddressSet.ANY
}

export function vpnExposures(root: XmlElement, ctx: Context, acc: Accounting, out: Exposure[]): void {
  for (const server of children(child(root, 'openvpn'), 'openvpn-server')) {
    if (isSet(child(server, 'disable'))) continue
    const doubts: DoubtNote[] = []
    const proto = (textOf(server, 'protocol') ?? 'UDP').toUpperCase()
    const protocols = ProtocolSet.of(proto.startsWith('TCP') ? TCP : UDP)
    const port = Number(textOf(server, 'local_port') || 1194)
    const family = proto.endsWith('6') ? AddressSet.ANY6 : proto.endsWith('4') ? AddressSet.ANY4 : AddressSet.ANY
    const to = listenerTo(ctx, textOf(server, 'interface'), doubts).intersect(family)
    const name = `openvpn server ${textOf(server, 'vpnid') ?? '?'}${textOf(server, 'description') ? ` "${textOf(server, 'description')}"` : ''}`
    const text = redactLine(`openvpn-server ${textOf(server, 'mode') ?? ''} ${proto} port ${port} on ${textOf(server, 'interface') ?? 'any'}`)
    const base = {line: server.line, rule: name, text}
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      acc.element(server, `unreadable OpenVPN port '${textOf(server, 'local_port')}'`, 'bad-value')
      continue
    }
    const where = textOf(server, 'interface')
    out.push(
      buildExposure({
        ...base,
        kind: 'vpn-listener',
        box: {from: family, to: to.isEmpty() ? family : to, protocols, ports: PortSet.range(port)},
        ...(where && ctx.interfaces.has(where) ? {interfaces: {in: [where]}} : {}),
        doubts,
      }),
    )
    const tunnel = AddressSet.unionAll(['tunnel_network', 'tunnel_networkv6'].map((k) => AddressSet.parse(textOf(server, k) ?? '') ?? AddressSet.EMPTY))
    if (!tunnel.isEmpty()) {
      const gw = isSet(child(server, 'gwredir')) || isSet(child(server, 'gwredir6'))
      const local = AddressSet.unionAll(['local_network', 'local_networkv6'].flatMap((k) => (textOf(server, k) ?? '').split(',')).map((t) => AddressSet.parse(t.trim()) ?? AddressSet.EMPTY))
      const routeTo = gw || local.isEmpty() ? AddressSet.ANY : local
      out.push(
        buildExposure({
          ...base,
          kind: 'vpn-route',
          box: {...ANY_BOX, from: tunnel, to: routeTo},
          doubts: [gw ? note('listener-info', 'clients send all traffic through the tunnel') : local.isEmpty() ? note('unknown-address', 'no local network pushed: any shown') : note('restricted-elsewhere', 'networks pushed to clients; the OpenVPN interface rules decide what passes')],
        }),
      )
    }
  }
  // OPNsense 23.7+ OpenVPN instances (MVC): role, proto, port, local (bind address), server (tunnel network)
  for (const inst of children(dig(root, 'OPNsense', 'OpenVPN', 'Instances'), 'Instance')) {
    if (textOf(inst, 'enabled') === '0' || textOf(inst, 'role') !== 'server') continue
    const doubts: DoubtNote[] = []
    const proto = (textOf(inst, 'proto') || 'udp').toLowerCase()
    const port = Number(textOf(inst, 'port') || 1194)
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      acc.element(inst, `unreadable OpenVPN port '${textOf(inst, 'port')}'`, 'bad-value')
      continue
    }
    const family = proto.endsWith('6') ? AddressSet.ANY6 : proto.endsWith('4') ? AddressSet.ANY4 : AddressSet.ANY
    const local = AddressSet.parse(textOf(inst, 'local') ?? '')
    const to = (local ?? listenerTo(ctx, undefined, doubts)).intersect(family)
    const name = `openvpn instance ${textOf(inst, 'description') ?? inst.attrs.uuid ?? '?'}`
    const text = redactLine(`openvpn instance server ${proto} port ${port}${local ? ` local ${textOf(inst, 'local')}` : ''}`)
    const base = {line: inst.line, rule: name, text}
    out.push(buildExposure({...base, kind: 'vpn-listener', box: {from: family, to: to.isEmpty() ? family : to, protocols: ProtocolSet.of(proto.startsWith('tcp') ? TCP : UDP), ports: PortSet.range(port)}, doubts}))
    const tunnel = AddressSet.unionAll(['server', 'server_ipv6'].map((k) => AddressSet.parse(textOf(inst, k) ?? '') ?? AddressSet.EMPTY))
    if (!tunnel.isEmpty()) {
      const pushed = AddressSet.unionAll((textOf(inst, 'push_route') ?? '').split(',').map((t) => AddressSet.parse(t.trim()) ?? AddressSet.EMPTY))
      out.push(
        buildExposure({
          ...base,
          kind: 'vpn-route',
          box: {...ANY_BOX, from: tunnel, to: pushed.isEmpty() ? AddressSet.ANY : pushed},
          doubts: [pushed.isEmpty() ? note('unknown-address', 'no route pushed: any shown') : note('restricted-elsewhere', 'routes pushed to clients; the OpenVPN interface rules decide what passes')],
        }),
      )
    }
  }
  // WireGuard: OPNsense core (OPNsense/wireguard) and the pfSense package (installedpackages/wireguard)
  const wireguard = [
    ...children(dig(root, 'OPNsense', 'wireguard', 'server', 'servers'), 'server').map((el) => ({el, on: textOf(el, 'enabled') === '1', port: textOf(el, 'port'), name: textOf(el, 'name')})),
    ...children(dig(root, 'installedpackages', 'wireguard', 'tunnels'), 'item').map((el) => ({el, on: textOf(el, 'enabled') === 'yes', port: textOf(el, 'listenport'), name: textOf(el, 'name')})),
  ]
  for (const wg of wireguard) {
    if (!wg.on || !wg.port) continue
    const port = Number(wg.port)
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      acc.element(wg.el, `unreadable WireGuard port '${wg.port}'`, 'bad-value')
      continue
    }
    const doubts: DoubtNote[] = []
    const to = listenerTo(ctx, undefined, doubts)
    out.push(
      buildExposure({
        kind: 'vpn-listener',
        box: {from: AddressSet.ANY, to, protocols: ProtocolSet.of(UDP), ports: PortSet.range(port)},
        line: wg.el.line,
        rule: `wireguard ${wg.name ?? '?'}`,
        text: redactLine(`wireguard ${wg.name ?? ''} listen udp ${port}`),
        doubts: [...doubts, note('restricted-elsewhere', 'peers authenticate by key; the WAN rules decide who reaches the port')],
      }),
    )
  }
  const ike: Array<{protocols: ProtocolSet; ports: PortSet}> = [
    {protocols: ProtocolSet.of(UDP), ports: PortSet.range(500)},
    {protocols: ProtocolSet.of(UDP), ports: PortSet.range(4500)},
    {protocols: ProtocolSet.of(ESP), ports: PortSet.ALL},
  ]
  for (const p1 of children(child(root, 'ipsec'), 'phase1')) {
    if (isSet(child(p1, 'disabled'))) continue
    const doubts: DoubtNote[] = []
    const family = textOf(p1, 'protocol') === 'inet6' ? AddressSet.ANY6 : textOf(p1, 'protocol') === 'both' ? AddressSet.ANY : AddressSet.ANY4
    const gw = textOf(p1, 'remote-gateway') ?? ''
    let from = AddressSet.parse(gw)
    const fromSets: string[] = []
    if (child(p1, 'mobile') || !gw || gw === '0.0.0.0' || gw === '::') {
      from = family
      doubts.push(note('any-peer', 'mobile clients or any peer: any source'))
    } else if (!from) {
      from = family
      fromSets.push(gw)
      doubts.push(note('unresolved-name', `peer '${gw}' is a host name: any source shown`))
    }
    const to = listenerTo(ctx, textOf(p1, 'interface'), doubts).intersect(family)
    const name = `ipsec phase1 ${textOf(p1, 'ikeid') ?? '?'}${textOf(p1, 'descr') ? ` "${textOf(p1, 'descr')}"` : ''}`
    for (const b of ike) {
      out.push(
        buildExposure({
        kind: 'vpn-listener',
        box: {from, to: to.isEmpty() ? family : to, ...b},
        line: p1.line,
        rule: name,
        text: redactLine(`ipsec phase1 ${textOf(p1, 'iketype') ?? ''} on ${textOf(p1, 'interface') ?? 'wan'} peer ${gw || 'any'}`),
        ...(ctx.interfaces.has(textOf(p1, 'interface') ?? '') ? {interfaces: {in: [textOf(p1, 'interface')!]}} : {}),
        fromSets,
        doubts,
        }),
      )
    }
  }
}
