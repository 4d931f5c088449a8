/**
 * Firewall policies → exposures: object tables per VDOM, policy rules in table order through the shared
 * evaluator (guards for interface pairs and VIP traffic), folded back per policy.
 */
import {buildExposure, type ExposureInit} from '../../model/build.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import type {Denial, Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {type Box, subtractBox} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {type EvalRule, evaluateList, type Guard} from '../../model/evaluate.js'
import type {InterfaceInfo} from './device.js'
import {Accounting, type Item, itemsOf, itemText, lazy, type Scope} from './items.js'
import {type AddressTable, addressTable, readVip, resolveAddresses, resolveServices, type ServiceBox, type ServiceTable, serviceTable, value, values, type Vip} from './objects.js'
import {settingsOf} from './read.js'
import {ADDRESS_KEYS, ADDRGRP_KEYS, POLICY_IGNORED_KEYS, SERVICE_GROUP_KEYS, SERVICE_KEYS, VIP_KEYS, VIPGRP_KEYS} from './sections.js'

export interface PolicyMeta {
  rule: string
  /** The policy id (`edit N`): chosen by the admin, stable when policies move. */
  name?: string
  line: number
  /** Built only for rules that end up exposed (echoing every rule costs more than evaluating it). */
  text: () => string
  doubts: DoubtNote[]
  fromSets: string[]
  toSets: string[]
  srcintf: string
  dstintf: string
  translated?: {to?: AddressSet; ports?: PortSet}
  /** Index of the policy, to gather its permits across interface pairs. */
  group: number
}

const ALL_SERVICE: ServiceBox = {protocols: ProtocolSet.ALL, ports: PortSet.ALL, sourcePorts: PortSet.ALL}

export function serviceBoxes(table: ServiceTable, names: string[], negate: boolean): {boxes: ServiceBox[]; doubts: DoubtNote[]; doubtful: boolean} {
  const r = resolveServices(table, names)
  let boxes = r.boxes
  const doubtful = r.unresolved.length > 0 || r.doubts.length > 0
  // an unknown service may be anything: recall first
  if (r.unresolved.length) boxes = [ALL_SERVICE]
  if (negate) {
    let rest: Box[] = [{from: AddressSet.ANY, to: AddressSet.ANY, ...ALL_SERVICE}]
    for (const b of boxes) rest = rest.flatMap((x) => subtractBox(x, {from: AddressSet.ANY, to: AddressSet.ANY, ...b}))
    boxes = r.unresolved.length ? [ALL_SERVICE] : rest.map((x) => ({protocols: x.protocols, ports: x.ports, sourcePorts: x.sourcePorts}))
  }
  return {boxes, doubts: r.doubts, doubtful}
}

export function addressSide(table: AddressTable, names: string[], negate: boolean, anyFamily: AddressSet) {
  const r = resolveAddresses(table, names)
  const doubtful = r.unresolved.length > 0 || r.doubts.length > 0
  const set = r.unresolved.length ? anyFamily : negate ? anyFamily.subtract(r.set) : r.set
  return {set, unresolved: r.unresolved, doubts: r.doubts, doubtful}
}

export interface VdomTables {
  addresses: {4: AddressTable; 6: AddressTable}
  services: ServiceTable
  vips: {4: Map<string, Vip[]>; 6: Map<string, Vip[]>}
}

