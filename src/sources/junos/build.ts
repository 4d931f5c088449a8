/**
 * Statements → the Junos vendor model. Each statement is modelled, ignored on purpose (IGNORED, with
 * a reason) or returned as unparsed with a reason. Inactive statements are understood and dropped.
 */
import {AddressSet} from '../../net/address-set.js'
import {parseCidr, parseIp} from '../../net/ip.js'
import {expandGroups} from './groups.js'
import {headLine, type Statement} from './read.js'
import {IGNORED, INTERFACE_IGNORED, UNIT_FAMILY_IGNORED} from './tables.js'
import type {
  AddressBook,
  Policy,
  AddressObject,
  Application,
  AppTerm,
  HostInbound,
  JunosConfig,
  NatRuleSet,
  Unit,
  Zone,
} from './model.js'

export interface BuildResult {
  config: JunosConfig
  /** Statement ids understood (modelled or ignored). */
  understood: Set<number>
  unparsed: Array<{line: number; reason: string; text: string}>
}

function newBook(name: string): AddressBook {
  return {name, entries: new Map(), attach: []}
}

function hostInbound(s: Statement, where: string): HostInbound {
  return {services: new Map(), protocols: new Map(), line: headLine(s, 'host-inbound-traffic') , text: `${where} host-inbound-traffic`}
}

