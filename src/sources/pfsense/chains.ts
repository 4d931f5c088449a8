/**
 * Per-interface rule order (pf as pfSense generates it) through the shared evaluator, the generated rules
 * (block private networks, anti-lockout), and the management services the resulting permits reach.
 */
import {buildExposure} from '../../model/build.js'
import {note} from '../../model/doubts.js'
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {type Box, intersectBox} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {TCP, UDP} from '../../net/protocol.js'
import {type EvalRule, evaluateList} from '../../model/evaluate.js'
import {child, children, dig, textOf, type XmlElement} from '../xml.js'
import type {Iface} from './objects.js'
import {familySet, type FilterRule, hasPortProtocol, isSet} from './rules.js'

// pfSense "Block private networks" (filter.inc): RFC 1918, loopback, CGNAT, ULA
const PRIVATE_NETWORKS = AddressSet.of('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '100.64.0.0/10', 'fc00::/7')

interface Meta {
  rule: FilterRule
  iface: string
}

export interface Mgmt {
  name: string
  line: number
  text: string
  box: Box
}


/** webGUI, SSH and SNMP listen on every address of the firewall; the rules decide who reaches them. */
export function managementServices(root: XmlElement, interfaces: Map<string, Iface>): Mgmt[] {
  // the static addresses; a dynamic (DHCP/PPPoE) one is matched through the rules that name it
  const self = AddressSet.unionAll([...interfaces.values()].map((i) => i.hosts))
  const to = self.isEmpty() ? AddressSet.ANY : self
  const tcp = (port: number): Box => ({from: AddressSet.ANY, to, protocols: ProtocolSet.of(TCP), ports: PortSet.range(port), sourcePorts: PortSet.ALL})
  const out: Mgmt[] = []
  const webgui = dig(root, 'system', 'webgui')
  const protocol = textOf(webgui, 'protocol') ?? 'https'
  const port = Number(textOf(webgui, 'port') || (protocol === 'http' ? 80 : 443))
  out.push({name: `webgui ${protocol}`, line: webgui?.line ?? root.line, text: `webgui ${protocol} port ${port}`, box: tcp(port)})
  if (protocol === 'https' && !child(webgui, 'disablehttpredirect') && port !== 80) {
    out.push({name: 'webgui http redirect', line: webgui?.line ?? root.line, text: 'webgui http redirect port 80', box: tcp(80)})
  }
  const ssh = dig(root, 'system', 'ssh')
  // pfSense: <enable>enabled</enable>; OPNsense: <enabled>enabled</enabled>
  if (ssh && (isSet(child(ssh, 'enable')) || isSet(child(ssh, 'enabled')))) {
    const p = Number(textOf(ssh, 'port') || 22)
    out.push({name: 'ssh', line: ssh.line, text: `ssh port ${p}`, box: tcp(p)})
  }
  const snmp = child(root, 'snmpd')
  if (snmp && isSet(child(snmp, 'enable'))) {
    const p = Number(textOf(snmp, 'pollport') || 161)
    out.push({name: 'snmp', line: snmp.line, text: `snmpd port ${p}`, box: {...tcp(p), protocols: ProtocolSet.of(UDP)}})
  }
  return out
}

function antiLockout(root: XmlElement, interfaces: Map<string, Iface>, mgmt: Mgmt[]): {iface: string; rule: FilterRule} | null {
  if (child(dig(root, 'system', 'webgui'), 'noantilockout')) return null
  // pfSense puts it on LAN, or on WAN when there is no LAN
  const iface = interfaces.has('lan') ? 'lan' : interfaces.has('wan') ? 'wan' : undefined
  if (!iface) return null
  const addr = interfaces.get(iface)!.hosts
  const to = addr.isEmpty() ? AddressSet.ANY : addr
  const ports = mgmt.filter((m) => m.name !== 'snmp').reduce((p, m) => p.union(m.box.ports), PortSet.EMPTY)
  const el = dig(root, 'system', 'webgui') ?? root
  return {
    iface,
    rule: {
      el,
      name: `${iface} anti-lockout rule`,
      action: 'allow',
      interfaces: [iface],
      floating: false,
      quick: true,
      direction: 'in',
      boxes: [{from: AddressSet.unionAll([4, 6].filter((f) => to.hasFamily(f as 4 | 6)).map((f) => familySet(f as 4 | 6))), to, protocols: ProtocolSet.of(TCP), ports, sourcePorts: PortSet.ALL}],
      opaque: false,
      doubts: [note('vendor-default', 'default anti-lockout rule (disable with noantilockout)')],
      fromSets: [],
      toSets: [],
      text: `pass in quick on ${iface} proto tcp from any to (${iface}) port {${ports.toStrings().join(' ')}} "Anti-Lockout Rule"`,
    },
  }
}

/** A rule pfSense generates itself (anti-lockout, block private networks). */
function systemRule(info: Iface, name: string, action: FilterRule['action'], text: string): FilterRule {
  const el: XmlElement = {name: info.name, attrs: {}, children: [], text: '', line: info.line, path: `/interfaces/${info.name}`}
  return {el, name, action, interfaces: [info.name], floating: false, quick: true, direction: 'in', boxes: [], opaque: false, doubts: [], fromSets: [], toSets: [], text}
}

export function evaluateInterfaces(rules: FilterRule[], interfaces: Map<string, Iface>, groups: Map<string, string[]>, mgmt: Mgmt[], root: XmlElement, out: Exposure[]): void {
  const names = new Set<string>(interfaces.keys())
  for (const r of rules) for (const i of r.interfaces) if (!groups.has(i)) names.add(i)
  for (const members of groups.values()) for (const m of members) names.add(m)
  const lockout = antiLockout(root, interfaces, mgmt)
  // folded permits in the order first met; a user rule's by line, name, direction and box (no string key
  // per permit: 10^5 rules), the management ones by a key of their own
  const folded: Folded[] = []
  const byLine = new Map<number, RuleFolds>()
  const mgmtFolded = new Map<string, Folded>()
  const fold = (rule: FilterRule, box: Box, iface: string, direction: Exposure['direction']) => {
    let shown = box
    let translated: Exposure['translated']
    // a filter rule tied to a port forward sees the translated packet; show what arrives, and where it goes
    if (rule.nat && direction === 'inbound') {
      const n = rule.nat
      const pre = intersectBox({...box, to: n.to, ports: n.ports}, {from: n.from, to: n.to, protocols: n.protocols, ports: n.ports, sourcePorts: PortSet.ALL})
      if (pre) {
        translated = {to: box.to, ports: hasPortProtocol(box.protocols) ? box.ports : undefined}
        shown = pre
      }
    }
    const group = foldGroup(byLine, rule, direction)
    const f = group.find(shown)
    if (f) f.ifaces.push(iface)
    else {
      const entry: Folded = {rule, box: shown, direction, ifaces: [iface], translated}
      group.add(entry)
      folded.push(entry)
    }
  }
  // a floating rule with no interface applies to all of them
  const onIface = (r: FilterRule, iface: string) => r.interfaces.includes(iface) || (r.floating && r.interfaces.length === 0)
  for (const iface of names) {
    const info = interfaces.get(iface)
    // pfSense loads no rules for an interface that is not enabled
    if (info && !info.enabled) continue
    const blockPrivate: FilterRule[] = info?.blockPrivate
      ? [{...systemRule(info, `${iface} block private networks`, 'deny', 'block in quick on ' + iface + ' from <private networks> "Block private networks"'), boxes: [{from: PRIVATE_NETWORKS, to: AddressSet.ANY, protocols: ProtocolSet.ALL, ports: PortSet.ALL, sourcePorts: PortSet.ALL}]}]
      : []
    for (const direction of ['in', 'out'] as const) {
      const floating = rules.filter((r) => r.floating && onIface(r, iface) && (r.direction === direction || r.direction === 'any'))
      const memberOf = [...groups].filter(([, members]) => members.includes(iface)).map(([g]) => g)
      const own = [
        ...rules.filter((r) => !r.floating && r.direction === direction && r.interfaces.some((i) => memberOf.includes(i))),
        ...rules.filter((r) => !r.floating && r.direction === direction && onIface(r, iface)),
      ]
      const ordered = [
        ...(direction === 'in' ? blockPrivate : []),
        ...(direction === 'in' && lockout?.iface === iface ? [lockout.rule] : []),
        ...floating.filter((r) => r.quick),
        ...own,
        ...floating.filter((r) => !r.quick).reverse(),
      ]
      if (ordered.length === 0) continue
      const list: Array<EvalRule<Meta>> = ordered.flatMap((rule) =>
        rule.boxes.map((match) => ({match, action: rule.action, opaque: rule.opaque, meta: {rule, iface}})),
      )
      const {permits} = evaluateList(list, 'deny')
      const dir: Exposure['direction'] = direction === 'in' ? 'inbound' : 'outbound'
      for (const p of permits) {
        fold(p.meta.rule, p.box, iface, dir)
        // the anti-lockout rule is itself the management exposure
        if (direction !== 'in' || p.meta.rule === lockout?.rule) continue
        // a rule to `(self)` or `wanip` on a dynamic address reaches the firewall whatever that address is
        const toDynamicSelf = p.meta.rule.toSets.some((n) => n === '(self)' || /ip$/.test(n))
        for (const m of mgmt) {
          const reach = intersectBox(p.box, toDynamicSelf ? {...m.box, to: AddressSet.ANY} : m.box)
          if (!reach) continue
          const key = `${m.name}|${boxKey(reach)}`
          const f = mgmtFolded.get(key)
          if (f) {
            if (!f.ifaces.includes(iface)) f.ifaces.push(iface)
            continue
          }
          const entry: Folded = {
            rule: {...p.meta.rule, name: m.name, el: {...p.meta.rule.el, path: p.meta.rule.el.path, line: m.line}, text: m.text, doubts: [note('device-itself', `reached through ${p.meta.rule.name}`)], nat: undefined},
            box: reach,
            direction: 'inbound',
            ifaces: [iface],
          }
          mgmtFolded.set(key, entry)
          folded.push(entry)
        }
      }
    }
  }
  for (const {rule, box, direction, ifaces, translated} of folded) {
    const e = buildExposure({
      kind: 'filter',
      direction,
      box,
      ...(translated ? {translated} : {}),
      line: rule.el.line,
      rule: rule.name,
      text: rule.text,
      interfaces: direction === 'inbound' ? {in: ifaces} : {out: ifaces},
      fromSets: rule.fromSets,
      toSets: rule.toSets,
      doubts: rule.doubts,
      ...(direction === 'inbound' && (rule === lockout?.rule || mgmt.some((m) => m.name === rule.name) || toSelf(rule)) ? {hostLocal: true} : {}),
    })
    out.push(e)
  }
}

/** A user rule whose destination is the firewall itself: `(self)` or an interface address (`wanip`, `lanip`). */
function toSelf(rule: FilterRule): boolean {
  const network = textOf(child(rule.el, 'destination'), 'network')?.trim()
  return network !== undefined && (network === '(self)' || /^[a-z0-9_]+ip$/i.test(network)) && child(child(rule.el, 'destination'), 'not') === undefined
}

/** The fold groups of the rules on one line (one, but for a config written on a single line), by name. */
interface RuleFolds {
  name: string
  groups: Map<Exposure['direction'], FoldGroup>
  next?: RuleFolds
}

/** The group a rule's permits fold in, by line, name and direction: no string key, one map per rule. */
function foldGroup(byLine: Map<number, RuleFolds>, rule: FilterRule, direction: Exposure['direction']): FoldGroup {
  const first = byLine.get(rule.el.line)
  let folds = first
  while (folds && folds.name !== rule.name) folds = folds.next
  if (!folds) {
    folds = {name: rule.name, groups: new Map()}
    if (first) {
      // after the first: the order of the list does not matter, only the name does
      folds.next = first.next
      first.next = folds
    } else byLine.set(rule.el.line, folds)
  }
  let group = folds.groups.get(direction)
  if (!group) folds.groups.set(direction, (group = new FoldGroup()))
  return group
}

interface Folded {
  rule: FilterRule
  box: Box
  direction: Exposure['direction']
  ifaces: string[]
  translated?: Exposure['translated']
}

/** One rule's folded permits in one direction: compared box by box while few, by boxKey past that. */
class FoldGroup {
  private readonly list: Folded[] = []
  private index?: Map<string, Folded>

  find(box: Box): Folded | undefined {
    if (this.index) return this.index.get(boxKey(box))
    return this.list.find((x) => x.box === box || sameBox(x.box, box))
  }

  add(entry: Folded): void {
    this.list.push(entry)
    if (this.index) this.index.set(boxKey(entry.box), entry)
    else if (this.list.length > 32) this.index = new Map(this.list.map((x) => [boxKey(x.box), x]))
  }
}

/** The same traffic (what boxKey prints equal): sets compared by their ranges. */
function sameBox(a: Box, b: Box): boolean {
  return sameList(a.from.v4, b.from.v4) && sameList(a.from.v6, b.from.v6) && sameList(a.to.v4, b.to.v4) && sameList(a.to.v6, b.to.v6) &&
    sameList(a.protocols.ranges, b.protocols.ranges) && sameList(a.ports.ranges, b.ports.ranges) && sameList(a.sourcePorts.ranges, b.sourcePorts.ranges)
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

const boxKey = (b: Box) =>
  [b.from.v4.join(','), b.from.v6.join(','), b.to.v4.join(','), b.to.v6.join(','), b.protocols.ranges.join(','), b.ports.ranges.join(','), b.sourcePorts.ranges.join(',')].join('|')
