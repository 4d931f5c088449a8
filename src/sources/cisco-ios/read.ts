/**
 * IOS / IOS-XE running-config text → IosConfig. Object-groups are collected first and expanded
 * lazily (memoized, cycle-safe); ACLs keep their entries in sequence order.
 */
import {AddressSet} from '../../net/address-set.js'
import {IPV4_MAX, parseCidr, parseIp, parseIpv4Fast, wildcardToCidr} from '../../net/ip.js'
import type {Box} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {parseProtocol} from '../../net/protocol.js'
import {
  ANY_SERVICE,
  cidrSet,
  ciscoPort,
  ICMP_TYPES,
  type CiscoNode,
  type LineLedger,
  PORT_OPS,
  type ReadError,
  readPortOp,
  type ServiceTerm,
} from '../cisco-common.js'
import type {IgnoredTable} from '../kit/ledger.js'
import {TCP_UDP, termBox} from '../../net/terms.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import {classBoxes, readClassMap, readPolicyMap, readZonePair} from './zbf.js'
import type {IosAcl, IosConfig, IosInterface, VtyLine} from './model.js'

/** Top-level commands that say nothing about reach, with the reason we skip them. */
const IGNORED: IgnoredTable = new Map(Object.entries({
  version: 'software version',
  service: 'device services',
  hostname: 'identity',
  'boot-start-marker': 'boot',
  'boot-end-marker': 'boot',
  boot: 'boot image',
  logging: 'logging setup',
  ntp: 'time sync',
  clock: 'time settings',
  aaa: 'authentication settings',
  enable: 'local credentials',
  username: 'local accounts',
  no: 'disables a default',
  router: 'routing process, not access',
  'route-map': 'routing policy',
  'control-plane': 'control-plane policing',
  multilink: 'PPP bundles',
  memory: 'diagnostics',
  archive: 'config archive',
  spd: 'queueing',
  security: 'password policy',
  login: 'login protection',
  vpdn: 'dial-in settings',
  'dial-peer': 'voice',
  'dialer-list': 'dial-on-demand trigger',
  cdp: 'neighbour discovery',
  lldp: 'neighbour discovery',
  license: 'licensing',
  redundancy: 'HA settings',
  'spanning-tree': 'layer 2',
  vlan: 'layer 2',
  vtp: 'layer 2',
  mac: 'layer 2',
  errdisable: 'port recovery',
  power: 'PoE',
  track: 'object tracking',
  key: 'key chains (secrets, never echoed)',
  'tacacs-server': 'AAA server (secret, never echoed)',
  'radius-server': 'AAA server (secret, never echoed)',
  tacacs: 'AAA server (secret, never echoed)',
  radius: 'AAA server (secret, never echoed)',
  end: 'end of config',
  exit: 'leaves a config mode',
  platform: 'hardware settings',
  diagnostic: 'diagnostics',
  'call-home': 'telemetry to Cisco',
  transceiver: 'optics',
  alias: 'CLI aliases',
  process: 'CPU thresholds',
  file: 'file system',
  system: 'system settings',
  mpls: 'label switching',
  'bba-group': 'PPPoE group',
  subscriber: 'broadband',
  template: 'interface templates',
  event: 'EEM scripts',
  scheduler: 'scheduler',
  exception: 'crash handling',
  'parameter-map': 'inspection parameters',
  'ip': 'IP service setting',
  'ipv6': 'IPv6 routing or ND setting',
  vrf: 'routing instance',
  'class-map': 'QoS class (not an access control)',
  'policy-map': 'QoS policy (not an access control)',
  'service-policy': 'QoS binding',
  'virtual-service': 'container apps',
  'netconf-yang': 'management API (listens on tcp/830 via ssh)',
  restconf: 'management API',
  'crypto': 'IPsec/PKI parameters',
  'voice': 'voice',
  'voice-card': 'voice',
  'telephony-service': 'voice',
  'sccp': 'voice',
  'wsma': 'management agent',
  'shell': 'shell settings',
  'flow': 'NetFlow records',
  'sampler': 'NetFlow sampling',
  'monitor': 'SPAN/flow monitor',
  'object-group-search': 'search optimisation',
  'port-channel': 'bundling',
  'udld': 'layer 2',
  'authentication': 'port auth',
  'dot1x': 'port auth',
  'snmp': 'SNMP settings',
  'domain': 'DNS',
  'macro': 'macros',
  'hw-module': 'hardware',
  'card': 'hardware',
  'controller': 'hardware',
  'network-clock-participate': 'clocking',
  'network-clock': 'clocking',
  'warm-reboot': 'boot',
  'cts': 'TrustSec settings',
  'device-tracking': 'IPv6 first-hop security',
  'pnp': 'plug and play',
  'stackwise-virtual': 'stacking',
  'switch': 'stacking',
  'username-password': 'local accounts',
  'privilege': 'CLI privileges',
  'configuration': 'config mode',
  'resource': 'resource policy',
  'table-map': 'QoS',
  'qos': 'QoS',
  'mls': 'QoS',
  'access-session': 'port auth',
  'fhrp': 'first-hop redundancy',
  'bfd': 'routing',
  'bfd-template': 'routing',
  'segment-routing': 'routing',
  'l2vpn': 'layer 2 VPN',
  'bridge': 'bridging',
  'chat-script': 'modem',
  'ppp': 'PPP settings',
  'modemcap': 'modem',
  'rtr': 'IP SLA',
  'gnss': 'timing',
  'ptp': 'timing',
  // `show running-config` preamble
  Building: 'show running-config preamble',
  Current: 'show running-config preamble',
  'time-range': 'time windows (rules using them carry a note)',
  'gnmi-yang': 'management API',
  telemetry: 'streaming telemetry',
  application: 'voice applications',
  'sip-ua': 'voice',
  stcapp: 'voice',
  ephone: 'voice',
  'ephone-dn': 'voice',
  gatekeeper: 'voice',
  gateway: 'voice',
  mgcp: 'voice',
  'ccm-manager': 'voice',
  'tftp-server': 'serves files to phones',
  'pseudowire-class': 'layer 2 VPN',
  'bridge-domain': 'bridging',
  dot11: 'wireless SSIDs (keys never echoed)',
  identity: 'port auth profiles',
  ethernet: 'Ethernet OAM',
  'frame-relay': 'WAN encapsulation',
  atm: 'WAN encapsulation',
  isdn: 'WAN encapsulation',
  kron: 'scheduled commands',
  'async-bootp': 'dial-in',
  dialer: 'dial-on-demand',
  default: 'restores a default',
}))

