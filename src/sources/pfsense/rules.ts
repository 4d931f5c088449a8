/** `filter/rule` (legacy and OPNsense MVC) and `nat/rule` elements → rules with boxes, notes and names. */
import {type DoubtNote, note, uniqueDoubts} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import type {Box} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {ICMP, ICMPV6, parseProtocol, TCP, UDP} from '../../net/protocol.js'
import {MAX_ECHO, mayHoldSecret, redactLine} from '../redact.js'
import {child, children, textOf, type XmlElement} from '../xml.js'
import {Accounting} from './accounting.js'
import {type Context, readPorts, readSide} from './objects.js'
import {NAT_KEYS, RULE_CONDITIONS, RULE_KEYS} from './sections.js'

/** pf protocol names pfSense writes that net/protocol does not know. */
const EXTRA_PROTOCOLS: Record<string, number> = {carp: 112, pfsync: 240, 'ipv6-icmp': 58, icmp6: 58, igmp: 2, pim: 103, ospf: 89, etherip: 97, ipv6: 41, l2tp: 115}

export const isSet = (el: XmlElement | undefined) => el !== undefined && el.text !== '0' && el.text.toLowerCase() !== 'no'

export interface FilterRule {
  el: XmlElement
  name: string
  action: 'allow' | 'deny'
  interfaces: string[]
  floating: boolean
  quick: boolean
  direction: 'in' | 'out' | 'any'
  boxes: Box[]
  opaque: boolean
  doubts: DoubtNote[]
  fromSets: string[]
  toSets: string[]
  text: string
  nat?: NatRule
}

export interface NatRule {
  el: XmlElement
  name: string
  interfaces: string[]
  from: AddressSet
  to: AddressSet
  protocols: ProtocolSet
  ports: PortSet
  target?: AddressSet
  targetPorts?: PortSet
  doubts: DoubtNote[]
  fromSets: string[]
  toSets: string[]
  text: string
  /** `associated-rule-id` = `pass`: pf `rdr pass`, no filter rule needed. */
  passes: boolean
}

export function protocolsOf(text: string | undefined, family: 4 | 6): ProtocolSet | null {
  const t = (text ?? 'any').toLowerCase()
  if (t === '' || t === 'any') return ProtocolSet.ALL
  if (t === 'tcp/udp') return ProtocolSet.of(TCP, UDP)
  if (t === 'icmp') return ProtocolSet.of(family === 4 ? ICMP : ICMPV6)
  const extra = EXTRA_PROTOCOLS[t]
  if (extra !== undefined) return ProtocolSet.of(extra)
  return parseProtocol(t)
}

export const hasPortProtocol = (p: ProtocolSet) => p.has(TCP) || p.has(UDP)

function familiesOf(ipprotocol: string | undefined): Array<4 | 6> {
  if (ipprotocol === 'inet6') return [6]
  if (ipprotocol === 'inet46') return [4, 6]
  return [4]
}

export const familySet = (f: 4 | 6) => AddressSet.anyOf(f)

export function sideText(el: XmlElement | undefined): string {
  if (!el || child(el, 'any')) return `any${textOf(el, 'port') ? ` port ${textOf(el, 'port')}` : ''}`
  const not = child(el, 'not') ? '!' : ''
  const what = textOf(el, 'address') || textOf(el, 'network') || 'any'
  return `${not}${what}${textOf(el, 'port') ? ` port ${textOf(el, 'port')}` : ''}`
}

/** Readable pf-style text for a rule (there is no config line to echo in XML). */
export function ruleText(el: XmlElement, type: string): string {
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
  const text = parts.filter(Boolean).join(' ')
  // the type word `pass` is a prefilter keyword (for password, passwd…) that no pattern redacts on its
  // own: a rule whose other words hold no keyword skips the chain (tests/sources/pfsense-rule-text.test.ts)
  const rest = type === 'pass' ? text.slice(type.length) : text
  return text.length <= MAX_ECHO && !mayHoldSecret(rest) ? text : redactLine(text)
}

/**
 * Address × port side of a rule for one family, with negation inside the family. What we cannot expand
 * reads as any for a pass (recall); a block keeps the part we know, or becomes opaque.
 */
export function sideSet(el: XmlElement | undefined, family: 4 | 6, ctx: Context, allow: boolean) {
  const side = readSide(el, ctx)
  const fam = familySet(family)
  let set: AddressSet
  let doubtful: boolean
  let doubts = side.doubts
  let unresolved = side.unresolved
  if (side.known !== undefined) {
    // partly dynamic (an interface with a DHCP address): only the dynamic families are in doubt
    const known = side.known.intersect(fam)
    const shown = side.set.intersect(fam)
    doubtful = !shown.equals(known)
    set = allow || side.negate ? shown : known
    if (!doubtful) {
      doubts = []
      unresolved = []
    }
  } else {
    doubtful = side.unresolved.length > 0 || side.doubts.length > 0
    set = side.unresolved.length ? fam : side.set.intersect(fam)
  }
  if (side.negate) set = doubtful ? fam : fam.subtract(set)
  const shown: typeof side = {set: side.set, unresolved, doubts, known: side.known, negate: side.negate, portText: side.portText}
  return {set, side: shown, doubtful: doubtful && (allow || side.known === undefined || side.negate)}
}

// read once, not per rule (10^5 rules)
const CONDITION_ENTRIES = Object.entries(RULE_CONDITIONS)
const CONDITION_KEYS = new Set(Object.keys(RULE_CONDITIONS))

/** `a,b` → [a, b], trimmed, blanks dropped (most rules name one interface: no intermediate arrays). */
export function interfaceList(text: string): string[] {
  if (!text.includes(',')) {
    const one = text.trim()
    return one ? [one] : []
  }
  return text.split(',').map((s) => s.trim()).filter(Boolean)
}