export function buildConfig(statements: Statement[]): BuildResult {
  const config: JunosConfig = {
    units: new Map(),
    zones: new Map(),
    books: new Map([['global', newBook('global')]]),
    prefixLists: new Map(),
    applications: new Map(),
    applicationSets: new Map(),
    policies: [],
    filters: new Map(),
    natPools: new Map(),
    natRuleSets: [],
    ikeGateways: new Map(),
    systemServices: new Map(),
  }
  const understood = new Set<number>()
  const failed = new Map<number, {line: number; reason: string; text: string}>()
  const policyIndex = new Map<string, Policy>()
  const ruleSets = new Map<string, NatRuleSet>()

  // applied configuration groups behave as if written where they apply (groups.ts)
  statements = expandGroups(statements)

  const unit = (ifName: string, unitNo: string, line: number): Unit => {
    const name = `${ifName}.${unitNo}`
    let u = config.units.get(name)
    if (!u) {
      u = {name, line, hostAddresses: AddressSet.EMPTY, addresses: [], filters: []}
      config.units.set(name, u)
    }
    return u
  }
  const zone = (name: string, line: number, text: string, functional = false): Zone => {
    let z = config.zones.get(name)
    if (!z) {
      z = {name, line, text, functional, interfaces: new Map(), book: newBook(`zone ${name}`)}
      config.zones.set(name, z)
    }
    return z
  }

  const handle = (s: Statement, w: string[]): string | null => {
    const ignored = ignoredReason(w)
    if (ignored) return null
    // apply-groups / apply-groups-except at any level were expanded by expandGroups
    if (w.includes('apply-groups') || w.includes('apply-groups-except')) return null
    switch (w[0]) {
      case 'logical-systems':
        return 'logical systems are not modelled (export each one as its own device)'
      case 'groups':
        // a template: its content is read where expandGroups applied it
        return null
      case 'system':
        return handleSystem(w, s)
      case 'interfaces':
        return handleInterface(w, s)
      case 'security':
        return handleSecurity(w, s)
      case 'applications':
        return handleApplications(w, s)
      case 'firewall':
        return handleFirewall(w, s)
      case 'policy-options':
        if (w[1] === 'prefix-list' && w[2]) {
          if (w.length === 3) return null
          const set = parseAddress(w[3])
          if (!set) return w[3] === 'apply-path' ? 'prefix-list apply-path is not expanded' : `'${w[3]}' is not a prefix`
          const prev = config.prefixLists.get(w[2])
          config.prefixLists.set(w[2], {line: prev?.line ?? s.line, text: prev?.text ?? s.text, set: prev ? prev.set.union(set) : set})
          return null
        }
        return `policy-options '${w[1] ?? ''}' not modelled`
      default:
        return `unknown top-level statement '${w[0]}'`
    }
  }

  const handleSystem = (w: string[], s: Statement): string | null => {
    if (w[1] === 'host-name' && w[2]) {
      config.hostName = w[2]
      return null
    }
    if (w[1] !== 'services' || !w[2]) return `system '${w[1] ?? ''}' not modelled`
    const name = w[2]
    const known = ['ssh', 'telnet', 'ftp', 'netconf', 'web-management', 'xnm-ssl', 'xnm-clear-text', 'finger', 'rlogin', 'rsh', 'tftp', 'dhcp', 'rest']
    if (!known.includes(name)) return `system service '${name}' not modelled`
    let svc = config.systemServices.get(name)
    if (!svc) {
      svc = {name, line: headLine(s, 'services'), text: `system services ${name}`, interfaces: []}
      config.systemServices.set(name, svc)
    }
    if (name === 'web-management') {
      const proto = w[3]
      if (!proto) return null
      if (proto !== 'http' && proto !== 'https') return `web-management '${proto}' not modelled`
      let sub = config.systemServices.get(`web-management ${proto}`)
      if (!sub) {
        sub = {name: `web-management ${proto}`, line: headLine(s, 'web-management'), text: `system services web-management ${proto}`, interfaces: []}
        config.systemServices.set(sub.name, sub)
      }
      if (w[4] === 'interface' && w[5]) sub.interfaces.push(unitName(w[5]))
      else if (w[4] === 'port' && w[5]) sub.port = Number(w[5])
      else if (w[4] && !['system-generated-certificate', 'pki-local-certificate', 'local-certificate'].includes(w[4])) return `web-management ${proto} '${w[4]}' not modelled`
      return null
    }
    if (name === 'ssh' && w[3] === 'port' && w[4]) svc.port = Number(w[4])
    if (name === 'netconf' && w[3] === 'ssh' && w[4] === 'port' && w[5]) svc.port = Number(w[5])
    // other options (root-login, ciphers, rate-limit…) do not change where the daemon listens
    return null
  }

  const handleInterface = (w: string[], s: Statement): string | null => {
    const ifName = w[1]
    if (!ifName) return 'interface without a name'
    if (w.length === 2) return null
    let unitNo = '0'
    let rest = w.slice(2)
    if (rest[0] === 'unit') {
      if (!rest[1]) return 'unit without a number'
      unitNo = rest[1]
      rest = rest.slice(2)
      const u = unit(ifName, unitNo, s.line)
      if (rest.length === 0) return null
      if (rest[0] !== 'family') return INTERFACE_IGNORED.has(rest[0]) ? null : `unit option '${rest[0]}' not modelled`
      const family = rest[1]
      if (family !== 'inet' && family !== 'inet6') {
        // L2 and MPLS families carry no IP reachability of their own
        return ['ethernet-switching', 'mpls', 'iso', 'bridge', 'vpls', 'ccc', 'tcc'].includes(family ?? '') ? null : `family '${family ?? ''}' not modelled`
      }
      rest = rest.slice(2)
      if (rest.length === 0) return null
      if (rest[0] === 'address') {
        const c = parseCidr(rest[1] ?? '')
        if (!c) return `'${rest[1] ?? ''}' is not an interface address`
        const ip = rest[1].split('/')[0]
        u.hostAddresses = u.hostAddresses.union(AddressSet.parse(ip) ?? AddressSet.EMPTY)
        if (!u.addresses.includes(rest[1])) u.addresses.push(rest[1])
        if (rest.length > 2 && !['primary', 'preferred', 'vrrp-group', 'vrrp-inet6-group', 'arp', 'broadcast', 'destination', 'eui-64'].includes(rest[2])) return `address option '${rest[2]}' not modelled`
        return null
      }
      if (rest[0] === 'filter') {
        const dir = rest[1]
        if ((dir === 'input' || dir === 'output') && rest[2]) {
          u.filters.push({family, direction: dir, names: [rest[2]], line: s.line})
          return null
        }
        if ((dir === 'input-list' || dir === 'output-list') && rest[2]) {
          const direction = dir === 'input-list' ? 'input' : 'output'
          const prev = u.filters.find((f) => f.family === family && f.direction === direction && f.line === s.line)
          if (prev) prev.names.push(rest[2])
          else u.filters.push({family, direction, names: [rest[2]], line: s.line})
          return null
        }
        return `filter option '${dir ?? ''}' not modelled`
      }
      return UNIT_FAMILY_IGNORED.has(rest[0]) ? null : `family ${family} option '${rest[0]}' not modelled`
    }
    if (INTERFACE_IGNORED.has(rest[0])) return null
    return `interface option '${rest[0]}' not modelled`
  }

  const readHostInbound = (target: HostInbound, w: string[]): string | null => {
    // w = [system-services|protocols, name, except?]
    const kind = w[0]
    const name = w[1]
    if (!name) return null
    const except = w[2] === 'except'
    if (kind === 'system-services') target.services.set(name, except)
    else if (kind === 'protocols') target.protocols.set(name, except)
    else return `host-inbound-traffic '${kind}' not modelled`
    return null
  }

  const handleZone = (w: string[], s: Statement, functional: boolean): string | null => {
    // w starts after `security-zone` / `functional-zone`
    const name = w[0]
    if (!name) return 'zone without a name'
    const z = zone(name, headLine(s, functional ? 'functional-zone' : 'security-zone'), s.text, functional)
    const rest = w.slice(1)
    if (rest.length === 0) return null
    switch (rest[0]) {
      case 'interfaces': {
        if (!rest[1]) return null
        const ifu = unitName(rest[1])
        let entry = z.interfaces.get(ifu)
        if (!entry) {
          entry = {line: s.line}
          z.interfaces.set(ifu, entry)
        }
        if (rest.length === 2) return null
        if (rest[2] !== 'host-inbound-traffic') return `zone interface option '${rest[2]}' not modelled`
        entry.hostInbound ??= hostInbound(s, `security-zone ${name} interfaces ${ifu}`)
        return readHostInbound(entry.hostInbound, rest.slice(3))
      }
      case 'host-inbound-traffic':
        z.hostInbound ??= hostInbound(s, `security-zone ${name}`)
        return readHostInbound(z.hostInbound, rest.slice(1))
      case 'address-book':
        return readAddressBook(z.book, rest.slice(1), s)
      case 'screen':
      case 'tcp-rst':
      case 'description':
      case 'application-tracking':
      case 'source-identity-log':
      case 'enable-reverse-reroute':
      case 'advance-policy-based-routing-profile':
        return null
      default:
        return `zone option '${rest[0]}' not modelled`
    }
  }

  const readAddressBook = (book: AddressBook, w: string[], s: Statement): string | null => {
    const [kind, name] = w
    if (kind === 'description') return null
    if (kind === 'attach') {
      if (w[1] === 'zone' && w[2]) book.attach.push(w[2])
      return null
    }
    if (!name) return `address-book '${kind ?? ''}' not modelled`
    if (kind === 'address') {
      const entry: AddressObject = book.entries.get(name) ?? {line: headLine(s, 'address'), text: s.text}
      book.entries.set(name, entry)
      const v = w[2]
      if (v === undefined || v === 'description') return null
      if (v === 'dns-name') {
        entry.dnsName = w[3]
        return null
      }
      if (v === 'range-address') {
        const set = w[3] && w[5] && w[4] === 'to' ? AddressSet.parse(`${w[3]}-${w[5]}`) : null
        if (!set) return 'range-address not understood'
        entry.set = set
        return null
      }
      if (v === 'wildcard-address') {
        const [addr, mask] = (w[3] ?? '').split('/')
        const set = mask ? wildcardCover(addr, mask) : null
        if (!set) return 'wildcard-address not understood'
        entry.set = set
        return null
      }
      const set = parseAddress(v)
      if (!set) return `'${v}' is not an address`
      entry.set = set
      return null
    }
    if (kind === 'address-set') {
      const entry: AddressObject = book.entries.get(name) ?? {line: headLine(s, 'address-set'), text: s.text, members: []}
      entry.members ??= []
      book.entries.set(name, entry)
      if (w.length === 2 || w[2] === 'description') return null
      if ((w[2] === 'address' || w[2] === 'address-set') && w[3]) {
        entry.members.push(w[3])
        return null
      }
      return `address-set option '${w[2]}' not modelled`
    }
    return `address-book '${kind}' not modelled`
  }

  const handleSecurity = (w: string[], s: Statement): string | null => {
    switch (w[1]) {
      case 'zones':
        if (w[2] === 'security-zone') return handleZone(w.slice(3), s, false)
        if (w[2] === 'functional-zone') return handleZone(w.slice(3), s, true)
        return `zones '${w[2] ?? ''}' not modelled`
      case 'address-book': {
        const name = w[2]
        if (!name) return null
        let book = config.books.get(name)
        if (!book) {
          book = newBook(name)
          config.books.set(name, book)
        }
        return readAddressBook(book, w.slice(3), s)
      }
      case 'policies':
        return handlePolicy(w.slice(2), s)
      case 'nat':
        return handleNat(w.slice(2), s)
      case 'ike':
        if (w[2] === 'gateway' && w[3]) return handleIkeGateway(w[3], w.slice(4), s)
        return `ike '${w[2] ?? ''}' not modelled`
      default:
        return `security '${w[1] ?? ''}' not modelled`
    }
  }

  const handleIkeGateway = (name: string, w: string[], s: Statement): string | null => {
    let g = config.ikeGateways.get(name)
    if (!g) {
      g = {name, line: headLine(s, 'gateway'), text: `ike gateway ${name}`, addresses: [], dynamic: false}
      config.ikeGateways.set(name, g)
    }
    switch (w[0]) {
      case undefined:
        return null
      case 'address':
        if (w[1]) g.addresses.push(w[1])
        return null
      case 'dynamic':
        g.dynamic = true
        return null
      case 'external-interface':
        g.externalInterface = w[1] ? unitName(w[1]) : undefined
        return null
      case 'local-address':
        g.localAddress = w[1]
        return null
      case 'ike-policy':
      case 'dead-peer-detection':
      case 'no-nat-traversal':
      case 'nat-keepalive':
      case 'version':
      case 'local-identity':
      case 'remote-identity':
      case 'general-ikeid':
      case 'aaa':
      case 'xauth':
      case 'advpn':
      case 'description':
      case 'fragmentation':
      case 'tcp-encap-profile':
        return null
      default:
        return `ike gateway option '${w[0]}' not modelled`
    }
  }

  const handlePolicy = (w: string[], s: Statement): string | null => {
    if (w[0] === 'default-policy') {
      if (w[1] === 'permit-all' || w[1] === 'deny-all') {
        config.defaultPolicy = {action: w[1], line: s.line, text: s.text}
        return null
      }
      return `default-policy '${w[1] ?? ''}' not modelled`
    }
    let key: string
    let rest: string[]
    let from: string[] = []
    let to: string[] = []
    let global = false
    if (w[0] === 'from-zone' && w[2] === 'to-zone' && w[4] === 'policy' && w[5]) {
      key = `${w[1]}>${w[3]}>${w[5]}`
      from = [w[1]]
      to = [w[3]]
      rest = w.slice(6)
    } else if (w[0] === 'from-zone' && w[2] === 'to-zone' && w.length <= 4) {
      return null
    } else if (w[0] === 'global' && w[1] === 'policy' && w[2]) {
      key = `global>${w[2]}`
      global = true
      rest = w.slice(3)
    } else {
      return `policies '${w[0] ?? ''}' not modelled`
    }
    let p = policyIndex.get(key)
    if (!p) {
      p = {
        name: global ? w[2] : w[5],
        line: headLine(s, 'policy'),
        text: s.text,
        fromZones: from,
        toZones: to,
        global,
        source: [],
        destination: [],
        sourceExcluded: false,
        destinationExcluded: false,
        applications: [],
        unknownMatch: [],
        thenExtra: [],
        inactive: s.inactive,
      }
      policyIndex.set(key, p)
      config.policies.push(p)
    }
    if (rest.length === 0) return null
    if (rest[0] === 'description') return null
    if (rest[0] === 'scheduler-name') {
      // active only in a time window: a scheduled deny may not apply, a scheduled permit is listed
      if (rest[1]) p.unknownMatch.push(`scheduler-name ${rest[1]}`)
      return null
    }
    if (rest[0] === 'match') {
      // several keyword/value pairs may share one statement (`match source-address any application any`)
      const body = rest.slice(1)
      for (let i = 0; i < body.length; i++) {
        const k = body[i]
        const takesValue = !k.endsWith('-excluded')
        const v = takesValue ? body[++i] : undefined
        const reason = policyMatch(p, k, v)
        if (reason) return reason
      }
      return null
    }
    if (rest[0] === 'then') {
      const a = rest[1]
      if (a === 'permit' || a === 'deny' || a === 'reject') {
        p.action = a
        if (a === 'permit' && rest[2] && rest[2] !== 'services-offload' && rest[2] !== 'application-services') p.thenExtra.push(rest.slice(2).join(' '))
        return null
      }
      if (['log', 'count', 'trace'].includes(a ?? '')) return null
      return `policy action '${a ?? ''}' not modelled`
    }
    return `policy option '${rest[0]}' not modelled`
  }

  const handleNat = (w: string[], s: Statement): string | null => {
    const kind = w[0]
    if (kind !== 'destination' && kind !== 'static') return `nat '${kind ?? ''}' not modelled`
    if (kind === 'destination' && w[1] === 'pool' && w[2]) {
      let pool = config.natPools.get(w[2])
      if (!pool) {
        pool = {name: w[2], line: headLine(s, 'pool'), text: s.text}
        config.natPools.set(w[2], pool)
      }
      const rest = w.slice(3)
      if (rest.length === 0 || rest[0] === 'description' || rest[0] === 'routing-instance') return null
      if (rest[0] === 'address') {
        if (rest[1] === 'port' && rest[2]) {
          pool.port = Number(rest[2])
          return null
        }
        // `address A to B` is a range; a prefix (`10.10.10.10/24`) is a pool of every address in it
        const set = rest[2] === 'to' && rest[3] ? AddressSet.parse(`${rest[1].split('/')[0]}-${rest[3].split('/')[0]}`) : parseAddress(rest[1] ?? '')
        if (!set) return `pool address '${rest[1] ?? ''}' not understood`
        pool.addresses = pool.addresses ? pool.addresses.union(set) : set
        const portAt = rest.indexOf('port')
        if (portAt > 0 && rest[portAt + 1]) pool.port = Number(rest[portAt + 1])
        return null
      }
      return `pool option '${rest[0]}' not modelled`
    }
    if (w[1] !== 'rule-set' || !w[2]) return `nat ${kind} '${w[1] ?? ''}' not modelled`
    const key = `${kind}>${w[2]}`
    let rs = ruleSets.get(key)
    if (!rs) {
      rs = {name: w[2], kind, from: [], rules: new Map(), line: headLine(s, 'rule-set'), text: s.text}
      ruleSets.set(key, rs)
      config.natRuleSets.push(rs)
    }
    const rest = w.slice(3)
    if (rest.length === 0 || rest[0] === 'description') return null
    if (rest[0] === 'from') {
      const fk = rest[1]
      if ((fk === 'zone' || fk === 'interface' || fk === 'routing-instance') && rest[2]) {
        rs.fromKind = fk
        rs.from.push(fk === 'interface' ? unitName(rest[2]) : rest[2])
        return null
      }
      return `rule-set from '${fk ?? ''}' not modelled`
    }
    if (rest[0] === 'rule' && rest[1]) {
      let r = rs.rules.get(rest[1])
      if (!r) {
        r = {name: rest[1], line: headLine(s, 'rule'), text: s.text, match: new Map(), then: [], inactive: s.inactive}
        rs.rules.set(rest[1], r)
      }
      const body = rest.slice(2)
      if (body.length === 0 || body[0] === 'description') return null
      if (body[0] === 'match' && body[1]) {
        const list = r.match.get(body[1]) ?? []
        list.push(body.slice(2).join(' '))
        r.match.set(body[1], list)
        return null
      }
      if (body[0] === 'then') {
        r.then.push(...body.slice(1))
        return null
      }
      return `nat rule option '${body[0]}' not modelled`
    }
    return `rule-set option '${rest[0]}' not modelled`
  }

  const handleApplications = (w: string[], s: Statement): string | null => {
    const kind = w[1]
    const name = w[2]
    if (!name) return null
    if (kind === 'application-set') {
      let set = config.applicationSets.get(name)
      if (!set) {
        set = {line: headLine(s, 'application-set'), text: s.text, members: []}
        config.applicationSets.set(name, set)
      }
      if (w.length === 3 || w[3] === 'description') return null
      if ((w[3] === 'application' || w[3] === 'application-set') && w[4]) {
        set.members.push(w[4])
        return null
      }
      return `application-set option '${w[3]}' not modelled`
    }
    if (kind !== 'application') return `applications '${kind ?? ''}' not modelled`
    let app: Application | undefined = config.applications.get(name)
    if (!app) {
      app = {line: headLine(s, 'application'), text: `application ${name}`, base: {line: s.line}, terms: new Map()}
      config.applications.set(name, app)
    }
    let rest = w.slice(3)
    let term: AppTerm = app.base
    if (rest[0] === 'term' && rest[1]) {
      term = app.terms.get(rest[1]) ?? {line: s.line}
      app.terms.set(rest[1], term)
      rest = rest.slice(2)
    }
    // options come as keyword/value pairs, several on one line in the hierarchical form
    for (let i = 0; i < rest.length; i += 2) {
      const k = rest[i]
      const v = rest[i + 1]
      switch (k) {
        case 'protocol':
          term.protocol = v
          break
        case 'destination-port':
          term.destinationPort = v
          break
        case 'source-port':
          term.sourcePort = v
          break
        case 'description':
        case 'inactivity-timeout':
        case 'icmp-type':
        case 'icmp-code':
        case 'icmp6-type':
        case 'icmp6-code':
        case 'application-protocol':
        case 'alg':
        case 'rpc-program-number':
        case 'uuid':
        case 'ether-type':
        case 'ttl-threshold':
          break
        default:
          return `application option '${k}' not modelled`
      }
    }
    return null
  }

  const handleFirewall = (w: string[], s: Statement): string | null => {
    let family: 'inet' | 'inet6' | 'any' = 'inet'
    let rest = w.slice(1)
    if (rest[0] === 'family') {
      const f = rest[1]
      if (f !== 'inet' && f !== 'inet6' && f !== 'any') return `firewall family '${f ?? ''}' not modelled`
      family = f
      rest = rest.slice(2)
    }
    if (rest[0] !== 'filter' || !rest[1]) return ignoredReason(['firewall', ...rest]) ? null : `firewall '${rest[0] ?? ''}' not modelled`
    const key = `${family}:${rest[1]}`
    let f = config.filters.get(key)
    if (!f) {
      f = {name: rest[1], family, terms: new Map(), line: headLine(s, 'filter')}
      config.filters.set(key, f)
    }
    rest = rest.slice(2)
    if (rest.length === 0 || rest[0] === 'interface-specific' || rest[0] === 'physical-interface-filter' || rest[0] === 'description') return null
    if (rest[0] !== 'term' || !rest[1]) return `filter option '${rest[0]}' not modelled`
    let t = f.terms.get(rest[1])
    if (!t) {
      t = {name: rest[1], line: headLine(s, 'term'), text: s.text, from: new Map(), then: [], inactive: s.inactive}
      f.terms.set(rest[1], t)
    }
    const body = rest.slice(2)
    if (body.length === 0) return null
    if (body[0] === 'from') {
      const cond = body[1]
      if (!cond) return null
      const list = t.from.get(cond) ?? []
      if (body[2] !== undefined) list.push({value: body[2], except: body[3] === 'except'})
      t.from.set(cond, list)
      return null
    }
    if (body[0] === 'then') {
      t.then.push(...body.slice(1))
      return null
    }
    return `term option '${body[0]}' not modelled`
  }

  for (const s of statements) {
    if (s.inactive) {
      understood.add(s.id)
      continue
    }
    const reason = handle(s, s.words)
    if (reason === null) {
      if (!failed.has(s.id)) understood.add(s.id)
    } else {
      understood.delete(s.id)
      if (!failed.has(s.id)) failed.set(s.id, {line: s.line, reason, text: s.text})
    }
  }
  return {config, understood, unparsed: [...failed.values()]}
}

