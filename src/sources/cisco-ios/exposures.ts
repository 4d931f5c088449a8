/**
 * IosConfig → Exposure[].
 *
 * A router forwards everything unless something filters it, so: an interface with an inbound ACL lists
 * the ACL's permits (implicit deny at the end); an interface without one, that is up, has an address
 * and is not a zone member, gets one "unfiltered interface" exposure any → any with a note (recall first:
 * routes are not modelled, so we cannot narrow the destination honestly). Zone members are governed by
 * their zone-pairs (no zone-pair: dropped). Management access (vty, http, snmp) goes to the router's own
 * interface addresses.
 */
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {ANY_BOX, type Box} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {addNotes, ciscoExposure, type CiscoNode, type CiscoRuleMeta} from '../cisco-common.js'
import {sameFamilies} from '../../net/terms.js'
import {evaluateList, type EvalRule} from '../../model/evaluate.js'
import {evaluateZonePairs} from '../../model/zone-pairs.js'
import type {IosAcl, IosConfig, IosInterface} from './model.js'
import {aclPermits} from './acl.js'
import {classBoxes} from './zbf.js'

const TCP = 6
const UDP = 17
const ESP = 50
const GRE = 47

type Meta = CiscoRuleMeta

type Make = (kind: Exposure['kind'], b: Box, meta: Meta, extra?: Partial<Exposure>) => Exposure

/** Interfaces that never carry transit traffic from a neighbour. */
const NOT_TRANSIT = /^(Loopback|Null|NVI|Virtual-Template)/i

export function iosExposures(cfg: IosConfig, redact: (t: string) => string): Exposure[] {
  const out: Exposure[] = []
  const make: Make = (kind, b, meta, extra = {}) =>
    ciscoExposure(kind, b, meta, redact, extra)

  const up = [...cfg.interfaces.values()].filter((i) => !i.shutdown)
  const zoned = up.some((i) => i.zone)

  for (const ifc of up) {
    const inExtra: Partial<Exposure> = {interfaces: {in: [ifc.name]}, ...(ifc.zone ? {fromZones: [ifc.zone]} : {})}
    const outExtra: Partial<Exposure> = {direction: 'outbound', interfaces: {out: [ifc.name]}, ...(ifc.zone ? {toZones: [ifc.zone]} : {})}
    for (const [binding, family] of [[ifc.aclIn, 4], [ifc.acl6In, 6]] as const) {
      if (binding) {
        const acl = cfg.acls.get(binding.name)
        // on a zone member the ACL is checked first, then the zone-pair policy: the exposure may be narrower
        const zoneNote = ifc.zone ? {notes: [`also subject to the zone-based firewall (zone ${ifc.zone})`]} : {}
        if (acl) out.push(...aclExposures(acl, make, {...inExtra, ...zoneNote}))
        else out.push(unfiltered(make, ifc, family, binding.node, `ACL ${binding.name} applied on ${ifc.name} is not defined: IOS then permits everything`))
      } else if (!ifc.zone && carriesTraffic(ifc, family)) {
        const notes = [`no inbound ${family === 4 ? 'ACL' : 'IPv6 traffic-filter'} on ${ifc.name}: the router forwards whatever reaches it (routes not modelled)`]
        if (zoned) notes.push('traffic toward zone-member interfaces is dropped by the zone-based firewall')
        out.push(unfiltered(make, ifc, family, ifc.node, ...notes))
      }
    }
    for (const binding of [ifc.aclOut, ifc.acl6Out]) {
      const acl = binding && cfg.acls.get(binding.name)
      if (acl) out.push(...aclExposures(acl, make, outExtra))
    }
  }

  // a file of bare ACLs (no interfaces): read each as if applied inbound
  if (!cfg.interfaces.size) {
    for (const acl of cfg.acls.values()) {
      const extra = {notes: [`ACL ${acl.name} is not applied in this file (no interface); evaluated as if applied inbound`]}
      out.push(...aclExposures(acl, make, extra))
    }
  }

  const device = deviceAddresses(up)
  out.push(...zoneExposures(cfg, make, device))
  out.push(...natForwards(cfg, make))
  out.push(...management(cfg, make, device))
  out.push(...vpnListeners(cfg, make))
  return out
}

function carriesTraffic(ifc: IosInterface, family: 4 | 6): boolean {
  if (NOT_TRANSIT.test(ifc.name)) return false
  if (family === 6) return ifc.hasIpv6
  return ifc.addresses.hasFamily(4) || ifc.dynamicAddress || ifc.unnumbered || /^(Tunnel|Dialer)/i.test(ifc.name)
}

