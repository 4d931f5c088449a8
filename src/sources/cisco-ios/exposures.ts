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
import type {Denial, Exposure} from '../../model/exposure.js'
import {forwardingFilter, type NatOrder} from '../../model/nat.js'
import {AddressSet} from '../../net/address-set.js'
import {ANY_BOX, type Box} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {ciscoExposure, type CiscoNode, type CiscoRuleMeta} from '../cisco-common.js'
import {addDoubts, type ExposureInit} from '../../model/build.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import {sameFamilies} from '../../net/terms.js'
import {evaluateList, type EvalRule} from '../../model/evaluate.js'
import {evaluateZonePairs, ZonePairMap} from '../../model/zone-pairs.js'
import type {IosAcl, IosConfig, IosInterface} from './model.js'
import {aclPermits} from './acl.js'
import {classBoxes} from './zbf.js'

const TCP = 6
const UDP = 17
const ESP = 50
const GRE = 47

type Meta = CiscoRuleMeta

type Extra = Omit<ExposureInit, 'kind' | 'box' | 'line' | 'rule'>
type Make = (kind: Exposure['kind'], b: Box, meta: Meta, extra?: Extra) => Exposure

/** Interfaces that never carry transit traffic from a neighbour. */
const NOT_TRANSIT = /^(Loopback|Null|NVI|Virtual-Template)/i

/** `denies` (when given) receives each ACL deny as evaluated, then the implicit deny at the ACL's binding line. */
export function iosExposures(cfg: IosConfig, redact: (t: string) => string, denies?: Denial[]): Exposure[] {
  const out: Exposure[] = []
  const make: Make = (kind, b, meta, extra = {}) =>
    ciscoExposure(kind, b, meta, redact, extra)

  const up = [...cfg.interfaces.values()].filter((i) => !i.shutdown)
  const zoned = up.some((i) => i.zone)

  for (const ifc of up) {
    const inExtra: Extra = {interfaces: {in: [ifc.name]}, ...(ifc.zone ? {fromZones: [ifc.zone]} : {})}
    const outExtra: Extra = {direction: 'outbound', interfaces: {out: [ifc.name]}, ...(ifc.zone ? {toZones: [ifc.zone]} : {})}
    for (const [binding, family] of [[ifc.aclIn, 4], [ifc.acl6In, 6]] as const) {
      if (binding) {
        const acl = cfg.acls.get(binding.name)
        // on a zone member the ACL is checked first, then the zone-pair policy: the exposure may be narrower
        const zoneNote = ifc.zone ? {doubts: [note('restricted-elsewhere', `also subject to the zone-based firewall (zone ${ifc.zone})`)]} : {}
        if (acl) append(out, aclExposures(acl, make, {...inExtra, ...zoneNote}, denies, binding.node))
        else out.push(unfiltered(make, ifc, family, binding.node, note('vendor-default', `ACL ${binding.name} applied on ${ifc.name} is not defined: IOS then permits everything`)))
      } else if (!ifc.zone && carriesTraffic(ifc, family)) {
        const doubts = [note('vendor-default', `no inbound ${family === 4 ? 'ACL' : 'IPv6 traffic-filter'} on ${ifc.name}: the router forwards whatever reaches it (routes not modelled)`)]
        if (zoned) doubts.push(note('restricted-elsewhere', 'traffic toward zone-member interfaces is dropped by the zone-based firewall'))
        out.push(unfiltered(make, ifc, family, ifc.node, ...doubts))
      }
    }
    for (const binding of [ifc.aclOut, ifc.acl6Out]) {
      const acl = binding && cfg.acls.get(binding.name)
      if (acl) append(out, aclExposures(acl, make, outExtra, denies, binding.node))
    }
  }

  // a file of bare ACLs (no interfaces): read each as if applied inbound
  if (!cfg.interfaces.size) {
    for (const acl of cfg.acls.values()) {
      const extra = {doubts: [note('not-applied', `ACL ${acl.name} is not applied in this file (no interface); evaluated as if applied inbound`)]}
      append(out, aclExposures(acl, make, extra))
    }
  }

  const device = deviceAddresses(up)
  append(out, zoneExposures(cfg, make, device))
  append(out, natForwards(cfg, make))
  append(out, management(cfg, make, device))
  append(out, vpnListeners(cfg, make))
  return out
}

/** push(...items) without one argument per item (a pasted config gives more exposures than the stack holds arguments). */
function append(out: Exposure[], items: readonly Exposure[]): void {
  for (const e of items) out.push(e)
}

function carriesTraffic(ifc: IosInterface, family: 4 | 6): boolean {
  if (NOT_TRANSIT.test(ifc.name)) return false
  if (family === 6) return ifc.hasIpv6
  return ifc.addresses.hasFamily(4) || ifc.dynamicAddress || ifc.unnumbered || /^(Tunnel|Dialer)/i.test(ifc.name)
}

