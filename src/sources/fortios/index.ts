/**
 * FortiOS (`show full-configuration`, backup `.conf`): the block tree from read.ts → per-VDOM object
 * tables (objects.ts) → exposures: firewall policies in table order through the shared evaluator,
 * VIPs, management access (allowaccess, local-in-policy, admin trusted hosts), SSL VPN and IPsec listeners.
 */
import {IrmError} from '../../core/errors.js'
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {type Box, subtractBox} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {ICMP, ICMPV6, TCP, UDP} from '../../net/protocol.js'
import {type EvalRule, evaluateList} from '../evaluate.js'
import type {SourceParser, Unparsed} from '../types.js'
import {
  type AddressTable,
  addressTable,
  addressWithMask,
  ESP,
  type Entry,
  interfaceAddress,
  readVip,
  resolveAddresses,
  resolveServices,
  type ServiceBox,
  type ServiceTable,
  serviceTable,
  value,
  values,
  type Vip,
} from './objects.js'
import {type Block, blockText, readFortios, type ReadResult, settingsOf, type Statement, statementText} from './read.js'
import {
  ADDRESS_KEYS,
  ADDRGRP_KEYS,
  ignoredReason,
  INTERFACE_V4_ACCESS,
  LOCAL_IN_KEYS,
  PHASE1_KEYS,
  POLICY_IGNORED_KEYS,
  SERVICE_GROUP_KEYS,
  SERVICE_KEYS,
  SSL_SETTINGS_KEYS,
  VIP_KEYS,
  VIPGRP_KEYS,
} from './sections.js'

/** Every line we echo or count goes through here: unparsed entries and the lines they cost. */
class Accounting {
  readonly unparsed: Unparsed[] = []
  missed = 0

  statement(s: Statement, reason: string): void {
    this.unparsed.push({line: s.line, reason, text: statementText(s)})
    this.missed += s.lines
  }

  block(b: Block, reason: string): void {
    this.unparsed.push({line: b.line, reason, text: blockText(b)})
    this.missed += b.size
  }
}

/** A merged `edit` entry: later edits of the same name modify it in place (FortiOS semantics). */
interface Item extends Entry {
  statements: Statement[]
  children: Block[]
  /** Keys we did not understand (already reported as unparsed). */
  unknown: string[]
}

/** One VDOM (or the whole device when VDOMs are off): its sections in file order. */
interface Scope {
  vdom?: string
  sections: Map<string, Block[]>
}

const POLICY_SECTIONS = ['firewall policy', 'firewall policy6', 'firewall security-policy']
const MODELLED = new Set([
  'system interface',
  'system zone',
  'system global',
  'system admin',
  'firewall address',
  'firewall address6',
  'firewall addrgrp',
  'firewall addrgrp6',
  'firewall service custom',
  'firewall service group',
  'firewall vip',
  'firewall vip6',
  'firewall vipgrp',
  'firewall vipgrp6',
  'firewall local-in-policy',
  'firewall local-in-policy6',
  'vpn ssl settings',
  'vpn ipsec phase1-interface',
  'vpn ipsec phase1',
  ...POLICY_SECTIONS,
])

function lazy(make: () => string): () => string {
  let value: string | undefined
  return () => (value ??= make())
}

function itemText(item: Item): string {
  const head = `edit ${/[\s"]/.test(item.name) ? `"${item.name}"` : item.name}`
  return [head, ...[...item.settings.values()].map(statementText)].join('; ')
}

/** Merge the edit entries of a section's blocks; report settings outside `known` and nested blocks not handled. */
function itemsOf(
  blocks: Block[] | undefined,
  section: string,
  acc: Accounting,
  known: ReadonlySet<string> | null,
  nested: (name: string) => boolean = () => false,
): Item[] {
  const byName = new Map<string, Item>()
  for (const block of blocks ?? []) {
    for (const s of block.statements) acc.statement(s, `setting outside an entry in 'config ${section}'`)
    for (const child of block.children) {
      if (child.kind !== 'edit') {
        acc.block(child, `nested section '${child.name}' in 'config ${section}' not modelled`)
        continue
      }
      let item = byName.get(child.name)
      if (!item) {
        item = {name: child.name, line: child.line, settings: new Map(), statements: [], children: [], unknown: []}
        byName.set(child.name, item)
      }
      for (const s of child.statements) {
        if (known && !known.has(s.key)) {
          acc.statement(s, `unknown setting '${s.key}' in 'config ${section}'`)
          item.unknown.push(s.key)
        } else {
          item.statements.push(s)
        }
      }
      for (const c of child.children) {
        if (c.kind === 'config' && nested(c.name)) item.children.push(c)
        else if (known) acc.block(c, `nested section '${c.name}' in 'config ${section}' not modelled`)
      }
    }
  }
  for (const item of byName.values()) item.settings = settingsOf(item.statements)
  return [...byName.values()]
}

interface InterfaceInfo {
  name: string
  line: number
  hosts: AddressSet
  subnets: AddressSet
  dynamic: boolean
  access: Array<{tokens: string[]; family: 4 | 6; line: number; text: string; where: string}>
}

interface AdminPorts {
  [key: string]: number
}