const NO_PORTS = new Set(['icmp', 'ipv6-icmp', 'esp', 'ahp', 'gre', 'ip', 'ipv6', 'igmp', 'ospf', 'eigrp', 'pim', 'ipinip', 'nos', 'pcp'])

type GroupKind = 'network' | 'service' | 'protocol' | 'port'

export class IosReader {
  readonly config: IosConfig = {
    interfaces: new Map(),
    acls: new Map(),
    nats: [],
    classMaps: new Map(),
    policies: new Map(),
    zones: new Set(),
    zonePairs: [],
    vty: [],
    snmpCommunities: new Map(),
    webvpnGateways: [],
    cryptoMapPeers: new Map(),
  }

  private readonly groups = new Map<string, {kind: GroupKind; node: CiscoNode}>()
  private readonly netMemo = new Map<string, {set: AddressSet; unresolved: string[]} | null>()
  private readonly svcMemo = new Map<string, ServiceTerm[] | null>()
  private readonly protoMemo = new Map<string, ProtocolSet | null>()
  private readonly portMemo = new Map<string, PortSet | null>()
  private readonly resolving = new Set<string>()
  private readonly deferred: CiscoNode[] = []

  constructor(private readonly ledger: LineLedger) {}

  read(nodes: CiscoNode[]): IosConfig {
    for (const n of nodes) {
      const group = groupHeader(n.words)
      if (group) {
        this.groups.set(group.name, {kind: group.kind, node: n})
        this.ledger.ok(n)
      } else if (n.words[0] === 'interface') this.iface(n)
      else this.deferred.push(n)
    }
    for (const [name, g] of this.groups) {
      if (g.kind === 'network') this.netGroup(name)
      else if (g.kind === 'service') this.serviceGroup(name)
      else if (g.kind === 'protocol') this.protocolGroup(name)
      else this.portGroup(name)
    }
    for (const n of this.deferred) this.command(n)
    // check every inspect class-map once, used or not, so each match line gets its verdict
    for (const cm of this.config.classMaps.values()) classBoxes(this.config, cm.matches, cm.matchAll, this.ledger)
    return this.config
  }

  // ---------- interfaces ----------

  private iface(n: CiscoNode): void {
    this.ledger.ok(n)
    const name = n.words.slice(1).join(' ').replace(/ (?:point-to-point|multipoint|type \S+)$/, '')
    const ifc: IosInterface = {name, node: n, addresses: AddressSet.EMPTY, shutdown: false, dynamicAddress: false, unnumbered: false, hasIpv6: false, natOutside: false}
    for (const c of n.children) {
      const w = c.words
      this.ledger.okTree(c)
      if (w[0] === 'shutdown') ifc.shutdown = true
      else if (w[0] === 'ip' && w[1] === 'address') {
        if (w[2] === 'dhcp' || w[2] === 'negotiated') ifc.dynamicAddress = true
        else {
          // NX-OS writes `ip address A/len`
          const [a, len] = (w[2] ?? '').split('/')
          const ip = parseIp(a)
          const cidr = parseCidr(`${a}/${len ?? w[3] ?? ''}`)
          if (!ip || !cidr) this.ledger.bad(c, 'ip address needs an address and a mask', 'malformed')
          else {
            ifc.addresses = ifc.addresses.union(AddressSet.of(a))
            ;(ifc.prefixed ??= []).push(`${a}/${cidr.prefix}`)
          }
        }
      } else if (w[0] === 'ip' && w[1] === 'unnumbered') ifc.unnumbered = true
      else if (w[0] === 'ipv6' && w[1] === 'address') {
        ifc.hasIpv6 = true
        const a = w[2]?.split('/')[0] ?? ''
        if (parseIp(a)?.family === 6 && w[3] !== 'eui-64') {
          ifc.addresses = ifc.addresses.union(AddressSet.of(a))
          if (parseCidr(w[2] ?? '')) (ifc.prefixed ??= []).push(w[2])
        }
        else if (w[2] === 'dhcp' || w[2] === 'autoconfig' || w[3] === 'eui-64') ifc.dynamicAddress = true
      } else if (w[0] === 'ipv6' && w[1] === 'enable') ifc.hasIpv6 = true
      else if (w[0] === 'ip' && w[1] === 'access-group' && w[2] && (w[3] === 'in' || w[3] === 'out')) {
        if (w[3] === 'in') ifc.aclIn = {name: w[2], node: c}
        else ifc.aclOut = {name: w[2], node: c}
      } else if (w[0] === 'ipv6' && w[1] === 'traffic-filter' && w[2] && (w[3] === 'in' || w[3] === 'out')) {
        if (w[3] === 'in') ifc.acl6In = {name: w[2], node: c}
        else ifc.acl6Out = {name: w[2], node: c}
      } else if (w[0] === 'zone-member' && w[1] === 'security' && w[2]) ifc.zone = w[2]
      else if (w[0] === 'ip' && w[1] === 'nat' && w[2] === 'outside') ifc.natOutside = true
      else if (w[0] === 'crypto' && w[1] === 'map' && w[2]) ifc.cryptoMap = {name: w[2], node: c}
      else if (w[0] === 'tunnel') {
        ifc.tunnel ??= {protection: false, ipsecMode: false, node: c}
        if (w[1] === 'source' && w[2]) ifc.tunnel.source = w[2]
        else if (w[1] === 'destination' && w[2]) {
          const d = AddressSet.parse(w[2])
          if (d) ifc.tunnel.destination = d
          else {
            // a DNS name resolved at run time: any peer
            ifc.tunnel.destination = AddressSet.ANY
            this.ledger.bad(c, `tunnel destination '${w[2]}' is not an address`, 'bad-value')
          }
          ifc.tunnel.node = c
        } else if (w[1] === 'protection') ifc.tunnel.protection = true
        else if (w[1] === 'mode' && w[2] === 'ipsec') ifc.tunnel.ipsecMode = true
      }
      // duplex, speed, description, mtu, ospf, nat inside, proxy-arp…: link and routing settings
    }
    this.config.interfaces.set(name, ifc)
  }

