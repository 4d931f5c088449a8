/** The device itself: interface addresses, management access (allowaccess, local-in-policy, trusted hosts), VPN listeners. */
import {buildExposure} from '../../model/build.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import {type DeviceListener, interfaceAddress as cidrOf} from '../../model/device.js'
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {ICMP, ICMPV6, TCP, UDP} from '../../net/protocol.js'
import type {EvalRule} from '../../model/evaluate.js'
import {Accounting, type Item, itemsOf, itemText, lazy, type Scope} from './items.js'
import {ESP, interfaceAddress, type ServiceBox, value, values} from './objects.js'
import {addressSide, permitsToExposures, type PolicyMeta, serviceBoxes, type VdomTables} from './policies.js'
import {type ReadResult, settingsOf, type Statement, statementText} from './read.js'
import {INTERFACE_ACCESS, PHASE1_KEYS, SSL_SETTINGS_KEYS} from './sections.js'

export interface InterfaceInfo {
  name: string
  line: number
  hosts: AddressSet
  subnets: AddressSet
  /** Addresses with their prefix length, as configured (`192.0.2.1/24`). */
  cidrs: string[]
  /** `set role wan` */
  wan: boolean
  dynamic: boolean
  access: Array<{tokens: string[]; family: 4 | 6; line: number; text: string; where: string}>
}

export interface AdminPorts {
  [key: string]: number
}

export function readInterfaces(items: Item[], acc: Accounting): Map<string, InterfaceInfo> {
  const out = new Map<string, InterfaceInfo>()
  for (const item of items) {
    const info: InterfaceInfo = {name: item.name, line: item.line, hosts: AddressSet.EMPTY, subnets: AddressSet.EMPTY, cidrs: [], wan: value(item, 'role') === 'wan', dynamic: false, access: []}
    const mode = value(item, 'mode')
    info.dynamic = mode === 'dhcp' || mode === 'pppoe'
    const addIp = (s: Statement | undefined) => {
      if (!s || s.values[0] === '0.0.0.0') return
      const a = interfaceAddress(s.values)
      if (a) {
        info.hosts = info.hosts.union(a.host)
        info.subnets = info.subnets.union(a.subnet)
        const cidr = cidrOf(s.values[0], s.values[0].includes('/') ? undefined : s.values[1])
        if (cidr) info.cidrs.push(cidr)
      } else acc.statement(s, 'unreadable interface address', 'bad-value')
    }
    addIp(item.settings.get('ip'))
    const access = item.settings.get('allowaccess')
    if (access) info.access.push({tokens: access.values, family: 4, line: access.line, text: statementText(access), where: `interface ${item.name}`})
    for (const c of item.children) {
      if (c.name === 'ipv6') {
        const v6 = settingsOf(c.statements)
        addIp(v6.get('ip6-address'))
        if (v6.get('ip6-mode') && v6.get('ip6-mode')!.values[0] !== 'static') info.dynamic = true
        const a6 = v6.get('ip6-allowaccess')
        if (a6) info.access.push({tokens: a6.values, family: 6, line: a6.line, text: statementText(a6), where: `interface ${item.name}`})
        for (const extra of c.children) {
          if (extra.name !== 'ip6-extra-addr') continue
          for (const e of extra.children) addIp(settingsOf(e.statements).get('prefix'))
        }
      } else if (c.name === 'secondaryip') {
        for (const e of c.children) {
          const s = settingsOf(e.statements)
          addIp(s.get('ip'))
          const a = s.get('allowaccess')
          if (a) info.access.push({tokens: a.values, family: 4, line: a.line, text: statementText(a), where: `interface ${item.name} secondaryip ${e.name}`})
        }
      }
    }
    // an administratively down interface answers nothing
    if (value(item, 'status') === 'down') info.access = []
    out.set(item.name, info)
  }
  return out
}