function unfiltered(make: Make, ifc: IosInterface, family: 4 | 6, node: CiscoNode, ...notes: string[]): Exposure {
  const any = family === 4 ? AddressSet.ANY4 : AddressSet.ANY6
  const b: Box = {...ANY_BOX, from: any, to: any}
  return make('filter', b, {node, rule: `unfiltered ${ifc.name}${family === 6 ? ' ipv6' : ''}`, notes}, {interfaces: {in: [ifc.name]}})
}

/** First match, implicit deny; `established` entries admit replies only and take no part for new connections. */
function aclExposures(acl: IosAcl, make: Make, extra: Partial<Exposure> & {notes?: string[]}): Exposure[] {
  const rules: Array<EvalRule<Meta>> = []
  for (const ace of acl.aces) {
    if (ace.repliesOnly) continue
    const meta: Meta = {node: ace.node, rule: `${acl.name}#${ace.seq}`, name: acl.name, notes: ace.notes, fromSets: ace.fromSets, toSets: ace.toSets}
    for (const b of ace.boxes) rules.push({match: b, action: ace.action, opaque: ace.opaque, meta})
  }
  const {notes, ...rest} = extra
  return evaluateList(rules, 'deny').permits.map((p) => {
    const e = make('filter', p.box, p.meta, rest)
    if (notes) addNotes(e, notes)
    return e
  })
}

function deviceAddresses(up: IosInterface[]): {set: AddressSet; notes: string[]} {
  const set = AddressSet.unionAll(up.map((i) => i.addresses))
  const notes: string[] = []
  if (up.some((i) => i.dynamicAddress)) notes.push('some interface addresses are assigned at run time (dhcp/negotiated) and not listed')
  if (set.isEmpty()) return {set: AddressSet.ANY, notes: ['no interface address known; destination read as any']}
  return {set, notes}
}

/** Zone-pair policies: classes in order, first match, class-default drop. `self` is the router. */
function zoneExposures(cfg: IosConfig, make: Make, device: {set: AddressSet; notes: string[]}): Exposure[] {
  const out: Exposure[] = []
  // IOS allows one zone-pair per (source, destination); the shared helper walks them in pair order
  const pairs = cfg.zonePairs.filter((zp) => zp.policy && cfg.policies.has(zp.policy))
  const byPair = new Map(pairs.map((zp) => [`${zp.source}\u0000${zp.destination}`, zp]))
  const rulesFor = (zp: (typeof pairs)[number]): Array<EvalRule<Meta>> => {
    const classes = cfg.policies.get(zp.policy!)!
    const rules: Array<EvalRule<Meta>> = []
    for (const pc of classes) {
      const rule = `zone-pair ${zp.name} class ${pc.className}`
      if (pc.className === 'class-default') {
        rules.push({match: ANY_BOX, action: pc.action, meta: {node: pc.node, rule, notes: []}})
        continue
      }
      const cm = cfg.classMaps.get(pc.className)
      if (!cm) {
        rules.push({match: ANY_BOX, action: pc.action, opaque: true, meta: {node: pc.node, rule, notes: [`class-map ${pc.className} is not defined; read as any traffic`]}})
        continue
      }
      const {boxes, notes} = classBoxes(cfg, cm.matches, cm.matchAll)
      for (const b of boxes) rules.push({match: b, action: pc.action, opaque: notes.length > 0, meta: {node: pc.node, rule, notes}})
    }
    return rules
  }
  const results = evaluateZonePairs({zones: [], policies: pairs, zonesOf: (zp) => ({from: [zp.source], to: [zp.destination]}), rulesFor})
  for (const {from, to, permits} of results) {
    const zp = byPair.get(`${from}\u0000${to}`)!
    const srcIfaces = [...cfg.interfaces.values()].filter((i) => i.zone === zp.source && !i.shutdown).map((i) => i.name)
    const toSelf = zp.destination === 'self'
    const extra: Partial<Exposure> = {
      direction: zp.source === 'self' ? 'outbound' : 'inbound',
      fromZones: [zp.source],
      toZones: [zp.destination],
      ...(srcIfaces.length ? {interfaces: {in: srcIfaces}} : {}),
    }
    for (const p of permits) {
      const box = toSelf ? {...p.box, to: p.box.to.intersect(device.set)} : p.box
      if (box.to.isEmpty()) continue
      const e = make('filter', box, p.meta, extra)
      if (toSelf) addNotes(e, ['management-plane access (self zone)', ...device.notes])
      out.push(e)
    }
  }
  // ZBF: interfaces of one zone talk freely unless a zone-pair Z→Z says otherwise
  const byZone = new Map<string, IosInterface[]>()
  for (const i of cfg.interfaces.values()) if (i.zone && !i.shutdown) byZone.set(i.zone, [...(byZone.get(i.zone) ?? []), i])
  for (const [zone, members] of byZone) {
    if (members.length < 2 || cfg.zonePairs.some((zp) => zp.source === zone && zp.destination === zone)) continue
    const names = members.map((i) => i.name)
    const meta: Meta = {node: members[1].node, rule: `intra-zone ${zone}`, notes: [`traffic between interfaces of zone ${zone} is not inspected (no zone-pair ${zone}→${zone})`]}
    out.push(make('filter', ANY_BOX, meta, {fromZones: [zone], toZones: [zone], interfaces: {in: names, out: names}}))
  }
  return out
}