  // ---------- object-groups ----------

  /** IOS object-group network: `host A`, `A M` (subnet mask), `A/len`, `range A B`, `any`, `group-object G`. */
  private netGroup(name: string): {set: AddressSet; unresolved: string[]} | null {
    if (this.netMemo.has(name)) return this.netMemo.get(name) ?? null
    const g = this.groups.get(name)
    if (!g || g.kind !== 'network' || this.resolving.has(name)) return null
    this.resolving.add(name)
    const sets: AddressSet[] = []
    const unresolved: string[] = []
    for (const c of g.node.children) {
      // NX-OS numbers group entries (`10 host 192.0.2.1`)
      const w = /^\d+$/.test(c.words[0]) && c.words.length > 1 ? c.words.slice(1) : c.words
      let set: AddressSet | null = null
      if (w[0] === 'description') {
        this.ledger.ok(c)
        continue
      } else if (w[0] === 'host') set = AddressSet.parse(w[1] ?? '')
      else if (w[0] === 'any') set = AddressSet.ANY
      else if (w[0] === 'range') {
        const a = parseIp(w[1] ?? '')
        const b = parseIp(w[2] ?? '')
        if (a && b && a.family === b.family && a.value <= b.value) set = AddressSet.fromRange(a.family, a.value, b.value)
      } else if (w[0] === 'group-object') {
        const sub = this.netGroup(w[1] ?? '')
        if (!sub) {
          this.ledger.bad(c, `network group '${w[1] ?? ''}' is not defined`, 'undefined-reference')
          unresolved.push(w[1] ?? '')
          continue
        }
        unresolved.push(...sub.unresolved)
        set = sub.set
      } else if (w[0].includes('/')) set = AddressSet.parse(w[0])
      else if (parseIp(w[0])) {
        const c2 = parseCidr(`${w[0]}/${w[1] ?? '32'}`)
        set = c2 ? cidrSet(c2) : null
      }
      if (!set) {
        this.ledger.bad(c, `cannot read network group entry '${w[0]}'`, 'bad-value')
        continue
      }
      this.ledger.ok(c)
      sets.push(set)
    }
    this.resolving.delete(name)
    const result = {set: unresolved.length ? AddressSet.ANY : AddressSet.unionAll(sets), unresolved}
    this.netMemo.set(name, result)
    return result
  }

  /** IOS object-group service: `tcp eq 443`, `tcp source eq 1 eq 80`, `tcp-udp range 1 2`, `icmp echo`, `esp`, `group-object`. */
  private serviceGroup(name: string): ServiceTerm[] | null {
    if (this.svcMemo.has(name)) return this.svcMemo.get(name) ?? null
    const g = this.groups.get(name)
    if (!g || g.kind !== 'service' || this.resolving.has(`s:${name}`)) return null
    this.resolving.add(`s:${name}`)
    const terms: ServiceTerm[] = []
    for (const c of g.node.children) {
      const w = c.words
      if (w[0] === 'description') {
        this.ledger.ok(c)
        continue
      }
      if (w[0] === 'group-object') {
        const sub = this.serviceGroup(w[1] ?? '')
        if (!sub) {
          this.ledger.bad(c, `service group '${w[1] ?? ''}' is not defined`, 'undefined-reference')
          continue
        }
        terms.push(...sub)
        this.ledger.ok(c)
        continue
      }
      const protocols = w[0] === 'tcp-udp' ? TCP_UDP : parseProtocol(w[0] === 'ahp' ? 'ah' : w[0])
      if (!protocols) {
        this.ledger.bad(c, `unknown protocol '${w[0]}'`, 'bad-value')
        continue
      }
      let ports = PortSet.ALL
      let sourcePorts = PortSet.ALL
      let icmp: DoubtNote | undefined
      let i = 1
      let error: ReadError | undefined
      if (w[0] === 'icmp') {
        if (w[1]) icmp = note('icmp-type', `icmp type ${w[1]} (exposure shows all icmp)`)
      } else {
        if (w[i] === 'source') {
          const r = readPortOp(w, i + 1)
          if ('error' in r) error = r
          else {
            sourcePorts = r.ports
            i = r.next
          }
        }
        if (!error && PORT_OPS.has(w[i])) {
          const r = readPortOp(w, i)
          if ('error' in r) error = r
          else {
            ports = r.ports
            i = r.next
          }
        }
        if (!error && i < w.length) error = {error: `unexpected '${w[i]}'`, code: 'malformed'}
      }
      if (error) {
        this.ledger.fail(c, error)
        continue
      }
      this.ledger.ok(c)
      terms.push({protocols, ports, sourcePorts, note: icmp})
    }
    this.resolving.delete(`s:${name}`)
    this.svcMemo.set(name, terms)
    return terms
  }

