/**
 * FortiOS firewall objects → sets: addresses and groups (v4 and v6), custom and predefined services,
 * service groups, VIPs. Each table resolves a name once (memoised) so policies cost O(their names).
 */
import {type DoubtNote, note, uniqueDoubts} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import {parseCidr, parseIp} from '../../net/ip.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {ICMP, ICMPV6, TCP, UDP} from '../../net/protocol.js'
import type {Statement} from './read.js'

export const SCTP = 132
export const ESP = 50

/** A resolved name list: the set, the names that are not addresses we can compute, doubts. */
export interface ResolvedAddresses {
  set: AddressSet
  unresolved: string[]
  doubts: DoubtNote[]
}

export interface ServiceBox {
  protocols: ProtocolSet
  ports: PortSet
  sourcePorts: PortSet
}

export interface ResolvedServices {
  boxes: ServiceBox[]
  unresolved: string[]
  doubts: DoubtNote[]
}

export interface Vip {
  name: string
  family: 4 | 6
  line: number
  ext: AddressSet
  mapped?: AddressSet
  extintf?: string
  /** Port forwarding: protocol and external/mapped ports. */
  forward?: {protocols: ProtocolSet; ext: PortSet; mapped: PortSet}
  srcFilter?: AddressSet
  kind: 'nat-forward' | 'load-balancer'
  doubts: DoubtNote[]
  text: string
}

/** `10.0.0.0 255.255.255.0`, `10.0.0.0/24`, `10.0.0.1` → CIDR set; null if unreadable. */
export function addressWithMask(values: string[]): AddressSet | null {
  if (values.length === 0) return null
  if (values.length >= 2) {
    const ip = parseIp(values[0])
    const mask = parseIp(values[1])
    if (!ip || !mask || ip.family !== 4 || mask.family !== 4) return null
    const m = Number(mask.value)
    const prefix = 32 - Math.log2(((~m) >>> 0) + 1)
    if (!Number.isInteger(prefix)) return null
    const c = parseCidr(`${values[0]}/${prefix}`)
    return c ? AddressSet.fromRange(4, c.start, c.end) : null
  }
  const c = parseCidr(values[0])
  return c ? AddressSet.fromRange(c.family, c.start, c.end) : null
}

/** The host address of an interface line `ip 10.0.0.1 255.255.255.0` (as /32) and its subnet. */
export function interfaceAddress(values: string[]): {host: AddressSet; subnet: AddressSet} | null {
  const subnet = addressWithMask(values)
  if (!subnet) return null
  const ip = values[0].split('/')[0]
  const host = AddressSet.parse(ip)
  return host ? {host, subnet} : null
}

const MAX_WILDCARD_PIECES = 256

/**
 * FortiOS wildcard address: `set wildcard 10.0.5.1 255.255.0.255` matches 10.0.*.1 (mask bits set =
 * must match). Non-contiguous masks expand to at most 256 prefixes; wider ones are approximated by
 * their covering prefix (a superset, noted).
 */
