/**
 * ASA `show running-config` text → AsaConfig: interfaces, ACLs, access-groups, NAT, management and VPN
 * listeners. Names, objects and object-groups live in objects.ts and are defined before anything uses them.
 */
import {AddressSet} from '../../net/address-set.js'
import {parseCidr, parseIp} from '../../net/ip.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {parseProtocol} from '../../net/protocol.js'
import {
  ANY_SERVICE,
  ciscoPort,
  ICMP_TYPES,
  PORT_OPS,
  type CiscoNode,
  type LineLedger,
  type ReadError,
  readPortOp,
  type ServiceTerm,
} from '../cisco-common.js'
import type {IgnoredTable} from '../kit/ledger.js'
import type {UnparsedCode} from '../types.js'
import {sameFamilies, termBox} from '../../net/terms.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import type {AccessGroup, Ace, AddrRef, AsaConfig, AsaInterface, CryptoMapEntry, StaticNat} from './model.js'
import {AsaObjects} from './objects.js'

/** Top-level commands that say nothing about reach, with the reason we skip them. */
const IGNORED: IgnoredTable = new Map(Object.entries({
  'PIX': 'version banner',
  'FWSM': 'version banner',
  hostname: 'identity',
  'domain-name': 'identity',
  enable: 'local credentials',
  passwd: 'local credentials',
  username: 'local accounts',
  names: 'enables name aliases',
  banner: 'text',
  dns: 'resolver settings',
  'dns-guard': 'inspection setting',
  logging: 'logging setup',
  ntp: 'time sync client',
  clock: 'time settings',
  ftp: 'client mode',
  pager: 'terminal setting',
  terminal: 'terminal setting',
  mtu: 'interface MTU',
  arp: 'ARP settings',
  ipv6: 'routing or ND settings',
  router: 'routing process, not access',
  'prefix-list': 'routing filter',
  'route-map': 'routing policy',
  timeout: 'connection timers',
  'user-identity': 'identity firewall settings',
  aaa: 'authentication settings',
  'aaa-server': 'authentication servers',
  no: 'disables a default',
  boot: 'boot image',
  firewall: 'routed/transparent mode',
  xlate: 'NAT table settings',
  failover: 'HA settings',
  'monitor-interface': 'HA monitoring',
  asdm: 'ASDM image',
  console: 'console settings',
  'threat-detection': 'statistics',
  'dynamic-access-policy-record': 'VPN DAP',
  'class-map': 'inspection classes (do not open access)',
  'policy-map': 'inspection policies (do not open access)',
  'service-policy': 'inspection binding',
  prompt: 'CLI prompt',
  'call-home': 'telemetry to Cisco',
  'group-policy': 'VPN group attributes',
  dhcpd: 'DHCP server for inside hosts',
  dhcprelay: 'DHCP relay',
  ssl: 'TLS settings',
  telemetry: 'telemetry',
  license: 'licensing',
  service: 'device services',
  'ip': 'local pools and verification settings',
  sysopt: 'system options',
  'nat-control': 'legacy NAT mode',
  'global': 'legacy PAT pool (outbound)',
  'access-session': 'session settings',
  'auth-prompt': 'text',
  'tls-proxy': 'TLS proxy',
  'ctl-file': 'phone proxy',
  'flow-export': 'NetFlow export',
  'management-access': 'inside-interface management over VPN',
  'mac-address': 'MAC settings',
  'jumbo-frame': 'MTU',
  'vpn-sessiondb': 'VPN session limits',
  'quit': 'block end',
  'end': 'end of config',
  'anyconnect-custom-data': 'client data',
  'webvpn-custom': 'portal text',
  'tftp-server': 'client settings',
  'privilege': 'CLI privileges',
  'password-policy': 'credential policy',
  'vpn': 'VPN load-balancing settings',
  'scansafe': 'cloud web security',
  'object-group-search': 'search optimisation',
  'icmp-unreachable': 'rate limit',
  'crashinfo': 'diagnostics',
  'coredump': 'diagnostics',
  'snmp-map': 'inspection map',
  'regex': 'inspection regex',
  'mac-list': 'MAC list',
  'vlan': 'VLAN',
  'ipsec': 'settings',
  'isakmp': 'legacy IKE settings',
  clear: 'script form: clears a list before it is re-entered',
  'vpn-addr-assign': 'VPN address assignment',
  sla: 'route tracking probes',
  track: 'route tracking',
  'smtp-server': 'email alerts',
  virtual: 'virtual HTTP/telnet for cut-through auth',
  wccp: 'web cache redirection',
  'multicast-routing': 'routing',
  pim: 'multicast routing',
  igmp: 'multicast',
  hpm: 'statistics',
  'auto-update': 'image updates',
  quota: 'resource limits',
  'remote-access': 'VPN session thresholds',
  'rest-api': 'REST agent image',
  fragment: 'reassembly limits',
  'uc-ime': 'unified communications',
  'phone-proxy': 'unified communications',
  vpdn: 'PPPoE client',
  ddns: 'dynamic DNS',
  cluster: 'clustering',
  'app-agent': 'health monitoring',
  'tcp-map': 'TCP normalisation',
  'dhcp-client': 'DHCP client options',
  'community-list': 'BGP community filter (routing, not access)',
  'as-path': 'BGP path filter (routing, not access)',
  'dns-group': 'resolver settings for the device itself',
  'dns-server-group': 'resolver settings for the device itself',
}))

const IDENTITY_PREFIXES = new Set(['user', 'user-group', 'object-group-user', 'security-group', 'object-group-security'])