  /** `object-group protocol`: `protocol-object tcp`, or a bare protocol per line (`tcp`, `50`). */
  private protocolGroup(name: string): ProtocolSet | null {
    if (this.protoMemo.has(name)) return this.protoMemo.get(name) ?? null
    const g = this.groups.get(name)
    if (!g || g.kind !== 'protocol' || this.resolving.has(`p:${name}`)) return null
    this.resolving.add(`p:${name}`)
    let set = ProtocolSet.EMPTY
    for (const c of g.node.children) {
      const w = c.words[0] === 'protocol-object' ? c.words.slice(1) : c.words
      if (w[0] === 'description') {
        this.ledger.ok(c)
        continue
      }
      if (w[0] === 'group-object') {
        const sub = this.protocolGroup(w[1] ?? '')
        if (!sub) this.ledger.bad(c, `protocol group '${w[1] ?? ''}' is not defined`, 'undefined-reference')
        else {
          set = set.union(sub)
          this.ledger.ok(c)
        }
        continue
      }
      const p = w.length === 1 ? parseProtocol(w[0] === 'ahp' ? 'ah' : w[0]) : null
      if (!p) this.ledger.bad(c, `unknown protocol '${w.join(' ')}'`, 'bad-value')
      else {
        set = set.union(p)
        this.ledger.ok(c)
      }
    }
    this.resolving.delete(`p:${name}`)
    this.protoMemo.set(name, set)
    return set
  }

  /** NX-OS `object-group ip port`: `[seq] eq|gt|lt|neq|range …` per line, used as `portgroup NAME`. */
  private portGroup(name: string): PortSet | null {
    if (this.portMemo.has(name)) return this.portMemo.get(name) ?? null
    const g = this.groups.get(name)
    if (!g || g.kind !== 'port') return null
    let set = PortSet.EMPTY
    for (const c of g.node.children) {
      const w = /^\d+$/.test(c.words[0]) && c.words.length > 1 ? c.words.slice(1) : c.words
      if (w[0] === 'description') {
        this.ledger.ok(c)
        continue
      }
      const r = PORT_OPS.has(w[0]) ? readPortOp(w, 0) : {error: `cannot read port group entry '${w[0]}'`}
      if ('error' in r) this.ledger.fail(c, r)
      else if (r.next < w.length) this.ledger.bad(c, `unexpected '${w[r.next]}'`, 'malformed')
      else {
        set = set.union(r.ports)
        this.ledger.ok(c)
      }
    }
    this.portMemo.set(name, set)
    return set
  }

  /** Ports after an address: an operator (`eq 443`) or an NX-OS `portgroup NAME`; undefined when neither. */
  private portOperand(w: string[], i: number): {ports: PortSet; next: number} | ReadError | undefined {
    if (PORT_OPS.has(w[i])) return readPortOp(w, i)
    if (w[i] !== 'portgroup') return undefined
    const g = this.portGroup(w[i + 1] ?? '')
    return g ? {ports: g, next: i + 2} : {error: `port group '${w[i + 1] ?? ''}' is not defined`, code: 'undefined-reference'}
  }

  // ---------- commands ----------

  private command(n: CiscoNode): void {
    const w = n.words
    if (w[0] === 'access-list') return this.numberedAcl(n)
    if (w[0] === 'ip' && w[1] === 'access-list') return this.namedAcl(n, 4)
    if (w[0] === 'ipv6' && w[1] === 'access-list') return this.namedAcl(n, 6)
    if (w[0] === 'ip' && w[1] === 'nat') return this.nat(n)
    if (w[0] === 'ip' && w[1] === 'http') return this.http(n)
    if ((w[0] === 'ip' || w[0] === 'ipv6') && w[1] === 'route') return this.route(n)
    if (w[0] === 'class-map' && w[1] === 'type' && w[2] === 'inspect') return readClassMap(n, this.config, this.ledger)
    if (w[0] === 'policy-map' && w[1] === 'type' && w[2] === 'inspect') return readPolicyMap(n, this.config, this.ledger)
    if (w[0] === 'zone' && w[1] === 'security' && w[2]) {
      this.config.zones.add(w[2])
      this.ledger.okTree(n)
      return
    }
    if (w[0] === 'zone-pair' && w[1] === 'security') return readZonePair(n, this.config, this.ledger)
    if (w[0] === 'line') return this.line(n)
    if (w[0] === 'snmp-server') return this.snmp(n)
    if (w[0] === 'crypto') return this.crypto(n)
    if (w[0] === 'webvpn') return this.webvpn(n)
    if (w[0] === 'banner') {
      this.ledger.ignoredTree(n, 'login banner text, opens nothing')
      return
    }
    if (w[0] === 'object-group') return this.ledger.badTree(n, `unsupported object-group type '${w[1] ?? ''}'`, 'unsupported')
    const ignored = IGNORED.get(w[0])
    if (ignored !== undefined) {
      this.ledger.ignoredTree(n, ignored)
      return
    }
    this.ledger.badTree(n, `unknown command '${w[0]}'`, 'unknown-statement')
  }

  /** `ip route [vrf V] 0.0.0.0 0.0.0.0 IFACE|HOP …`, `ipv6 route ::/0 IFACE|HOP`: only the default route matters (device model). */
  private route(n: CiscoNode): void {
    this.ledger.okTree(n)
    const w = n.words[2] === 'vrf' ? [...n.words.slice(0, 2), ...n.words.slice(4)] : n.words
    const v4Default = w[0] === 'ip' && w[2] === '0.0.0.0' && w[3] === '0.0.0.0'
    const v6Default = w[0] === 'ipv6' && w[2] === '::/0'
    const target = v4Default ? w[4] : v6Default ? w[3] : undefined
    if (target) (this.config.defaultRoutes ??= []).push(target)
  }

