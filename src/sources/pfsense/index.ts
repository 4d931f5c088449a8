/**
 * pfSense and OPNsense `config.xml`: interfaces, aliases, filter rules (floating and per interface, in
 * order, through the shared evaluator), port forwards and 1:1 NAT, OpenVPN servers, IPsec phase 1, and
 * the management plane (webGUI, SSH, SNMP) as far as the rules let it be reached.
 *
 * pf order, as pfSense generates it: floating `quick` rules, then interface rules (all quick), then
 * floating non-quick rules, where the LAST match wins (so they are evaluated in reverse), then the
 * default block. Floating rules with direction `out` give `outbound` exposures (pfSense passes all
 * egress by default, so only explicit pass-out rules are listed).
 */
import {IrmError} from '../../core/errors.js'
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {type Box, intersectBox} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {ICMP, ICMPV6, parseProtocol, TCP, UDP} from '../../net/protocol.js'
import {type EvalRule, evaluateList} from '../evaluate.js'
import {redactLine} from '../redact.js'
import type {SourceParser, Unparsed} from '../types.js'
import {child, children, dig, parseXml, textOf, type XmlElement} from '../xml.js'
import {AliasTable, type Context, type Iface, readAlias, readInterface, readPorts, readSide} from './objects.js'
import {IGNORED_SECTIONS, NAT_KEYS, RULE_CONDITIONS, RULE_KEYS, SECRET_ELEMENTS} from './sections.js'

const ESP = 50
// nat/outbound (source NAT) and npt (prefix translation) do not open inbound access
const NAT_SECTIONS = new Set(['rule', 'onetoone', 'outbound', 'separator', 'npt', 'advancedoutbound'])
// pfSense "Block private networks" (filter.inc): RFC 1918, loopback, CGNAT, ULA
const PRIVATE_NETWORKS = AddressSet.of('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8', '100.64.0.0/10', 'fc00::/7')
const MODELLED = new Set(['system', 'interfaces', 'aliases', 'filter', 'nat', 'openvpn', 'ipsec', 'virtualip', 'OPNsense', 'snmpd'])

/** pf protocol names pfSense writes that net/protocol does not know. */
const EXTRA_PROTOCOLS: Record<string, number> = {carp: 112, pfsync: 240, 'ipv6-icmp': 58, icmp6: 58, igmp: 2, pim: 103, ospf: 89, etherip: 97, ipv6: 41, l2tp: 115}

function elementCount(el: XmlElement): number {
  let n = 1
  for (const c of el.children) n += elementCount(c)
  return n
}

// element names that look like they hold a secret, beyond the known list
const SECRET_NAME = /pass|secret|key|psk|hash|prv|community|token/i

function elementText(el: XmlElement): string {
  if (SECRET_ELEMENTS.has(el.name) || SECRET_NAME.test(el.name)) return `<${el.name}><redacted></${el.name}>`
  const body = el.children.length ? '…' : el.text.split('\n')[0].slice(0, 120)
  return redactLine(`<${el.name}>${body}</${el.name}>`)
}

class Accounting {
  readonly unparsed: Unparsed[] = []
  missed = 0

  element(el: XmlElement, reason: string): void {
    this.unparsed.push({line: el.line, reason, text: elementText(el), path: el.path})
    this.missed += elementCount(el)
  }
}

const isSet = (el: XmlElement | undefined) => el !== undefined && el.text !== '0' && el.text.toLowerCase() !== 'no'

interface FilterRule {
  el: XmlElement
  name: string
  action: 'allow' | 'deny'
  interfaces: string[]
  floating: boolean
  quick: boolean
  direction: 'in' | 'out' | 'any'
  boxes: Box[]
  opaque: boolean
  notes: string[]
  fromSets: string[]
  toSets: string[]
  text: string
  nat?: NatRule
}

interface NatRule {
  el: XmlElement
  name: string
  interfaces: string[]
  from: AddressSet
  to: AddressSet
  protocols: ProtocolSet
  ports: PortSet
  target?: AddressSet
  targetPorts?: PortSet
  notes: string[]
  fromSets: string[]
  toSets: string[]
  text: string
  /** `associated-rule-id` = `pass`: pf `rdr pass`, no filter rule needed. */
  passes: boolean
}

