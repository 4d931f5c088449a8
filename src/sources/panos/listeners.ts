/** PAN-OS listeners on the device itself: GlobalProtect, IKE gateways and the MGT port. */
import {type DoubtNote, note} from '../../model/doubts.js'
import type {DeviceListener} from '../../model/device.js'
import {AddressSet} from '../../net/address-set.js'
import {ANY_BOX, type Box} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {type Iface, type Objects, perFamily, specBox, type Template} from './objects.js'
import {MANAGEMENT_SERVICES} from './tables.js'
import {entries, markDeep, type PNode, takeDeep} from './tree.js'

export function globalProtect(
  ctx: {name: string; node: PNode; prefix: string},
  ifaces: Map<string, Iface>,
  zoneIfaces: Map<string, string[]>,
  objects: Objects,
  emit: (t: Template, b: Box) => void,
  out: DeviceListener[],
): void {
  const gp = takeDeep(ctx.node, 'global-protect')
  if (!gp) return
  const zoneOf = (ifName: string) => [...zoneIfaces].find(([, l]) => l.includes(ifName))?.[0]
  const listeners: Array<{kind: string; entry: PNode; local: PNode | undefined; specs: string[]}> = []
  for (const p of entries(gp.children.get('global-protect-portal'))) listeners.push({kind: 'portal', entry: p, local: p.children.get('portal-config')?.children.get('local-address'), specs: ['tcp/443']})
  for (const g of entries(gp.children.get('global-protect-gateway'))) listeners.push({kind: 'gateway', entry: g, local: g.children.get('local-address'), specs: ['tcp/443', 'udp/4501']})
  for (const l of listeners) {
    const ifName = l.local?.children.get('interface')?.values[0]
    const ipNode = l.local?.children.get('ip')
    const ipText = ipNode?.children.get('ipv4')?.values[0] ?? ipNode?.children.get('ipv6')?.values[0] ?? ipNode?.values[0]
    const doubts: DoubtNote[] = []
    let to = AddressSet.ANY
    if (ipText) {
      const res = objects.addressesOf([ipText.split('/')[0]])
      if (!res.unresolved.length) to = res.set
    } else if (ifName && ifaces.get(ifName) && !ifaces.get(ifName)!.addresses.isEmpty()) to = ifaces.get(ifName)!.addresses
    if (to === AddressSet.ANY) doubts.push(note('unknown-address', 'listening address unknown; destination taken as any'))
    const zone = ifName ? zoneOf(ifName) : undefined
    const template: Template = {
      kind: 'vpn-listener',
      direction: 'inbound',
      line: l.entry.line,
      rule: `${ctx.prefix} global-protect-${l.kind} "${l.entry.name}"`,
      text: `global-protect-${l.kind} ${l.entry.name} local-address interface ${ifName ?? '?'}${ipText ? ` ip ${ipText}` : ''}`,
      fromZones: zone ? [zone] : undefined,
      interfaces: ifName ? {in: [ifName]} : undefined,
      doubts,
    }
    for (const spec of l.specs) emit(template, {...specBox(spec), to})
    out.push({service: `globalprotect-${l.kind}`, bind: to === AddressSet.ANY ? [] : to.toCidrs(), line: l.entry.line})
  }
}