function natForwards(cfg: IosConfig, make: Make): Exposure[] {
  const outside = [...cfg.interfaces.values()].filter((i) => i.natOutside && !i.shutdown).map((i) => i.name)
  return cfg.nats.map((nat) => {
    const b: Box = {
      ...ANY_BOX,
      from: sameFamilies(nat.global),
      to: nat.global,
      protocols: nat.service?.protocols ?? ProtocolSet.ALL,
      ports: nat.service?.globalPorts ?? PortSet.ALL,
    }
    const extra: Partial<Exposure> = {translated: {to: nat.local, ...(nat.service && !nat.service.localPorts.isAll() ? {ports: nat.service.localPorts} : {})}}
    if (outside.length) extra.interfaces = {in: outside}
    return make('nat-forward', b, {node: nat.node, rule: 'ip nat inside source static', notes: nat.notes}, extra)
  })
}

/** Sources a management ACL admits (standard or extended), or any with a note when it is absent. */
function aclSources(cfg: IosConfig, name: string | undefined, family: 4 | 6, what: string): {boxes: Box[]; notes: string[]} {
  const any = family === 4 ? AddressSet.ANY4 : AddressSet.ANY6
  if (!name) return {boxes: [{...ANY_BOX, from: any}], notes: [`no ${family === 6 ? 'ipv6 ' : ''}access-class on ${what}: open to any source`]}
  const acl = cfg.acls.get(name)
  if (!acl) return {boxes: [{...ANY_BOX, from: any}], notes: [`access-class ${name} is not defined: IOS then permits any source`]}
  return {boxes: aclPermits(acl), notes: [`sources allowed by ACL ${name}`]}
}

function management(cfg: IosConfig, make: Make, device: {set: AddressSet; notes: string[]}): Exposure[] {
  const out: Exposure[] = []
  const listen = (node: CiscoNode, rule: string, proto: number, ports: PortSet, acl: string | undefined, family: 4 | 6, what: string, notes: string[] = []) => {
    const to = device.set.only(family)
    if (to.isEmpty() && !device.set.isAny()) return
    const src = aclSources(cfg, acl, family, what)
    for (const b of src.boxes) {
      const box: Box = {...ANY_BOX, from: b.from, to: device.set.isAny() ? (family === 4 ? AddressSet.ANY4 : AddressSet.ANY6) : to.intersect(b.to), protocols: ProtocolSet.of(proto), ports}
      if (box.from.isEmpty() || box.to.isEmpty()) continue
      out.push(make('filter', box, {node, rule, notes: ['management access to the device', ...notes, ...src.notes, ...device.notes]}, {hostLocal: true}))
    }
  }
  for (const vty of cfg.vty) {
    const notes: string[] = []
    let transports = vty.transports
    if (!transports) {
      // the default differs by release (telnet on classic IOS, ssh on recent IOS-XE): list both
      transports = new Set(['ssh', 'telnet'])
      notes.push('transport input not set: the release default may allow telnet')
    }
    const ports = PortSet.fromRanges([...transports].map((t) => (t === 'ssh' ? [22, 22] : [23, 23]) as [number, number]))
    if (ports.isEmpty()) continue
    const rule = vty.node.text
    listen(vty.node, rule, TCP, ports, vty.accessClass, 4, rule, notes)
    listen(vty.node, rule, TCP, ports, vty.accessClass6, 6, rule, notes)
  }
  for (const [srv, label] of [[cfg.http, 'ip http server'], [cfg.https, 'ip http secure-server']] as const) {
    if (!srv) continue
    listen(srv.node, label, TCP, PortSet.range(srv.port), cfg.httpAccessClass, 4, label)
    listen(srv.node, label, TCP, PortSet.range(srv.port), undefined, 6, label)
  }
  for (const c of cfg.snmpCommunities) {
    listen(c.node, 'snmp-server community', UDP, PortSet.range(161), c.acl, 4, 'the SNMP community')
  }
  return out
}