// the unresolved names of an operand that has none (shared, read only)
const NO_NAMES: string[] = Object.freeze([]) as unknown as string[]
const ANY_REF: AddrRef = {set: AddressSet.ANY, unresolved: NO_NAMES}

export class AsaReader {
  readonly config: AsaConfig = {
    interfaces: new Map(),
    routes: new Map(),
    acls: new Map(),
    otherAcls: new Set(),
    accessGroups: [],
    bindings: {inbound: new Map(), outbound: new Map()},
    nats: [],
    mgmt: [],
    icmp: new Map(),
    httpRedirect: [],
    snmpEnabled: true,
    sameSecurityInter: false,
    ikeEnabled: [],
    cryptoMaps: new Map(),
    cryptoMapIfaces: [],
  }

  private readonly deferred: CiscoNode[] = []
  /** Top-level NAT rules by their words, for the first of identical rules. */
  private readonly natTexts = new Map<string, CiscoNode>()

  private readonly objects: AsaObjects
  /** Operands naming an object or a group, by name (see namedRef). */
  private readonly objectRefs = new Map<string, AddrRef | null>()
  private readonly groupRefs = new Map<string, AddrRef | null>()
  /** What `any` means in the ACL being read: before 9.0 IPv6 had its own ACLs and `any` was IPv4 only. */
  private anyRef: AddrRef = ANY_REF

  constructor(private readonly ledger: LineLedger) {
    this.objects = new AsaObjects(ledger)
  }

  read(nodes: CiscoNode[]): AsaConfig {
    // pass 1: definitions (names, objects, groups, interfaces) so that later references resolve
    for (const n of nodes) this.define(n)
    this.objects.expandAll()
    for (const [object, nats] of this.objects.objectNats) {
      // an object holds one NAT: a later `nat` under the same object replaces the earlier one
      const last = nats[nats.length - 1]
      for (const n of nats.slice(0, -1)) this.ledger.ignored(n.line, `replaced by the nat of object ${object} at line ${last.line} (an object holds one NAT)`)
      this.objectNat(object, last)
    }
    // pass 2: everything that uses them
    for (const n of this.deferred) this.command(n)
    this.bind()
    return this.config
  }

  /** The access-groups in force, each interface and direction (and global) bound to its last valid ACL. */
  private bind(): void {
    const {bindings} = this.config
    for (const g of this.config.accessGroups) {
      // the ASA refuses such a binding: the interface keeps what it had
      if (!this.config.acls.has(g.acl)) {
        this.ledger.bad(g.node, `access-list '${g.acl}' is not defined as an extended ACL`, 'undefined-reference')
        continue
      }
      const slot = g.direction === 'global' ? bindings.global : (g.direction === 'in' ? bindings.inbound : bindings.outbound).get(g.iface!)
      if (slot) this.ledger.ignored(slot.node.line, `replaced by the access-group at line ${g.node.line} (an interface holds one ACL per direction, the device one global ACL)`)
      if (g.direction === 'global') bindings.global = g
      else (g.direction === 'in' ? bindings.inbound : bindings.outbound).set(g.iface!, g)
    }
  }

  // ---------- pass 1 ----------

  private define(n: CiscoNode): void {
    if (this.objects.define(n)) return
    if (n.words[0] === 'interface') this.iface(n)
    else this.deferred.push(n)
  }

  private iface(n: CiscoNode): void {
    this.ledger.ok(n)
    let nameif: string | undefined
    let level: number | undefined
    let addresses = AddressSet.EMPTY
    let networks = AddressSet.EMPTY
    const prefixed: string[] = []
    let shutdown = false
    for (const c of n.children) {
      const w = c.words
      this.ledger.ok(c)
      if (w[0] === 'nameif' && w[1]) nameif = w[1]
      else if (w[0] === 'security-level' && /^\d+$/.test(w[1] ?? '')) level = Number(w[1])
      else if (w[0] === 'shutdown') shutdown = true
      else if (w[0] === 'ip' && w[1] === 'address' && w[2] !== 'dhcp' && w[2] !== 'pppoe') {
        const cidr = parseCidr(`${w[2]}/${w[3] ?? ''}`)
        if (!cidr) {
          this.ledger.bad(c, 'ip address needs an address and a mask', 'malformed')
          continue
        }
        addresses = addresses.union(AddressSet.of(w[2]))
        networks = networks.union(AddressSet.of(cidr.network))
        prefixed.push(`${w[2]}/${cidr.prefix}`)
        const standby = w.indexOf('standby')
        if (standby > 0 && parseIp(w[standby + 1] ?? '')) addresses = addresses.union(AddressSet.of(w[standby + 1]))
      } else if (w[0] === 'ipv6' && w[1] === 'address' && w[2]?.includes('/')) {
        const cidr = parseCidr(w[2])
        if (!cidr) {
          this.ledger.bad(c, 'ipv6 address is not a prefix', 'bad-value')
          continue
        }
        addresses = addresses.union(AddressSet.of(w[2].split('/')[0]))
        networks = networks.union(AddressSet.of(cidr.network))
        prefixed.push(w[2])
        const standby = w.indexOf('standby')
        if (standby > 0 && parseIp(w[standby + 1] ?? '')) addresses = addresses.union(AddressSet.of(w[standby + 1]))
      }
      // speed, duplex, vlan, description, management-only and the rest shape the link, not access
    }
    if (!nameif) return
    // ASA: `nameif inside` defaults to level 100, every other name to 0
    const lvl = level ?? (nameif === 'inside' ? 100 : 0)
    const entry: AsaInterface = {
      nameif,
      hardware: n.words[1] ?? '',
      node: n,
      level: lvl,
      shutdown,
      addresses: addresses.isEmpty() ? undefined : addresses,
      networks: networks.isEmpty() ? undefined : networks,
      ...(prefixed.length ? {prefixed} : {}),
    }
    this.config.interfaces.set(nameif, entry)
  }