function protocolsOf(text: string | undefined, family: 4 | 6): ProtocolSet | null {
  const t = (text ?? 'any').toLowerCase()
  if (t === '' || t === 'any') return ProtocolSet.ALL
  if (t === 'tcp/udp') return ProtocolSet.of(TCP, UDP)
  if (t === 'icmp') return ProtocolSet.of(family === 4 ? ICMP : ICMPV6)
  const extra = EXTRA_PROTOCOLS[t]
  if (extra !== undefined) return ProtocolSet.of(extra)
  return parseProtocol(t)
}

const hasPortProtocol = (p: ProtocolSet) => p.has(TCP) || p.has(UDP)

function familiesOf(ipprotocol: string | undefined): Array<4 | 6> {
  if (ipprotocol === 'inet6') return [6]
  if (ipprotocol === 'inet46') return [4, 6]
  return [4]
}

const familySet = (f: 4 | 6) => (f === 4 ? AddressSet.ANY4 : AddressSet.ANY6)

function sideText(el: XmlElement | undefined): string {
  if (!el || child(el, 'any')) return `any${textOf(el, 'port') ? ` port ${textOf(el, 'port')}` : ''}`
  const not = child(el, 'not') ? '!' : ''
  const what = textOf(el, 'address') || textOf(el, 'network') || 'any'
  return `${not}${what}${textOf(el, 'port') ? ` port ${textOf(el, 'port')}` : ''}`
}

/** Readable pf-style text for a rule (there is no config line to echo in XML). */
function ruleText(el: XmlElement, type: string): string {
  const parts = [
    type,
    isSet(child(el, 'quick')) || !isSet(child(el, 'floating')) ? 'quick' : '',
    `on ${textOf(el, 'interface') || '?'}`,
    textOf(el, 'ipprotocol') ?? 'inet',
    textOf(el, 'protocol') ? `proto ${textOf(el, 'protocol')}` : '',
    `from ${sideText(child(el, 'source'))}`,
    `to ${sideText(child(el, 'destination'))}`,
    textOf(el, 'descr') ? `"${textOf(el, 'descr')}"` : '',
  ]
  return redactLine(parts.filter(Boolean).join(' '))
}

/**
 * Address × port side of a rule for one family, with negation inside the family. What we cannot expand
 * reads as any for a pass (recall); a block keeps the part we know, or becomes opaque.
 */
function sideSet(el: XmlElement | undefined, family: 4 | 6, ctx: Context, allow: boolean) {
  const side = readSide(el, ctx)
  const fam = familySet(family)
  let set: AddressSet
  let doubtful: boolean
  let notes = side.notes
  let unresolved = side.unresolved
  if (side.known !== undefined) {
    // partly dynamic (an interface with a DHCP address): only the dynamic families are in doubt
    const known = side.known.intersect(fam)
    const shown = side.set.intersect(fam)
    doubtful = !shown.equals(known)
    set = allow || side.negate ? shown : known
    if (!doubtful) {
      notes = []
      unresolved = []
    }
  } else {
    doubtful = side.unresolved.length > 0 || side.notes.length > 0
    set = side.unresolved.length ? fam : side.set.intersect(fam)
  }
  if (side.negate) set = doubtful ? fam : fam.subtract(set)
  return {set, side: {...side, notes, unresolved}, doubtful: doubtful && (allow || side.known === undefined || side.negate)}
}