function vpnListeners(cfg: IosConfig, make: Make): Exposure[] {
  const out: Exposure[] = []
  const ike = (node: CiscoNode, rule: string, from: AddressSet, to: AddressSet, ifc: string | undefined, notes: string[]) => {
    const meta: Meta = {node, rule, notes}
    const extra = ifc ? {interfaces: {in: [ifc]}} : {}
    out.push(make('vpn-listener', {...ANY_BOX, from, to, protocols: ProtocolSet.of(UDP), ports: PortSet.fromRanges([[500, 500], [4500, 4500]])}, meta, extra))
    out.push(make('vpn-listener', {...ANY_BOX, from, to, protocols: ProtocolSet.of(ESP)}, meta, extra))
  }
  const addressOf = (ifc: IosInterface | undefined): {set: AddressSet; notes: string[]} =>
    ifc && !ifc.addresses.isEmpty() ? {set: ifc.addresses, notes: []} : {set: AddressSet.ANY, notes: ['local address unknown; destination read as any']}
  for (const ifc of cfg.interfaces.values()) {
    if (ifc.shutdown) continue
    if (ifc.cryptoMap) {
      const map = cfg.cryptoMapPeers.get(ifc.cryptoMap.name)
      const local = addressOf(ifc)
      const notes = [...local.notes]
      let from = map?.peers ?? AddressSet.EMPTY
      if (!map || map.dynamic || from.isEmpty()) {
        from = AddressSet.ANY
        notes.push(map?.dynamic ? 'dynamic crypto map: any peer may negotiate' : `crypto map ${ifc.cryptoMap.name} has no peer: any peer may negotiate`)
      }
      ike(ifc.cryptoMap.node, `crypto map ${ifc.cryptoMap.name}`, from, local.set, ifc.name, notes)
    }
    const t = ifc.tunnel
    // a protected tunnel without a destination is a dynamic VTI (Virtual-Template): any peer may connect
    const dynamicVti = !!t && !t.destination && (t.protection || t.ipsecMode)
    if (t && (t.destination || dynamicVti)) {
      const peer = t.destination ?? AddressSet.ANY
      // the tunnel's packets arrive on the interface that owns the tunnel source, addressed to it
      const literal = t.source ? AddressSet.parse(t.source) : null
      const carrier = t.source && !literal ? t.source : undefined
      const src = literal ? {set: literal, notes: [] as string[]} : t.source ? addressOf(cfg.interfaces.get(t.source)) : {set: AddressSet.ANY, notes: ['tunnel source not set; destination read as any']}
      // the outer header's family is the peer's
      src.set = src.set.isAny() ? sameFamilies(peer) : src.set.intersect(sameFamilies(peer))
      const rule = `${ifc.name} tunnel`
      if (dynamicVti) src.notes = ['dynamic VTI (no tunnel destination): any peer may negotiate', ...src.notes]
      if (t.protection || t.ipsecMode) ike(t.node, rule, peer, src.set, carrier, src.notes)
      else out.push(make('vpn-listener', {...ANY_BOX, from: peer, to: src.set, protocols: ProtocolSet.of(GRE)}, {node: t.node, rule, notes: ['GRE tunnel without IPsec protection', ...src.notes]}, carrier ? {interfaces: {in: [carrier]}} : {}))
    }
  }
  for (const gw of cfg.webvpnGateways) {
    if (!gw.inService || !gw.address) continue
    const b: Box = {...ANY_BOX, from: sameFamilies(gw.address), to: gw.address, protocols: ProtocolSet.of(TCP), ports: PortSet.range(gw.port)}
    out.push(make('vpn-listener', b, {node: gw.node, rule: `webvpn gateway ${gw.name}`, notes: ['SSL VPN gateway']}))
  }
  return out
}