function policyMatch(p: Policy, k: string, v: string | undefined): string | null {
  switch (k) {
    case 'source-address':
      if (v) p.source.push(v)
      return null
    case 'destination-address':
      if (v) p.destination.push(v)
      return null
    case 'source-address-excluded':
      p.sourceExcluded = true
      return null
    case 'destination-address-excluded':
      p.destinationExcluded = true
      return null
    case 'application':
      if (v) p.applications.push(v)
      return null
    case 'from-zone':
      if (v) p.fromZones.push(v)
      return null
    case 'to-zone':
      if (v) p.toZones.push(v)
      return null
    case 'dynamic-application':
    case 'source-identity':
    case 'url-category':
    case 'source-end-user-profile':
      // `any`/`none` do not narrow; a named one does, which only makes the permit narrower than listed
      if (v && v !== 'any' && v !== 'none') p.unknownMatch.push(`${k} ${v}`)
      return null
    default:
      p.unknownMatch.push(k)
      return `policy match '${k}' not modelled`
  }
}

function ignoredReason(w: string[]): string | undefined {
  let key = ''
  let found: string | undefined
  for (let i = 0; i < Math.min(w.length, 6); i++) {
    key = i === 0 ? w[0] : `${key} ${w[i]}`
    if (IGNORED[key] !== undefined) found = IGNORED[key]
  }
  return found
}