/** IKE gateways: udp/500, udp/4500 and ESP from the peer (any when dynamic) to the local address. */
export function ikeGateways(network: PNode | undefined, ifaces: Map<string, Iface>, zoneOf: Map<string, string>, objects: Objects, emit: (t: Template, b: Box) => void, out: DeviceListener[]): void {
  const ike = takeDeep(network, 'ike')
  for (const g of entries(ike?.children.get('gateway'))) {
    const peer = g.children.get('peer-address')
    const local = g.children.get('local-address')
    const ifName = local?.children.get('interface')?.values[0]
    const localIp = local?.children.get('ip')?.values[0] ?? local?.children.get('floating-ip')?.values[0]
    const doubts: DoubtNote[] = []
    const fromSets: string[] = []
    let from = AddressSet.ANY
    const peerIp = peer?.children.get('ip')?.values[0]
    const fqdn = peer?.children.get('fqdn')?.values[0]
    if (peerIp) {
      const r = objects.addressesOf([peerIp])
      if (r.unresolved.length) fromSets.push(...r.unresolved)
      else from = r.set
    } else if (fqdn) fromSets.push(`${fqdn} (fqdn)`)
    else doubts.push(note('any-peer', 'dynamic peer: any address may negotiate'))
    if (fromSets.length) doubts.push(note('unexpanded-set', `peer ${fromSets.join(', ')} not expanded; taken as any`))
    let to = localIp ? objects.hostAddress(localIp) ?? AddressSet.EMPTY : ifName ? ifaces.get(ifName)?.addresses ?? AddressSet.EMPTY : AddressSet.EMPTY
    if (to.isEmpty()) {
      to = AddressSet.ANY
      doubts.push(note('unknown-address', 'local address unknown; destination taken as any'))
    }
    const zone = ifName ? zoneOf.get(ifName) : undefined
    const template: Template = {
      kind: 'vpn-listener',
      direction: 'inbound',
      line: g.line,
      rule: `ike gateway "${g.name}"`,
      text: `ike gateway ${g.name} peer-address ${peerIp ?? fqdn ?? 'dynamic'} local-address ${ifName ?? '?'}${localIp ? ` ${localIp}` : ''}`,
      fromZones: zone ? [zone] : undefined,
      interfaces: ifName ? {in: [ifName]} : undefined,
      fromSets: fromSets.length ? fromSets : undefined,
      doubts,
    }
    for (const b of perFamily({...ANY_BOX, from, to, protocols: ProtocolSet.of(17), ports: PortSet.fromRanges([[500, 500], [4500, 4500]])})) emit(template, b)
    for (const b of perFamily({...ANY_BOX, from, to, protocols: ProtocolSet.of(50)})) emit(template, b)
    out.push({service: 'ipsec', bind: to === AddressSet.ANY ? [] : to.toCidrs(), line: g.line})
  }
}

/** The MGT port: https, ssh and ping unless disabled (`service disable-…`), from `permitted-ip` or anyone. */
export function managementPort(deviceconfig: PNode | undefined, emit: (t: Template, b: Box) => void, out: DeviceListener[]): void {
  if (!deviceconfig) return
  markDeep(deviceconfig)
  const system = deviceconfig.children.get('system')
  if (!system) return
  const ip = system.children.get('ip-address')?.values[0]
  const ip6 = system.children.get('ipv6-address')?.values[0]
  if (!ip && !ip6) return
  let to = AddressSet.EMPTY
  for (const a of [ip, ip6]) if (a) to = to.union(AddressSet.parse(a.split('/')[0]) ?? AddressSet.EMPTY)
  if (to.isEmpty()) return
  const service = system.children.get('service')
  const disabled = (s: string) => service?.children.get(`disable-${s}`)?.values[0] === 'yes'
  const enabled = (s: string) => service?.children.get(`disable-${s}`)?.values[0] === 'no'
  const permittedNode = system.children.get('permitted-ip')
  const permitted = [...(permittedNode?.children.keys() ?? []), ...(permittedNode?.values ?? [])].map((x) => AddressSet.parse(x)).filter((s): s is AddressSet => s !== null)
  const from = permitted.length ? AddressSet.unionAll(permitted) : AddressSet.ANY
  // PAN-OS defaults: https, ssh and ping on; http, telnet and snmp off
  const services: Array<[string, boolean]> = [
    ['https', !disabled('https')],
    ['ssh', !disabled('ssh')],
    ['ping', !disabled('icmp')],
    ['http', enabled('http')],
    ['telnet', enabled('telnet')],
    ['snmp', enabled('snmp')],
  ]
  for (const [svc, on] of services) {
    if (!on) continue
    const template: Template = {
      kind: 'filter',
      direction: 'inbound',
      line: system.children.get('ip-address')?.line ?? system.line,
      rule: `deviceconfig system management ${svc}`,
      text: `deviceconfig system ip-address ${ip ?? ip6} service ${svc}`,
      interfaces: {in: ['management']},
      doubts: permitted.length ? undefined : [note('vendor-default', 'no permitted-ip: the management port answers any source that can reach it')],
      hostLocal: true,
    }
    out.push({service: svc, bind: to.toCidrs(), line: template.line})
    for (const spec of MANAGEMENT_SERVICES[svc]) for (const b of perFamily({...specBox(spec), from, to})) emit(template, b)
  }
}