  private acl(name: string, family: 4 | 6, standard: boolean): IosAcl {
    let a = this.config.acls.get(name)
    if (!a) {
      a = {name, family, standard, aces: []}
      this.config.acls.set(name, a)
    }
    return a
  }

  /** `access-list N [dynamic X] permit|deny|remark …`: 1-99 and 1300-1999 standard, 100-199 and 2000-2699 extended. */
  private numberedAcl(n: CiscoNode): void {
    const w = n.words
    const num = Number(w[1])
    if (!/^\d+$/.test(w[1] ?? '')) return this.ledger.bad(n, 'access-list needs a number (named ACLs use ip access-list)', 'malformed')
    const standard = (num >= 1 && num <= 99) || (num >= 1300 && num <= 1999)
    const extended = (num >= 100 && num <= 199) || (num >= 2000 && num <= 2699)
    if (!standard && !extended) {
      // MAC, protocol-type and other non-IP numbered lists
      this.ledger.ok(n)
      return
    }
    const acl = this.acl(w[1], 4, standard)
    if (w[2] === 'remark') {
      this.ledger.ok(n)
      return
    }
    this.entry(acl, n, w.slice(2), acl.aces.length + 1)
  }

  /** `ip access-list standard|extended NAME` / `ipv6 access-list NAME` blocks. */
  private namedAcl(n: CiscoNode, family: 4 | 6): void {
    const w = n.words
    this.ledger.ok(n)
    let standard = false
    let name: string | undefined
    if (family === 4) {
      if (w[2] === 'standard' || w[2] === 'extended') {
        standard = w[2] === 'standard'
        name = w[3]
      } else if (w[2] === 'logging' || w[2] === 'log-update' || w[2] === 'role-based' || w[2] === 'resequence') {
        this.ledger.okTree(n)
        return
      } else name = w[2]
    } else name = w[2]
    if (!name) return this.ledger.badTree(n, 'access-list without a name', 'malformed')
    const acl = this.acl(name, family, standard)
    const before = acl.aces.length
    let position = acl.aces.length
    for (const c of n.children) {
      let cw = c.words
      position++
      let seq = position * 10
      if (cw[0] === 'sequence' && /^\d+$/.test(cw[1] ?? '')) {
        seq = Number(cw[1])
        cw = cw.slice(2)
      } else if (/^\d+$/.test(cw[0])) {
        seq = Number(cw[0])
        cw = cw.slice(1)
      }
      if (cw[0] === 'remark' || cw[0] === 'description' || cw[0] === 'statistics') {
        position--
        this.ledger.ok(c)
        continue
      }
      if (cw[0] === 'evaluate') {
        // reflexive ACL: lets replies to sessions opened outbound back in; opens nothing new
        this.ledger.ok(c)
        continue
      }
      this.entry(acl, c, cw, seq)
    }
    // sequence numbers put entries in place; the block entered again (a pasted config) only appends
    if (!ascendingFrom(acl.aces, Math.max(before - 1, 0))) acl.aces.sort((a, b) => a.seq - b.seq)
  }

  /** An address operand: `any`, `host A`, `A W` (wildcard), `P/len` (IPv6), `object-group G`. */
  private address(w: string[], i: number, family: 4 | 6, standard: boolean): {set: AddressSet; next: number; unresolved?: string; missing?: boolean; note?: DoubtNote; approx?: boolean; via?: string} | ReadError {
    const t = w[i]
    const anyFamily = AddressSet.anyOf(family)
    if (t === undefined) return {error: 'missing address', code: 'malformed'}
    if (t === 'any') return {set: anyFamily, next: i + 1}
    if (t === 'host') {
      const h = w[i + 1] ?? ''
      const s = AddressSet.parseIpv4(h) ?? AddressSet.parse(h)
      return s ? {set: s, next: i + 2} : {error: `bad host '${w[i + 1] ?? ''}'`}
    }
    if (t === 'object-group' || t === 'addrgroup') {
      const g = this.netGroup(w[i + 1] ?? '')
      if (!g) return {set: anyFamily, next: i + 2, unresolved: w[i + 1] ?? '', missing: true}
      return {set: g.set.only(family), next: i + 2, unresolved: g.unresolved.length ? g.unresolved.join(',') : undefined, via: `${t} ${w[i + 1]}`}
    }
    if (family === 6) {
      const s = t.includes('/') ? AddressSet.parse(t) : null
      return s ? {set: s, next: i + 1} : {error: `bad IPv6 prefix '${t}'`}
    }
    const wild = w[i + 1]
    // a dotted address and a contiguous dotted wildcard (nearly every ACE): the range without parseCidr's strings
    const a4 = parseIpv4Fast(t)
    const w4 = a4 === undefined || wild === undefined ? undefined : parseIpv4Fast(wild)
    if (a4 !== undefined && w4 !== undefined && ((w4 + 1) & w4) === 0) {
      if (w4 === IPV4_MAX) return {set: AddressSet.ANY4, next: i + 2}
      const start = (a4 & ~w4) >>> 0
      return {set: AddressSet.fromRange(4, start, (start | w4) >>> 0), next: i + 2}
    }
    if (!parseIp(t)) return {error: `cannot read address '${t}'`}
    if (!wild || !parseIp(wild) || wild.includes(':')) {
      // standard ACLs take a bare address as a host
      return standard ? {set: AddressSet.of(t), next: i + 1} : {error: `address '${t}' needs a wildcard mask`, code: 'malformed'}
    }
    const c = wildcardToCidr(t, wild)
    if (c) return {set: cidrSet(c), next: i + 2}
    // non-contiguous wildcard: the covering prefix (a superset), flagged
    const wv = Number(parseIp(wild)!.value)
    const bits = 32 - Math.clz32(wv)
    const cover = parseCidr(`${t}/${32 - bits}`)!
    return {set: AddressSet.of(cover.network), next: i + 2, approx: true, note: note('approximated', `non-contiguous wildcard ${t} ${wild} read as ${cover.network}`)}
  }