  /** An ACL address operand at w[i]. */
  private aclAddress(w: string[], i: number): {ref: AddrRef; next: number; missing?: string} | ReadError {
    const t = w[i]
    if (t === undefined) return {error: 'missing address', code: 'malformed'}
    if (t === 'any') return {ref: this.anyRef, next: i + 1}
    if (t === 'any4') return {ref: {set: AddressSet.ANY4, unresolved: []}, next: i + 1}
    if (t === 'any6') return {ref: {set: AddressSet.ANY6, unresolved: []}, next: i + 1}
    if (t === 'host') {
      const s = this.objects.hostAddress(w[i + 1] ?? '')
      return s ? {ref: {set: s, unresolved: NO_NAMES}, next: i + 2} : {error: `unknown host '${w[i + 1] ?? ''}'`}
    }
    if (t === 'object' || t === 'object-group') {
      const r = this.namedRef(t, w[i + 1] ?? '')
      return r ? {ref: r, next: i + 2} : {ref: {set: AddressSet.ANY, unresolved: [w[i + 1] ?? '']}, next: i + 2, missing: w[i + 1] ?? ''}
    }
    if (t === 'interface') {
      const ifc = this.config.interfaces.get(w[i + 1] ?? '')
      return ifc?.addresses
        ? {ref: {set: ifc.addresses, unresolved: []}, next: i + 2}
        : {ref: {set: AddressSet.ANY, unresolved: [`interface:${w[i + 1] ?? ''}`]}, next: i + 2}
    }
    if (t.includes(':') && t.includes('/')) {
      const s = AddressSet.parse(t)
      return s ? {ref: {set: s, unresolved: []}, next: i + 1} : {error: `bad IPv6 prefix '${t}'`}
    }
    const s = this.objects.maskedAddress(t, w[i + 1] ?? '')
    return s ? {ref: s.note ? {set: s.set, unresolved: NO_NAMES, note: s.note} : {set: s.set, unresolved: NO_NAMES}, next: i + 2} : {error: `cannot read address '${w.slice(i, i + 2).join(' ')}'`}
  }

  /** `object X` / `object-group X` as an operand, named by `via`; one per name (10^5 ACEs name a few groups). */
  private namedRef(kind: 'object' | 'object-group', name: string): AddrRef | null {
    const memo = kind === 'object' ? this.objectRefs : this.groupRefs
    let ref = memo.get(name)
    if (ref === undefined) {
      const r = kind === 'object' ? this.objects.netObject(name) : this.objects.netGroup(name)
      ref = r ? {...r, via: `${kind} ${name}`} : null
      memo.set(name, ref)
    }
    return ref
  }

  /** Identity firewall / TrustSec conditions at w[i] (narrower than the addresses say): the index after them. */
  private identityConditions(w: string[], i: number, sets: string[], doubts: DoubtNote[]): number {
    while (IDENTITY_PREFIXES.has(w[i])) {
      doubts.push(note('unknown-match', `${w[i]} ${w[i + 1] ?? ''} condition not modelled; exposure may be broader`))
      sets.push(`${w[i]}:${w[i + 1] ?? ''}`)
      i += w[i] === 'security-group' ? 3 : 2
    }
    return i
  }

  /** The ports of a service group in a port position, or null when it is not one. */
  private portGroup(name: string): PortSet | null {
    const s = this.objects.serviceGroup(name)
    if (!s) return null
    return s.terms.reduce((acc, t) => acc.union(t.ports), PortSet.EMPTY)
  }

  // ---------- pass 2 ----------

  private command(n: CiscoNode): void {
    const w = n.words
    switch (w[0]) {
      case 'access-list':
        return this.accessList(n)
      case 'access-group':
        return this.accessGroup(n)
      case 'nat':
        if (!this.repeatedNat(n)) this.twiceNat(n)
        return
      case 'static':
        if (!this.repeatedNat(n)) this.legacyStatic(n)
        return
      case 'ssh':
      case 'telnet':
      case 'http':
        return this.mgmtLine(n)
      case 'icmp':
        return this.icmpLine(n)
      case 'snmp-server':
        return this.snmp(n)
      case 'ASA': {
        const m = /^(\d+)\.(\d+)/.exec(w[2] ?? '')
        if (w[1] === 'Version' && m) this.config.version = [Number(m[1]), Number(m[2])]
        this.ledger.ok(n)
        return
      }
      case 'route':
        return this.route(n)
      case 'same-security-traffic':
        if (w[2] === 'inter-interface') this.config.sameSecurityInter = true
        this.ledger.ok(n)
        return
      case 'webvpn':
        return this.webvpn(n)
      case 'crypto':
        return this.crypto(n)
      case 'tunnel-group':
        // type remote-access|ipsec-l2l; ipsec-attributes hold the pre-shared key: understood, never echoed
        this.ledger.okTree(n)
        return
      case 'time-range':
        this.ledger.okTree(n)
        return
      case 'conduit':
      case 'outbound':
      case 'apply':
        this.ledger.bad(n, `PIX 6 '${w[0]}' access rules are not supported; convert them to access-lists`, 'unsupported')
        return
      default:
        // pre-9.0 IPv6 ACLs: `ipv6 access-list NAME permit …`
        if (w[0] === 'ipv6' && w[1] === 'access-list') return this.accessList(n, true)
        if (IGNORED.has(w[0]) || w[0].startsWith('Cryptochecksum:')) {
          this.ledger.ignoredTree(n, IGNORED.get(w[0]) ?? 'checksum of the saved config')
          return
        }
        this.ledger.badTree(n, `unknown command '${w[0]}'`, 'unknown-statement')
    }
  }