function unfiltered(make: Make, ifc: IosInterface, family: 4 | 6, node: CiscoNode, ...doubts: DoubtNote[]): Exposure {
  const any = AddressSet.anyOf(family)
  const b: Box = {...ANY_BOX, from: any, to: any}
  return make('filter', b, {node, rule: `unfiltered ${ifc.name}${family === 6 ? ' ipv6' : ''}`, doubts}, {interfaces: {in: [ifc.name]}})
}

/** First match, implicit deny; `established` entries admit replies only and take no part for new connections. */
function aclExposures(acl: IosAcl, make: Make, extra: Extra, denies?: Denial[], binding?: CiscoNode): Exposure[] {
  const rules: Array<EvalRule<Meta>> = []
  for (const ace of acl.aces) {
    if (ace.repliesOnly) continue
    const meta: Meta = {node: ace.node, rule: `${acl.name}#${ace.seq}`, name: acl.name, doubts: ace.doubts, via: ace.via, fromSets: ace.fromSets, toSets: ace.toSets}
    for (const b of ace.boxes) rules.push({match: b, action: ace.action, opaque: ace.opaque, meta})
  }
  const {doubts, ...rest} = extra
  const implicit: Meta | undefined = binding ? {node: binding, rule: `${acl.name} implicit deny`, doubts: []} : undefined
  const result = evaluateList(rules, 'deny', implicit, {recordDenies: denies !== undefined && binding !== undefined})
  for (const d of result.denies ?? []) denies?.push({line: d.meta.node.line, rule: d.meta.rule, box: d.box, direction: extra.direction ?? 'inbound'})
  return result.permits.map((p) => {
    const e = make('filter', p.box, p.meta, rest)
    if (doubts) addDoubts(e, doubts)
    return e
  })
}

function deviceAddresses(up: IosInterface[]): {set: AddressSet; doubts: DoubtNote[]} {
  const set = AddressSet.unionAll(up.map((i) => i.addresses))
  const doubts: DoubtNote[] = []
  if (up.some((i) => i.dynamicAddress)) doubts.push(note('unlisted-address', 'some interface addresses are assigned at run time (dhcp/negotiated) and not listed'))
  if (set.isEmpty()) return {set: AddressSet.ANY, doubts: [note('unknown-address', 'no interface address known; destination read as any')]}
  return {set, doubts}
}

/** Zone-pair policies: classes in order, first match, class-default drop. `self` is the router. */
function zoneExposures(cfg: IosConfig, make: Make, device: {set: AddressSet; doubts: DoubtNote[]}): Exposure[] {
  const out: Exposure[] = []
  // IOS allows one zone-pair per (source, destination); the shared helper walks them in pair order
  const pairs = cfg.zonePairs.filter((zp) => zp.policy && cfg.policies.has(zp.policy))
  const byPair = new ZonePairMap<(typeof pairs)[number]>()
  for (const zp of pairs) byPair.set(zp.source, zp.destination, zp)
  const rulesFor = (zp: (typeof pairs)[number]): Array<EvalRule<Meta>> => {
    const classes = cfg.policies.get(zp.policy!)!
    const rules: Array<EvalRule<Meta>> = []
    for (const pc of classes) {
      const rule = `zone-pair ${zp.name} class ${pc.className}`
      if (pc.className === 'class-default') {
        rules.push({match: ANY_BOX, action: pc.action, meta: {node: pc.node, rule, doubts: []}})
        continue
      }
      const cm = cfg.classMaps.get(pc.className)
      if (!cm) {
        rules.push({match: ANY_BOX, action: pc.action, opaque: true, meta: {node: pc.node, rule, doubts: [note('undefined-object', `class-map ${pc.className} is not defined; read as any traffic`)]}})
        continue
      }
      const {boxes, doubts} = classBoxes(cfg, cm.matches, cm.matchAll)
      for (const b of boxes) rules.push({match: b, action: pc.action, opaque: doubts.length > 0, meta: {node: pc.node, rule, doubts}})
    }
    return rules
  }
  const results = evaluateZonePairs({zones: [], policies: pairs, zonesOf: (zp) => ({from: [zp.source], to: [zp.destination]}), rulesFor, wildcard: null})
  for (const {from, to, permits} of results) {
    const zp = byPair.get(from, to)!
    const srcIfaces = [...cfg.interfaces.values()].filter((i) => i.zone === zp.source && !i.shutdown).map((i) => i.name)
    const toSelf = zp.destination === 'self'
    const extra: Extra = {
      direction: zp.source === 'self' ? 'outbound' : 'inbound',
      fromZones: [zp.source],
      toZones: [zp.destination],
      ...(srcIfaces.length ? {interfaces: {in: srcIfaces}} : {}),
    }
    for (const p of permits) {
      const box = toSelf ? {...p.box, to: p.box.to.intersect(device.set)} : p.box
      if (box.to.isEmpty()) continue
      const e = make('filter', box, p.meta, extra)
      if (toSelf) addDoubts(e, [note('device-itself', 'management-plane access (self zone)'), ...device.doubts])
      out.push(e)
    }
  }
  // ZBF: interfaces of one zone talk freely unless a zone-pair Z→Z says otherwise
  const byZone = new Map<string, IosInterface[]>()
  for (const i of cfg.interfaces.values()) if (i.zone && !i.shutdown) byZone.set(i.zone, [...(byZone.get(i.zone) ?? []), i])
  for (const [zone, members] of byZone) {
    if (members.length < 2 || cfg.zonePairs.some((zp) => zp.source === zone && zp.destination === zone)) continue
    const names = members.map((i) => i.name)
    const meta: Meta = {node: members[1].node, rule: `intra-zone ${zone}`, doubts: [note('vendor-default', `traffic between interfaces of zone ${zone} is not inspected (no zone-pair ${zone}→${zone})`)]}
    out.push(make('filter', ANY_BOX, meta, {fromZones: [zone], toZones: [zone], interfaces: {in: names, out: names}}))
  }
  return out
}