  /** One ACE body (after the sequence number). Never throws; problems go to the ledger. */
  private entry(acl: IosAcl, n: CiscoNode, w: string[], seq: number): void {
    if (w[0] === 'dynamic') return this.ledger.bad(n, 'lock-and-key (dynamic) entries are not supported', 'unsupported')
    const action = w[0] === 'permit' ? 'allow' : w[0] === 'deny' ? 'deny' : undefined
    if (!action) return this.ledger.bad(n, `expected permit, deny or remark, got '${w[0] ?? ''}'`, 'malformed')
    const doubts: DoubtNote[] = []
    const via: string[] = []
    const fromSets: string[] = []
    const toSets: string[] = []
    let opaque = false
    let repliesOnly = false
    let problem: ReadError | undefined
    let i = 1
    if (acl.standard) {
      const src = this.address(w, i, 4, true)
      if ('error' in src) return this.ledger.fail(n, src)
      i = src.next
      while (i < w.length && (w[i] === 'log' || w[i] === 'log-input')) i++
      if (i < w.length) return this.ledger.bad(n, `unexpected '${w[i]}' in a standard ACL`, 'malformed')
      if (src.note) doubts.push(src.note)
      const box: Box = {from: src.set, to: AddressSet.ANY4, protocols: ProtocolSet.ALL, ports: PortSet.ALL, sourcePorts: PortSet.ALL}
      acl.aces.push({node: n, seq, action, boxes: [box], doubts, opaque: !!src.approx && action === 'deny', repliesOnly, fromSets, toSets})
      this.ledger.ok(n)
      return
    }
    let terms: ServiceTerm[]
    let protoWord = w[i]
    const protocolGroup = protoWord === 'object-group' && this.groups.get(w[i + 1] ?? '')?.kind === 'protocol' ? this.protocolGroup(w[i + 1]) : null
    if (protocolGroup) {
      terms = [{...ANY_SERVICE, protocols: protocolGroup}]
      i += 2
      protoWord = 'object-group'
    } else if (protoWord === 'object-group') {
      const g = this.serviceGroup(w[i + 1] ?? '')
      if (!g) {
        problem = {error: `service group '${w[i + 1] ?? ''}' is not defined`, code: 'undefined-reference'}
        doubts.push(note('unknown-service', `unknown service group '${w[i + 1] ?? ''}' read as any protocol`))
        opaque = true
        terms = [ANY_SERVICE]
      } else terms = g
      i += 2
      protoWord = 'object-group'
    } else {
      // in an IPv6 ACL `icmp` means ICMPv6
      const p = acl.family === 6 && protoWord === 'icmp' ? 'icmpv6' : acl.family === 6 && protoWord === 'ipv6' ? 'ip' : protoWord === 'ahp' ? 'ah' : protoWord
      const protocols = parseProtocol(p ?? '')
      if (!protocols) return this.ledger.bad(n, `unknown protocol '${protoWord ?? ''}'`, 'bad-value')
      terms = [{...ANY_SERVICE, protocols}]
      i++
    }
    const src = this.address(w, i, acl.family, false)
    if ('error' in src) return this.ledger.fail(n, src)
    i = src.next
    let sourcePorts = PortSet.ALL
    const sp = this.portOperand(w, i)
    if (sp) {
      if ('error' in sp) return this.ledger.fail(n, sp)
      sourcePorts = sp.ports
      i = sp.next
    }
    const dst = this.address(w, i, acl.family, false)
    if ('error' in dst) return this.ledger.fail(n, dst)
    i = dst.next
    let ports = PortSet.ALL
    const dp = this.portOperand(w, i)
    if (dp) {
      if ('error' in dp) return this.ledger.fail(n, dp)
      ports = dp.ports
      i = dp.next
    } else if ((protoWord === 'icmp' || protoWord === 'icmpv6') && w[i] && (ICMP_TYPES.has(w[i]) || /^\d+$/.test(w[i]))) {
      doubts.push(note('icmp-type', `icmp type ${w[i]} (exposure shows all icmp)`))
      opaque = opaque || action === 'deny'
      i++
      if (/^\d+$/.test(w[i] ?? '')) i++
    }
    // trailing options
    while (i < w.length) {
      const t = w[i]
      if (t === 'log' || t === 'log-input') {
        i++
        // an optional log cookie word
        if (w[i] && !KNOWN_OPTIONS.has(w[i])) i++
      } else if (t === 'established') {
        // TCP with ACK or RST set: replies to sessions opened from the other side, never a new connection
        repliesOnly = true
        i++
      } else if (t === 'reflect') {
        doubts.push(note('opens-more', `reflexive ACL ${w[i + 1] ?? ''} opens replies`))
        i += 2
        if (w[i] === 'timeout') i += 2
      } else if (t === 'time-range') {
        doubts.push(note('time-limited', `active only during time-range ${w[i + 1] ?? ''}`))
        opaque = opaque || action === 'deny'
        i += 2
      } else if (t === 'fragments') {
        doubts.push(note('fragments-only', 'matches non-initial fragments only'))
        opaque = opaque || action === 'deny'
        i++
      } else if (['dscp', 'precedence', 'tos', 'ttl', 'option', 'match-any', 'match-all', 'packet-length', 'flow-label', 'routing-type'].includes(t)) {
        doubts.push(note('unknown-match', `'${t}' condition not modelled; exposure may be broader`))
        opaque = opaque || action === 'deny'
        i += t === 'ttl' || t === 'packet-length' ? (w[i + 1] === 'range' ? 4 : 3) : 2
        while ((t === 'match-any' || t === 'match-all') && /^[+-]/.test(w[i] ?? '')) i++
      } else if (['syn', 'ack', 'fin', 'psh', 'rst', 'urg'].includes(t)) {
        doubts.push(note('unknown-match', `tcp flag '${t}' not modelled; exposure may be broader`))
        opaque = opaque || action === 'deny'
        i++
      } else {
        problem ??= {error: `unknown access-list option '${t}'`, code: 'unknown-statement'}
        doubts.push(note('unknown-match', `unknown option '${t}' ignored; exposure may be broader`))
        opaque = true
        break
      }
    }
    for (const s of [src, dst]) {
      if (s.via) via.push(s.via)
      if (s.note) doubts.push(s.note)
      if (s.approx && action === 'deny') opaque = true
    }
    if (src.unresolved !== undefined) {
      fromSets.push(src.unresolved)
      if (src.missing) problem ??= {error: `object-group '${src.unresolved}' is not defined`, code: 'undefined-reference'}
    }
    if (dst.unresolved !== undefined) {
      toSets.push(dst.unresolved)
      if (dst.missing) problem ??= {error: `object-group '${dst.unresolved}' is not defined`, code: 'undefined-reference'}
    }
    if (fromSets.length || toSets.length) {
      doubts.push(note('unexpanded-set', `unexpanded ${[...fromSets, ...toSets].join(', ')} read as any`))
      opaque = opaque || action === 'deny'
    }
    for (const t of terms) if (t.note && !doubts.some((d) => d.detail === t.note!.detail)) doubts.push(t.note)
    const boxes: Box[] = []
    // the ACL's family part of each side, once per ACE (not per service term)
    const from = src.set.only(acl.family)
    const to = dst.set.only(acl.family)
    for (const t of terms) {
      // a protocol with ports cannot take port operators unless it is tcp/udp/sctp
      const portsHere = NO_PORTS.has(protoWord ?? '') ? PortSet.ALL : ports
      const b = termBox(from, to, {
        protocols: t.protocols,
        ports: t.ports.intersect(portsHere),
        sourcePorts: t.sourcePorts.intersect(sourcePorts),
      })
      if (b) boxes.push(b)
    }
    acl.aces.push({node: n, seq, action, boxes, doubts, via, opaque, repliesOnly, fromSets, toSets})
    if (problem) this.ledger.fail(n, problem)
    else this.ledger.ok(n)
  }