  private accessList(n: CiscoNode, legacyV6 = false): void {
    const w = legacyV6 ? n.words.slice(1) : n.words
    const name = w[1]
    if (!name) return this.ledger.bad(n, 'access-list without a name', 'malformed')
    let i = 2
    let insertAt: number | undefined
    if (w[i] === 'line' && /^\d+$/.test(w[i + 1] ?? '')) {
      insertAt = Number(w[i + 1])
      i += 2
    }
    const kind = w[i]
    if (kind === 'remark') {
      this.aclList(name)
      this.ledger.ok(n)
      return
    }
    if (kind === 'standard' || kind === 'webtype' || kind === 'ethertype') {
      // standard ACLs name destinations for route maps and split tunnels; they are not interface filters
      this.config.otherAcls.add(name)
      this.ledger.ok(n)
      return
    }
    if (kind === 'extended') i++
    else if (!legacyV6 && kind !== 'permit' && kind !== 'deny') return this.ledger.bad(n, `unknown access-list type '${kind ?? ''}'`, 'unknown-statement')
    const legacy = this.config.version !== undefined && this.config.version[0] < 9
    this.anyRef = legacyV6 ? {set: AddressSet.ANY6, unresolved: []} : legacy ? {set: AddressSet.ANY4, unresolved: []} : ANY_REF
    const action = w[i] === 'permit' ? 'allow' : w[i] === 'deny' ? 'deny' : undefined
    if (!action) return this.ledger.bad(n, `expected permit or deny, got '${w[i] ?? ''}'`, 'malformed')
    i++
    const ace = this.ace(name, n, w, i, action)
    if (!ace) return
    const list = this.aclList(name)
    if (insertAt !== undefined && insertAt - 1 < list.length) list.splice(Math.max(0, insertAt - 1), 0, ace)
    else list.push(ace)
  }

  private aclList(name: string): Ace[] {
    let list = this.config.acls.get(name)
    if (!list) {
      list = []
      this.config.acls.set(name, list)
    }
    return list
  }