function readRule(el: XmlElement, position: string, ctx: Context, acc: Accounting): FilterRule | null {
  for (const c of el.children) if (!RULE_KEYS.has(c.name)) acc.element(c, `unknown rule element '${c.name}'`)
  const unknown = el.children.filter((c) => !RULE_KEYS.has(c.name)).map((c) => c.name)
  if (isSet(child(el, 'disabled'))) return null
  const type = textOf(el, 'type') || 'pass'
  const descr = textOf(el, 'descr')
  const floating = isSet(child(el, 'floating'))
  const interfaces = (textOf(el, 'interface') ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  const name = `${floating ? 'floating' : interfaces[0] ?? '?'} rule ${position}${descr ? ` "${descr}"` : ''}`
  const notes: string[] = []
  let doubtful = false
  for (const k of unknown) {
    notes.push(`unknown element '${k}' ignored; exposure may be broader`)
    doubtful = true
  }
  if (type === 'match') return null
  if (type !== 'pass' && type !== 'block' && type !== 'reject') {
    notes.push(`rule type '${type}' read as pass`)
    doubtful = true
  }
  for (const [k, note] of Object.entries(RULE_CONDITIONS)) {
    const v = textOf(el, k)
    if (v) {
      notes.push(`${note} ${v}`)
      doubtful = true
    }
  }
  const fromSets: string[] = []
  const toSets: string[] = []
  const boxes: Box[] = []
  const allow = type !== 'block' && type !== 'reject'
  for (const family of familiesOf(textOf(el, 'ipprotocol'))) {
    const protocols = protocolsOf(textOf(el, 'protocol'), family)
    if (!protocols) {
      notes.push(`unknown protocol '${textOf(el, 'protocol')}': any protocol shown`)
      doubtful = true
    }
    const src = sideSet(child(el, 'source'), family, ctx, allow)
    const dst = sideSet(child(el, 'destination'), family, ctx, allow)
    notes.push(...src.side.notes, ...dst.side.notes)
    fromSets.push(...src.side.unresolved)
    toSets.push(...dst.side.unresolved)
    doubtful ||= src.doubtful || dst.doubtful
    const protos = protocols ?? ProtocolSet.ALL
    let ports = PortSet.ALL
    let sourcePorts = PortSet.ALL
    if (hasPortProtocol(protos)) {
      const d = readPorts(dst.side.portText, ctx.aliases)
      const s = readPorts(src.side.portText, ctx.aliases)
      if (!d || !s) {
        notes.push(`unreadable port '${(!d ? dst.side.portText : src.side.portText) ?? ''}': all ports shown`)
        doubtful = true
      }
      ports = d ?? PortSet.ALL
      sourcePorts = s ?? PortSet.ALL
    }
    if (src.set.isEmpty() || dst.set.isEmpty()) continue
    boxes.push({from: src.set, to: dst.set, protocols: protos, ports, sourcePorts})
  }
  const dir = (textOf(el, 'direction') ?? 'any').toLowerCase()
  return {
    el,
    name,
    action: allow ? 'allow' : 'deny',
    interfaces,
    floating,
    quick: !floating || isSet(child(el, 'quick')),
    // interface rules filter inbound; floating ones in the direction they name
    direction: floating ? (dir === 'in' || dir === 'out' ? dir : 'any') : 'in',
    boxes,
    opaque: !allow && doubtful,
    notes: [...new Set(notes)],
    fromSets: [...new Set(fromSets)],
    toSets: [...new Set(toSets)],
    text: ruleText(el, type),
  }
}

const MVC_RULE_KEYS = new Set([
  'enabled', 'sequence', 'action', 'quick', 'interface', 'interfacenot', 'direction', 'ipprotocol', 'protocol', 'source_net',
  'source_not', 'source_port', 'destination_net', 'destination_not', 'destination_port', 'gateway', 'replyto', 'log',
  'categories', 'category', 'description', 'statetype', 'state-policy', 'statetimeout', 'max', 'max-src-nodes',
  'max-src-conn', 'max-src-states', 'max-src-conn-rate', 'max-src-conn-rates', 'overload', 'tag', 'tagged', 'sched',
  'icmptype', 'icmp6-type', 'os', 'tcpflags1', 'tcpflags2', 'tcpflags_any', 'allowopts', 'nosync', 'nopfsync', 'prio',
  'set-prio', 'set-prio-low', 'shaper1', 'shaper2', 'adaptivestart', 'adaptiveend', 'divert-to', 'disablereplyto',
  'sloppy', 'no-sync', 'dscp',
])

const synth = (name: string, text: string, parent: XmlElement, kids: XmlElement[] = []): XmlElement => ({
  name,
  attrs: {},
  children: kids,
  text,
  line: parent.line,
  path: `${parent.path}/${name}`,
})

/**
 * An OPNsense MVC rule (`source_net`, `destination_port`, `action`…) in the legacy shape, so one reader
 * serves both. They sit in the floating region: several interfaces, a direction, quick by default.
 */
function legacyRule(el: XmlElement, acc: Accounting): XmlElement {
  for (const c of el.children) if (!MVC_RULE_KEYS.has(c.name)) acc.element(c, `unknown rule element '${c.name}'`)
  const side = (prefix: 'source' | 'destination') => {
    const net = textOf(el, `${prefix}_net`) || 'any'
    const kids = [net === 'any' ? synth('any', '', el) : synth('network', net, el)]
    if (textOf(el, `${prefix}_not`) === '1') kids.push(synth('not', '', el))
    const port = textOf(el, `${prefix}_port`)
    if (port) kids.push(synth('port', port, el))
    return synth(prefix, '', el, kids)
  }
  const kids = [
    synth('type', textOf(el, 'action') || 'pass', el),
    synth('interface', textOf(el, 'interface') ?? '', el),
    synth('floating', 'yes', el),
    synth('direction', textOf(el, 'direction') || 'in', el),
    synth('ipprotocol', textOf(el, 'ipprotocol') || 'inet', el),
    synth('protocol', (textOf(el, 'protocol') || 'any').toLowerCase(), el),
    side('source'),
    side('destination'),
    ...(textOf(el, 'quick') === '0' ? [] : [synth('quick', '1', el)]),
    ...(textOf(el, 'enabled') === '0' ? [synth('disabled', '1', el)] : []),
    ...(textOf(el, 'description') ? [synth('descr', textOf(el, 'description')!, el)] : []),
    ...['sched', 'tagged', 'os', 'icmptype', 'icmp6-type', 'tcpflags1', 'tcpflags2', 'dscp'].flatMap((k) => (textOf(el, k) ? [synth(k, textOf(el, k)!, el)] : [])),
  ]
  return {...el, children: kids}
}

function readNat(el: XmlElement, position: number, ctx: Context, acc: Accounting): NatRule | null {
  for (const c of el.children) if (!NAT_KEYS.has(c.name)) acc.element(c, `unknown NAT element '${c.name}'`)
  if (isSet(child(el, 'disabled')) || isSet(child(el, 'nordr'))) return null
  const interfaces = (textOf(el, 'interface') ?? 'wan').split(',').filter(Boolean)
  const family = textOf(el, 'ipprotocol') === 'inet6' ? 6 : 4
  const notes: string[] = []
  const src = sideSet(child(el, 'source'), family, ctx, true)
  const dst = sideSet(child(el, 'destination'), family, ctx, true)
  notes.push(...src.side.notes, ...dst.side.notes)
  const protocols = protocolsOf(textOf(el, 'protocol'), family) ?? ProtocolSet.ALL
  const ports = hasPortProtocol(protocols) ? readPorts(dst.side.portText, ctx.aliases) ?? PortSet.ALL : PortSet.ALL
  const targetText = textOf(el, 'target')
  let target: AddressSet | undefined
  if (targetText) {
    const direct = AddressSet.parse(targetText)
    const alias = direct ? null : ctx.aliases.addresses(targetText)
    target = direct ?? alias?.set
    if (!target) notes.push(`target '${targetText}' not resolvable`)
  }
  const local = textOf(el, 'local-port')
  let targetPorts: PortSet | undefined
  if (local && hasPortProtocol(protocols)) {
    // local-port is the first port of the range: the range keeps its length
    const start = readPorts(local, ctx.aliases)
    if (start && ports.ranges.length === 2 && start.ranges.length === 2) {
      targetPorts = PortSet.range(start.ranges[0], start.ranges[0] + (ports.ranges[1] - ports.ranges[0]))
    } else targetPorts = start ?? undefined
  }
  const descr = textOf(el, 'descr')
  return {
    el,
    name: `nat rule ${position}${descr ? ` "${descr}"` : ''}`,
    interfaces,
    from: src.set,
    to: dst.set,
    protocols,
    ports,
    target,
    targetPorts,
    notes,
    fromSets: src.side.unresolved,
    toSets: dst.side.unresolved,
    text: redactLine(`rdr on ${interfaces.join(',')} proto ${textOf(el, 'protocol') ?? 'any'} from ${sideText(child(el, 'source'))} to ${sideText(child(el, 'destination'))} -> ${targetText ?? '?'}${local ? ` port ${local}` : ''}${descr ? ` "${descr}"` : ''}`),
    passes: textOf(el, 'associated-rule-id') === 'pass',
  }
}

interface Meta {
  rule: FilterRule
  iface: string
}

interface Mgmt {
  name: string
  line: number
  text: string
  box: Box
}

export function parsePfsense(text: string, file: string): {exposures: Exposure[]; unparsed: Unparsed[]; stats: {lines: number; understood: number}} {
  const doc = parseXml(text, file)
  const root = doc.children[0]
  if (!root || (root.name !== 'pfsense' && root.name !== 'opnsense')) {
    throw new IrmError('CONFIG_WRONG_FORMAT', `not a pfSense/OPNsense config.xml (root element <${root?.name ?? 'none'}>)`, {
      file,
      line: root?.line,
      hint: 'Give the config.xml from Diagnostics > Backup & Restore, or pick another --type.',
    })
  }
  const acc = new Accounting()
  const lines = elementCount(root)
  for (const section of root.children) {
    if (MODELLED.has(section.name) || IGNORED_SECTIONS[section.name] !== undefined) continue
    acc.element(section, `section <${section.name}> not modelled`)
  }

  // interfaces, with virtual IPs added to the firewall's own addresses
  const interfaces = new Map<string, Iface>()
  for (const el of child(root, 'interfaces')?.children ?? []) interfaces.set(el.name, readInterface(el))
  for (const vip of children(child(root, 'virtualip'), 'vip')) {
    const iface = interfaces.get(textOf(vip, 'interface') ?? '')
    const addr = AddressSet.parse(textOf(vip, 'subnet') ?? '')
    if (iface && addr) iface.hosts = iface.hosts.union(addr)
    else acc.element(vip, 'virtual IP without a readable interface or address')
  }
  const aliases = new AliasTable(interfaces)
  const aliasElements = [...children(child(root, 'aliases'), 'alias'), ...children(dig(root, 'OPNsense', 'Firewall', 'Alias', 'aliases'), 'alias')]
  for (const el of aliasElements) {
    const a = readAlias(el)
    if (!a) acc.element(el, 'alias without a name')
    else if (textOf(el, 'enabled') !== '0') aliases.aliases.set(a.name, a)
  }
  const ctx: Context = {interfaces, aliases}

  // NAT port forwards, by the id their filter rule points back to
  const exposures: Exposure[] = []
  const natById = new Map<string, NatRule>()
  const nat = child(root, 'nat')
  for (const el of nat?.children ?? []) if (!NAT_SECTIONS.has(el.name)) acc.element(el, `unknown NAT element '${el.name}'`)
  children(nat, 'rule').forEach((el, i) => {
    const n = readNat(el, i + 1, ctx, acc)
    if (!n) return
    const id = textOf(el, 'associated-rule-id')
    if (id && id !== 'pass') natById.set(id, n)
    exposures.push(natExposure(n, 'nat-forward'))
    if (n.passes) exposures.push({...natExposure(n, 'filter'), notes: [...n.notes, 'rdr pass: the NAT rule passes the traffic without a filter rule']})
  })
  children(nat, 'onetoone').forEach((el, i) => {
    const ext = AddressSet.parse(textOf(el, 'external') ?? '')
    const internal = readSide(child(el, 'source'), ctx)
    if (!ext) {
      acc.element(el, '1:1 NAT without a readable external address')
      return
    }
    if (isSet(child(el, 'disabled'))) return
    const dst = readSide(child(el, 'destination'), ctx)
    exposures.push({
      kind: 'nat-forward',
      action: 'allow',
      direction: 'inbound',
      // binat answers for its own family only
      from: (dst.unresolved.length ? AddressSet.ANY : dst.set).intersect(ext.hasFamily(4) ? AddressSet.ANY4 : AddressSet.ANY6),
      to: ext,
      protocols: ProtocolSet.ALL,
      ports: PortSet.ALL,
      sourcePorts: PortSet.ALL,
      translated: {to: internal.set},
      line: el.line,
      rule: `nat 1:1 ${i + 1}${textOf(el, 'descr') ? ` "${textOf(el, 'descr')}"` : ''}`,
      text: redactLine(`binat on ${textOf(el, 'interface') ?? 'wan'} from ${sideText(child(el, 'source'))} to ${sideText(child(el, 'destination'))} -> ${textOf(el, 'external')}`),
      interfaces: {in: [textOf(el, 'interface') ?? 'wan']},
    })
  })

  // filter rules in config order; positions count per interface (floating separately)
  const rules: FilterRule[] = []
  const counters = new Map<string, number>()
  for (const el of child(root, 'filter')?.children ?? []) {
    if (el.name === 'separator' || el.name === 'bypassstaticroutes') continue
    if (el.name !== 'rule') {
      acc.element(el, `unknown filter element '${el.name}'`)
      continue
    }
    const floating = isSet(child(el, 'floating'))
    const key = floating ? 'floating' : (textOf(el, 'interface') ?? '?').split(',')[0]
    const position = (counters.get(key) ?? 0) + 1
    counters.set(key, position)
    const r = readRule(el, String(position), ctx, acc)
    if (!r) continue
    const id = textOf(el, 'associated-rule-id')
    if (id) r.nat = natById.get(id)
    rules.push(r)
  }
  // OPNsense MVC rules (Firewall > Automation) are evaluated before the legacy ones, by sequence
  const mvc = children(dig(root, 'OPNsense', 'Firewall', 'Filter', 'rules'), 'rule')
    .map((el, i) => ({el, i, sequence: Number(textOf(el, 'sequence') ?? 0)}))
    .sort((a, b) => a.sequence - b.sequence || a.i - b.i)
  const automation = mvc.flatMap(({el}, k) => {
    const r = readRule(legacyRule(el, acc), String(k + 1), ctx, acc)
    return r ? [{...r, name: r.name.replace(/^floating rule/, 'automation rule')}] : []
  })
  rules.unshift(...automation)

  // interface groups: their rules apply to every member, before the member's own rules
  const groups = new Map<string, string[]>()
  for (const g of children(child(root, 'ifgroups'), 'ifgroupentry')) {
    const name = textOf(g, 'ifname')
    if (name) groups.set(name, (textOf(g, 'members') ?? '').split(/\s+/).filter(Boolean))
  }

  const mgmt = managementServices(root, interfaces)
  evaluateInterfaces(rules, interfaces, groups, mgmt, root, exposures)
  vpnExposures(root, ctx, acc, exposures)
  return {exposures, unparsed: acc.unparsed, stats: {lines, understood: Math.max(0, lines - acc.missed)}}
}

function natExposure(n: NatRule, kind: Exposure['kind']): Exposure {
  return {
    kind,
    action: 'allow',
    direction: 'inbound',
    from: n.from,
    to: n.to,
    protocols: n.protocols,
    ports: n.ports,
    sourcePorts: PortSet.ALL,
    translated: n.target || n.targetPorts ? {to: n.target, ports: n.targetPorts} : undefined,
    line: n.el.line,
    rule: n.name,
    text: n.text,
    interfaces: {in: n.interfaces},
    fromSets: n.fromSets.length ? n.fromSets : undefined,
    toSets: n.toSets.length ? n.toSets : undefined,
    notes: n.notes.length ? n.notes : undefined,
  }
}

/** webGUI, SSH and SNMP listen on every address of the firewall; the rules decide who reaches them. */
function managementServices(root: XmlElement, interfaces: Map<string, Iface>): Mgmt[] {
  // a dynamic (DHCP/PPPoE) address is unknown: any address of that family stands for it
  const dynamic = [...new Set([...interfaces.values()].flatMap((i) => i.dynamic))].map(familySet)
  const self = AddressSet.unionAll([...[...interfaces.values()].map((i) => i.hosts), ...dynamic])
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
      notes: ['default anti-lockout rule (disable with noantilockout)'],
      fromSets: [],
      toSets: [],
      text: `pass in quick on ${iface} proto tcp from any to (${iface}) port {${ports.toStrings().join(' ')}} "Anti-Lockout Rule"`,
    },
  }
}