function accessBoxes(token: string, family: 4 | 6, ports: AdminPorts): ServiceBox[] | null {
  const spec = INTERFACE_ACCESS[token]
  if (!spec) return null
  return spec.split(' ').map((item) => {
    const [proto, port] = item.split('/')
    if (proto === 'icmp') return {protocols: ProtocolSet.of(family === 4 ? ICMP : ICMPV6), ports: PortSet.ALL, sourcePorts: PortSet.ALL}
    const p = ports[port] !== undefined ? PortSet.range(ports[port]) : PortSet.parse(port)!
    return {protocols: ProtocolSet.of(proto === 'tcp' ? TCP : UDP), ports: p, sourcePorts: PortSet.ALL}
  })
}

// admin logins that trusted hosts restrict (FortiOS refuses them from other sources)
const LOGIN_ACCESS = new Set(['https', 'http', 'ssh', 'telnet'])

/** Management plane: local-in policies first, then what allowaccess opens on each interface. */
export function managementExposures(
  interfaces: Map<string, InterfaceInfo>,
  ports: AdminPorts,
  trusted: AddressSet | undefined,
  localIn: Array<{item: Item; tables: VdomTables; prefix: string; family: 4 | 6}>,
  acc: Accounting,
  out: Exposure[],
  listeners: DeviceListener[],
): void {
  const rules: Array<EvalRule<PolicyMeta>> = []
  const group = {next: 1_000_000}
  // local-in policies guard traffic to the device itself: `dstaddr all` means its own addresses
  const own = AddressSet.unionAll([...interfaces.values()].map((i) => i.hosts))
  for (const {item, tables, prefix, family} of localIn) {
    if (value(item, 'status') === 'disable') continue
    const allow = value(item, 'action') === 'accept'
    const svc = serviceBoxes(tables.services, values(item, 'service'), value(item, 'service-negate') === 'enable')
    const intfs = values(item, 'intf')
    {
      const anyFamily = AddressSet.anyOf(family)
      const src = addressSide(tables.addresses[family], values(item, 'srcaddr'), value(item, 'srcaddr-negate') === 'enable', anyFamily)
      const dst = addressSide(tables.addresses[family], values(item, 'dstaddr'), value(item, 'dstaddr-negate') === 'enable', anyFamily)
      const ownFamily = own.only(family)
      if (!ownFamily.isEmpty() && dst.set.covers(ownFamily)) dst.set = ownFamily
      const doubtful = svc.doubtful || src.doubtful || dst.doubtful || (value(item, 'schedule') ?? 'always') !== 'always'
      const text = lazy(() => itemText(item))
      for (const intf of intfs.length ? intfs : ['any']) {
        for (const b of svc.boxes) {
          if (src.set.isEmpty() || dst.set.isEmpty()) continue
          rules.push({
            match: {from: src.set, to: dst.set, ...b},
            action: allow ? 'allow' : 'deny',
            guards: intf === 'any' ? [] : [{in: intf}],
            opaque: !allow && doubtful,
            meta: {rule: `${prefix}local-in-policy ${item.name}`, line: item.line, text, doubts: [...svc.doubts, ...src.doubts, ...dst.doubts], fromSets: src.unresolved, toSets: dst.unresolved, srcintf: intf, dstintf: 'any', group: group.next},
          })
        }
      }
    }
    group.next++
  }
  for (const info of interfaces.values()) {
    for (const a of info.access) {
      const unknown = a.tokens.filter((t) => !INTERFACE_ACCESS[t])
      if (unknown.length) {
        // the known services of the line are still modelled; the line counts as not understood
        acc.line(a.line, `unknown allowaccess ${unknown.map((t) => `'${t}'`).join(', ')}`, a.text, 1, 'bad-value')
      }
      const familySet = AddressSet.anyOf(a.family)
      const hosts = info.hosts.only(a.family)
      const doubts: DoubtNote[] = []
      let to = hosts
      if (hosts.isEmpty()) {
        to = familySet
        doubts.push(note('unknown-address', info.dynamic ? 'interface address is dynamic (DHCP/PPPoE): any address shown' : 'interface has no static address: any address shown'))
      }
      for (const token of a.tokens) {
        const boxes = accessBoxes(token, a.family, ports)
        if (!boxes) continue
        listeners.push({service: token, bind: hosts.toCidrs(), line: a.line})
        const restricted = trusted && LOGIN_ACCESS.has(token)
        const from = restricted ? trusted.only(a.family) : familySet
        if (from.isEmpty()) continue
        for (const b of boxes) {
          rules.push({
            match: {from, to, ...b},
            action: 'allow',
            guards: [{in: info.name}],
            meta: {
              rule: `${a.where} allowaccess ${token}`,
              line: a.line,
              text: () => a.text,
              doubts: restricted ? [...doubts, note('listener-info', 'source limited to the trusted hosts of every administrator')] : doubts,
              fromSets: [],
              toSets: [],
              srcintf: info.name,
              dstintf: 'any',
              group: group.next,
            },
          })
        }
        group.next++
      }
    }
  }
  const first = out.length
  permitsToExposures(rules, out)
  for (const e of out.slice(first)) e.hostLocal = true
}