  /** The body of an extended ACE from w[i] (the protocol); null when the line is unusable (reported). */
  private ace(acl: string, n: CiscoNode, w: string[], start: number, action: 'allow' | 'deny'): Ace | null {
    const doubts: DoubtNote[] = []
    const via: string[] = []
    const fromSets: string[] = []
    const toSets: string[] = []
    let opaque = false
    let problem: ReadError | undefined
    let i = start
    // protocol position: a protocol, a protocol/service group, or a service object
    let terms: ServiceTerm[]
    let portsAllowed = true
    const p = w[i]
    if (p === 'object-group') {
      const kind = this.objects.groupKind(w[i + 1] ?? '')
      if (kind === 'protocol') terms = [{...ANY_SERVICE, protocols: this.objects.protocolGroup(w[i + 1]) ?? ProtocolSet.ALL}]
      else if (kind === 'service') {
        const s = this.objects.serviceGroup(w[i + 1]) ?? {terms: [ANY_SERVICE], doubts: []}
        terms = s.terms
        doubts.push(...s.doubts)
        via.push(`object-group ${w[i + 1]}`)
        portsAllowed = false
      } else {
        problem ??= {error: `object-group '${w[i + 1] ?? ''}' is not defined`, code: 'undefined-reference'}
        terms = [ANY_SERVICE]
        doubts.push(note('unknown-service', `unknown service group '${w[i + 1] ?? ''}' read as any protocol`))
        opaque = true
      }
      i += 2
    } else if (p === 'object') {
      const s = this.objects.serviceObject(w[i + 1] ?? '')
      if (s) {
        terms = s.terms
        doubts.push(...s.doubts)
        via.push(`object ${w[i + 1]}`)
      } else {
        problem ??= {error: `service object '${w[i + 1] ?? ''}' is not defined`, code: 'undefined-reference'}
        terms = [ANY_SERVICE]
        doubts.push(note('unknown-service', `unknown service object '${w[i + 1] ?? ''}' read as any protocol`))
        opaque = true
      }
      portsAllowed = false
      i += 2
    } else {
      const protocols = parseProtocol(p ?? '')
      if (!protocols) {
        this.ledger.bad(n, `unknown protocol '${p ?? ''}'`, 'bad-value')
        return null
      }
      terms = [{...ANY_SERVICE, protocols}]
      i++
    }
    if (IDENTITY_PREFIXES.has(w[i])) {
      i = this.identityConditions(w, i, fromSets, doubts)
      opaque = true
    }
    const src = this.aclAddress(w, i)
    if ('error' in src) {
      this.ledger.fail(n, src)
      return null
    }
    i = src.next
    let sourcePorts = PortSet.ALL
    if (PORT_OPS.has(w[i])) {
      const r = readPortOp(w, i)
      if ('error' in r) {
        this.ledger.fail(n, r)
        return null
      }
      sourcePorts = r.ports
      i = r.next
    } else if (w[i] === 'object-group' && this.objects.groupKind(w[i + 1] ?? '') === 'service') {
      sourcePorts = this.portGroup(w[i + 1]) ?? PortSet.ALL
      i += 2
    }
    if (IDENTITY_PREFIXES.has(w[i])) {
      i = this.identityConditions(w, i, toSets, doubts)
      opaque = true
    }
    const dst = this.aclAddress(w, i)
    if ('error' in dst) {
      this.ledger.fail(n, dst)
      return null
    }
    i = dst.next
    let ports = PortSet.ALL
    if (PORT_OPS.has(w[i])) {
      const r = readPortOp(w, i)
      if ('error' in r) {
        this.ledger.fail(n, r)
        return null
      }
      ports = r.ports
      i = r.next
    } else if (w[i] === 'object-group' && this.objects.groupKind(w[i + 1] ?? '') === 'service') {
      ports = this.portGroup(w[i + 1]) ?? PortSet.ALL
      i += 2
    } else if (w[i] === 'object-group' && this.objects.groupKind(w[i + 1] ?? '') === 'icmp-type') {
      doubts.push(note('icmp-type', `icmp-type group ${w[i + 1]} (exposure shows all icmp)`))
      opaque = opaque || action === 'deny'
      i += 2
    } else if (w[i] && (ICMP_TYPES.has(w[i]) || /^\d+$/.test(w[i]))) {
      doubts.push(note('icmp-type', `icmp type ${w[i]} (exposure shows all icmp)`))
      opaque = opaque || action === 'deny'
      i++
      if (/^\d+$/.test(w[i] ?? '')) i++
    }
    if (!portsAllowed && (!ports.isAll() || !sourcePorts.isAll())) doubts.push(note('vendor-semantics', 'port operators after a service object are ignored by the ASA'))
    // trailing options
    let inactive = false
    while (i < w.length) {
      const t = w[i]
      if (t === 'log') {
        i++
        while (i < w.length && (/^\d+$/.test(w[i]) || ['interval', 'disable', 'default', 'emergencies', 'alerts', 'critical', 'errors', 'warnings', 'notifications', 'informational', 'debugging'].includes(w[i]))) i++
      } else if (t === 'time-range') {
        doubts.push(note('time-limited', `active only during time-range ${w[i + 1] ?? ''}`))
        opaque = opaque || action === 'deny'
        i += 2
      } else if (t === 'inactive') {
        inactive = true
        i++
      } else {
        problem ??= {error: `unknown access-list option '${t}'`, code: 'unknown-statement'}
        doubts.push(note('unknown-match', `unknown option '${t}' ignored; exposure may be broader`))
        opaque = true
        break
      }
    }
    for (const name of [src.missing, dst.missing]) if (name !== undefined) problem ??= {error: `object or group '${name}' is not defined`, code: 'undefined-reference'}
    if (problem) this.ledger.fail(n, problem)
    else this.ledger.ok(n)
    if (inactive) {
      // an inactive ACE is understood and matches nothing
      return null
    }
    for (const t of terms) if (t.note && !doubts.some((d) => d.detail === t.note!.detail)) doubts.push(t.note)
    for (const ref of [src.ref, dst.ref]) {
      if (ref.via) via.push(ref.via)
      if (!ref.note) continue
      doubts.push(ref.note)
      // a broader deny must not hide what it does not really match
      opaque = opaque || action === 'deny'
    }
    fromSets.push(...src.ref.unresolved)
    toSets.push(...dst.ref.unresolved)
    if (src.ref.unresolved.length || dst.ref.unresolved.length) {
      doubts.push(note('unexpanded-set', `unexpanded ${[...src.ref.unresolved, ...dst.ref.unresolved].join(', ')} read as any`))
      opaque = opaque || action === 'deny'
    }
    const boxes = []
    for (const t of terms) {
      const b = termBox(src.ref.set, dst.ref.set, {
        protocols: t.protocols,
        ports: portsAllowed ? t.ports.intersect(ports) : t.ports,
        sourcePorts: portsAllowed ? t.sourcePorts.intersect(sourcePorts) : t.sourcePorts,
      })
      if (b) boxes.push(b)
    }
    return {acl, node: n, action, boxes, doubts, via, opaque, fromSets, toSets}
  }

  private accessGroup(n: CiscoNode): void {
    const w = n.words
    const acl = w[1]
    let g: AccessGroup | null = null
    if (acl && w[2] === 'global') g = {acl, direction: 'global', node: n}
    else if (acl && (w[2] === 'in' || w[2] === 'out') && w[3] === 'interface' && w[4]) {
      if (w.includes('control-plane')) {
        // to-the-box filter: only narrows management access, which we list from ssh/http/icmp (recall first)
        this.ledger.ok(n)
        return
      }
      g = {acl, direction: w[2], iface: w[4], node: n}
    }
    if (!g) return this.ledger.bad(n, 'expected access-group NAME in|out interface IF, or NAME global', 'malformed')
    this.config.accessGroups.push(g)
    this.ledger.ok(n)
  }

  /** `route IF NET MASK GATEWAY [metric] [track N]`: where traffic to NET leaves. */
  private route(n: CiscoNode): void {
    const w = n.words
    this.ledger.ok(n)
    const net = w[2]?.includes('/') ? AddressSet.parse(w[2]) : w[3] ? this.objects.maskAddress(w[2] ?? '', w[3]) : null
    if (!w[1] || !net) return this.ledger.bad(n, 'expected route INTERFACE NETWORK MASK GATEWAY', 'malformed')
    this.config.routes.set(w[1], (this.config.routes.get(w[1]) ?? AddressSet.EMPTY).union(net))
  }

  // ---------- NAT ----------