  // ---------- NAT ----------

  /**
   * `ip nat inside source static [tcp|udp] LOCAL [LPORT] GLOBAL|interface IF [GPORT] [extendable…]`,
   * `ip nat inside source static network LOCAL GLOBAL /len|mask`; list/route-map/pool forms are outbound.
   */
  private nat(n: CiscoNode): void {
    this.ledger.ok(n)
    // NVI NAT (`ip nat source static …`) reads like the inside form without the `inside` word
    const w = n.words[2] === 'source' ? ['ip', 'nat', 'inside', ...n.words.slice(2)] : n.words
    if (w[2] !== 'inside' || w[3] !== 'source' || w[4] !== 'static') return
    let i = 5
    let proto: string | undefined
    if (w[i] === 'tcp' || w[i] === 'udp' || w[i] === 'esp') proto = w[i++]
    let network = false
    if (w[i] === 'network') {
      network = true
      i++
    }
    const local = w[i++]
    const lport = proto && proto !== 'esp' ? w[i++] : undefined
    let global: AddressSet | null = null
    const doubts: DoubtNote[] = []
    if (w[i] === 'interface') {
      const ifc = this.config.interfaces.get(w[i + 1] ?? '')
      // NAT44: the interface's IPv4 address
      if (ifc && ifc.addresses.hasFamily(4)) global = ifc.addresses.only(4)
      else {
        global = AddressSet.ANY4
        doubts.push(note('unknown-address', `address of interface ${w[i + 1] ?? ''} unknown (negotiated or dhcp); destination read as any`))
      }
      i += 2
    } else {
      const g = w[i++]
      if (network) {
        const mask = w[i]?.startsWith('/') ? w[i].slice(1) : w[i]
        const lc = parseCidr(`${local}/${mask ?? ''}`)
        const gc = parseCidr(`${g}/${mask ?? ''}`)
        if (!lc || !gc) return this.ledger.bad(n, 'cannot read the static network translation', 'bad-value')
        this.config.nats.push({node: n, local: AddressSet.of(lc.network), global: AddressSet.of(gc.network), doubts})
        return
      }
      global = AddressSet.parse(g ?? '')
    }
    const gport = proto && proto !== 'esp' ? w[i++] : undefined
    const localSet = AddressSet.parse(local ?? '')
    if (!localSet || !global) return this.ledger.bad(n, 'cannot read the static translation', 'bad-value')
    let service
    if (proto) {
      const protocols = parseProtocol(proto)!
      if (proto === 'esp') service = {protocols, localPorts: PortSet.ALL, globalPorts: PortSet.ALL}
      else {
        const lp = ciscoPort(lport ?? '')
        const gp = ciscoPort(gport ?? '')
        if (lp === undefined || gp === undefined) return this.ledger.bad(n, 'cannot read the static translation ports', 'bad-value')
        service = {protocols, localPorts: PortSet.range(lp), globalPorts: PortSet.range(gp)}
      }
    }
    this.config.nats.push({node: n, local: localSet, global, service, doubts})
  }

  // ---------- management plane ----------

  private readonly httpPorts = {http: 80, https: 443}

  /** `ip http server`, `ip http secure-server`, `ip http [secure-]port N`, `ip http access-class N`. */
  private http(n: CiscoNode): void {
    const w = n.words
    this.ledger.ok(n)
    if (w[2] === 'server') this.config.http = {node: n, port: this.httpPorts.http}
    else if (w[2] === 'secure-server') this.config.https = {node: n, port: this.httpPorts.https}
    else if ((w[2] === 'port' || w[2] === 'secure-port') && /^\d+$/.test(w[3] ?? '')) {
      const key = w[2] === 'port' ? 'http' : 'https'
      this.httpPorts[key] = Number(w[3])
      const listener = this.config[key]
      if (listener) listener.port = Number(w[3])
    } else if (w[2] === 'access-class') this.config.httpAccessClass = w[3] === 'ipv4' ? w[4] : w[3]
  }