/** Zones and NAT name units (`ge-0/0/0.0`); a bare interface means its unit 0. */
export function unitName(name: string): string {
  return name.includes('.') ? name : `${name}.0`
}

/** A prefix, a host, `any`/`any-ipv4`/`any-ipv6`. */
export function parseAddress(text: string): AddressSet | null {
  if (text === 'any-ipv4') return AddressSet.ANY4
  if (text === 'any-ipv6') return AddressSet.ANY6
  if (text.includes('-') && !text.includes('/')) return null
  return AddressSet.parse(text)
}

/**
 * `wildcard-address 10.0.0.1/255.0.255.255`: the mask says which bits must match (Junos writes it as a
 * netmask, 1 = must match). A contiguous mask is a prefix; a discontiguous one matches addresses spread
 * over its leading prefix, so we take that covering prefix (recall first: broader, never narrower).
 */
function wildcardCover(addr: string, mask: string): AddressSet | null {
  const m = parseIp(mask)
  if (!m || m.family !== 4 || !parseIp(addr)) return null
  const value = Number(m.value)
  let prefix = 0
  while (prefix < 32 && value & (0x80000000 >>> prefix)) prefix++
  const c = parseCidr(`${addr}/${prefix}`)
  return c ? AddressSet.parse(c.network) : null
}