function listenerExposure(rule: string, line: number, text: string, from: AddressSet, to: AddressSet, boxes: ServiceBox[], intf: string | undefined, doubts: DoubtNote[], fromSets: string[]): Exposure[] {
  return boxes.map((b) => buildExposure({kind: 'vpn-listener', box: {from, to, ...b}, line, rule, text, ...(intf ? {interfaces: {in: [intf]}} : {}), fromSets, doubts}))
}

function interfaceTo(interfaces: Map<string, InterfaceInfo>, names: string[], doubts: DoubtNote[], family?: 4 | 6): AddressSet {
  const sets = names.map((n) => interfaces.get(n)?.hosts ?? AddressSet.EMPTY)
  const to = family ? AddressSet.unionAll(sets).only(family) : AddressSet.unionAll(sets)
  if (to.isEmpty()) {
    doubts.push(note('unknown-address', 'listening interface address unknown: any address shown'))
    return AddressSet.anyOf(family)
  }
  return to
}

export function vpnExposures(scope: Scope, tables: VdomTables, interfaces: Map<string, InterfaceInfo>, version: ReadResult['version'], prefix: string, acc: Accounting, out: Exposure[], listeners: DeviceListener[]): void {
  const ike: ServiceBox[] = [
    {protocols: ProtocolSet.of(UDP), ports: PortSet.range(500), sourcePorts: PortSet.ALL},
    {protocols: ProtocolSet.of(UDP), ports: PortSet.range(4500), sourcePorts: PortSet.ALL},
    {protocols: ProtocolSet.of(ESP), ports: PortSet.ALL, sourcePorts: PortSet.ALL},
  ]
  for (const section of ['vpn ipsec phase1-interface', 'vpn ipsec phase1']) {
    for (const item of itemsOf(scope.sections.get(section), section, acc, PHASE1_KEYS, () => true)) {
      const doubts: DoubtNote[] = []
      const fromSets: string[] = []
      const type = value(item, 'type') ?? 'static'
      let from: AddressSet = AddressSet.ANY
      if (type === 'static') {
        const gw = [value(item, 'remote-gw'), value(item, 'remote-gw6')].filter((v): v is string => v !== undefined && v !== '0.0.0.0' && v !== '::')
        const sets = gw.map((g) => AddressSet.parse(g)).filter((s): s is AddressSet => s !== null)
        if (sets.length) from = AddressSet.unionAll(sets)
        else doubts.push(note('unknown-address', 'no readable remote-gw: any source shown'))
      } else if (type === 'ddns') {
        const name = value(item, 'remotegw-ddns')
        if (name) fromSets.push(name)
        doubts.push(note('unresolved-name', 'peer is a dynamic DNS name'))
      } else {
        doubts.push(note('any-peer', 'dial-up (dynamic) peer: any source'))
      }
      // a phase1 listens on one address family (ip-version, default 4)
      const family = value(item, 'ip-version') === '6' ? 6 : 4
      from = from.only(family)
      const localGw = [value(item, family === 4 ? 'local-gw' : 'local-gw6')].filter((v): v is string => v !== undefined && v !== '0.0.0.0' && v !== '::')
      const intf = value(item, 'interface')
      const to = localGw.length ? AddressSet.unionAll(localGw.map((g) => AddressSet.parse(g) ?? AddressSet.EMPTY)) : interfaceTo(interfaces, intf ? [intf] : [], doubts, family)
      out.push(...listenerExposure(`${prefix}ipsec ${item.name}`, item.line, itemText(item), from, to, ike, intf, doubts, fromSets))
      listeners.push({service: 'ipsec', bind: to.isAny4() || to.isAny6() || to.isAny() ? [] : to.toCidrs(), line: item.line})
    }
  }
  const sslBlocks = scope.sections.get('vpn ssl settings') ?? []
  if (sslBlocks.length) {
    const statements: Statement[] = []
    for (const b of sslBlocks) {
      for (const s of b.statements) {
        if (SSL_SETTINGS_KEYS.has(s.key)) statements.push(s)
        else acc.statement(s, `unknown setting '${s.key}' in 'config vpn ssl settings'`, 'unknown-statement')
      }
    }
    const settings = settingsOf(statements)
    const get = (k: string) => settings.get(k)?.values ?? []
    const listening = get('source-interface')
    if (get('status')[0] !== 'disable' && listening.length) {
      const doubts: DoubtNote[] = []
      // FortiOS 7.0+ listens on 443 by default; 5.x/6.x on 10443
      let port = Number(get('port')[0])
      if (!get('port').length) {
        port = version && version.major < 7 ? 10443 : 443
        doubts.push(note('vendor-default', `port not set: FortiOS default ${port}`))
      }
      const src = addressSide(tables.addresses[4], get('source-address').length ? get('source-address') : ['all'], get('source-address-negate')[0] === 'enable', AddressSet.ANY4)
      // IPv6 clients are served only when source-address6 is set
      const v6 = get('source-address6').length > 0
      const src6 = v6
        ? addressSide(tables.addresses[6], get('source-address6'), get('source-address6-negate')[0] === 'enable', AddressSet.ANY6)
        : {set: AddressSet.EMPTY, unresolved: [], doubts: []}
      const from = src.set.union(src6.set)
      const first = sslBlocks[0]
      const text = ['config vpn ssl settings', ...[...settings.values()].map(statementText)].join('; ')
      const boxes: ServiceBox[] = [{protocols: ProtocolSet.of(TCP), ports: PortSet.range(port), sourcePorts: PortSet.ALL}]
      // DTLS tunnels (same port, udp) are on by default since FortiOS 5.4
      const dtls = get('dtls-tunnel')[0] ?? (version && (version.major < 5 || (version.major === 5 && version.minor < 4)) ? 'disable' : 'enable')
      if (dtls === 'enable') boxes.push({protocols: ProtocolSet.of(UDP), ports: PortSet.range(port), sourcePorts: PortSet.ALL})
      for (const intf of listening) {
        const intfDoubts = [...doubts, ...src.doubts, ...src6.doubts]
        const to = v6 ? interfaceTo(interfaces, [intf], intfDoubts) : interfaceTo(interfaces, [intf], intfDoubts, 4)
        out.push(...listenerExposure(`${prefix}ssl-vpn`, first.line, text, from, to, boxes, intf, intfDoubts, [...src.unresolved, ...src6.unresolved]))
        listeners.push({service: 'ssl-vpn', bind: to.isAny4() || to.isAny6() || to.isAny() ? [] : to.toCidrs(), line: first.line})
      }
    }
  }
}