export function wildcardSet(values: string[]): {set: AddressSet; approximate: boolean} | null {
  const ip = parseIp(values[0] ?? '')
  const mask = parseIp(values[1] ?? '')
  if (!ip || !mask || ip.family !== 4 || mask.family !== 4) return null
  const m = Number(mask.value) >>> 0
  const base = (Number(ip.value) & m) >>> 0
  // free bits that sit above the lowest fixed bit must be enumerated; those below form a prefix
  let lowestFixed = 32
  for (let b = 0; b < 32; b++) if ((m >>> b) & 1) {
    lowestFixed = b
    break
  }
  const freeHigh: number[] = []
  for (let b = lowestFixed; b < 32; b++) if (!((m >>> b) & 1)) freeHigh.push(b)
  const hostBits = lowestFixed === 32 ? 32 : lowestFixed
  if (2 ** freeHigh.length > MAX_WILDCARD_PIECES) {
    const top = freeHigh[freeHigh.length - 1]
    const prefix = 31 - top
    const start = prefix === 0 ? 0 : (base & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0
    return {set: AddressSet.fromRange(4, start, start + 2 ** (32 - prefix) - 1), approximate: true}
  }
  const v4: Array<[number, number]> = []
  for (let k = 0; k < 2 ** freeHigh.length; k++) {
    let a = base
    freeHigh.forEach((bit, j) => {
      if ((k >>> j) & 1) a = (a | (1 << bit)) >>> 0
    })
    const start = hostBits === 32 ? 0 : (a & ((0xffffffff << hostBits) >>> 0)) >>> 0
    v4.push([start, start + 2 ** hostBits - 1])
  }
  return {set: AddressSet.fromRanges(v4, []), approximate: false}
}

// FortiOS port syntax: `dst[-dst][:src[-src]]`; 0 as the low end means "from 1"
export function portToken(token: string): {ports: PortSet; sourcePorts: PortSet} | null {
  const [dst, src] = token.split(':')
  const read = (t: string): PortSet | null => {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(t)
    if (!m) return null
    const lo = Number(m[1])
    const hi = m[2] === undefined ? lo : Number(m[2])
    if (hi > 65535 || lo > hi) return null
    return lo === 0 && hi === 0 ? PortSet.ALL : PortSet.range(lo, hi)
  }
  const ports = read(dst)
  const sourcePorts = src === undefined ? PortSet.ALL : read(src)
  return ports && sourcePorts ? {ports, sourcePorts} : null
}

/** Predefined FortiOS services (present on every unit even when a backup omits them). */
const PREDEFINED: Record<string, string> = {
  ALL: 'ip',
  ALL_TCP: 'tcp/1-65535',
  ALL_UDP: 'udp/1-65535',
  ALL_ICMP: 'icmp',
  ALL_ICMP6: 'icmp6',
  GRE: 'ip/47',
  AH: 'ip/51',
  ESP: 'ip/50',
  OSPF: 'ip/89',
  AOL: 'tcp/5190-5194',
  BGP: 'tcp/179',
  DHCP: 'udp/67-68',
  DHCP6: 'udp/546-547',
  DNS: 'tcp/53 udp/53',
  FINGER: 'tcp/79',
  FTP: 'tcp/21',
  FTP_GET: 'tcp/21',
  FTP_PUT: 'tcp/21',
  GOPHER: 'tcp/70',
  H323: 'tcp/1720 tcp/1503 udp/1719',
  HTTP: 'tcp/80',
  HTTPS: 'tcp/443',
  IKE: 'udp/500 udp/4500',
  IMAP: 'tcp/143',
  IMAPS: 'tcp/993',
  'Internet-Locator-Service': 'tcp/389',
  IRC: 'tcp/6660-6669',
  L2TP: 'tcp/1701 udp/1701',
  LDAP: 'tcp/389',
  LDAP_UDP: 'udp/389',
  NetMeeting: 'tcp/1720',
  NFS: 'tcp/111 tcp/2049 udp/111 udp/2049',
  NNTP: 'tcp/119',
  NTP: 'tcp/123 udp/123',
  'PC-Anywhere': 'tcp/5631 udp/5632',
  PING: 'icmp',
  TIMESTAMP: 'icmp',
  INFO_REQUEST: 'icmp',
  INFO_ADDRESS: 'icmp',
  'ONC-RPC': 'tcp/111 udp/111',
  'DCE-RPC': 'tcp/135 udp/135',
  POP3: 'tcp/110',
  POP3S: 'tcp/995',
  PPTP: 'tcp/1723',
  QUAKE: 'udp/26000 udp/27000 udp/27910 udp/27960',
  RAUDIO: 'udp/7070',
  REXEC: 'tcp/512',
  RIP: 'udp/520',
  RLOGIN: 'tcp/513',
  RSH: 'tcp/514',
  SCCP: 'tcp/2000',
  SIP: 'tcp/5060 udp/5060',
  'SIP-MSNmessenger': 'tcp/1863',
  SAMBA: 'tcp/139',
  SMTP: 'tcp/25',
  SMTPS: 'tcp/465',
  SNMP: 'tcp/161-162 udp/161-162',
  SSH: 'tcp/22',
  SYSLOG: 'udp/514',
  TALK: 'udp/517-518',
  TELNET: 'tcp/23',
  TFTP: 'udp/69',
  MGCP: 'udp/2427 udp/2727',
  UUCP: 'tcp/540',
  VDOLIVE: 'tcp/7000-7010',
  WAIS: 'tcp/210',
  WINFRAME: 'tcp/1494 tcp/2598',
  'X-WINDOWS': 'tcp/6000-6063',
  PING6: 'icmp6',
  'MS-SQL': 'tcp/1433-1434',
  MYSQL: 'tcp/3306',
  RDP: 'tcp/3389',
  VNC: 'tcp/5900',
  KERBEROS: 'tcp/88 udp/88',
  SMB: 'tcp/445',
  SQUID: 'tcp/3128',
  SOCKS: 'tcp/1080 udp/1080',
  WINS: 'tcp/1512 udp/1512',
  CVSPSERVER: 'tcp/2401 udp/2401',
  RADIUS: 'udp/1812-1813',
  'RADIUS-OLD': 'udp/1645-1646',
  TRACEROUTE: 'udp/33434-33535',
  NONE: 'none',
}

function predefined(spec: string): ServiceBox[] {
  if (spec === 'none') return []
  return spec.split(' ').map((item) => {
    const [proto, port] = item.split('/')
    if (proto === 'ip') return {protocols: port ? ProtocolSet.of(Number(port)) : ProtocolSet.ALL, ports: PortSet.ALL, sourcePorts: PortSet.ALL}
    if (proto === 'icmp') return {protocols: ProtocolSet.of(ICMP), ports: PortSet.ALL, sourcePorts: PortSet.ALL}
    if (proto === 'icmp6') return {protocols: ProtocolSet.of(ICMPV6), ports: PortSet.ALL, sourcePorts: PortSet.ALL}
    return {protocols: ProtocolSet.of(proto === 'tcp' ? TCP : UDP), ports: PortSet.parse(port)!, sourcePorts: PortSet.ALL}
  })
}

export interface Entry {
  name: string
  line: number
  settings: Map<string, Statement>
}

export function values(e: Entry, key: string): string[] {
  return e.settings.get(key)?.values ?? []
}

export function value(e: Entry, key: string): string | undefined {
  return e.settings.get(key)?.values[0]
}

/** A table of named objects and groups of them, resolved lazily with cycle protection. */
class GroupTable<T> {
  readonly objects = new Map<string, Entry>()
  readonly groups = new Map<string, Entry>()
  private readonly memo = new Map<string, T | null>()
  private readonly active = new Set<string>()

  constructor(
    private readonly resolveObject: (e: Entry) => T,
    private readonly resolveGroup: (e: Entry, lookup: (name: string) => T | null) => T,
    private readonly builtin: (name: string) => T | null,
  ) {}

  /** Null when the name is unknown (or part of a group loop). */
  lookup(name: string): T | null {
    const cached = this.memo.get(name)
    if (cached !== undefined) return cached
    if (this.active.has(name)) return null
    this.active.add(name)
    const group = this.groups.get(name)
    const object = this.objects.get(name)
    const r = group ? this.resolveGroup(group, (n) => this.lookup(n)) : object ? this.resolveObject(object) : this.builtin(name)
    this.active.delete(name)
    this.memo.set(name, r)
    return r
  }
}

export type AddressTable = GroupTable<ResolvedAddresses>

export function addressTable(family: 4 | 6, interfaceSubnet: (name: string) => AddressSet | undefined): AddressTable {
  const anyFamily = AddressSet.anyOf(family)
  const single = (set: AddressSet, unresolved: string[] = [], doubts: DoubtNote[] = []): ResolvedAddresses => ({set, unresolved, doubts})
  const resolveObject = (e: Entry): ResolvedAddresses => {
    const type = value(e, 'type') ?? (family === 4 ? 'ipmask' : 'ipprefix')
    switch (type) {
      case 'ipmask':
      case 'ipprefix': {
        const v = values(e, family === 4 ? 'subnet' : 'ip6')
        if (v.length === 0) return single(anyFamily)
        const s = addressWithMask(v)
        return s ? single(s.only(family)) : single(AddressSet.EMPTY, [e.name], [note('unexpanded-set', `address '${e.name}' has an unreadable subnet`)])
      }
      case 'iprange': {
        const zero = family === 4 ? '0.0.0.0' : '::'
        const s = AddressSet.parse(`${value(e, 'start-ip') ?? zero}-${value(e, 'end-ip') ?? zero}`)
        return s ? single(s) : single(AddressSet.EMPTY, [e.name], [note('unexpanded-set', `address '${e.name}' has an unreadable range`)])
      }
      case 'wildcard': {
        const w = wildcardSet(values(e, 'wildcard').length ? values(e, 'wildcard') : ['0.0.0.0', '0.0.0.0'])
        if (!w) return single(AddressSet.EMPTY, [e.name], [note('unexpanded-set', `address '${e.name}' has an unreadable wildcard`)])
        return single(w.set, [], w.approximate ? [note('approximated', `wildcard address '${e.name}' approximated by its covering prefix`)] : [])
      }
      case 'interface-subnet': {
        const s = interfaceSubnet(value(e, 'interface') ?? '')
        return s ? single(s.only(family)) : single(AddressSet.EMPTY, [e.name], [note('unknown-address', `interface-subnet '${e.name}': interface address unknown`)])
      }
      default:
        // fqdn, geography, dynamic (SDN), mac, template: not computable from the config alone
        return single(AddressSet.EMPTY, [e.name], [note(type === 'fqdn' ? 'unresolved-name' : 'unexpanded-set', `address '${e.name}' is type ${type}${type === 'fqdn' ? ` (${value(e, 'fqdn') ?? ''})` : type === 'geography' ? ` (${value(e, 'country') ?? ''})` : ''}: not expanded, any address shown`)])
    }
  }
  const resolveGroup = (e: Entry, lookup: (n: string) => ResolvedAddresses | null): ResolvedAddresses => {
    const part = (names: string[]) => {
      const sets: AddressSet[] = []
      const unresolved: string[] = []
      const doubts: DoubtNote[] = []
      for (const n of names) {
        const r = lookup(n)
        if (!r) {
          unresolved.push(n)
          doubts.push(note('undefined-object', `address '${n}' is not defined`))
          continue
        }
        sets.push(r.set)
        unresolved.push(...r.unresolved)
        doubts.push(...r.doubts)
      }
      return {set: AddressSet.unionAll(sets), unresolved, doubts}
    }
    const members = part(values(e, 'member'))
    if (value(e, 'exclude') !== 'enable') return members
    const excluded = part(values(e, 'exclude-member'))
    const doubts = [...members.doubts, ...excluded.doubts]
    // an exclusion we cannot compute may remove anything: keep the members (recall) and say so
    if (excluded.unresolved.length) doubts.push(note('limit-not-applied', `group '${e.name}' excludes ${excluded.unresolved.join(', ')}, not computable: exclusion ignored`))
    return {set: members.set.subtract(excluded.set), unresolved: members.unresolved, doubts}
  }
  const builtin = (name: string): ResolvedAddresses | null => {
    if (name === 'all') return single(anyFamily)
    if (name === 'none') return single(AddressSet.EMPTY)
    return null
  }
  return new GroupTable(resolveObject, resolveGroup, builtin)
}

export type ServiceTable = GroupTable<ResolvedServices>

export function serviceTable(): ServiceTable {
  const resolveObject = (e: Entry): ResolvedServices => {
    const protocol = (value(e, 'protocol') ?? 'TCP/UDP/SCTP').toUpperCase()
    const doubts: DoubtNote[] = []
    const boxes: ServiceBox[] = []
    const addRanges = (key: string, proto: number) => {
      for (const token of values(e, key)) {
        const p = portToken(token)
        if (p) boxes.push({protocols: ProtocolSet.of(proto), ...p})
        else doubts.push(note('unreadable-port', `service '${e.name}': unreadable ${key} '${token}'`))
      }
    }
    switch (protocol) {
      case 'TCP/UDP/SCTP':
      case 'TCP/UDP/UDP-LITE/SCTP':
        addRanges('tcp-portrange', TCP)
        addRanges('udp-portrange', UDP)
        addRanges('sctp-portrange', SCTP)
        addRanges('udplite-portrange', 136)
        break
      case 'ICMP':
      case 'ICMP6':
        boxes.push({protocols: ProtocolSet.of(protocol === 'ICMP' ? ICMP : ICMPV6), ports: PortSet.ALL, sourcePorts: PortSet.ALL})
        if (value(e, 'icmptype') !== undefined) doubts.push(note('icmp-type', `service '${e.name}' matches icmp type ${value(e, 'icmptype')} only`))
        break
      case 'IP': {
        const n = Number(value(e, 'protocol-number') ?? '0')
        boxes.push({protocols: n === 0 || !Number.isInteger(n) || n > 255 ? ProtocolSet.ALL : ProtocolSet.of(n), ports: PortSet.ALL, sourcePorts: PortSet.ALL})
        break
      }
      default:
        // explicit-proxy services (HTTP, CONNECT, SOCKS-TCP…) apply to the proxy, not to forwarded traffic
        return {boxes: [], unresolved: [e.name], doubts: [note('unknown-service', `service '${e.name}' is an explicit-proxy service (${protocol})`)]}
    }
    for (const k of ['iprange', 'fqdn']) {
      if (e.settings.has(k) && value(e, k) !== '0.0.0.0') doubts.push(note('limit-not-applied', `service '${e.name}' is limited to destination ${values(e, k).join(' ')}; not applied`))
    }
    return {boxes, unresolved: [], doubts}
  }
  const resolveGroup = (e: Entry, lookup: (n: string) => ResolvedServices | null): ResolvedServices => {
    const out: ResolvedServices = {boxes: [], unresolved: [], doubts: []}
    for (const n of values(e, 'member')) {
      const r = lookup(n)
      if (!r) {
        out.unresolved.push(n)
        out.doubts.push(note('undefined-object', `service '${n}' is not defined`))
        continue
      }
      out.boxes.push(...r.boxes)
      out.unresolved.push(...r.unresolved)
      out.doubts.push(...r.doubts)
    }
    return out
  }
  const builtin = (name: string): ResolvedServices | null => {
    const spec = PREDEFINED[name]
    return spec === undefined ? null : {boxes: predefined(spec), unresolved: [], doubts: []}
  }
  return new GroupTable(resolveObject, resolveGroup, builtin)
}

/** Resolve a list of address names against a table, collecting doubts. */
export function resolveAddresses(table: AddressTable, names: string[]): ResolvedAddresses {
  const sets: AddressSet[] = []
  const unresolved: string[] = []
  const doubts: DoubtNote[] = []
  for (const n of names) {
    const r = table.lookup(n)
    if (!r) {
      unresolved.push(n)
      doubts.push(note('undefined-object', `address '${n}' is not defined`))
      continue
    }
    sets.push(r.set)
    unresolved.push(...r.unresolved)
    doubts.push(...r.doubts)
  }
  return {set: AddressSet.unionAll(sets), unresolved: [...new Set(unresolved)], doubts: uniqueDoubts(doubts)}
}

export function resolveServices(table: ServiceTable, names: string[]): ResolvedServices {
  const out: ResolvedServices = {boxes: [], unresolved: [], doubts: []}
  for (const n of names) {
    const r = table.lookup(n)
    if (!r) {
      out.unresolved.push(n)
      out.doubts.push(note('undefined-object', `service '${n}' is not defined`))
      continue
    }
    out.boxes.push(...r.boxes)
    out.unresolved.push(...r.unresolved)
    out.doubts.push(...r.doubts)
  }
  out.unresolved = [...new Set(out.unresolved)]
  out.doubts = uniqueDoubts(out.doubts)
  return out
}

/** `config firewall vip` / `vip6` entry → Vip, or a reason it cannot be read. */
export function readVip(e: Entry, family: 4 | 6, text: string): Vip | string {
  const doubts: DoubtNote[] = []
  const type = value(e, 'type') ?? 'static-nat'
  const ext = AddressSet.parse(value(e, 'extip') ?? '')
  if (!ext) return `VIP '${e.name}' has no readable extip`
  const mappedSets = values(e, 'mappedip').map((v) => AddressSet.parse(v))
  let mapped = mappedSets.every((s) => s) && mappedSets.length ? AddressSet.unionAll(mappedSets as AddressSet[]) : undefined
  let kind: Vip['kind'] = 'nat-forward'
  if (type === 'server-load-balance' || type === 'load-balance') kind = 'load-balancer'
  else if (type !== 'static-nat') doubts.push(note('translation-unknown', `VIP type '${type}'`))
  if (!mapped && kind === 'nat-forward' && type === 'static-nat') doubts.push(note('translation-unknown', `VIP '${e.name}' has no readable mappedip`))
  if (family === 6 && mapped) mapped = mapped.only(6)
  const protoName = (value(e, 'protocol') ?? 'tcp').toLowerCase()
  const protoNumber: Record<string, number> = {tcp: TCP, udp: UDP, sctp: SCTP, icmp: ICMP}
  let forward: Vip['forward']
  if (value(e, 'portforward') === 'enable' || kind === 'load-balancer') {
    const extPorts = PortSet.parse(value(e, 'extport') ?? '0-65535')
    const mappedPorts = PortSet.parse(value(e, 'mappedport') ?? value(e, 'extport') ?? '0-65535')
    const proto = protoNumber[protoName]
    if (!extPorts || !mappedPorts || proto === undefined) return `VIP '${e.name}' has an unreadable port forward`
    forward = {protocols: ProtocolSet.of(proto), ext: proto === ICMP ? PortSet.ALL : extPorts, mapped: proto === ICMP ? PortSet.ALL : mappedPorts}
  }
  const filters = values(e, 'src-filter').map((v) => addressWithMask(v.split(' ')) ?? AddressSet.parse(v))
  const srcFilter = filters.length && filters.every((s) => s) ? AddressSet.unionAll(filters as AddressSet[]) : undefined
  const extintf = value(e, 'extintf')
  return {name: e.name, family, line: e.line, ext, mapped, extintf: extintf && extintf !== 'any' ? extintf : undefined, forward, srcFilter, kind, doubts, text}
}
