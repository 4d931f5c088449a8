/**
 * AsaConfig → Exposure[].
 *
 * Since ASA 8.3, interface ACLs match REAL (untranslated) addresses: an ACL exposure keeps the real
 * `to` it names, and the static NAT that publishes that host is a `nat-forward` exposure whose `to` is
 * the mapped (public) address and `translated.to` the real one. The shared NAT step (model/nat.ts)
 * composes the two in the ASA's order (`asaNatOrder`).
 */
import {type Denial, type Exposure, exposureBox} from '../../model/exposure.js'
import {forwardingFilter, leavesToward, type NatOrder} from '../../model/nat.js'
import {AddressSet} from '../../net/address-set.js'
import {type Box, ANY_BOX} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {evaluateList, type EvalRule} from '../../model/evaluate.js'
import {ciscoExposure, type CiscoRuleMeta} from '../cisco-common.js'
import {addDoubts, buildExposure, type ExposureInit} from '../../model/build.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import {sameFamilies} from '../../net/terms.js'
import type {AccessGroup, Ace, AsaConfig, AsaInterface, MgmtService} from './model.js'

const TCP = 6
const UDP = 17
const ESP = 50

type Meta = CiscoRuleMeta

/** `denies` (when given) receives each deny as the ACL evaluation applied it, then the ACL's implicit deny at its access-group line. */
export function asaExposures(cfg: AsaConfig, redact: (t: string) => string, denies?: Denial[]): Exposure[] {
  const out: Exposure[] = []
  const make = (kind: Exposure['kind'], b: Box, meta: Meta, extra: Extra = {}): Exposure =>
    ciscoExposure(kind, b, meta, redact, extra)

  // rule name: ACL name and the ACE's position among the ACL's entries (remarks not counted)
  const aclRules = (name: string): Array<EvalRule<Meta>> => {
    const rules: Array<EvalRule<Meta>> = []
    const aces = cfg.acls.get(name) ?? []
    aces.forEach((ace: Ace, idx) => {
      const meta: Meta = {node: ace.node, rule: `${name}#${idx + 1}`, name, doubts: ace.doubts, via: ace.via, fromSets: ace.fromSets, toSets: ace.toSets}
      for (const b of ace.boxes) rules.push({match: b, action: ace.action, opaque: ace.opaque, meta})
    })
    return rules
  }

  const legacy = legacyNat(cfg)
  const filters = (rules: Array<EvalRule<Meta>>, extra: Extra, doubts: DoubtNote[] = [], binding?: AccessGroup) => {
    if (legacy) doubts = [...doubts, note('vendor-semantics', 'before ASA 8.3, ACLs name the mapped (public) addresses of NATed hosts')]
    const implicit: Meta | undefined = binding ? {node: binding.node, rule: `${binding.acl} implicit deny`, doubts: []} : undefined
    const result = evaluateList(rules, 'deny', implicit, {recordDenies: denies !== undefined})
    const direction = extra.direction ?? 'inbound'
    for (const d of result.denies ?? []) denies?.push({line: d.meta.node.line, rule: d.meta.rule, box: d.box, direction})
    for (const p of result.permits) {
      const e = make('filter', p.box, p.meta, extra)
      addDoubts(e, doubts)
      out.push(e)
    }
  }

  const active = [...cfg.interfaces.values()].filter((i) => !i.shutdown)
  const {inbound, outbound, global} = cfg.bindings
  for (const g of cfg.accessGroups) {
    if (g.direction !== 'out' || outbound.get(g.iface!) !== g || cfg.interfaces.get(g.iface!)?.shutdown) continue
    filters(aclRules(g.acl), {direction: 'outbound', interfaces: {out: [g.iface!]}, toZones: [g.iface!]}, ifaceNote(cfg, g.iface!), g)
  }
  // every interface named by an access-group counts, even when its `interface` block is not in the file
  const ifaceNames = new Set([...active.map((i) => i.nameif), ...inbound.keys()])
  for (const name of inbound.keys()) if (cfg.interfaces.get(name)?.shutdown) ifaceNames.delete(name)

  // ASA: interface rules first, then global rules, then the implicit deny
  const globalRules = global ? aclRules(global.acl) : []
  const withoutAcl: string[] = []
  for (const name of ifaceNames) {
    const group = inbound.get(name)
    // the implicit deny closes the global ACL when there is one, else the interface's
    if (group) filters([...aclRules(group.acl), ...globalRules], {interfaces: {in: [name]}, fromZones: [name]}, ifaceNote(cfg, name), global ?? group)
    else withoutAcl.push(name)
  }
  if (global && withoutAcl.length) filters(globalRules, {interfaces: {in: withoutAcl}, fromZones: withoutAcl}, [], global)
  else if (!global) out.push(...securityLevelPermits(cfg, withoutAcl.map((n) => cfg.interfaces.get(n)).filter((i): i is AsaInterface => !!i)))

  // a file of bare ACLs (no interfaces, no access-group): read each as if applied inbound
  if (!cfg.interfaces.size && !cfg.accessGroups.length) {
    for (const name of cfg.acls.keys()) {
      filters(aclRules(name), {}, [note('not-applied', `ACL ${name} is not applied in this file (no access-group); evaluated as if applied inbound`)])
    }
  }

  out.push(...staticNats(cfg, make))
  out.push(...managementPermits(cfg, make))
  out.push(...vpnListeners(cfg, make))
  return out
}