function readInterfaces(items: Item[], acc: Accounting): Map<string, InterfaceInfo> {
  const out = new Map<string, InterfaceInfo>()
  for (const item of items) {
    const info: InterfaceInfo = {name: item.name, line: item.line, hosts: AddressSet.EMPTY, subnets: AddressSet.EMPTY, dynamic: false, access: []}
    const mode = value(item, 'mode')
    info.dynamic = mode === 'dhcp' || mode === 'pppoe'
    const addIp = (s: Statement | undefined) => {
      if (!s || s.values[0] === '0.0.0.0') return
      const a = interfaceAddress(s.values)
      if (a) {
        info.hosts = info.hosts.union(a.host)
        info.subnets = info.subnets.union(a.subnet)
      } else acc.statement(s, 'unreadable interface address')
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
    out.set(item.name, info)
  }
  return out
}

interface PolicyMeta {
  rule: string
  line: number
  /** Built only for rules that end up exposed (echoing every rule costs more than evaluating it). */
  text: () => string
  notes: string[]
  fromSets: string[]
  toSets: string[]
  srcintf: string
  dstintf: string
  translated?: {to?: AddressSet; ports?: PortSet}
  kind: Exposure['kind']
  /** Index of the policy, to gather its permits across interface pairs. */
  group: number
}

const ALL_SERVICE: ServiceBox = {protocols: ProtocolSet.ALL, ports: PortSet.ALL, sourcePorts: PortSet.ALL}

function serviceBoxes(table: ServiceTable, names: string[], negate: boolean): {boxes: ServiceBox[]; notes: string[]; doubtful: boolean} {
  const r = resolveServices(table, names)
  let boxes = r.boxes
  const doubtful = r.unresolved.length > 0 || r.notes.length > 0
  // an unknown service may be anything: recall first
  if (r.unresolved.length) boxes = [ALL_SERVICE]
  if (negate) {
    let rest: Box[] = [{from: AddressSet.ANY, to: AddressSet.ANY, ...ALL_SERVICE}]
    for (const b of boxes) rest = rest.flatMap((x) => subtractBox(x, {from: AddressSet.ANY, to: AddressSet.ANY, ...b}))
    boxes = r.unresolved.length ? [ALL_SERVICE] : rest.map((x) => ({protocols: x.protocols, ports: x.ports, sourcePorts: x.sourcePorts}))
  }
  return {boxes, notes: r.notes, doubtful}
}

function addressSide(table: AddressTable, names: string[], negate: boolean, anyFamily: AddressSet) {
  const r = resolveAddresses(table, names)
  const doubtful = r.unresolved.length > 0 || r.notes.length > 0
  const set = r.unresolved.length ? anyFamily : negate ? anyFamily.subtract(r.set) : r.set
  return {set, unresolved: r.unresolved, notes: r.notes, doubtful}
}

interface VdomTables {
  addresses: {4: AddressTable; 6: AddressTable}
  services: ServiceTable
  vips: {4: Map<string, Vip[]>; 6: Map<string, Vip[]>}
}

function buildTables(scope: Scope, acc: Accounting, interfaces: Map<string, InterfaceInfo>, exposures: Exposure[], prefix: string): VdomTables {
  const subnetOf = (name: string) => interfaces.get(name)?.subnets
  const addresses = {4: addressTable(4, subnetOf), 6: addressTable(6, subnetOf)}
  for (const [family, section, groups] of [[4, 'firewall address', 'firewall addrgrp'], [6, 'firewall address6', 'firewall addrgrp6']] as const) {
    for (const item of itemsOf(scope.sections.get(section), section, acc, ADDRESS_KEYS)) addresses[family].objects.set(item.name, item)
    for (const item of itemsOf(scope.sections.get(groups), groups, acc, ADDRGRP_KEYS)) addresses[family].groups.set(item.name, item)
  }
  const services = serviceTable()
  for (const item of itemsOf(scope.sections.get('firewall service custom'), 'firewall service custom', acc, SERVICE_KEYS)) services.objects.set(item.name, item)
  for (const item of itemsOf(scope.sections.get('firewall service group'), 'firewall service group', acc, SERVICE_GROUP_KEYS)) services.groups.set(item.name, item)

  const vips = {4: new Map<string, Vip[]>(), 6: new Map<string, Vip[]>()}
  for (const [family, section, groups] of [[4, 'firewall vip', 'firewall vipgrp'], [6, 'firewall vip6', 'firewall vipgrp6']] as const) {
    for (const item of itemsOf(scope.sections.get(section), section, acc, VIP_KEYS, (n) => n === 'realservers')) {
      const vip = readVip(item, family, itemText(item))
      if (typeof vip === 'string') {
        acc.unparsed.push({line: item.line, reason: vip, text: `edit ${item.name}`})
        continue
      }
      // server load balancing: the real servers are where traffic goes
      for (const rs of item.children.flatMap((c) => c.children)) {
        const ip = AddressSet.parse(settingsOf(rs.statements).get('ip')?.values[0] ?? '')
        if (ip) vip.mapped = vip.mapped ? vip.mapped.union(ip) : ip
      }
      vips[family].set(item.name, [vip])
      exposures.push(vipExposure(vip, prefix))
    }
    for (const item of itemsOf(scope.sections.get(groups), groups, acc, VIPGRP_KEYS)) {
      const members = values(item, 'member').flatMap((m) => vips[family].get(m) ?? [])
      vips[family].set(item.name, members)
    }
  }
  return {addresses, services, vips}
}

function vipExposure(vip: Vip, prefix: string): Exposure {
  return {
    kind: vip.kind,
    action: 'allow',
    direction: 'inbound',
    from: vip.srcFilter ?? (vip.family === 4 ? AddressSet.ANY4 : AddressSet.ANY6),
    to: vip.ext,
    protocols: vip.forward?.protocols ?? ProtocolSet.ALL,
    ports: vip.forward?.ext ?? PortSet.ALL,
    sourcePorts: PortSet.ALL,
    translated: {to: vip.mapped, ports: vip.forward ? vip.forward.mapped : undefined},
    line: vip.line,
    rule: `${prefix}vip ${vip.name}`,
    text: vip.text,
    interfaces: vip.extintf ? {in: [vip.extintf]} : undefined,
    notes: vip.notes.length ? vip.notes : undefined,
  }
}

/** Ports on the VIP's outside for the service ports the policy allows on the mapped side. */
function vipPorts(vip: Vip, svc: ServiceBox): {protocols: ProtocolSet; ports: PortSet; mapped?: PortSet} | null {
  if (!vip.forward) return {protocols: svc.protocols, ports: svc.ports}
  const protocols = svc.protocols.intersect(vip.forward.protocols)
  const mapped = svc.ports.intersect(vip.forward.mapped)
  if (protocols.isEmpty() || mapped.isEmpty()) return null
  const {ext} = vip.forward
  // one-to-one port ranges map by offset; otherwise the whole external range stays reachable
  if (ext.size() === vip.forward.mapped.size() && ext.ranges.length === 2 && vip.forward.mapped.ranges.length === 2) {
    const offset = ext.ranges[0] - vip.forward.mapped.ranges[0]
    const pairs: Array<[number, number]> = []
    for (let i = 0; i < mapped.ranges.length; i += 2) pairs.push([mapped.ranges[i] + offset, mapped.ranges[i + 1] + offset])
    return {protocols, ports: PortSet.fromRanges(pairs), mapped}
  }
  return {protocols, ports: ext, mapped}
}

const CONDITION_NOTES: Record<string, (v: string[]) => string> = {
  users: (v) => `only for users ${v.join(', ')}`,
  groups: (v) => `only for user groups ${v.join(', ')}`,
  'fsso-groups': (v) => `only for FSSO groups ${v.join(', ')}`,
  devices: (v) => `only for devices ${v.join(', ')}`,
  application: (v) => `only for applications ${v.join(', ')}`,
  'app-category': (v) => `only for application categories ${v.join(', ')}`,
  'app-group': (v) => `only for application groups ${v.join(', ')}`,
  'url-category': (v) => `only for URL categories ${v.join(', ')}`,
  'ztna-ems-tag': (v) => `only for ZTNA tags ${v.join(', ')}`,
  'ztna-geo-tag': (v) => `only for ZTNA geo tags ${v.join(', ')}`,
  'ztna-status': (v) => `ZTNA ${v.join(' ')}`,
  'src-vendor-mac': (v) => `only for vendor MACs ${v.join(', ')}`,
}

const POLICY_MODELLED = new Set([
  'srcintf', 'dstintf', 'srcaddr', 'dstaddr', 'srcaddr4', 'dstaddr4', 'srcaddr6', 'dstaddr6', 'service', 'action', 'status',
  'schedule', 'srcaddr-negate', 'dstaddr-negate', 'srcaddr6-negate', 'dstaddr6-negate', 'service-negate', 'match-vip',
  'internet-service', 'internet-service-id', 'internet-service-name', 'internet-service-group', 'internet-service-custom',
  'internet-service-custom-group', 'internet-service-negate', 'internet-service-src', 'internet-service-src-id',
  'internet-service-src-name', 'internet-service-src-group', 'internet-service-src-custom', 'internet-service-src-custom-group',
  'internet-service-src-negate', 'internet-service6', 'internet-service6-name', 'internet-service6-group',
  'internet-service6-custom', 'internet-service6-custom-group', 'internet-service6-src', 'internet-service6-src-name',
  'internet-service6-src-group', 'internet-service6-src-custom', 'internet-service6-src-custom-group',
  ...Object.keys(CONDITION_NOTES),
])
const POLICY_KEYS = new Set([...POLICY_MODELLED, ...POLICY_IGNORED_KEYS])

/** Rules of one policy table, in table order (not id order: FortiOS evaluates top-down as listed). */
function policyRules(items: Item[], section: string, tables: VdomTables, prefix: string, group: {next: number}): Array<EvalRule<PolicyMeta>> {
  const rules: Array<EvalRule<PolicyMeta>> = []
  const label = section.replace('firewall ', '')
  for (const item of items) {
    if (value(item, 'status') === 'disable') continue
    const action = value(item, 'action') ?? 'deny'
    const allow = action === 'accept' || action === 'ipsec'
    const notes: string[] = []
    let doubtful = false
    if (action !== 'accept' && action !== 'ipsec' && action !== 'deny') {
      notes.push(`action '${action}' read as accept`)
      doubtful = true
    }
    for (const k of item.unknown) notes.push(`unknown setting '${k}' ignored; exposure may be broader`)
    if (item.unknown.length) doubtful = true
    const schedule = value(item, 'schedule') ?? 'always'
    if (schedule !== 'always') {
      notes.push(`active only on schedule '${schedule}'`)
      doubtful = true
    }
    for (const [k, note] of Object.entries(CONDITION_NOTES)) {
      if (item.settings.has(k)) {
        notes.push(note(values(item, k)))
        doubtful = true
      }
    }
    if (!item.settings.has('service') && !item.settings.has('internet-service')) notes.push('no service set: read as ALL')
    const srcintf = values(item, 'srcintf')
    const dstintf = values(item, 'dstintf')
    const rule = `${prefix}${label} ${item.name}`
    const text = lazy(() => itemText(item))
    const g = group.next++
    const svc = serviceBoxes(tables.services, item.settings.has('service') ? values(item, 'service') : ['ALL'], value(item, 'service-negate') === 'enable')
    notes.push(...svc.notes)
    doubtful ||= svc.doubtful

    const families: Array<{family: 4 | 6; src: string[]; dst: string[]; srcNeg: boolean; dstNeg: boolean}> = []
    const neg = (k: string) => value(item, k) === 'enable'
    if (section === 'firewall policy6') {
      families.push({family: 6, src: values(item, 'srcaddr'), dst: values(item, 'dstaddr'), srcNeg: neg('srcaddr-negate'), dstNeg: neg('dstaddr-negate')})
    } else {
      const src4 = [...values(item, 'srcaddr'), ...values(item, 'srcaddr4')]
      const dst4 = [...values(item, 'dstaddr'), ...values(item, 'dstaddr4')]
      if (src4.length || dst4.length) families.push({family: 4, src: src4, dst: dst4, srcNeg: neg('srcaddr-negate'), dstNeg: neg('dstaddr-negate')})
      if (item.settings.has('srcaddr6') || item.settings.has('dstaddr6')) {
        families.push({
          family: 6,
          src: values(item, 'srcaddr6'),
          dst: values(item, 'dstaddr6'),
          srcNeg: neg('srcaddr6-negate') || neg('srcaddr-negate'),
          dstNeg: neg('dstaddr6-negate') || neg('dstaddr-negate'),
        })
      }
    }
    // internet-service (ISDB) replaces dstaddr+service; -src replaces srcaddr: names we cannot expand
    const isdbDst = value(item, 'internet-service') === 'enable' || value(item, 'internet-service6') === 'enable'
    const isdbSrc = value(item, 'internet-service-src') === 'enable' || value(item, 'internet-service6-src') === 'enable'
    const isdbNames = (kind: string) =>
      ['', '6'].flatMap((v) => ['name', 'id', 'group', 'custom', 'custom-group'].flatMap((k) => values(item, `internet-service${v}${kind}-${k}`)))
    if (isdbDst || isdbSrc) {
      doubtful = true
      if (families.length === 0) families.push({family: 4, src: ['all'], dst: ['all'], srcNeg: false, dstNeg: false})
    }

    const pairs: Array<[string, string]> = []
    for (const s of srcintf.length ? srcintf : ['any']) for (const d of dstintf.length ? dstintf : ['any']) pairs.push([s, d])

    for (const f of families) {
      const anyFamily = f.family === 4 ? AddressSet.ANY4 : AddressSet.ANY6
      const table = tables.addresses[f.family]
      const vipTable = tables.vips[f.family]
      const src = isdbSrc ? {set: anyFamily, unresolved: isdbNames('-src'), notes: [], doubtful: true} : addressSide(table, f.src, f.srcNeg, anyFamily)
      const vipNames = f.dstNeg ? [] : f.dst.filter((n) => vipTable.has(n))
      const plainDst = f.dst.filter((n) => !vipNames.includes(n))
      const dst = isdbDst
        ? {set: anyFamily, unresolved: isdbNames(''), notes: [], doubtful: true}
        : addressSide(table, plainDst, f.dstNeg, anyFamily)
      const familyNotes = [...notes, ...src.notes, ...dst.notes]
      if (isdbDst) familyNotes.push('destination is Internet Service Database entries (not expanded)')
      if (isdbSrc) familyNotes.push('source is Internet Service Database entries (not expanded)')
      const fDoubt = doubtful || src.doubtful || dst.doubtful
      const services = isdbDst ? [ALL_SERVICE] : svc.boxes
      const push = (match: Box, translated: PolicyMeta['translated'], viaVip: boolean, s: string, d: string) => {
        const guards = [...(s === 'any' ? [] : [`in=${s}`]), ...(d === 'any' ? [] : [`out=${d}`])]
        // FortiOS: a deny does not stop VIP (DNAT) traffic unless it names the VIP or sets match-vip
        if (!viaVip && (allow || value(item, 'match-vip') !== 'enable')) guards.push('novip')
        rules.push({
          match,
          action: allow ? 'allow' : 'deny',
          guards,
          opaque: !allow && fDoubt,
          meta: {rule, line: item.line, text, notes: familyNotes, fromSets: src.unresolved, toSets: dst.unresolved, srcintf: s, dstintf: d, translated, kind: 'filter', group: g},
        })
      }
      for (const [s, d] of pairs) {
        for (const b of services) {
          if ((plainDst.length || isdbDst || f.dstNeg) && !src.set.isEmpty() && !dst.set.isEmpty()) {
            push({from: src.set, to: dst.set, ...b}, undefined, false, s, d)
          }
          for (const vip of vipNames.flatMap((n) => vipTable.get(n) ?? [])) {
            const ports = vipPorts(vip, b)
            if (!ports) continue
            const from = vip.srcFilter ? src.set.intersect(vip.srcFilter) : src.set
            if (from.isEmpty()) continue
            push(
              {from, to: vip.ext, protocols: ports.protocols, ports: ports.ports, sourcePorts: b.sourcePorts},
              {to: vip.mapped, ports: ports.mapped},
              true,
              s,
              d,
            )
          }
        }
      }
    }
  }
  return rules
}

const setKey = (a: AddressSet) => `${a.v4.join(',')}/${a.v6.join(',')}`

/** Evaluate, then fold the permits of one policy across interface pairs when they are the same traffic. */
function permitsToExposures(rules: Array<EvalRule<PolicyMeta>>, out: Exposure[]): void {
  const {permits} = evaluateList(rules, 'deny')
  const folded = new Map<string, {meta: PolicyMeta; box: Box; ins: Set<string>; outs: Set<string>}>()
  for (const p of permits) {
    const m = p.meta
    const key = [
      m.group,
      m.translated?.to ? setKey(m.translated.to) : '',
      m.translated?.ports?.ranges.join(',') ?? '',
      setKey(p.box.from),
      setKey(p.box.to),
      p.box.protocols.ranges.join(','),
      p.box.ports.ranges.join(','),
      p.box.sourcePorts.ranges.join(','),
    ].join('|')
    let f = folded.get(key)
    if (!f) {
      f = {meta: m, box: p.box, ins: new Set(), outs: new Set()}
      folded.set(key, f)
    }
    f.ins.add(m.srcintf)
    f.outs.add(m.dstintf)
  }
  for (const {meta, box, ins, outs} of folded.values()) {
    const inList = ins.has('any') ? [] : [...ins]
    const outList = outs.has('any') ? [] : [...outs]
    out.push({
      kind: meta.kind,
      action: 'allow',
      direction: 'inbound',
      ...box,
      translated: meta.translated,
      line: meta.line,
      rule: meta.rule,
      text: meta.text(),
      interfaces: inList.length || outList.length ? {in: inList.length ? inList : undefined, out: outList.length ? outList : undefined} : undefined,
      fromSets: meta.fromSets.length ? meta.fromSets : undefined,
      toSets: meta.toSets.length ? meta.toSets : undefined,
      notes: meta.notes.length ? [...new Set(meta.notes)] : undefined,
    })
  }
}

function accessBoxes(token: string, family: 4 | 6, ports: AdminPorts): ServiceBox[] | null {
  const spec = INTERFACE_V4_ACCESS[token]
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
function managementExposures(
  interfaces: Map<string, InterfaceInfo>,
  ports: AdminPorts,
  trusted: AddressSet | undefined,
  localIn: Array<{item: Item; tables: VdomTables; prefix: string; family: 4 | 6}>,
  acc: Accounting,
  out: Exposure[],
): void {
  const rules: Array<EvalRule<PolicyMeta>> = []
  const group = {next: 1_000_000}
  for (const {item, tables, prefix, family} of localIn) {
    if (value(item, 'status') === 'disable') continue
    const allow = value(item, 'action') === 'accept'
    const svc = serviceBoxes(tables.services, values(item, 'service'), value(item, 'service-negate') === 'enable')
    const intfs = values(item, 'intf')
    {
      const anyFamily = family === 4 ? AddressSet.ANY4 : AddressSet.ANY6
      const src = addressSide(tables.addresses[family], values(item, 'srcaddr'), value(item, 'srcaddr-negate') === 'enable', anyFamily)
      const dst = addressSide(tables.addresses[family], values(item, 'dstaddr'), value(item, 'dstaddr-negate') === 'enable', anyFamily)
      const doubtful = svc.doubtful || src.doubtful || dst.doubtful || (value(item, 'schedule') ?? 'always') !== 'always'
      const text = lazy(() => itemText(item))
      for (const intf of intfs.length ? intfs : ['any']) {
        for (const b of svc.boxes) {
          if (src.set.isEmpty() || dst.set.isEmpty()) continue
          rules.push({
            match: {from: src.set, to: dst.set, ...b},
            action: allow ? 'allow' : 'deny',
            guards: intf === 'any' ? [] : [`in=${intf}`],
            opaque: !allow && doubtful,
            meta: {rule: `${prefix}local-in-policy ${item.name}`, line: item.line, text, notes: [...svc.notes, ...src.notes, ...dst.notes], fromSets: src.unresolved, toSets: dst.unresolved, srcintf: intf, dstintf: 'any', kind: 'filter', group: group.next},
          })
        }
      }
    }
    group.next++
  }
  for (const info of interfaces.values()) {
    for (const a of info.access) {
      const unknown = a.tokens.filter((t) => !INTERFACE_V4_ACCESS[t])
      if (unknown.length) {
        // the known services of the line are still modelled; the line counts as not understood
        acc.unparsed.push({line: a.line, reason: `unknown allowaccess ${unknown.map((t) => `'${t}'`).join(', ')}`, text: a.text})
        acc.missed += 1
      }
      const familySet = a.family === 4 ? AddressSet.ANY4 : AddressSet.ANY6
      const hosts = info.hosts.only(a.family)
      const notes: string[] = []
      let to = hosts
      if (hosts.isEmpty()) {
        to = familySet
        notes.push(info.dynamic ? 'interface address is dynamic (DHCP/PPPoE): any address shown' : 'interface has no static address: any address shown')
      }
      for (const token of a.tokens) {
        const boxes = accessBoxes(token, a.family, ports)
        if (!boxes) continue
        const restricted = trusted && LOGIN_ACCESS.has(token)
        const from = restricted ? trusted.only(a.family) : familySet
        if (from.isEmpty()) continue
        for (const b of boxes) {
          rules.push({
            match: {from, to, ...b},
            action: 'allow',
            guards: [`in=${info.name}`],
            meta: {
              rule: `${a.where} allowaccess ${token}`,
              line: a.line,
              text: () => a.text,
              notes: restricted ? [...notes, 'source limited to the trusted hosts of every administrator'] : notes,
              fromSets: [],
              toSets: [],
              srcintf: info.name,
              dstintf: 'any',
              kind: 'filter',
              group: group.next,
            },
          })
        }
        group.next++
      }
    }
  }
  permitsToExposures(rules, out)
}

function listenerExposure(rule: string, line: number, text: string, from: AddressSet, to: AddressSet, boxes: ServiceBox[], intf: string | undefined, notes: string[], fromSets: string[]): Exposure[] {
  return boxes.map((b) => ({
    kind: 'vpn-listener',
    action: 'allow',
    direction: 'inbound',
    from,
    to,
    ...b,
    line,
    rule,
    text,
    interfaces: intf ? {in: [intf]} : undefined,
    fromSets: fromSets.length ? fromSets : undefined,
    notes: notes.length ? notes : undefined,
  }))
}

function interfaceTo(interfaces: Map<string, InterfaceInfo>, names: string[], notes: string[], family?: 4 | 6): AddressSet {
  const sets = names.map((n) => interfaces.get(n)?.hosts ?? AddressSet.EMPTY)
  const to = family ? AddressSet.unionAll(sets).only(family) : AddressSet.unionAll(sets)
  if (to.isEmpty()) {
    notes.push('listening interface address unknown: any address shown')
    return family === 4 ? AddressSet.ANY4 : family === 6 ? AddressSet.ANY6 : AddressSet.ANY
  }
  return to
}

function vpnExposures(scope: Scope, tables: VdomTables, interfaces: Map<string, InterfaceInfo>, version: ReadResult['version'], prefix: string, acc: Accounting, out: Exposure[]): void {
  const ike: ServiceBox[] = [
    {protocols: ProtocolSet.of(UDP), ports: PortSet.range(500), sourcePorts: PortSet.ALL},
    {protocols: ProtocolSet.of(UDP), ports: PortSet.range(4500), sourcePorts: PortSet.ALL},
    {protocols: ProtocolSet.of(ESP), ports: PortSet.ALL, sourcePorts: PortSet.ALL},
  ]
  for (const section of ['vpn ipsec phase1-interface', 'vpn ipsec phase1']) {
    for (const item of itemsOf(scope.sections.get(section), section, acc, PHASE1_KEYS, () => true)) {
      const notes: string[] = []
      const fromSets: string[] = []
      const type = value(item, 'type') ?? 'static'
      let from: AddressSet = AddressSet.ANY
      if (type === 'static') {
        const gw = [value(item, 'remote-gw'), value(item, 'remote-gw6')].filter((v): v is string => v !== undefined && v !== '0.0.0.0' && v !== '::')
        const sets = gw.map((g) => AddressSet.parse(g)).filter((s): s is AddressSet => s !== null)
        if (sets.length) from = AddressSet.unionAll(sets)
        else notes.push('no readable remote-gw: any source shown')
      } else if (type === 'ddns') {
        const name = value(item, 'remotegw-ddns')
        if (name) fromSets.push(name)
        notes.push('peer is a dynamic DNS name')
      } else {
        notes.push('dial-up (dynamic) peer: any source')
      }
      // a phase1 listens on one address family (ip-version, default 4)
      const family = value(item, 'ip-version') === '6' ? 6 : 4
      from = from.only(family)
      const localGw = [value(item, family === 4 ? 'local-gw' : 'local-gw6')].filter((v): v is string => v !== undefined && v !== '0.0.0.0' && v !== '::')
      const intf = value(item, 'interface')
      const to = localGw.length ? AddressSet.unionAll(localGw.map((g) => AddressSet.parse(g) ?? AddressSet.EMPTY)) : interfaceTo(interfaces, intf ? [intf] : [], notes, family)
      out.push(...listenerExposure(`${prefix}ipsec ${item.name}`, item.line, itemText(item), from, to, ike, intf, notes, fromSets))
    }
  }
  const sslBlocks = scope.sections.get('vpn ssl settings') ?? []
  if (sslBlocks.length) {
    const statements: Statement[] = []
    for (const b of sslBlocks) {
      for (const s of b.statements) {
        if (SSL_SETTINGS_KEYS.has(s.key)) statements.push(s)
        else acc.statement(s, `unknown setting '${s.key}' in 'config vpn ssl settings'`)
      }
    }
    const settings = settingsOf(statements)
    const get = (k: string) => settings.get(k)?.values ?? []
    const listening = get('source-interface')
    if (get('status')[0] !== 'disable' && listening.length) {
      const notes: string[] = []
      // FortiOS 7.0+ listens on 443 by default; 5.x/6.x on 10443
      let port = Number(get('port')[0])
      if (!get('port').length) {
        port = version && version.major < 7 ? 10443 : 443
        notes.push(`port not set: FortiOS default ${port}`)
      }
      const src = addressSide(tables.addresses[4], get('source-address').length ? get('source-address') : ['all'], get('source-address-negate')[0] === 'enable', AddressSet.ANY4)
      // IPv6 clients are served only when source-address6 is set
      const v6 = get('source-address6').length > 0
      const src6 = v6
        ? addressSide(tables.addresses[6], get('source-address6'), get('source-address6-negate')[0] === 'enable', AddressSet.ANY6)
        : {set: AddressSet.EMPTY, unresolved: [], notes: []}
      const from = src.set.union(src6.set)
      const first = sslBlocks[0]
      const text = ['config vpn ssl settings', ...[...settings.values()].map(statementText)].join('; ')
      const boxes: ServiceBox[] = [{protocols: ProtocolSet.of(TCP), ports: PortSet.range(port), sourcePorts: PortSet.ALL}]
      // DTLS tunnels (same port, udp) are on by default since FortiOS 5.4
      const dtls = get('dtls-tunnel')[0] ?? (version && (version.major < 5 || (version.major === 5 && version.minor < 4)) ? 'disable' : 'enable')
      if (dtls === 'enable') boxes.push({protocols: ProtocolSet.of(UDP), ports: PortSet.range(port), sourcePorts: PortSet.ALL})
      for (const intf of listening) {
        const intfNotes = [...notes, ...src.notes, ...src6.notes]
        const to = v6 ? interfaceTo(interfaces, [intf], intfNotes) : interfaceTo(interfaces, [intf], intfNotes, 4)
        out.push(...listenerExposure(`${prefix}ssl-vpn`, first.line, text, from, to, boxes, intf, intfNotes, [...src.unresolved, ...src6.unresolved]))
      }
    }
  }
}

export function parseFortios(text: string, file: string): {exposures: Exposure[]; unparsed: Unparsed[]; stats: {lines: number; understood: number}} {
  const read = readFortios(text)
  if (read.roots.length === 0) {
    throw new IrmError('CONFIG_WRONG_FORMAT', 'no FortiOS "config … end" section found', {
      file,
      line: read.stray[0]?.line,
      hint: 'Give a FortiOS backup or "show full-configuration" output, or pick another --type.',
    })
  }
  const acc = new Accounting()
  for (const s of read.stray) {
    acc.unparsed.push({line: s.line, reason: s.reason, text: s.text})
    acc.missed += s.lines
  }
  const vdomMode = read.roots.some((r) => r.name === 'vdom' && r.children.some((e) => e.children.length > 0))
  const global: Scope = {sections: new Map()}
  const scopes = new Map<string, Scope>()
  const top: Scope = {sections: new Map()}
  const add = (scope: Scope, b: Block) => {
    const list = scope.sections.get(b.name)
    if (list) list.push(b)
    else scope.sections.set(b.name, [b])
  }
  const unclosed = (b: Block) => {
    if (!b.closed) acc.unparsed.push({line: b.line, reason: `'${b.kind}' not closed (file truncated?)`, text: blockText(b)})
    for (const c of b.children) unclosed(c)
  }
  for (const root of read.roots) {
    unclosed(root)
    if (root.name === 'vdom') {
      for (const s of root.statements) acc.statement(s, "setting outside an entry in 'config vdom'")
      for (const e of root.children) {
        if (e.kind !== 'edit') continue
        let scope = scopes.get(e.name)
        if (!scope) {
          scope = {vdom: e.name, sections: new Map()}
          scopes.set(e.name, scope)
        }
        for (const s of e.statements) acc.statement(s, 'setting directly inside a VDOM')
        for (const c of e.children) add(scope, c)
      }
    } else if (root.name === 'global') {
      for (const s of root.statements) acc.statement(s, "setting directly inside 'config global'")
      for (const c of root.children) add(global, c)
    } else {
      add(top, root)
    }
  }
  const allScopes = vdomMode ? [...scopes.values()] : [top, ...scopes.values()]
  const deviceScopes = [global, top]

  // sections nobody models: one unparsed entry per block, unless empty or ignored on purpose
  for (const scope of [global, top, ...scopes.values()]) {
    for (const [name, blocks] of scope.sections) {
      if (MODELLED.has(name) || ignoredReason(name) !== undefined) continue
      for (const b of blocks) if (b.statements.length || b.children.length) acc.block(b, `section 'config ${name}' not modelled`)
    }
  }

  const exposures: Exposure[] = []
  const section = (name: string) => deviceScopes.flatMap((s) => s.sections.get(name) ?? [])
  const interfaces = readInterfaces(itemsOf(section('system interface'), 'system interface', acc, null, (n) => n === 'ipv6' || n === 'secondaryip'), acc)
  const globalSettings = settingsOf(section('system global').flatMap((b) => b.statements))
  const ports: AdminPorts = {}
  for (const [key, dflt] of [['admin-sport', 443], ['admin-port', 80], ['admin-ssh-port', 22], ['admin-telnet-port', 23]] as const) {
    const v = Number(globalSettings.get(key)?.values[0] ?? dflt)
    ports[key] = Number.isInteger(v) && v > 0 && v < 65536 ? v : dflt
  }
  // trusted hosts protect admin logins only when every administrator has some
  const admins = itemsOf(section('system admin'), 'system admin', acc, null)
  let trusted: AddressSet | undefined
  if (admins.length) {
    const perAdmin = admins.map((a) => {
      const sets: AddressSet[] = []
      for (let i = 1; i <= 10; i++) {
        const v4 = addressWithMask(values(a, `trusthost${i}`))
        if (v4 && !v4.equals(AddressSet.ANY4)) sets.push(v4)
        const v6 = AddressSet.parse(value(a, `ip6-trusthost${i}`) ?? '')
        if (v6 && !v6.equals(AddressSet.ANY6)) sets.push(v6)
      }
      return sets
    })
    if (perAdmin.every((s) => s.length)) trusted = AddressSet.unionAll(perAdmin.flat())
  }

  const localIn: Array<{item: Item; tables: VdomTables; prefix: string; family: 4 | 6}> = []
  for (const scope of allScopes) {
    const prefix = vdomMode && scope.vdom ? `vdom ${scope.vdom} ` : ''
    const tables = buildTables(scope, acc, interfaces, exposures, prefix)
    const group = {next: 0}
    // a zone with `intrazone allow` passes traffic between its members without any policy
    for (const zone of itemsOf(scope.sections.get('system zone'), 'system zone', acc, null)) {
      if (value(zone, 'intrazone') !== 'allow') continue
      const intrazone = zone.settings.get('intrazone')!
      exposures.push({
        kind: 'filter',
        action: 'allow',
        direction: 'inbound',
        from: AddressSet.ANY,
        to: AddressSet.ANY,
        protocols: ProtocolSet.ALL,
        ports: PortSet.ALL,
        sourcePorts: PortSet.ALL,
        line: intrazone.line,
        rule: `${prefix}zone ${zone.name} intrazone`,
        text: `edit ${zone.name}; ${statementText(intrazone)}; ${statementText(zone.settings.get('interface') ?? intrazone)}`,
        interfaces: {in: [zone.name], out: [zone.name]},
        notes: [`traffic between the members of zone '${zone.name}' (${values(zone, 'interface').join(', ')}) passes without a policy`],
      })
    }
    for (const name of POLICY_SECTIONS) {
      const items = itemsOf(scope.sections.get(name), name, acc, POLICY_KEYS)
      permitsToExposures(policyRules(items, name, tables, prefix, group), exposures)
    }
    for (const name of ['firewall local-in-policy', 'firewall local-in-policy6']) {
      const family = name.endsWith('6') ? 6 : 4
      for (const item of itemsOf(scope.sections.get(name), name, acc, LOCAL_IN_KEYS)) localIn.push({item, tables, prefix, family})
    }
    vpnExposures(scope, tables, interfaces, read.version, prefix, acc, exposures)
  }
  managementExposures(interfaces, ports, trusted, localIn, acc, exposures)
  return {exposures, unparsed: acc.unparsed, stats: {lines: read.lines, understood: Math.max(0, read.lines - acc.missed)}}
}

const HEAD = /^#config-version=[A-Z0-9]+-\d/m
const BLOCK = /^config (system|firewall|vpn|router|log|user|global|vdom)\b[^\n]*\n\s+(edit |set )/m

export const fortios: SourceParser = {
  type: 'fortios',
  description: 'FortiGate FortiOS configuration (backup .conf or "show full-configuration")',
  detection: 'a "#config-version=" header, or "config system/firewall/vpn …" blocks with edit/set/next/end',
  extensions: ['conf', 'cfg', 'txt'],
  detect(head) {
    if (HEAD.test(head)) return 1
    if (BLOCK.test(head) && /^\s*(next|end)\s*$/m.test(head)) return 0.8
    return 0
  },
  parse(text, {file}) {
    return parseFortios(text, file)
  },
}