export function readRule(el: XmlElement, position: string, ctx: Context, acc: Accounting): FilterRule | null {
  // one pass over the children: the unknown ones (reported in order), and whether any condition is set
  const unknown: string[] = []
  let conditions = false
  for (const c of el.children) {
    if (!RULE_KEYS.has(c.name)) {
      acc.element(c, `unknown rule element '${c.name}'`, 'unknown-statement')
      unknown.push(c.name)
    }
    if (CONDITION_KEYS.has(c.name)) conditions = true
  }
  if (isSet(child(el, 'disabled'))) return null
  const type = textOf(el, 'type') || 'pass'
  const descr = textOf(el, 'descr')
  const floating = isSet(child(el, 'floating'))
  const interfaces = interfaceList(textOf(el, 'interface') ?? '')
  const name = `${floating ? 'floating' : interfaces[0] ?? '?'} rule ${position}${descr ? ` "${descr}"` : ''}`
  const doubts: DoubtNote[] = []
  let doubtful = false
  for (const k of unknown) {
    doubts.push(note('unknown-match', `unknown element '${k}' ignored; exposure may be broader`))
    doubtful = true
  }
  if (type === 'match') return null
  if (type !== 'pass' && type !== 'block' && type !== 'reject') {
    doubts.push(note('action-assumed', `rule type '${type}' read as pass`))
    doubtful = true
  }
  for (const [k, what] of conditions ? CONDITION_ENTRIES : []) {
    const v = textOf(el, k)
    if (v) {
      doubts.push(note(k === 'sched' ? 'time-limited' : k.includes('icmp') ? 'icmp-type' : 'conditional', `${what} ${v}`))
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
      doubts.push(note('unknown-service', `unknown protocol '${textOf(el, 'protocol')}': any protocol shown`))
      doubtful = true
    }
    const src = sideSet(child(el, 'source'), family, ctx, allow)
    const dst = sideSet(child(el, 'destination'), family, ctx, allow)
    doubts.push(...src.side.doubts, ...dst.side.doubts)
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
        doubts.push(note('unreadable-port', `unreadable port '${(!d ? dst.side.portText : src.side.portText) ?? ''}': all ports shown`))
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
    // pfSense interface rules filter inbound; OPNsense lets them name `out`
    direction: floating ? (dir === 'in' || dir === 'out' ? dir : 'any') : dir === 'out' ? 'out' : 'in',
    boxes,
    opaque: !allow && doubtful,
    // most rules have no doubt and no unresolved name: no dedup sets for them
    doubts: doubts.length > 1 ? uniqueDoubts(doubts) : doubts,
    fromSets: fromSets.length > 1 ? [...new Set(fromSets)] : fromSets,
    toSets: toSets.length > 1 ? [...new Set(toSets)] : toSets,
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
  'sloppy', 'no-sync', 'dscp', 'icmp6type', 'divert-to', 'statetype', 'udp-first', 'udp-multiple', 'udp-single',
  'tcp-first', 'tcp-opening', 'tcp-established', 'tcp-closing', 'tcp-finwait', 'tcp-closed', 'icmp-first', 'icmp-error',
  'other-first', 'other-multiple', 'other-single', 'tos', 'uuid',
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
export function legacyRule(el: XmlElement, acc: Accounting): XmlElement {
  for (const c of el.children) if (!MVC_RULE_KEYS.has(c.name)) acc.element(c, `unknown rule element '${c.name}'`, 'unknown-statement')
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
    ...['sched', 'tagged', 'os', 'icmptype', 'icmp6type', 'tcpflags1', 'tcpflags2', 'dscp'].flatMap((k) => (textOf(el, k) ? [synth(k, textOf(el, k)!, el)] : [])),
  ]
  // the path is a getter of a read element: a spread copy names it
  return {...el, path: el.path, children: kids}
}

export function readNat(el: XmlElement, position: number, ctx: Context, acc: Accounting): NatRule | null {
  for (const c of el.children) if (!NAT_KEYS.has(c.name)) acc.element(c, `unknown NAT element '${c.name}'`, 'unknown-statement')
  if (isSet(child(el, 'disabled')) || isSet(child(el, 'nordr'))) return null
  const interfaces = (textOf(el, 'interface') ?? 'wan').split(',').filter(Boolean)
  const family = textOf(el, 'ipprotocol') === 'inet6' ? 6 : 4
  const doubts: DoubtNote[] = []
  const src = sideSet(child(el, 'source'), family, ctx, true)
  const dst = sideSet(child(el, 'destination'), family, ctx, true)
  doubts.push(...src.side.doubts, ...dst.side.doubts)
  const protocols = protocolsOf(textOf(el, 'protocol'), family) ?? ProtocolSet.ALL
  const ports = hasPortProtocol(protocols) ? readPorts(dst.side.portText, ctx.aliases) ?? PortSet.ALL : PortSet.ALL
  const targetText = textOf(el, 'target')
  let target: AddressSet | undefined
  if (targetText) {
    const direct = AddressSet.parse(targetText)
    const alias = direct ? null : ctx.aliases.addresses(targetText)
    target = direct ?? alias?.set
    if (!target) doubts.push(note('translation-unknown', `target '${targetText}' not resolvable`))
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
    doubts,
    fromSets: src.side.unresolved,
    toSets: dst.side.unresolved,
    text: redactLine(`rdr on ${interfaces.join(',')} proto ${textOf(el, 'protocol') ?? 'any'} from ${sideText(child(el, 'source'))} to ${sideText(child(el, 'destination'))} -> ${targetText ?? '?'}${local ? ` port ${local}` : ''}${descr ? ` "${descr}"` : ''}`),
    passes: textOf(el, 'associated-rule-id') === 'pass',
  }
}