/** A rule pfSense generates itself (anti-lockout, block private networks). */
function systemRule(info: Iface, name: string, action: FilterRule['action'], text: string): FilterRule {
  const el: XmlElement = {name: info.name, attrs: {}, children: [], text: '', line: info.line, path: `/interfaces/${info.name}`}
  return {el, name, action, interfaces: [info.name], floating: false, quick: true, direction: 'in', boxes: [], opaque: false, notes: [], fromSets: [], toSets: [], text}
}

function evaluateInterfaces(rules: FilterRule[], interfaces: Map<string, Iface>, groups: Map<string, string[]>, mgmt: Mgmt[], root: XmlElement, out: Exposure[]): void {
  const names = new Set<string>(interfaces.keys())
  for (const r of rules) for (const i of r.interfaces) if (!groups.has(i)) names.add(i)
  for (const members of groups.values()) for (const m of members) names.add(m)
  const lockout = antiLockout(root, interfaces, mgmt)
  const folded = new Map<string, {rule: FilterRule; box: Box; direction: Exposure['direction']; ifaces: string[]; translated?: Exposure['translated']}>()
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
    const key = `${rule.el.line}|${rule.name}|${direction}|${boxKey(shown)}`
    const f = folded.get(key)
    if (f) f.ifaces.push(iface)
    else folded.set(key, {rule, box: shown, direction, ifaces: [iface], translated})
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
      const own =
        direction === 'in'
          ? [...rules.filter((r) => !r.floating && r.interfaces.some((i) => memberOf.includes(i))), ...rules.filter((r) => !r.floating && onIface(r, iface))]
          : []
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
        for (const m of mgmt) {
          const reach = intersectBox(p.box, m.box)
          if (!reach) continue
          const key = `mgmt|${m.name}|${boxKey(reach)}`
          const f = folded.get(key)
          if (f) {
            if (!f.ifaces.includes(iface)) f.ifaces.push(iface)
            continue
          }
          folded.set(key, {
            rule: {...p.meta.rule, name: m.name, el: {...p.meta.rule.el, line: m.line}, text: m.text, notes: [`reached through ${p.meta.rule.name}`], nat: undefined},
            box: reach,
            direction: 'inbound',
            ifaces: [iface],
          })
        }
      }
    }
  }
  for (const {rule, box, direction, ifaces, translated} of folded.values()) {
    out.push({
      kind: 'filter',
      action: 'allow',
      direction,
      ...box,
      translated,
      line: rule.el.line,
      rule: rule.name,
      text: rule.text,
      interfaces: direction === 'inbound' ? {in: ifaces} : {out: ifaces},
      fromSets: rule.fromSets.length ? rule.fromSets : undefined,
      toSets: rule.toSets.length ? rule.toSets : undefined,
      notes: rule.notes.length ? rule.notes : undefined,
    })
  }
}