  private natIfaces(word: string | undefined): {realIf: string; mappedIf: string; single: boolean} | null {
    const m = /^\(([^,)]+)(?:,([^)]+))?\)$/.exec(word ?? '')
    if (!m) return null
    return {realIf: m[1], mappedIf: m[2] ?? m[1], single: m[2] === undefined}
  }

  /** A NAT operand: object, group, `any`, `interface`, or (object NAT) a literal address. */
  private natOperand(word: string | undefined, mappedIf: string, literalOk: boolean): AddrRef | null {
    if (!word) return null
    if (word === 'any') return ANY_REF
    if (word === 'interface') {
      const ifc = this.config.interfaces.get(mappedIf)
      return ifc?.addresses ? {set: ifc.addresses, unresolved: []} : {set: AddressSet.ANY, unresolved: [`interface:${mappedIf}`]}
    }
    const r = this.objects.netObject(word) ?? this.objects.netGroup(word)
    if (r) return r
    if (literalOk) {
      const s = this.objects.hostAddress(word) ?? AddressSet.parse(word)
      if (s) return {set: s, unresolved: []}
    }
    return null
  }

  private natService(proto: string, realPort: string, mappedPort: string): StaticNat['service'] | null {
    const protocols = parseProtocol(proto)
    const r = ciscoPort(realPort)
    const m = ciscoPort(mappedPort)
    if (!protocols || r === undefined || m === undefined) return null
    return {protocols, realPorts: PortSet.range(r), mappedPorts: PortSet.range(m)}
  }

  /** `object network X` + ` nat (real,mapped) static MAPPED [net-to-net] [service tcp REAL MAPPED] …` */
  private objectNat(object: string, n: CiscoNode): void {
    const w = n.words
    let i = 1
    const ifs = this.natIfaces(w[i]) ?? {realIf: 'any', mappedIf: 'any', single: false}
    if (w[i]?.startsWith('(')) i++
    const type = w[i]
    if (type === 'dynamic') {
      // source PAT/NAT: outbound only
      this.ledger.ok(n)
      return
    }
    if (type !== 'static') return this.ledger.bad(n, `unknown object NAT type '${type ?? ''}'`, 'unknown-statement')
    const real = this.objects.netObject(object)
    let mapped = this.natOperand(w[i + 1], ifs.mappedIf, true)
    // ASA: an inline mapped address takes the real network's size (net-to-net from that address)
    const inline = parseIp(w[i + 1] ?? '')
    if (real && mapped && inline?.family === 4 && real.set.v4.length === 2 && !real.set.hasFamily(6)) {
      const size = real.set.v4[1] - real.set.v4[0]
      mapped = {set: AddressSet.fromRange(4, Number(inline.value), Math.min(Number(inline.value) + size, 0xffffffff)), unresolved: []}
    }
    if (!real || !mapped) return this.ledger.bad(n, `cannot resolve the NAT addresses of object ${object}`, 'bad-value')
    let service: StaticNat['service'] | undefined
    const s = w.indexOf('service')
    if (s > 0) {
      const svc = this.natService(w[s + 1] ?? '', w[s + 2] ?? '', w[s + 3] ?? '')
      if (!svc) return this.ledger.bad(n, 'cannot read the NAT service (protocol real-port mapped-port)', 'bad-value')
      service = svc
    }
    this.ledger.ok(n)
    if (real.set.equals(mapped.set) && !service) return // identity NAT: nothing is forwarded
    this.config.nats.push({
      node: n,
      rule: `object ${object} nat`,
      realIf: ifs.realIf,
      mappedIf: ifs.mappedIf,
      real,
      mapped,
      service,
      doubts: [],
    })
  }

  /**
   * A NAT rule word for word the same as an earlier one: NAT rules match in order, so the earlier one
   * takes every packet this one would translate and this one never does (a config pasted twice).
   */
  private repeatedNat(n: CiscoNode): boolean {
    const key = n.words.join(' ')
    const first = this.natTexts.get(key)
    if (!first) {
      this.natTexts.set(key, n)
      return false
    }
    this.ledger.ignored(n.line, `the same NAT rule as line ${first.line}, which matches first: this one never translates`)
    return true
  }

  /** Twice NAT: `nat (real,mapped) [line|after-auto] source static A B [destination static C D] [service S1 S2] …` */
  private twiceNat(n: CiscoNode): void {
    const w = n.words
    let i = 1
    const ifs = this.natIfaces(w[i])
    if (ifs) i++
    if (ifs?.single) {
      // pre-8.3 `nat (inside) 1 10.0.0.0 255.0.0.0` (dynamic) or `nat (inside) 0 access-list X` (exemption)
      this.ledger.ok(n)
      return
    }
    const realIf = ifs?.realIf ?? 'any'
    const mappedIf = ifs?.mappedIf ?? 'any'
    if (w[i] === 'after-auto') i++
    else if (/^\d+$/.test(w[i] ?? '')) i++
    if (w[i] !== 'source') return this.ledger.bad(n, `expected 'source' in twice NAT, got '${w[i] ?? ''}'`, 'malformed')
    const type = w[i + 1]
    if (w.includes('inactive') || type === 'dynamic') {
      // dynamic source NAT is outbound; an inactive rule translates nothing
      this.ledger.ok(n)
      return
    }
    if (type !== 'static') return this.ledger.bad(n, `unknown twice NAT type '${type ?? ''}'`, 'unknown-statement')
    const real = this.natOperand(w[i + 2], realIf, false)
    const mapped = this.natOperand(w[i + 3], mappedIf, false)
    if (!real || !mapped) {
      const missing = !real ? w[i + 2] : w[i + 3]
      return this.ledger.bad(n, `NAT object '${missing ?? ''}' is not defined`, 'undefined-reference')
    }
    let peer: AddrRef | undefined
    let mappedDest: AddrRef | undefined
    const d = w.indexOf('destination')
    if (d > 0) {
      if (w[d + 1] !== 'static') {
        this.ledger.ok(n)
        return
      }
      // `destination static MAPPED REAL`; a mapped `interface` is the address the real side's traffic is sent to
      mappedDest = this.natOperand(w[d + 2], realIf, false) ?? undefined
      const realDest = this.natOperand(w[d + 3], mappedIf, false)
      if (!mappedDest || !realDest) return this.ledger.bad(n, `NAT object '${!mappedDest ? w[d + 2] : w[d + 3]}' is not defined`, 'undefined-reference')
      peer = realDest
    }
    let service: StaticNat['service'] | undefined
    const doubts: DoubtNote[] = []
    const s = w.indexOf('service')
    if (s > 0) {
      const realSvc = this.objects.serviceObject(w[s + 1] ?? '')
      const mappedSvc = this.objects.serviceObject(w[s + 2] ?? '')
      if (!realSvc || !mappedSvc) return this.ledger.bad(n, `NAT service object '${!realSvc ? w[s + 1] : w[s + 2]}' is not defined`, 'undefined-reference')
      const rt = realSvc.terms[0]
      const mt = mappedSvc.terms[0]
      service = {protocols: mt.protocols, realPorts: rt.ports, mappedPorts: mt.ports}
    }
    this.ledger.ok(n)
    const sourceIdentity = real.set.equals(mapped.set) && !real.unresolved.length
    if (sourceIdentity && mappedDest && peer && !mappedDest.set.equals(peer.set)) {
      // pure destination NAT (`source static any any destination static C D`): connections from the
      // real side to C are sent to D, e.g. `nat (outside,inside) … destination static interface WEB`
      const mappedSet = mappedDest.set.intersect(sameFamilies(peer.set))
      this.config.nats.push({node: n, rule: 'twice nat (destination)', realIf: mappedIf, mappedIf: realIf, real: peer, mapped: {...mappedDest, set: mappedSet}, peer: real, service, doubts})
      return
    }
    if (w.includes('unidirectional')) return // only real→mapped connections are translated
    if (sourceIdentity && !service) return // identity (NAT exemption)
    this.config.nats.push({node: n, rule: 'twice nat', realIf, mappedIf, real, mapped, peer, service, doubts})
  }

  /** Pre-8.3: `static (inside,outside) [tcp|udp] MAPPED [MPORT] REAL [RPORT] netmask M`. */
  private legacyStatic(n: CiscoNode): void {
    const w = n.words
    const ifs = this.natIfaces(w[1])
    if (!ifs) return this.ledger.bad(n, 'static needs (real_if,mapped_if)', 'malformed')
    let i = 2
    let proto: string | undefined
    if (w[i] === 'tcp' || w[i] === 'udp') proto = w[i++]
    const mappedWord = w[i++]
    const mport = proto ? w[i++] : undefined
    const realWord = w[i++]
    const rport = proto ? w[i++] : undefined
    const maskAt = w.indexOf('netmask')
    const mask = maskAt > 0 ? w[maskAt + 1] : '255.255.255.255'
    const mapped = mappedWord === 'interface' ? this.natOperand('interface', ifs.mappedIf, false) : this.objects.maskAddress(mappedWord ?? '', mask) && {set: this.objects.maskAddress(mappedWord ?? '', mask)!, unresolved: []}
    const realSet = realWord === 'access-list' ? null : this.objects.maskAddress(realWord ?? '', mask)
    if (!mapped || !realSet) return this.ledger.bad(n, 'cannot read the static translation', 'bad-value')
    let service: StaticNat['service'] | undefined
    if (proto) {
      const svc = this.natService(proto, rport ?? '', mport ?? '')
      if (!svc) return this.ledger.bad(n, 'cannot read the static ports', 'bad-value')
      service = svc
    }
    this.ledger.ok(n)
    this.config.nats.push({node: n, rule: 'static', realIf: ifs.realIf, mappedIf: ifs.mappedIf, real: {set: realSet, unresolved: []}, mapped, service, doubts: []})
  }

  // ---------- management plane ----------

  private mgmtFrom(w: string[], i: number): {from: AddressSet; next: number} | null {
    if (w[i]?.includes('/')) {
      const s = AddressSet.parse(w[i])
      return s && {from: s, next: i + 1}
    }
    const s = this.objects.maskAddress(w[i] ?? '', w[i + 1] ?? '')
    return s && {from: s, next: i + 2}
  }

  /** `ssh A M IF`, `telnet A M IF`, `http A M IF`, `http server enable [port]`, `http redirect IF [port]`. */
  private mgmtLine(n: CiscoNode): void {
    const w = n.words
    const service = w[0] as 'ssh' | 'telnet' | 'http'
    if (service === 'http' && w[1] === 'server' && w[2] === 'enable') {
      this.config.httpServer = {node: n, port: /^\d+$/.test(w[3] ?? '') ? Number(w[3]) : 443}
      this.ledger.ok(n)
      return
    }
    if (service === 'http' && w[1] === 'redirect' && w[2]) {
      this.config.httpRedirect.push({node: n, iface: w[2], port: /^\d+$/.test(w[3] ?? '') ? Number(w[3]) : 80})
      this.ledger.ok(n)
      return
    }
    const isAddress = parseIp(w[1]?.split('/')[0] ?? '') !== null || this.objects.hasName(w[1] ?? '')
    if (!isAddress) {
      // ssh version/timeout/key-exchange/cipher, http authentication…: settings of the listener
      this.ledger.ok(n)
      return
    }
    const r = this.mgmtFrom(w, 1)
    if (!r || !w[r.next]) return this.ledger.bad(n, `expected ${service} ADDRESS MASK INTERFACE`, 'malformed')
    this.config.mgmt.push({node: n, service: service === 'http' ? 'http' : service, from: r.from, iface: w[r.next]})
    this.ledger.ok(n)
  }

  /** `icmp permit|deny SRC [MASK] [TYPE] IF`; `icmp unreachable rate-limit` is a setting. */
  private icmpLine(n: CiscoNode): void {
    const w = n.words
    if (w[1] !== 'permit' && w[1] !== 'deny') {
      this.ledger.ok(n)
      return
    }
    let i = 2
    let from: AddressSet | null = null
    if (w[i] === 'any' || w[i] === 'any4' || w[i] === 'any6') {
      from = w[i] === 'any4' ? AddressSet.ANY4 : w[i] === 'any6' ? AddressSet.ANY6 : AddressSet.ANY
      i++
    } else if (w[i] === 'host') {
      from = this.objects.hostAddress(w[i + 1] ?? '')
      i += 2
    } else {
      const r = this.mgmtFrom(w, i)
      from = r?.from ?? null
      i = r?.next ?? i
    }
    if (!from || i >= w.length) return this.ledger.bad(n, 'expected icmp permit|deny SOURCE [TYPE] INTERFACE', 'malformed')
    const iface = w[w.length - 1]
    const type = i < w.length - 1 ? w[i] : undefined
    const list = this.config.icmp.get(iface) ?? []
    list.push({node: n, action: w[1] === 'permit' ? 'allow' : 'deny', from, type})
    this.config.icmp.set(iface, list)
    this.ledger.ok(n)
  }

  /** `snmp-server host IF ADDR [community X] [version V] [udp-port P] [poll|trap]`: polling opens udp/161. */
  private snmp(n: CiscoNode): void {
    const w = n.words
    this.ledger.ok(n)
    if (w[1] === 'enable' && w.length === 2) this.config.snmpEnabled = true
    if (w[1] !== 'host') return
    const iface = w[2]
    const from = this.objects.hostAddress(w[3] ?? '') ?? (w[3]?.includes('/') ? AddressSet.parse(w[3]) : null)
    if (!iface || !from) return this.ledger.bad(n, 'expected snmp-server host INTERFACE ADDRESS', 'malformed')
    // ASA: a host without `trap` may poll; `trap` alone only receives traps
    if (w.includes('trap') && !w.includes('poll')) return
    this.config.mgmt.push({node: n, service: 'snmp', from, iface})
  }

  // ---------- VPN ----------

  private webvpn(n: CiscoNode): void {
    this.ledger.okTree(n)
    const ifaces: Array<{iface: string; node: CiscoNode}> = []
    let port = 443
    let anyconnect = false
    for (const c of n.children) {
      const w = c.words
      if (w[0] === 'enable' && w[1]) ifaces.push({iface: w[1], node: c})
      else if (w[0] === 'port' && /^\d+$/.test(w[1] ?? '')) port = Number(w[1])
      else if (w[0] === 'anyconnect' && w[1] === 'enable') anyconnect = true
    }
    this.config.webvpn = {node: n, ifaces, port, anyconnect}
  }

  private crypto(n: CiscoNode): void {
    const w = n.words
    this.ledger.okTree(n)
    // `crypto ikev1 enable outside` / `crypto ikev2 enable outside [client-services port N]`
    if ((w[1] === 'ikev1' || w[1] === 'ikev2' || w[1] === 'isakmp') && w[2] === 'enable' && w[3]) {
      // IKEv2 client services (AnyConnect over IPsec) also listen on tcp, 443 unless a port is given
      const cs = w.indexOf('client-services')
      const port = cs > 0 ? (w[cs + 1] === 'port' && /^\d+$/.test(w[cs + 2] ?? '') ? Number(w[cs + 2]) : 443) : undefined
      this.config.ikeEnabled.push({iface: w[3], node: n, version: w[1], clientServicesPort: port})
      return
    }
    if (w[1] === 'map' && w[2]) {
      if (w[3] === 'interface' && w[4]) {
        this.config.cryptoMapIfaces.push({map: w[2], iface: w[4], node: n})
        return
      }
      const entries = this.config.cryptoMaps.get(w[2]) ?? []
      if (w[5] === 'dynamic' || (w[4] === 'ipsec-isakmp' && w[5] === 'dynamic')) entries.push({node: n, peers: AddressSet.ANY, dynamic: true})
      else if (w[4] === 'set' && w[5] === 'peer') {
        let peers = AddressSet.EMPTY
        for (const p of w.slice(6)) {
          const s = this.objects.hostAddress(p)
          if (s) peers = peers.union(s)
          else {
            // a peer given by hostname resolves at run time
            this.ledger.bad(n, `crypto map peer '${p}' is not an address`, 'bad-value')
            peers = AddressSet.ANY
          }
        }
        entries.push({node: n, peers, dynamic: false} satisfies CryptoMapEntry)
      }
      this.config.cryptoMaps.set(w[2], entries)
    }
    // crypto ca (certificates, skipped whole), ipsec proposals/transform sets, ikev1/2 policies: parameters only
  }
}