  /** `line vty A B` with `access-class N in`, `ipv6 access-class N in`, `transport input …`. */
  private line(n: CiscoNode): void {
    this.ledger.okTree(n)
    if (n.words[1] !== 'vty') return // console, aux and async lines are not network access
    const vty: VtyLine = {node: n}
    for (const c of n.children) {
      const w = c.words
      if (w[0] === 'access-class' && w[1] && w[2] === 'in') vty.accessClass = w[1]
      else if (w[0] === 'ipv6' && w[1] === 'access-class' && w[2] && w[3] === 'in') vty.accessClass6 = w[2]
      else if (w[0] === 'transport' && w[1] === 'input') {
        const t = new Set<string>()
        for (const x of w.slice(2)) {
          if (x === 'all') {
            t.add('ssh')
            t.add('telnet')
          } else if (x === 'ssh' || x === 'telnet') t.add(x)
        }
        vty.transports = t
      }
    }
    this.config.vty.push(vty)
  }

  /** `snmp-server community SECRET [view V] [ro|rw] [ACL]`: SNMP polling opens udp/161. */
  private snmp(n: CiscoNode): void {
    const w = n.words
    this.ledger.ok(n)
    if (w[1] !== 'community' || !w[2]) return
    let i = 3
    if (w[i] === 'view') i += 2
    if (w[i] && /^(ro|rw)$/i.test(w[i])) i++
    if (w[i] === 'ipv6') i += 2
    // a community holds one entry: entering it again replaces its view, access and ACL
    const earlier = this.config.snmpCommunities.get(w[2])
    if (earlier) {
      this.ledger.ignored(earlier.node.line, `replaced by the same snmp-server community at line ${n.line}`)
      this.config.snmpCommunities.delete(w[2])
    }
    this.config.snmpCommunities.set(w[2], {node: n, acl: w[i]})
  }

  // ---------- VPN ----------

  /** `webvpn gateway GW` (SSL VPN) with ` ip address A port P` and ` inservice`; contexts are settings. */
  private webvpn(n: CiscoNode): void {
    this.ledger.okTree(n)
    if (n.words[1] !== 'gateway' || !n.words[2]) return
    const gw: IosConfig['webvpnGateways'][number] = {node: n, name: n.words[2], port: 443, inService: false}
    for (const c of n.children) {
      const w = c.words
      if (w[0] === 'inservice') gw.inService = true
      else if (w[0] === 'ip' && w[1] === 'address') {
        gw.address = AddressSet.parse(w[2] ?? '') ?? undefined
        if (!gw.address) this.ledger.bad(c, 'webvpn gateway address is not an address', 'bad-value')
        const p = w.indexOf('port')
        if (p > 0 && /^\d+$/.test(w[p + 1] ?? '')) gw.port = Number(w[p + 1])
      } else if (w[0] === 'ip' && w[1] === 'interface' && w[2]) {
        const ifc = this.config.interfaces.get(w[2])
        gw.address = ifc && !ifc.addresses.isEmpty() ? ifc.addresses : AddressSet.ANY
        const p = w.indexOf('port')
        if (p > 0 && /^\d+$/.test(w[p + 1] ?? '')) gw.port = Number(w[p + 1])
      }
    }
    this.config.webvpnGateways.push(gw)
  }

  private crypto(n: CiscoNode): void {
    const w = n.words
    this.ledger.okTree(n)
    // `crypto map NAME SEQ ipsec-isakmp [dynamic DYN]` with ` set peer A` children
    if (w[1] === 'map' && w[2] && /^\d+$/.test(w[3] ?? '')) {
      const entry = this.config.cryptoMapPeers.get(w[2]) ?? {peers: AddressSet.EMPTY, dynamic: false, nodes: []}
      entry.nodes.push(n)
      if (w[5] === 'dynamic') entry.dynamic = true
      for (const c of n.children) {
        if (c.words[0] === 'set' && c.words[1] === 'peer' && c.words[2]) {
          const p = AddressSet.parse(c.words[2])
          if (p) entry.peers = entry.peers.union(p)
          else {
            entry.dynamic = true
            this.ledger.bad(c, `crypto map peer '${c.words[2]}' is not an address`, 'bad-value')
          }
        }
      }
      this.config.cryptoMapPeers.set(w[2], entry)
    }
  }
}

const KNOWN_OPTIONS = new Set(['established', 'reflect', 'time-range', 'fragments', 'dscp', 'precedence', 'tos', 'ttl', 'option', 'log', 'log-input'])

/** The object-group kinds IOS and NX-OS write: `network`, `service`, `protocol`, `ip address`, `ipv6 address`, `ip port`. */
function groupHeader(w: string[]): {kind: GroupKind; name: string} | undefined {
  if (w[0] !== 'object-group') return undefined
  if ((w[1] === 'network' || w[1] === 'service' || w[1] === 'protocol') && w[2]) return {kind: w[1], name: w[2]}
  if ((w[1] === 'ip' || w[1] === 'ipv6') && w[2] === 'address' && w[3]) return {kind: 'network', name: w[3]}
  if (w[1] === 'ip' && w[2] === 'port' && w[3]) return {kind: 'port', name: w[3]}
  return undefined
}

/** Whether the entries from `start` on are in ascending sequence order (sorting them would change nothing). */
function ascendingFrom(aces: ReadonlyArray<{seq: number}>, start: number): boolean {
  for (let i = start + 1; i < aces.length; i++) if (aces[i].seq < aces[i - 1].seq) return false
  return true
}