/** Static NAT: the mapped address forwards to the real one (composed with the ACLs by the shared step). */
function staticNats(cfg: AsaConfig, make: (kind: Exposure['kind'], b: Box, meta: Meta, extra?: Extra) => Exposure): Exposure[] {
  const out: Exposure[] = []
  for (const nat of cfg.nats) {
    const protocols = nat.service?.protocols ?? ProtocolSet.ALL
    // an inbound connection to the mapped address comes from that address's family
    const b: Box = {...ANY_BOX, from: (nat.peer?.set ?? AddressSet.ANY).intersect(sameFamilies(nat.mapped.set)), to: nat.mapped.set, protocols, ports: nat.service?.mappedPorts ?? PortSet.ALL}
    const unresolved = [...nat.mapped.unresolved, ...nat.real.unresolved]
    const doubts = [...nat.doubts, ...(unresolved.length ? [note('unexpanded-set', `unexpanded ${unresolved.join(', ')}`)] : [])]
    const extra: Extra & {interfaces?: {in: string[]}; fromZones?: string[]; toZones?: string[]} = {translated: {to: nat.real.set, ...(nat.service ? {ports: nat.service.realPorts} : {})}}
    if (nat.mappedIf !== 'any') {
      extra.interfaces = {in: [nat.mappedIf]}
      extra.fromZones = [nat.mappedIf]
    }
    if (nat.realIf !== 'any') extra.toZones = [nat.realIf]
    out.push(make('nat-forward', b, {node: nat.node, rule: nat.rule, doubts, fromSets: nat.peer?.unresolved, toSets: nat.mapped.unresolved}, extra))
  }
  return out
}

/** Before ASA 8.3, ACLs name the mapped (public) addresses of NATed hosts. */
function legacyNat(cfg: AsaConfig): boolean {
  return !!cfg.version && (cfg.version[0] < 8 || (cfg.version[0] === 8 && cfg.version[1] < 3))
}

/**
 * ASA order for inbound static NAT: the mapped destination is untranslated first, then the ingress
 * interface's ACL (or global ACL, or security-level default) decides on the REAL address (8.3+; the
 * mapped one before 8.3). The ACL must be on the NAT's mapped interface; a security-level permit must
 * lead toward its real interface.
 */
export function asaNatOrder(cfg: AsaConfig): NatOrder {
  const legacy = legacyNat(cfg)
  return {
    filterWords: 'interface ACL entry or security-level permit',
    candidate: forwardingFilter,
    sees: () => (legacy ? 'original' : 'translated'),
    pairs: (n, f) => leavesToward(f, n.toZones ?? []),
    // a security-level permit's destinations are its interface's networks and routes; a static NAT
    // naming its real interface sends the packet there whatever the routes (NAT divert)
    wide: (f) => f.rule.startsWith('security-level '),
    filterBox: (f, n) => {
      const b = exposureBox(f)
      return f.rule.startsWith('security-level ') && n.toZones?.length && f.toZones?.some((z) => n.toZones!.includes(z)) ? {...b, to: AddressSet.ANY} : b
    },
    byContent: true,
  }
}

function ifaceNote(cfg: AsaConfig, name: string): DoubtNote[] {
  return cfg.interfaces.has(name) ? [] : [note('undefined-object', `interface ${name} is not defined in this file`)]
}

/**
 * No inbound ACL and no global ACL: the ASA lets traffic go from a higher security level to a lower
 * one (and between equal levels with `same-security-traffic permit inter-interface`). Destinations are
 * approximated by what the lower interface reaches: its connected networks and its static routes
 * (dynamic routing is not modelled).
 */