/**
 * IOS order for `ip nat inside source static` (outside → inside): the inbound ACL of the outside
 * interface is checked BEFORE the translation and names the global (public) address; the zone-based
 * firewall inspects after it and its class-map ACLs name the inside local (real) address.
 */
export const IOS_NAT: NatOrder = {
  filterWords: 'inbound ACL entry or zone-pair class',
  candidate: forwardingFilter,
  sees: (f) => (f.rule.startsWith('zone-pair ') || f.rule.startsWith('intra-zone ') ? 'translated' : 'original'),
  byContent: true,
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
    const extra: Extra = {translated: {to: nat.local, ...(nat.service && !nat.service.localPorts.isAll() ? {ports: nat.service.localPorts} : {})}, ...(outside.length ? {interfaces: {in: outside}} : {})}
    return make('nat-forward', b, {node: nat.node, rule: 'ip nat inside source static', doubts: nat.doubts}, extra)
  })
}

/** Sources a management ACL admits (standard or extended), or any with a note when it is absent. */
function aclSources(cfg: IosConfig, name: string | undefined, family: 4 | 6, what: string): {boxes: Box[]; doubts: DoubtNote[]} {
  const any = AddressSet.anyOf(family)
  if (!name) return {boxes: [{...ANY_BOX, from: any}], doubts: [note('vendor-default', `no ${family === 6 ? 'ipv6 ' : ''}access-class on ${what}: open to any source`)]}
  const acl = cfg.acls.get(name)
  if (!acl) return {boxes: [{...ANY_BOX, from: any}], doubts: [note('vendor-default', `access-class ${name} is not defined: IOS then permits any source`)]}
  return {boxes: aclPermits(acl), doubts: [note('listener-info', `sources allowed by ACL ${name}`)]}
}

function management(cfg: IosConfig, make: Make, device: {set: AddressSet; doubts: DoubtNote[]}): Exposure[] {
  const out: Exposure[] = []
  const listen = (node: CiscoNode, rule: string, proto: number, ports: PortSet, acl: string | undefined, family: 4 | 6, what: string, doubts: DoubtNote[] = []) => {
    const to = device.set.only(family)
    if (to.isEmpty() && !device.set.isAny()) return
    const src = aclSources(cfg, acl, family, what)
    for (const b of src.boxes) {
      const box: Box = {...ANY_BOX, from: b.from, to: device.set.isAny() ? AddressSet.anyOf(family) : to.intersect(b.to), protocols: ProtocolSet.of(proto), ports}
      if (box.from.isEmpty() || box.to.isEmpty()) continue
      out.push(make('filter', box, {node, rule, doubts: [note('device-itself', 'management access to the device'), ...doubts, ...src.doubts, ...device.doubts]}, {hostLocal: true}))
    }
  }
  for (const vty of cfg.vty) {
    const doubts: DoubtNote[] = []
    let transports = vty.transports
    if (!transports) {
      // the default differs by release (telnet on classic IOS, ssh on recent IOS-XE): list both
      transports = new Set(['ssh', 'telnet'])
      doubts.push(note('default-may-open-more', 'transport input not set: the release default may allow telnet'))
    }
    const ports = PortSet.fromRanges([...transports].map((t) => (t === 'ssh' ? [22, 22] : [23, 23]) as [number, number]))
    if (ports.isEmpty()) continue
    const rule = vty.node.text
    listen(vty.node, rule, TCP, ports, vty.accessClass, 4, rule, doubts)
    listen(vty.node, rule, TCP, ports, vty.accessClass6, 6, rule, doubts)
  }
  for (const [srv, label] of [[cfg.http, 'ip http server'], [cfg.https, 'ip http secure-server']] as const) {
    if (!srv) continue
    listen(srv.node, label, TCP, PortSet.range(srv.port), cfg.httpAccessClass, 4, label)
    listen(srv.node, label, TCP, PortSet.range(srv.port), undefined, 6, label)
  }
  for (const c of cfg.snmpCommunities.values()) {
    listen(c.node, 'snmp-server community', UDP, PortSet.range(161), c.acl, 4, 'the SNMP community')
  }
  return out
}