export function buildTables(scope: Scope, acc: Accounting, interfaces: Map<string, InterfaceInfo>, exposures: Exposure[], prefix: string): VdomTables {
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
      // a disabled VIP translates nothing, and policies naming it match nothing
      if (value(item, 'status') === 'disable') {
        vips[family].set(item.name, [])
        continue
      }
      const vip = readVip(item, family, itemText(item))
      if (typeof vip === 'string') {
        acc.line(item.line, vip, `edit ${item.name}`, 1, 'bad-value')
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
  return buildExposure({
    kind: vip.kind,
    box: {from: vip.srcFilter ?? AddressSet.anyOf(vip.family), to: vip.ext, protocols: vip.forward?.protocols ?? ProtocolSet.ALL, ports: vip.forward?.ext ?? PortSet.ALL},
    translated: {to: vip.mapped, ports: vip.forward ? vip.forward.mapped : undefined},
    line: vip.line,
    rule: `${prefix}vip ${vip.name}`,
    text: vip.text,
    ...(vip.extintf ? {interfaces: {in: [vip.extintf]}} : {}),
    doubts: vip.doubts,
  })
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

/** Policy conditions we do not model: each narrows the policy (a `conditional` doubt). */
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

// read once, not per policy
const CONDITION_ENTRIES = Object.entries(CONDITION_NOTES)

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
export const POLICY_KEYS = new Set([...POLICY_MODELLED, ...POLICY_IGNORED_KEYS])

const NO_NAMES: string[] = []
const NO_VIPS: Vip[] = []

/** Two lists as one; the first as it is when the second is empty (most policies: no `srcaddr4`). */
const joined = (a: string[], b: string[]): string[] => (b.length === 0 ? a : [...a, ...b])

/**
 * The guards of a policy's rules, one list per (srcintf, dstintf, VIP rule or not): shared by every
 * policy with the same interfaces, so the evaluator keys each list once, not once per policy.
 */
class GuardLists {
  private readonly lists = new Map<string, Map<string, Array<readonly Guard[] | undefined>>>()

  of(s: string, d: string, novip: boolean): readonly Guard[] {
    let byOut = this.lists.get(s)
    if (!byOut) this.lists.set(s, (byOut = new Map()))
    let two = byOut.get(d)
    if (!two) byOut.set(d, (two = [undefined, undefined]))
    const k = novip ? 1 : 0
    return (two[k] ??= [...(s === 'any' ? [] : [{in: s}]), ...(d === 'any' ? [] : [{out: d}]), ...(novip ? [{cond: 'novip'}] : [])])
  }
}

/** Rules of one policy table, in table order (not id order: FortiOS evaluates top-down as listed). */
export function policyRules(items: Item[], section: string, tables: VdomTables, prefix: string, group: {next: number}): Array<EvalRule<PolicyMeta>> {
  const rules: Array<EvalRule<PolicyMeta>> = []
  const label = section.replace('firewall ', '')
  const guardLists = new GuardLists()
  for (const item of items) {
    if (value(item, 'status') === 'disable') continue
    const action = value(item, 'action') ?? 'deny'
    const allow = action === 'accept' || action === 'ipsec'
    const doubts: DoubtNote[] = []
    let doubtful = false
    if (action !== 'accept' && action !== 'ipsec' && action !== 'deny') {
      doubts.push(note('action-assumed', `action '${action}' read as accept`))
      doubtful = true
    }
    for (const k of item.unknown) doubts.push(note('unknown-match', `unknown setting '${k}' ignored; exposure may be broader`))
    if (item.unknown.length) doubtful = true
    const schedule = value(item, 'schedule') ?? 'always'
    if (schedule !== 'always') {
      doubts.push(note('time-limited', `active only on schedule '${schedule}'`))
      doubtful = true
    }
    for (const [k, text] of CONDITION_ENTRIES) {
      if (item.settings.has(k)) {
        doubts.push(note(k === 'application' || k.startsWith('app-') ? 'application-limited' : 'conditional', text(values(item, k))))
        doubtful = true
      }
    }
    if (!item.settings.has('service') && !item.settings.has('internet-service')) doubts.push(note('vendor-default', 'no service set: read as ALL'))
    const srcintf = values(item, 'srcintf')
    const dstintf = values(item, 'dstintf')
    const rule = `${prefix}${label} ${item.name}`
    const text = lazy(() => itemText(item))
    const g = group.next++
    const svc = serviceBoxes(tables.services, item.settings.has('service') ? values(item, 'service') : ['ALL'], value(item, 'service-negate') === 'enable')
    doubts.push(...svc.doubts)
    doubtful ||= svc.doubtful

    const families: Array<{family: 4 | 6; src: string[]; dst: string[]; srcNeg: boolean; dstNeg: boolean}> = []
    const neg = (k: string) => value(item, k) === 'enable'
    if (section === 'firewall policy6') {
      families.push({family: 6, src: values(item, 'srcaddr'), dst: values(item, 'dstaddr'), srcNeg: neg('srcaddr-negate'), dstNeg: neg('dstaddr-negate')})
    } else {
      const src4 = joined(values(item, 'srcaddr'), values(item, 'srcaddr4'))
      const dst4 = joined(values(item, 'dstaddr'), values(item, 'dstaddr4'))
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
      const anyFamily = AddressSet.anyOf(f.family)
      const table = tables.addresses[f.family]
      const vipTable = tables.vips[f.family]
      const src = isdbSrc ? {set: anyFamily, unresolved: isdbNames('-src'), doubts: [], doubtful: true} : addressSide(table, f.src, f.srcNeg, anyFamily)
      const vipNames = f.dstNeg || vipTable.size === 0 ? NO_NAMES : f.dst.filter((n) => vipTable.has(n))
      const plainDst = vipNames.length ? f.dst.filter((n) => !vipNames.includes(n)) : f.dst
      const dst = isdbDst
        ? {set: anyFamily, unresolved: isdbNames(''), doubts: [], doubtful: true}
        : addressSide(table, plainDst, f.dstNeg, anyFamily)
      const familyDoubts = [...doubts, ...src.doubts, ...dst.doubts]
      if (isdbDst) familyDoubts.push(note('unexpanded-set', 'destination is Internet Service Database entries (not expanded)'))
      if (isdbSrc) familyDoubts.push(note('unexpanded-set', 'source is Internet Service Database entries (not expanded)'))
      const fDoubt = doubtful || src.doubtful || dst.doubtful
      const services = isdbDst ? [ALL_SERVICE] : svc.boxes
      const push = (match: Box, translated: PolicyMeta['translated'], viaVip: boolean, s: string, d: string) => {
        // FortiOS: a deny does not stop VIP (DNAT) traffic unless it names the VIP or sets match-vip
        const guards = guardLists.of(s, d, !viaVip && (allow || value(item, 'match-vip') !== 'enable'))
        rules.push({
          match,
          action: allow ? 'allow' : 'deny',
          guards,
          opaque: !allow && fDoubt,
          meta: {rule, name: item.name, line: item.line, text, doubts: familyDoubts, fromSets: src.unresolved, toSets: dst.unresolved, srcintf: s, dstintf: d, translated, group: g},
        })
      }
      for (const [s, d] of pairs) {
        for (const b of services) {
          if ((plainDst.length || isdbDst || f.dstNeg) && !src.set.isEmpty() && !dst.set.isEmpty()) {
            push({from: src.set, to: dst.set, protocols: b.protocols, ports: b.ports, sourcePorts: b.sourcePorts}, undefined, false, s, d)
          }
          for (const vip of vipNames.length ? vipNames.flatMap((n) => vipTable.get(n) ?? []) : NO_VIPS) {
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

// interfaces in first-seen order, each once (a policy names a few: an array, not a set)
type Fold = {meta: PolicyMeta; box: Box; ins: string[]; outs: string[]}

const MAX_SCAN = 32
const setKey = (a: AddressSet) => `${a.v4.join(',')}/${a.v6.join(',')}`
const foldKey = (m: PolicyMeta, b: Box) =>
  [
    m.translated?.to ? setKey(m.translated.to) : '',
    m.translated?.ports?.ranges.join(',') ?? '',
    setKey(b.from),
    setKey(b.to),
    b.protocols.ranges.join(','),
    b.ports.ranges.join(','),
    b.sourcePorts.ranges.join(','),
  ].join('|')

/** Same traffic, same translation: the permits of one policy that fold into one exposure. */
function sameFold(f: Fold, m: PolicyMeta, b: Box): boolean {
  const t = f.meta.translated
  const u = m.translated
  if (!!t?.to !== !!u?.to || (t?.to && !t.to.equals(u!.to!))) return false
  if (!!t?.ports !== !!u?.ports || (t?.ports && !t.ports.equals(u!.ports!))) return false
  const a = f.box
  return a.protocols.equals(b.protocols) && a.ports.equals(b.ports) && a.sourcePorts.equals(b.sourcePorts) && a.to.equals(b.to) && a.from.equals(b.from)
}

/** Evaluate, then fold the permits of one policy across interface pairs when they are the same traffic. */
export function permitsToExposures(rules: Array<EvalRule<PolicyMeta>>, out: Exposure[], denies?: Denial[]): void {
  const {permits, denies: denied} = evaluateList(rules, 'deny', undefined, {recordDenies: denies !== undefined})
  // the deny policies as applied, for the line that decides a blocked flow (the implicit policy 0 has no line)
  for (const d of denied ?? []) denies?.push({line: d.meta.line, rule: d.meta.rule, box: d.box, direction: 'inbound'})
  // per policy (group), its folds in first-seen order: most policies have a few, compared by value; a
  // policy cut in many pieces gets a keyed index instead (no quadratic scan)
  const byGroup = new Map<number, {list: Fold[]; index?: Map<string, Fold>}>()
  const folded: Fold[] = []
  for (const p of permits) {
    const m = p.meta
    const g = byGroup.get(m.group)
    const f = !g ? undefined : g.index ? g.index.get(foldKey(m, p.box)) : g.list.find((x) => sameFold(x, m, p.box))
    if (f) {
      if (!f.ins.includes(m.srcintf)) f.ins.push(m.srcintf)
      if (!f.outs.includes(m.dstintf)) f.outs.push(m.dstintf)
      continue
    }
    // most policies fold into one exposure: arrays made at their size, grown only past it
    const made: Fold = {meta: m, box: p.box, ins: [m.srcintf], outs: [m.dstintf]}
    if (!g) byGroup.set(m.group, {list: [made]})
    else if (g.index) g.index.set(foldKey(m, p.box), made)
    else if (g.list.push(made) >= MAX_SCAN) g.index = new Map(g.list.map((x) => [foldKey(x.meta, x.box), x]))
    folded.push(made)
  }
  for (const {meta, box, ins, outs} of folded) {
    const inList = ins.includes('any') ? [] : ins
    const outList = outs.includes('any') ? [] : outs
    // the optional fields set one by one (no spread of a temporary object per exposure)
    const init: ExposureInit = {kind: 'filter', box, line: meta.line, rule: meta.rule, text: meta.text(), fromSets: meta.fromSets, toSets: meta.toSets, doubts: meta.doubts}
    if (meta.translated) init.translated = meta.translated
    if (meta.name) init.name = meta.name
    if (inList.length || outList.length) {
      const interfaces: NonNullable<ExposureInit['interfaces']> = {}
      if (inList.length) interfaces.in = inList
      if (outList.length) interfaces.out = outList
      init.interfaces = interfaces
    }
    out.push(buildExposure(init))
  }
}