function securityLevelPermits(cfg: AsaConfig, ifaces: AsaInterface[]): Exposure[] {
  const out: Exposure[] = []
  const all = [...cfg.interfaces.values()].filter((i) => !i.shutdown)
  for (const src of ifaces) {
    for (const dst of all) {
      if (dst === src) continue
      if (!(dst.level < src.level || (dst.level === src.level && cfg.sameSecurityInter))) continue
      const routed = cfg.routes.get(dst.nameif)
      const reach = dst.networks || routed ? (dst.networks ?? AddressSet.EMPTY).union(routed ?? AddressSet.EMPTY) : undefined
      const doubts = [
        note('vendor-default', `security-level default permit: no inbound ACL on ${src.nameif} (level ${src.level}) toward ${dst.nameif} (level ${dst.level}); destinations are ${dst.nameif}'s connected and statically routed networks`),
        ...(reach ? [] : [note('unknown-address', `${dst.nameif} has no static address or route; destination read as any`)]),
      ]
      out.push(
        buildExposure({
          kind: 'filter',
          box: {...ANY_BOX, to: reach ?? AddressSet.ANY},
          line: src.node.line,
          rule: `security-level ${src.nameif}->${dst.nameif}`,
          text: src.node.text,
          interfaces: {in: [src.nameif], out: [dst.nameif]},
          fromZones: [src.nameif],
          toZones: [dst.nameif],
          doubts,
        }),
      )
    }
  }
  return out
}

type Extra = Omit<ExposureInit, 'kind' | 'box' | 'line' | 'rule'>
type Make = (kind: Exposure['kind'], b: Box, meta: Meta, extra?: Extra) => Exposure

function ifaceTarget(cfg: AsaConfig, iface: string): {to: AddressSet; doubts: DoubtNote[]} {
  const i = cfg.interfaces.get(iface)
  if (i?.addresses) return {to: i.addresses, doubts: []}
  return {to: AddressSet.ANY, doubts: [note('unknown-address', `address of interface ${iface} unknown; destination read as any`)]}
}

const MGMT_PORT: Record<Exclude<MgmtService, 'http'>, {proto: number; port: number}> = {
  ssh: {proto: TCP, port: 22},
  telnet: {proto: TCP, port: 23},
  snmp: {proto: UDP, port: 161},
}

/** Access to the device itself: ssh/telnet/http/snmp lines and icmp rules, to the interface addresses. */
function managementPermits(cfg: AsaConfig, make: Make): Exposure[] {
  const out: Exposure[] = []
  for (const m of cfg.mgmt) {
    let proto: number
    let port: number
    if (m.service === 'http') {
      // ASDM/HTTPS management answers only when `http server enable` is configured
      if (!cfg.httpServer) continue
      proto = TCP
      port = cfg.httpServer.port
    } else {
      if (m.service === 'snmp' && !cfg.snmpEnabled) continue
      ;({proto, port} = MGMT_PORT[m.service])
    }
    const t = ifaceTarget(cfg, m.iface)
    const b: Box = {...ANY_BOX, from: m.from, to: t.to.intersect(sameFamilies(m.from)), protocols: ProtocolSet.of(proto), ports: PortSet.range(port)}
    if (b.to.isEmpty()) continue
    out.push(make('filter', b, {node: m.node, rule: `${m.service === 'http' ? 'http' : m.service} ${m.iface}`, doubts: [note('device-itself', 'management access to the device'), ...t.doubts]}, mgmtExtra(m.iface)))
  }
  for (const r of cfg.httpRedirect) {
    const t = ifaceTarget(cfg, r.iface)
    const b: Box = {...ANY_BOX, to: t.to, protocols: ProtocolSet.of(TCP), ports: PortSet.range(r.port)}
    out.push(make('filter', b, {node: r.node, rule: `http redirect ${r.iface}`, doubts: [note('listener-info', 'HTTP listener that redirects to HTTPS'), ...t.doubts]}, mgmtExtra(r.iface)))
  }
  // ICMP to the box: `icmp` rules (IPv4) are first match per interface with an implicit deny once any
  // rule exists for it; without rules the ASA answers ICMP. ICMPv6 (`ipv6 icmp`) is left at its default.
  const ifaces = new Set([...cfg.interfaces.values()].filter((i) => !i.shutdown).map((i) => i.nameif))
  for (const iface of cfg.icmp.keys()) ifaces.add(iface)
  for (const iface of ifaces) {
    const t = ifaceTarget(cfg, iface)
    const i = cfg.interfaces.get(iface)
    const v4 = t.to.only(4)
    const v6 = t.to.only(6)
    const byDefault = (protocol: number, to: AddressSet) => {
      if (!i || to.isEmpty()) return
      const b: Box = {...ANY_BOX, from: sameFamilies(to), to, protocols: ProtocolSet.of(protocol)}
      out.push(make('filter', b, {node: i.node, rule: `icmp ${iface}`, doubts: [note('vendor-default', `no ${protocol === 1 ? 'icmp' : 'ipv6 icmp'} rules for this interface: the ASA answers by default`)]}, mgmtExtra(iface)))
    }
    if (i?.addresses) byDefault(58, v6)
    const rules = cfg.icmp.get(iface)
    if (!rules) {
      if (i?.addresses) byDefault(1, v4)
      continue
    }
    const evalRules: Array<EvalRule<Meta>> = rules.map((r, idx) => ({
      match: {...ANY_BOX, from: r.from.intersect(AddressSet.ANY4), to: i?.addresses ? v4 : t.to, protocols: ProtocolSet.of(1)},
      action: r.action,
      opaque: r.type !== undefined,
      meta: {node: r.node, rule: `icmp ${iface}#${idx + 1}`, doubts: [...(r.type ? [note('icmp-type', `icmp type ${r.type} (exposure shows all icmp)`)] : []), ...t.doubts]},
    }))
    for (const p of evaluateList(evalRules, 'deny').permits) out.push(make('filter', p.box, p.meta, mgmtExtra(iface)))
  }
  return out
}

