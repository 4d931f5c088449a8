/** VPN listeners and routes: OpenVPN servers, WireGuard, IPsec phase 1. */
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {TCP, UDP} from '../../net/protocol.js'
import {redactLine} from '../redact.js'
import {child, children, dig, textOf, type XmlElement} from '../xml.js'
import {Accounting} from './accounting.js'
import type {Context} from './objects.js'
import {isSet} from './rules.js'

const ESP = 50

function listenerTo(ctx: Context, name: string | undefined, notes: string[]): AddressSet {
  if (!name || name === 'any') {
    notes.push('listens on every interface')
    const all = AddressSet.unionAll([...ctx.interfaces.values()].map((i) => i.hosts))
    return all.isEmpty() ? AddressSet.ANY : all
  }
  const iface = ctx.interfaces.get(name)
  const direct = AddressSet.parse(name)
  if (direct) return direct
  // daemons bind the interface's own address, not its virtual IPs
  if (iface && !iface.primary.isEmpty()) return iface.primary
  notes.push(`address of '${name}' is dynamic or unknown: any shown`)
  return AddressSet.ANY
}

export function vpnExposures(root: XmlElement, ctx: Context, acc: Accounting, out: Exposure[]): void {
  for (const server of children(child(root, 'openvpn'), 'openvpn-server')) {
    if (isSet(child(server, 'disable'))) continue
    const notes: string[] = []
    const proto = (textOf(server, 'protocol') ?? 'UDP').toUpperCase()
    const protocols = ProtocolSet.of(proto.startsWith('TCP') ? TCP : UDP)
    const port = Number(textOf(server, 'local_port') || 1194)
    const family = proto.endsWith('6') ? AddressSet.ANY6 : proto.endsWith('4') ? AddressSet.ANY4 : AddressSet.ANY
    const to = listenerTo(ctx, textOf(server, 'interface'), notes).intersect(family)
    const name = `openvpn server ${textOf(server, 'vpnid') ?? '?'}${textOf(server, 'description') ? ` "${textOf(server, 'description')}"` : ''}`
    const text = redactLine(`openvpn-server ${textOf(server, 'mode') ?? ''} ${proto} port ${port} on ${textOf(server, 'interface') ?? 'any'}`)
    const base = {action: 'allow' as const, direction: 'inbound' as const, sourcePorts: PortSet.ALL, line: server.line, rule: name, text}
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      acc.element(server, `unreadable OpenVPN port '${textOf(server, 'local_port')}'`)
      continue
    }
    const where = textOf(server, 'interface')
    out.push({
      ...base,
      kind: 'vpn-listener',
      from: family,
      to: to.isEmpty() ? family : to,
      protocols,
      ports: PortSet.range(port),
      interfaces: where && ctx.interfaces.has(where) ? {in: [where]} : undefined,
      notes: notes.length ? notes : undefined,
    })
    const tunnel = AddressSet.unionAll(['tunnel_network', 'tunnel_networkv6'].map((k) => AddressSet.parse(textOf(server, k) ?? '') ?? AddressSet.EMPTY))
    if (!tunnel.isEmpty()) {
      const gw = isSet(child(server, 'gwredir')) || isSet(child(server, 'gwredir6'))
      const local = AddressSet.unionAll(['local_network', 'local_networkv6'].flatMap((k) => (textOf(server, k) ?? '').split(',')).map((t) => AddressSet.parse(t.trim()) ?? AddressSet.EMPTY))
      const routeTo = gw || local.isEmpty() ? AddressSet.ANY : local
      out.push({
        ...base,
        kind: 'vpn-route',
        from: tunnel,
        to: routeTo,
        protocols: ProtocolSet.ALL,
        ports: PortSet.ALL,
        notes: [gw ? 'clients send all traffic through the tunnel' : local.isEmpty() ? 'no local network pushed: any shown' : 'networks pushed to clients; the OpenVPN interface rules decide what passes'],
      })
    }
  }
  // OPNsense 23.7+ OpenVPN instances (MVC): role, proto, port, local (bind address), server (tunnel network)
  for (const inst of children(dig(root, 'OPNsense', 'OpenVPN', 'Instances'), 'Instance')) {
    if (textOf(inst, 'enabled') === '0' || textOf(inst, 'role') !== 'server') continue
    const notes: string[] = []
    const proto = (textOf(inst, 'proto') || 'udp').toLowerCase()
    const port = Number(textOf(inst, 'port') || 1194)
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      acc.element(inst, `unreadable OpenVPN port '${textOf(inst, 'port')}'`)
      continue
    }
    const family = proto.endsWith('6') ? AddressSet.ANY6 : proto.endsWith('4') ? AddressSet.ANY4 : AddressSet.ANY
    const local = AddressSet.parse(textOf(inst, 'local') ?? '')
    const to = (local ?? listenerTo(ctx, undefined, notes)).intersect(family)
    const name = `openvpn instance ${textOf(inst, 'description') ?? inst.attrs.uuid ?? '?'}`
    const text = redactLine(`openvpn instance server ${proto} port ${port}${local ? ` local ${textOf(inst, 'local')}` : ''}`)
    const base = {action: 'allow' as const, direction: 'inbound' as const, sourcePorts: PortSet.ALL, line: inst.line, rule: name, text}
    out.push({...base, kind: 'vpn-listener', from: family, to: to.isEmpty() ? family : to, protocols: ProtocolSet.of(proto.startsWith('tcp') ? TCP : UDP), ports: PortSet.range(port), notes: notes.length ? notes : undefined})
    const tunnel = AddressSet.unionAll(['server', 'server_ipv6'].map((k) => AddressSet.parse(textOf(inst, k) ?? '') ?? AddressSet.EMPTY))
    if (!tunnel.isEmpty()) {
      const pushed = AddressSet.unionAll((textOf(inst, 'push_route') ?? '').split(',').map((t) => AddressSet.parse(t.trim()) ?? AddressSet.EMPTY))
      out.push({
        ...base,
        kind: 'vpn-route',
        from: tunnel,
        to: pushed.isEmpty() ? AddressSet.ANY : pushed,
        protocols: ProtocolSet.ALL,
        ports: PortSet.ALL,
        notes: [pushed.isEmpty() ? 'no route pushed: any shown' : 'routes pushed to clients; the OpenVPN interface rules decide what passes'],
      })
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
      acc.element(wg.el, `unreadable WireGuard port '${wg.port}'`)
      continue
    }
    const notes: string[] = []
    out.push({
      kind: 'vpn-listener',
      action: 'allow',
      direction: 'inbound',
      from: AddressSet.ANY,
      to: listenerTo(ctx, undefined, notes),
      protocols: ProtocolSet.of(UDP),
      ports: PortSet.range(port),
      sourcePorts: PortSet.ALL,
      line: wg.el.line,
      rule: `wireguard ${wg.name ?? '?'}`,
      text: redactLine(`wireguard ${wg.name ?? ''} listen udp ${port}`),
      notes: [...notes, 'peers authenticate by key; the WAN rules decide who reaches the port'],
    })
  }
  const ike: Array<{protocols: ProtocolSet; ports: PortSet}> = [
    {protocols: ProtocolSet.of(UDP), ports: PortSet.range(500)},
    {protocols: ProtocolSet.of(UDP), ports: PortSet.range(4500)},
    {protocols: ProtocolSet.of(ESP), ports: PortSet.ALL},
  ]
  for (const p1 of children(child(root, 'ipsec'), 'phase1')) {
    if (isSet(child(p1, 'disabled'))) continue
    const notes: string[] = []
    const family = textOf(p1, 'protocol') === 'inet6' ? AddressSet.ANY6 : textOf(p1, 'protocol') === 'both' ? AddressSet.ANY : AddressSet.ANY4
    const gw = textOf(p1, 'remote-gateway') ?? ''
    let from = AddressSet.parse(gw)
    const fromSets: string[] = []
    if (child(p1, 'mobile') || !gw || gw === '0.0.0.0' || gw === '::') {
      from = family
      notes.push('mobile clients or any peer: any source')
    } else if (!from) {
      from = family
      fromSets.push(gw)
      notes.push(`peer '${gw}' is a host name: any source shown`)
    }
    const to = listenerTo(ctx, textOf(p1, 'interface'), notes).intersect(family)
    const name = `ipsec phase1 ${textOf(p1, 'ikeid') ?? '?'}${textOf(p1, 'descr') ? ` "${textOf(p1, 'descr')}"` : ''}`
    for (const b of ike) {
      out.push({
        kind: 'vpn-listener',
        action: 'allow',
        direction: 'inbound',
        from,
        to: to.isEmpty() ? family : to,
        ...b,
        sourcePorts: PortSet.ALL,
        line: p1.line,
        rule: name,
        text: redactLine(`ipsec phase1 ${textOf(p1, 'iketype') ?? ''} on ${textOf(p1, 'interface') ?? 'wan'} peer ${gw || 'any'}`),
        interfaces: ctx.interfaces.has(textOf(p1, 'interface') ?? '') ? {in: [textOf(p1, 'interface')!]} : undefined,
        fromSets: fromSets.length ? fromSets : undefined,
        notes: notes.length ? notes : undefined,
      })
    }
  }
}