function vpnListeners(cfg: IosConfig, make: Make): Exposure[] {
  const out: Exposure[] = []
  const ike = (node: CiscoNode, rule: string, from: AddressSet, to: AddressSet, ifc: string | undefined, doubts: DoubtNote[]) => {
    const meta: Meta = {node, rule, doubts}
    const extra = ifc ? {interfaces: {in: [ifc]}} : {}
    out.push(make('vpn-listener', {...ANY_BOX, from, to, protocols: ProtocolSet.of(UDP), ports: PortSet.fromRanges([[500, 500], [4500, 4500]])}, meta, extra))
    out.push(make('vpn-listener', {...ANY_BOX, from, to, protocols: ProtocolSet.of(ESP)}, meta, extra))
  }
  const addressOf = (ifc: IosInterface | undefined): {set: AddressSet; doubts: DoubtNote[]} =>
    ifc && !ifc.addresses.isEmpty() ? {set: ifc.addresses, doubts: []} : {set: AddressSet.ANY, doubts: [note('unknown-address', 'local address unknown; destination read as any')]}
  for (const ifc of cfg.interfaces.values()) {
    if (ifc.shutdown) continue
    if (ifc.cryptoMap) {
      const map = cfg.cryptoMapPeers.get(ifc.cryptoMap.name)
      const local = addressOf(ifc)
      const doubts = [...local.doubts]
      let from = map?.peers ?? AddressSet.EMPTY
      if (!map || map.dynamic || from.isEmpty()) {
        from = AddressSet.ANY
        doubts.push(note('any-peer', map?.dynamic ? 'dynamic crypto map: any peer may negotiate' : `crypto map ${ifc.cryptoMap.name} has no peer: any peer may negotiate`))
      }
      ike(ifc.cryptoMap.node, `crypto map ${ifc.cryptoMap.name}`, from, local.set, ifc.name, doubts)
    }
    const t = ifc.tunnel
    // a protected tunnel without a destination is a dynamic VTI (Virtual-Template): any peer may connect
    const dynamicVti = !!t && !t.destination && (t.protection || t.ipsecMode)
    if (t && (t.destination || dynamicVti)) {
      const peer = t.destination ?? AddressSet.ANY
      // the tunnel's packets arrive on the interface that owns the tunnel source, addressed to it
      const literal = t.source ? AddressSet.parse(t.source) : null
      const carrier = t.source && !literal ? t.source : undefined
      const src = literal ? {set: literal, doubts: [] as DoubtNote[]} : t.source ? addressOf(cfg.interfaces.get(t.source)) : {set: AddressSet.ANY, doubts: [note('unknown-address', 'tunnel source not set; destination read as any')]}
      // the outer header's family is the peer's
      src.set = src.set.isAny() ? sameFamilies(peer) : src.set.intersect(sameFamilies(peer))
      const rule = `${ifc.name} tunnel`
      if (dynamicVti) src.doubts = [note('any-peer', 'dynamic VTI (no tunnel destination): any peer may negotiate'), ...src.doubts]
      if (t.protection || t.ipsecMode) ike(t.node, rule, peer, src.set, carrier, src.doubts)
      else out.push(make('vpn-listener', {...ANY_BOX, from: peer, to: src.set, protocols: ProtocolSet.of(GRE)}, {node: t.node, rule, doubts: [note('weak-listener', 'GRE tunnel without IPsec protection'), ...src.doubts]}, carrier ? {interfaces: {in: [carrier]}} : {}))
    }
  }
  for (const gw of cfg.webvpnGateways) {
    if (!gw.inService || !gw.address) continue
    const b: Box = {...ANY_BOX, from: sameFamilies(gw.address), to: gw.address, protocols: ProtocolSet.of(TCP), ports: PortSet.range(gw.port)}
    out.push(make('vpn-listener', b, {node: gw.node, rule: `webvpn gateway ${gw.name}`, doubts: [note('listener-info', 'SSL VPN gateway')]}))
  }
  return out
}