/** To the device itself, on one interface. */
function mgmtExtra(iface: string): Extra {
  return {interfaces: {in: [iface]}, fromZones: [iface], hostLocal: true}
}

/** AnyConnect/clientless TLS (tcp and DTLS) and IKE/IPsec listeners on the interfaces they are enabled on. */
function vpnListeners(cfg: AsaConfig, make: Make): Exposure[] {
  const out: Exposure[] = []
  const w = cfg.webvpn
  if (w) {
    for (const {iface, node} of w.ifaces) {
      const t = ifaceTarget(cfg, iface)
      const protocols = w.anyconnect ? ProtocolSet.of(TCP, UDP) : ProtocolSet.of(TCP)
      const doubts = [note('listener-info', w.anyconnect ? 'SSL VPN (AnyConnect with DTLS on udp)' : 'clientless SSL VPN portal'), ...t.doubts]
      const b: Box = {...ANY_BOX, to: t.to, protocols, ports: PortSet.range(w.port)}
      out.push(make('vpn-listener', b, {node, rule: `webvpn enable ${iface}`, doubts}, mgmtExtra(iface)))
    }
  }
  for (const ike of cfg.ikeEnabled) {
    const t = ifaceTarget(cfg, ike.iface)
    // peers: the crypto maps bound to this interface; a dynamic map or a remote-access tunnel-group takes anyone
    let from = AddressSet.EMPTY
    let anyone = false
    const maps = cfg.cryptoMapIfaces.filter((m) => m.iface === ike.iface)
    for (const m of maps) {
      for (const e of cfg.cryptoMaps.get(m.map) ?? []) {
        if (e.dynamic) anyone = true
        else from = from.union(e.peers)
      }
    }
    if (!maps.length) anyone = true
    const doubts = [...t.doubts]
    if (anyone) {
      from = AddressSet.ANY
      doubts.push(note('any-peer', maps.length ? 'dynamic crypto map: any peer may negotiate' : 'no crypto map on this interface: any peer may negotiate'))
    }
    const meta: Meta = {node: ike.node, rule: `crypto ${ike.version} enable ${ike.iface}`, doubts}
    out.push(make('vpn-listener', {...ANY_BOX, from, to: t.to, protocols: ProtocolSet.of(UDP), ports: PortSet.fromRanges([[500, 500], [4500, 4500]])}, meta, mgmtExtra(ike.iface)))
    out.push(make('vpn-listener', {...ANY_BOX, from, to: t.to, protocols: ProtocolSet.of(ESP)}, meta, mgmtExtra(ike.iface)))
    if (ike.clientServicesPort !== undefined) {
      const cs: Meta = {node: ike.node, rule: `crypto ${ike.version} client-services ${ike.iface}`, doubts: [note('any-peer', 'IKEv2 client services (AnyConnect IPsec): any client may connect'), ...t.doubts]}
      out.push(make('vpn-listener', {...ANY_BOX, to: t.to, protocols: ProtocolSet.of(TCP), ports: PortSet.range(ike.clientServicesPort)}, cs, mgmtExtra(ike.iface)))
    }
  }
  return out
}