const boxKey = (b: Box) =>
  [b.from.v4.join(','), b.from.v6.join(','), b.to.v4.join(','), b.to.v6.join(','), b.protocols.ranges.join(','), b.ports.ranges.join(','), b.sourcePorts.ranges.join(',')].join('|')

function listenerTo(ctx: Context, name: string | undefined, notes: string[]): AddressSet {
  if (!name || name === 'any') {
    notes.push('listens on every interface')
    const all = AddressSet.unionAll([...ctx.interfaces.values()].map((i) => i.hosts))
    return all.isEmpty() ? AddressSet.ANY : all
  }
  const iface = ctx.interfaces.get(name)
  const direct = AddressSet.parse(name)
  if (direct) return direct
  // daemons bind the interface's own address, not its virtual IPs
  if (iface && !iface.primary.isEmpty()) return iface.primary
  notes.push(`address of '${name}' is dynamic or unknown: any shown`)
  return AddressSet.ANY
}

function vpnExposures(root: XmlElement, ctx: Context, acc: Accounting, out: Exposure[]): void {
  for (const server of children(child(root, 'openvpn'), 'openvpn-server')) {
    if (isSet(child(server, 'disable'))) continue
    const notes: string[] = []
    const proto = (textOf(server, 'protocol') ?? 'UDP').toUpperCase()
    const protocols = ProtocolSet.of(proto.startsWith('TCP') ? TCP : UDP)
    const port = Number(textOf(server, 'local_port') || 1194)
    const family = proto.endsWith('6') ? AddressSet.ANY6 : proto.endsWith('4') ? AddressSet.ANY4 : AddressSet.ANY
    const to = listenerTo(ctx, textOf(server, 'interface'), notes).intersect(family)
    const name = `openvpn server ${textOf(server, 'vpnid') ?? '?'}${textOf(server, 'description') ? ` "${textOf(server, 'description')}"` : ''}`
    const text = redactLine(`openvpn-server ${textOf(server, 'mode') ?? ''} ${proto} port ${port} on ${textOf(server, 'interface') ?? 'any'}`)
    const base = {action: 'allow' as const, direction: 'inbound' as const, sourcePorts: PortSet.ALL, line: server.line, rule: name, text}
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      acc.element(server, `unreadable OpenVPN port '${textOf(server, 'local_port')}'`)
      continue
    }
    const where = textOf(server, 'interface')
    out.push({
      ...base,
      kind: 'vpn-listener',
      from: family,
      to: to.isEmpty() ? family : to,
      protocols,
      ports: PortSet.range(port),
      interfaces: where && ctx.interfaces.has(where) ? {in: [where]} : undefined,
      notes: notes.length ? notes : undefined,
    })
    const tunnel = AddressSet.unionAll(['tunnel_network', 'tunnel_networkv6'].map((k) => AddressSet.parse(textOf(server, k) ?? '') ?? AddressSet.EMPTY))
    if (!tunnel.isEmpty()) {
      const gw = isSet(child(server, 'gwredir')) || isSet(child(server, 'gwredir6'))
      const local = AddressSet.unionAll(['local_network', 'local_networkv6'].flatMap((k) => (textOf(server, k) ?? '').split(',')).map((t) => AddressSet.parse(t.trim()) ?? AddressSet.EMPTY))
      const routeTo = gw || local.isEmpty() ? AddressSet.ANY : local
      out.push({
        ...base,
        kind: 'vpn-route',
        from: tunnel,
        to: routeTo,
        protocols: ProtocolSet.ALL,
        ports: PortSet.ALL,
        notes: [gw ? 'clients send all traffic through the tunnel' : local.isEmpty() ? 'no local network pushed: any shown' : 'networks pushed to clients; the OpenVPN interface rules decide what passes'],
      })
    }
  }
  // WireGuard: OPNsense core (OPNsense/wireguard) and the pfSense package (installedpackages/wireguard)
  const wireguard = [
    ...children(dig(root, 'OPNsense', 'wireguard', 'server', 'servers'), 'server').map((el) => ({el, on: textOf(el, 'enabled') === '1', port: textOf(el, 'port'), name: textOf(el, 'name')})),
    ...children(dig(root, 'installedpackages', 'wireguard', 'tunnels'), 'item').map((el) => ({el, on: textOf(el, 'enabled') === 'yes', port: textOf(el, 'listenport'), name: textOf(el, 'name')})),
  ]
  for (const wg of wireguard) {
    if (!wg.on || !wg.port) continue
    const port = Number(wg.port)
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      acc.element(wg.el, `unreadable WireGuard port '${wg.port}'`)
      continue
    }
    const notes: string[] = []
    out.push({
      kind: 'vpn-listener',
      action: 'allow',
      direction: 'inbound',
      from: AddressSet.ANY,
      to: listenerTo(ctx, undefined, notes),
      protocols: ProtocolSet.of(UDP),
      ports: PortSet.range(port),
      sourcePorts: PortSet.ALL,
      line: wg.el.line,
      rule: `wireguard ${wg.name ?? '?'}`,
      text: redactLine(`wireguard ${wg.name ?? ''} listen udp ${port}`),
      notes: [...notes, 'peers authenticate by key; the WAN rules decide who reaches the port'],
    })
  }
  const ike: Array<{protocols: ProtocolSet; ports: PortSet}> = [
    {protocols: ProtocolSet.of(UDP), ports: PortSet.range(500)},
    {protocols: ProtocolSet.of(UDP), ports: PortSet.range(4500)},
    {protocols: ProtocolSet.of(ESP), ports: PortSet.ALL},
  ]
  for (const p1 of children(child(root, 'ipsec'), 'phase1')) {
    if (isSet(child(p1, 'disabled'))) continue
    const notes: string[] = []
    const family = textOf(p1, 'protocol') === 'inet6' ? AddressSet.ANY6 : textOf(p1, 'protocol') === 'both' ? AddressSet.ANY : AddressSet.ANY4
    const gw = textOf(p1, 'remote-gateway') ?? ''
    let from = AddressSet.parse(gw)
    const fromSets: string[] = []
    if (child(p1, 'mobile') || !gw || gw === '0.0.0.0' || gw === '::') {
      from = family
      notes.push('mobile clients or any peer: any source')
    } else if (!from) {
      from = family
      fromSets.push(gw)
      notes.push(`peer '${gw}' is a host name: any source shown`)
    }
    const to = listenerTo(ctx, textOf(p1, 'interface'), notes).intersect(family)
    const name = `ipsec phase1 ${textOf(p1, 'ikeid') ?? '?'}${textOf(p1, 'descr') ? ` "${textOf(p1, 'descr')}"` : ''}`
    for (const b of ike) {
      out.push({
        kind: 'vpn-listener',
        action: 'allow',
        direction: 'inbound',
        from,
        to: to.isEmpty() ? family : to,
        ...b,
        sourcePorts: PortSet.ALL,
        line: p1.line,
        rule: name,
        text: redactLine(`ipsec phase1 ${textOf(p1, 'iketype') ?? ''} on ${textOf(p1, 'interface') ?? 'wan'} peer ${gw || 'any'}`),
        interfaces: ctx.interfaces.has(textOf(p1, 'interface') ?? '') ? {in: [textOf(p1, 'interface')!]} : undefined,
        fromSets: fromSets.length ? fromSets : undefined,
        notes: notes.length ? notes : undefined,
      })
    }
  }
}

export const pfsense: SourceParser = {
  type: 'pfsense',
  description: 'pfSense and OPNsense config.xml (filter rules, NAT, aliases, OpenVPN, IPsec, management)',
  detection: 'XML whose root element is <pfsense> or <opnsense>',
  extensions: ['xml'],
  detect(head) {
    const start = head.replace(/^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*/, '')
    if (/^<pfsense[\s>]/.test(start) || /^<opnsense[\s>]/.test(start)) return 1
    return /<(pfsense|opnsense)>[\s\S]*<(filter|interfaces)>/.test(head) ? 0.6 : 0
  },
  parse(text, {file}) {
    return parsePfsense(text, file)
  },
}
