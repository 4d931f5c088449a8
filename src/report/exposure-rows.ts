/**
 * The exposure rows of the parse report, written as text for the JSON writer: the rows of `exposureRows`
 * (same keys, same order, same values) as JSON.stringify would write them, sorted as `compareExposures`
 * sorts them, without a row object. What every row of an exposure has in common is written once, and
 * the text of what many rows share (port lists, ANY, address groups, `"kind": "filter"`) is kept.
 */
import type {Attachment} from '../model/device.js'
import type {Doubt} from '../model/doubts.js'
import type {Exposure} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {rangeToCidrs} from '../net/ip.js'
import {type PortSet, ProtocolSet} from '../net/number-set.js'
import {hasPorts, protocolName} from '../net/protocol.js'
import {byCodeUnit} from '../core/order.js'
import {TextArray} from './json-stream.js'
import {jsonString, JsonWriter, omitted, resolved, TextBuffer, type TextSink, writeKeyString} from './json-text.js'

/**
 * Sets with more range bounds than this (more than 4 ranges) are usually address groups, shared by many
 * rules: their text is kept once made. Most rules have sets of their own, printed once, and keeping
 * each would hold ~100 MB of text alive at 2·10^5 rules (every young GC then copies it).
 */
const SHARED_BOUNDS = 8

/** Code units of range texts kept (cidrList): 16 M, about 8 % of the biggest generated report's text. */
const RANGE_CHARS = 1 << 24

/** `"tcp",`: two rows of one exposure differ first in their protocol, so this orders them as their JSON. */
const PROTOCOL_KEY: string[] = []
const protocolKey = (p: number) => (PROTOCOL_KEY[p] ??= `${JSON.stringify(protocolName(p))},`)

/** A string's text kept by value: the few values of a key many rows share (`"kind": "filter"`). */
class Interned {
  private readonly texts = new Map<unknown, string>()
  constructor(private readonly make: (v: unknown) => string) {}
  get(v: unknown): string {
    let text = this.texts.get(v)
    if (text === undefined) {
      text = this.make(v)
      // values of a closed set; a key that takes a new value per rule stops being kept
      if (this.texts.size < 256) this.texts.set(v, text)
    }
    return text
  }
}

/**
 * Writes the rows of one report as text on the line `nl` (json-text.ts; '' for compact JSON): the rows
 * of `exposureRows`, the same keys in the same order with the same values, as JSON.stringify would
 * write them, without a row object.
 */
class RowWriter {
  private readonly w: JsonWriter
  // an exposure of several rows: the text its rows share, kept while they are written (neighbours)
  private e: Exposure | undefined
  /** Pieces of the current exposure's rows: `{`, kind … to; line and rule; translated … file. */
  private readonly head: string[] = []
  private readonly lineRule: string[] = []
  private readonly tail: string[] = []
  private ports: string | undefined
  private sourcePorts: string | undefined
  // shared by many rules: a port list of one range (one service), an address group, ANY, the protocols left out
  private readonly portTexts = new Map<number, string>()
  private readonly addressTexts = new Map<AddressSet, string>()
  private readonly bigSeen = new WeakSet<AddressSet>()
  private readonly cidrSeps: string[] = []
  private readonly prefixSeps: string[][] = []
  // the text of a range of several CIDRs by its bounds, up to RANGE_CHARS code units in all
  private readonly rangeTexts = new Map<number, Map<number, string>>()
  private rangeChars = 0
  private readonly exceptTexts = new Map<ProtocolSet, string>()
  private readonly protocolTexts: string[] = []
  private readonly openQuote: string[] = []
  private readonly closeQuote: string[] = []
  // `{`, kind, action, direction and the `from` key, for the last three values met
  private opening = {kind: undefined as unknown, action: undefined as unknown, direction: undefined as unknown, text: '', quote: ''}
  private readonly hooks: Interned
  private readonly keys: Record<'to' | 'protocol' | 'ports' | 'source_ports' | 'except_protocols' | 'line' | 'rule' | 'text', string>
  /** The key of rule and of text with the opening quote of their value. */
  private readonly ruleQuote: string
  private readonly textQuote: string
  /** The `any` protocol and the key of `ports`; the same after the closing quote and bracket of `to`'s one CIDR. */
  private readonly anyProtocol: string
  private readonly anyProtocolAfterQuote: string
  private readonly protocolTextsAfterQuote: string[] = []
  /** Between the one CIDR of `from` and what follows: the key of `to` (and the opening of its one CIDR). */
  private readonly toAfterQuote: string
  private readonly toQuoteAfterQuote: string
  private readonly toQuote: string
  /** The head of the current exposure's rows ends inside the quotes of `to`'s one CIDR. */
  private headInQuote = false
  // the text of the last value of a key, for the next exposure's equal one
  private readonly lastValues = new Map<string, {value: object; text: string}>()
  private readonly lastDoubts: {list: readonly Doubt[]; text: string} = {list: [], text: ''}
  private readonly lastSides: Partial<Record<'ingress' | 'egress', {interfaces: readonly unknown[]; zones: readonly unknown[]; inventory: readonly unknown[]; text: string}>> = {}
  private readonly close: string

  constructor(
    nl: string,
    private readonly omitFile: string,
    private readonly zonesOf?: (a: Attachment) => string[],
  ) {
    const w = (this.w = new JsonWriter(nl))
    const key = (name: string) => w.key(0, name, false)
    this.keys = {to: key('to'), protocol: key('protocol'), ports: key('ports'), source_ports: key('source_ports'), except_protocols: key('except_protocols'), line: key('line'), rule: key('rule'), text: key('text')}
    this.anyProtocol = `${this.keys.protocol}"any"${this.keys.ports}`
    const openQuote = `${w.opening(1)}"`
    const closeQuote = `"${w.arrayClose(1)}`
    this.anyProtocolAfterQuote = closeQuote + this.anyProtocol
    this.toAfterQuote = closeQuote + this.keys.to
    this.toQuote = this.keys.to + openQuote
    this.toQuoteAfterQuote = closeQuote + this.toQuote
    this.ruleQuote = `${this.keys.rule}"`
    this.textQuote = `${this.keys.text}"`
    this.close = w.objectClose(0)
    this.hooks = new Interned((v) => {
      const out = new TextBuffer()
      this.prop(out, 0, 'hook', v, false)
      return out.take()
    })
  }

  /**
   * Writes row `p` of exposure `e` (-1: the one `any` row of an exposure of many protocols). `alone`:
   * the exposure has no other row, so nothing is kept for the next one.
   */
  row(e: Exposure, p: number, out: TextSink, alone: boolean): void {
    const any = p < 0
    const withPorts = any ? !e.ports.isAll() : hasPorts(p)
    if (alone) {
      this.e = undefined
      const inQuote = this.writeHead(e, out)
      out.push(this.protocol(p, inQuote))
      out.push(withPorts ? this.portsText(e.ports) : '[]')
      this.writeLineRule(e, out)
      if (withPorts && !e.sourcePorts.isAll()) {
        out.push(this.keys.source_ports)
        out.push(this.portsText(e.sourcePorts))
      }
    } else {
      const {head, lineRule} = this
      if (this.e !== e) this.start(e)
      for (let i = 0; i < head.length; i++) out.push(head[i])
      out.push(this.protocol(p, this.headInQuote))
      out.push(withPorts ? (this.ports ??= this.portsText(e.ports)) : '[]')
      for (let i = 0; i < lineRule.length; i++) out.push(lineRule[i])
      if (withPorts && !e.sourcePorts.isAll()) {
        out.push(this.keys.source_ports)
        out.push((this.sourcePorts ??= this.portsText(e.sourcePorts)))
      }
    }
    if (any) {
      const except = this.exceptText(e.protocols)
      if (except) out.push(except)
    }
    if (alone) this.writeTail(e, out)
    else for (let i = 0; i < this.tail.length; i++) out.push(this.tail[i])
    out.push(this.close)
  }

  /** Keeps what every row of `e` has in common. */
  private start(e: Exposure): void {
    this.e = e
    this.ports = undefined
    this.sourcePorts = undefined
    this.head.length = 0
    this.headInQuote = this.writeHead(e, this.head)
    this.lineRule.length = 0
    this.writeLineRule(e, this.lineRule)
    this.tail.length = 0
    this.writeTail(e, this.tail)
  }

  /**
   * `{`, kind, action, direction, from and to; true when it ends inside the quotes of `to`'s one CIDR
   * (the next piece closes them). A set of one CIDR (most rules' own) is written between constant pieces.
   */
  private writeHead(e: Exposure, out: TextSink): boolean {
    const opening = this.openingText(e)
    const from = this.oneCidr(e.from)
    if (from === undefined) {
      out.push(opening.text)
      this.addresses(out, e.from)
    } else {
      out.push(opening.quote)
      out.push(from)
    }
    const to = this.oneCidr(e.to)
    if (to === undefined) {
      out.push(from === undefined ? this.keys.to : this.toAfterQuote)
      this.addresses(out, e.to)
      return false
    }
    out.push(from === undefined ? this.toQuote : this.toQuoteAfterQuote)
    out.push(to)
    return true
  }

  /** The CIDR of a set that is one IPv4 block, else undefined. */
  private oneCidr(s: AddressSet): string | undefined {
    const {v4, v6} = s
    return v6.length === 0 && v4.length === 2 ? v4Block(v4[0], v4[1]) : undefined
  }

  /** line and rule, after protocol and ports. */
  private writeLineRule(e: Exposure, out: TextSink): void {
    if (typeof e.line === 'number' && Number.isFinite(e.line)) {
      out.push(this.keys.line)
      out.push(String(e.line))
    } else this.prop(out, 0, 'line', e.line, false)
    if (typeof e.rule === 'string') writeKeyString(out, this.keys.rule, this.ruleQuote, e.rule)
    else this.prop(out, 0, 'rule', e.rule, false)
  }

  /** translated … file, after source_ports and except_protocols, in exposureRows' key order. */
  private writeTail(e: Exposure, out: TextSink): void {
    const w = this.w
    if (e.translated) {
      out.push(w.key(0, 'translated', false))
      const {to, ports} = e.translated
      if (to) {
        out.push(w.key(1, 'to', true))
        this.addresses(out, to, 2)
      }
      if (ports) {
        out.push(w.key(1, 'ports', !to))
        out.push(w.plainStrings(ports.toStrings(), 2))
      }
      out.push(to || ports ? w.objectClose(1) : '{}')
    }
    if (e.filter) this.prop(out, 0, 'filter', {...e.filter}, false)
    if (typeof e.text === 'string') writeKeyString(out, this.keys.text, this.textQuote, e.text)
    else if (e.text !== undefined) this.prop(out, 0, 'text', e.text, false)
    if (e.fromZones?.length) this.kept(out, 'from_zones', e.fromZones)
    if (e.toZones?.length) this.kept(out, 'to_zones', e.toZones)
    if (e.interfaces && (e.interfaces.in?.length || e.interfaces.out?.length)) this.kept(out, 'interfaces', e.interfaces)
    if (e.fromSets?.length) this.kept(out, 'from_sets', e.fromSets)
    if (e.toSets?.length) this.kept(out, 'to_sets', e.toSets)
    if (e.notes?.length) this.kept(out, 'notes', e.notes)
    if (e.doubts?.length) this.doubts(out, e.doubts)
    if (e.via?.length) this.kept(out, 'via', e.via)
    if (e.ingress) this.side(out, 'ingress', e.ingress)
    if (e.egress) this.side(out, 'egress', e.egress)
    if (e.hook) out.push(this.hooks.get(e.hook))
    if (e.hostLocal) {
      out.push(w.key(0, 'host_local', false))
      out.push('true')
    }
    if (e.device) this.prop(out, 0, 'device', e.device, false)
    if (e.file && e.file !== this.omitFile) this.prop(out, 0, 'file', e.file, false)
  }

  /** `{`, kind, action, direction and the key of `from` (always written), as one piece; `quote`: and the opening of a one-CIDR list. */
  private openingText(e: Exposure): {text: string; quote: string} {
    const o = this.opening
    if (o.kind !== e.kind || o.action !== e.action || o.direction !== e.direction) {
      o.kind = e.kind
      o.action = e.action
      o.direction = e.direction
      const out = new TextBuffer()
      let first = !this.prop(out, 0, 'kind', e.kind, true)
      first = !this.prop(out, 0, 'action', e.action, first) && first
      first = !this.prop(out, 0, 'direction', e.direction, first) && first
      out.push(this.w.key(0, 'from', first))
      o.text = out.take()
      o.quote = `${o.text}${this.w.opening(1)}"`
    }
    return o
  }

  /** Writes `key` and its value `v` into an object at depth d, unless JSON.stringify leaves it out (false). */
  private prop(out: TextSink, d: number, key: string, v: unknown, first: boolean): boolean {
    if (typeof v !== 'string') {
      v = resolved(v, key)
      if (omitted(v)) return false
    }
    out.push(this.w.key(d, key, first))
    this.w.value(out, v, d + 1)
    return true
  }

  /**
   * The doubts as exposureRows copies them: code, effect, detail, line, and file when set. The text is
   * kept while the next exposures hold the same doubts, or equal ones (the rows of one rule: Azure's
   * default rules).
   */
  private doubts(out: TextSink, doubts: Doubt[]): void {
    const last = this.lastDoubts
    if (last.text && last.list.length === doubts.length && last.list.every((d, i) => sameDoubt(d, doubts[i]))) return out.push(last.text)
    const o = new TextBuffer()
    this.writeDoubts(o, doubts)
    last.list = [...doubts]
    last.text = o.take()
    out.push(last.text)
  }

  private writeDoubts(out: TextSink, doubts: Doubt[]): void {
    const w = this.w
    out.push(w.key(0, 'doubts', false))
    for (let i = 0; i < doubts.length; i++) {
      const d = doubts[i]
      out.push(i ? w.comma(1) : w.opening(1))
      let first = !this.prop(out, 2, 'code', d.code, true)
      first = !this.prop(out, 2, 'effect', d.effect, first) && first
      first = !this.prop(out, 2, 'detail', d.detail, first) && first
      first = !this.prop(out, 2, 'line', d.line, first) && first
      if (d.file !== undefined) first = !this.prop(out, 2, 'file', d.file, first) && first
      out.push(first ? '{}' : w.objectClose(2))
    }
    out.push(w.arrayClose(1))
  }

  /** ingress or egress: the attachment's interfaces and zones, and the inventory's zones of it. */
  private side(out: TextSink, key: 'ingress' | 'egress', a: Attachment): void {
    const inventory = this.zonesOf ? this.zonesOf(a) : NONE
    const last = (this.lastSides[key] ??= {interfaces: NONE, zones: NONE, inventory: NONE, text: ''})
    if (!last.text || !sameStrings(last.interfaces, a.interfaces) || !sameStrings(last.zones, a.zones) || !sameStrings(last.inventory, inventory)) {
      const o = new TextBuffer()
      o.push(this.w.key(0, key, false))
      let first = !this.prop(o, 1, 'interfaces', a.interfaces, true)
      first = !this.prop(o, 1, 'zones', a.zones, first) && first
      first = !this.prop(o, 1, 'inventory_zones', inventory, first) && first
      o.push(first ? '{}' : this.w.objectClose(1))
      Object.assign(last, {interfaces: a.interfaces, zones: a.zones, inventory, text: o.take()})
    }
    out.push(last.text)
  }

  /**
   * A row key whose value is a list of strings, or an object of such lists (`interfaces`): its text is
   * kept while the next exposures have an equal value (the rules of one ACL share zones, interfaces,
   * notes), made again otherwise.
   */
  private kept(out: TextSink, key: string, v: object): void {
    const last = this.lastValues.get(key)
    if (last !== undefined && sameValue(last.value, v)) return out.push(last.text)
    const o = new TextBuffer()
    // exposureRows copies an object value with a spread: its own enumerable keys, as JSON reads them
    this.prop(o, 0, key, Array.isArray(v) ? v : {...v}, false)
    const text = o.take()
    this.lastValues.set(key, {value: v, text})
    out.push(text)
  }

  /** The protocol (p < 0: any) and the key of `ports`, as one piece; `afterQuote`: closing the CIDR of `to` first. */
  private protocol(p: number, afterQuote: boolean): string {
    if (p < 0) return afterQuote ? this.anyProtocolAfterQuote : this.anyProtocol
    const text = (this.protocolTexts[p] ??= `${this.keys.protocol}${jsonString(protocolName(p))}${this.keys.ports}`)
    return afterQuote ? (this.protocolTextsAfterQuote[p] ??= `"${this.w.arrayClose(1)}${text}`) : text
  }

  /** A port list: the text of a one-range list is kept (a service: `443`, `1024-65535`). */
  private portsText(ports: PortSet): string {
    const r = ports.ranges
    if (r.length !== 2) return this.w.plainStrings(ports.toStrings(), 1)
    const key = r[0] * 65536 + r[1]
    let text = this.portTexts.get(key)
    if (text === undefined) {
      text = this.w.plainStrings(ports.toStrings(), 1)
      if (this.portTexts.size < 4096) this.portTexts.set(key, text)
    }
    return text
  }

  /** `,"except_protocols": […]`, or '' when no protocol is left out. */
  private exceptText(protocols: ProtocolSet): string {
    let text = this.exceptTexts.get(protocols)
    if (text === undefined) {
      const except = ProtocolSet.ALL.subtract(protocols).values().map(protocolName)
      const list = new TextBuffer()
      this.w.array(list, except, 1)
      this.exceptTexts.set(protocols, (text = except.length ? `${this.keys.except_protocols}${list.take()}` : ''))
    }
    return text
  }

  /**
   * Writes the CIDRs of `s` at depth d (a row key's value unless said): the text of ANY is kept, and
   * that of a big set met a second time (an address group shared by many rules; most big sets are a
   * rule's own, and keeping each would hold their text alive to the end).
   */
  private addresses(out: TextSink, s: AddressSet, d = 1): void {
    const {v4, v6} = s
    if (v6.length === 0 && v4.length === 2) {
      const cidr = v4Block(v4[0], v4[1])
      if (cidr !== undefined) {
        // most rules' own sets: one CIDR, between pieces kept for every row
        out.push((this.openQuote[d] ??= `${this.w.opening(d)}"`))
        out.push(cidr)
        out.push((this.closeQuote[d] ??= `"${this.w.arrayClose(d)}`))
        return
      }
    }
    const shared = d === 1 && (s === AddressSet.ANY || v4.length + v6.length > SHARED_BOUNDS)
    if (!shared) return out.push(this.cidrList(s, d, false))
    let text = this.addressTexts.get(s)
    if (text === undefined) {
      text = this.cidrList(s, d, true)
      if (s === AddressSet.ANY || this.bigSeen.has(s)) this.addressTexts.set(s, text)
      else this.bigSeen.add(s)
    }
    out.push(text)
  }

  /**
   * The CIDR list of `s` at depth d, as plainStrings writes rangeToCidrs' CIDRs: IPv4 ones joined from
   * kept pieces, no string per CIDR. `big`: the text of a range of several CIDRs is kept, the gaps of
   * big sets (all but a few addresses) recurring from rule to rule, some of them hundreds of CIDRs long.
   */
  private cidrList(s: AddressSet, d: number, big: boolean): string {
    const {v4, v6} = s
    const sep = (this.cidrSeps[d] ??= `"${this.w.comma(d)}"`)
    const after = (this.prefixSeps[d] ??= PREFIXES.map((p) => p + sep))
    const parts: string[] = []
    for (let i = 0; i < v4.length; i += 2) {
      const start = v4[i]
      const end = v4[i + 1]
      // a block (a subnet, a host) is a CIDR of its own: only the gaps of big sets are worth keeping
      if (!big || isV4Block(start, end)) {
        pushV4CidrPieces(start, end, after, parts)
        continue
      }
      let ends = this.rangeTexts.get(start)
      let text = ends?.get(end)
      if (text === undefined) {
        const one: string[] = []
        pushV4CidrPieces(start, end, after, one)
        text = one.join('')
        if (this.rangeChars < RANGE_CHARS) {
          if (ends === undefined) this.rangeTexts.set(start, (ends = new Map()))
          ends.set(end, text)
          this.rangeChars += text.length
        }
      }
      parts.push(text)
    }
    for (let i = 0; i < v6.length; i += 2) for (const c of rangeToCidrs(6, v6[i], v6[i + 1])) parts.push(c, sep)
    if (parts.length === 0) return '[]'
    // every CIDR is followed by a separator: the last one closes the list instead
    const list = parts.join('')
    return (this.openQuote[d] ??= `${this.w.opening(d)}"`) + list.slice(0, list.length - sep.length) + (this.closeQuote[d] ??= `"${this.w.arrayClose(d)}`)
  }
}

const NONE: readonly string[] = []

/** The same doubt, or one whose fields the row copies are the same strings and numbers (so the same text). */
function sameDoubt(a: Doubt, b: Doubt): boolean {
  if (a === b) return true
  const same = (x: unknown, y: unknown) => x === y && (typeof x === 'string' || typeof x === 'number' || x === undefined)
  return same(a.code, b.code) && same(a.effect, b.effect) && same(a.detail, b.detail) && same(a.line, b.line) && same(a.file, b.file)
}

/** Two lists of the same strings (a list holding anything else is never the same: its text is made again). */
function sameStrings(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (typeof a[i] !== 'string' || a[i] !== b[i]) return false
  return true
}

/** sameStrings, or two plain objects with the same keys in the same order whose values are such lists. */
function sameValue(a: object, b: object): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && sameStrings(a, b)
  if (Object.getPrototypeOf(a) !== Object.prototype || Object.getPrototypeOf(b) !== Object.prototype) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  if (ka.length !== kb.length) return false
  for (let i = 0; i < ka.length; i++) {
    const x = (a as Record<string, unknown>)[ka[i]]
    const y = (b as Record<string, unknown>)[kb[i]]
    if (ka[i] !== kb[i] || !(x === undefined ? y === undefined : Array.isArray(x) && Array.isArray(y) && sameStrings(x, y))) return false
  }
  return true
}

const OCTETS = Array.from({length: 256}, (_, i) => String(i))
const OCTETS_DOT = OCTETS.map((o) => `${o}.`)
const PREFIXES = Array.from({length: 33}, (_, i) => `/${i}`)

const POW2 = Array.from({length: 33}, (_, i) => 2 ** i)

/**
 * Pushes the CIDRs of the IPv4 range start–end, as rangeToCidrs(4, start, end) gives them, as pieces
 * (`10.`, `1.`, `2.`, `0`, then `after[24]`: the prefix and what follows it): no string made per CIDR,
 * no number printed (tests/report/row-writer.test.ts holds them equal).
 */
export function pushV4CidrPieces(start: number, end: number, after: readonly string[], out: string[]): void {
  let s = start
  while (s <= end) {
    const span = end - s + 1
    const fits = span >= POW2[32] ? 32 : 31 - Math.clz32(span)
    const bits = Math.min(s === 0 ? 32 : 31 - Math.clz32(s & -s), fits)
    out.push(OCTETS_DOT[s >>> 24], OCTETS_DOT[(s >>> 16) & 255], OCTETS_DOT[(s >>> 8) & 255], OCTETS[s & 255], after[32 - bits])
    s += POW2[bits]
  }
}

/** Whether the IPv4 range start–end is one block: its size a power of two, start a multiple of it. */
function isV4Block(start: number, end: number): boolean {
  const span = end - start + 1
  if (span === POW2[32]) return start === 0
  return span >= 1 && span <= POW2[31] && (span & (span - 1)) === 0 && start % span === 0
}

/** The CIDR of the IPv4 range start–end when it is one block, else undefined. */
export function v4Block(start: number, end: number): string | undefined {
  if (!isV4Block(start, end)) return undefined
  const span = end - start + 1
  if (span === POW2[32]) return '0.0.0.0/0'
  return OCTETS_DOT[start >>> 24] + OCTETS_DOT[(start >>> 16) & 255] + OCTETS_DOT[(start >>> 8) & 255] + OCTETS[start & 255] + PREFIXES[32 - (31 - Math.clz32(span))]
}

/**
 * The rows of a parse report, sorted as compareExposures sorts them, as a TextArray: the JSON writer
 * gets each row as text.
 *
 * compareExposures orders rows by file, line and rule, then by their compact JSON. A stable sort of the
 * exposures by file, line and rule (none at all when they come in order), then of each run of rows that
 * tie on those by the rest, gives the same order: the rows of an exposure are made in the order of its
 * protocols, as parseReport makes them, and keep it among equals.
 */
export function exposureRowArray(exposures: readonly Exposure[], omitFile: string, zonesOf?: (a: Attachment) => string[]): TextArray {
  // what the order needs of each exposure, read in one pass: the file when not the report's own, the
  // line, the rule, the protocols
  const n = exposures.length
  const files: string[] = new Array(n)
  const lines: number[] = new Array(n)
  const rules: string[] = new Array(n)
  const protocols: ProtocolSet[] = new Array(n)
  const order: number[] = new Array(n)
  let inOrder = true
  for (let i = 0; i < n; i++) {
    const e = exposures[i]
    files[i] = e.file && e.file !== omitFile ? e.file : ''
    lines[i] = e.line
    rules[i] = e.rule
    protocols[i] = e.protocols
    order[i] = i
    if (inOrder && i) inOrder = byPlace(i - 1, i) <= 0
  }
  function byPlace(a: number, b: number): number {
    return byCodeUnit(files[a], files[b]) || lines[a] - lines[b] || byCodeUnit(rules[a], rules[b])
  }
  if (!inOrder) sortByPlace(order, files, lines, rules, byPlace)
  const rowE: Exposure[] = []
  const rowP: number[] = []
  const ties = new Ties(omitFile, zonesOf)
  let run = 0
  for (let k = 0; k < n; k++) {
    const x = order[k]
    const y = k ? order[k - 1] : x
    // rows of exposures k - 1 and k tie on the place (byPlace is 0): sorted by the rest once the run ends
    if (files[x] !== files[y] || lines[x] - lines[y] || rules[x] !== rules[y]) {
      if (rowE.length - run > 1) ties.sort(rowE, rowP, run, rowE.length)
      run = rowE.length
    }
    const e = exposures[x]
    const ranges = protocols[x].ranges
    if (protocols[x].size() > 8) {
      rowE.push(e)
      rowP.push(-1)
    } else
      for (let r = 0; r < ranges.length; r += 2)
        for (let p = ranges[r]; p <= ranges[r + 1]; p++) {
          rowE.push(e)
          rowP.push(p)
        }
  }
  if (rowE.length - run > 1) ties.sort(rowE, rowP, run, rowE.length)
  // one writer per indent (the report writes the rows at one)
  const writers = new Map<string, RowWriter>()
  return new TextArray(rowE.length, (i, nl, out) => {
    let w = writers.get(nl)
    if (w === undefined) writers.set(nl, (w = new RowWriter(nl, omitFile, zonesOf)))
    const e = rowE[i]
    w.row(e, rowP[i], out, rowE[i - 1] !== e && rowE[i + 1] !== e)
  })
}

/** Below this many exposures and when a line is not a whole number below 2^32, the order is one comparison sort. */
const INDEX_BITS = 21
const INDEX_SPAN = 2 ** INDEX_BITS

/**
 * Sorts `order` (0 … n-1) as a stable sort by `byPlace` (file, line, rule) does, without ~n·log n
 * calls to it: a counting sort by line (or a native sort of the numbers line·2^21 + position when
 * lines are far more than exposures), a stable bucketing by file when there are several, then each
 * run of one file and line sorted by rule.
 */
function sortByPlace(order: number[], files: string[], lines: number[], rules: string[], byPlace: (a: number, b: number) => number): void {
  const n = order.length
  let wholeLines = n < INDEX_SPAN
  let maxLine = 0
  for (let i = 0; wholeLines && i < n; i++) {
    const l = lines[i]
    wholeLines = Number.isInteger(l) && l >= 0 && l < 2 ** 32
    if (l > maxLine) maxLine = l
  }
  if (!wholeLines) {
    order.sort(byPlace)
    return
  }
  if (maxLine <= 4 * n + 1024) {
    // a counting sort: lines are about as many as exposures
    const starts = new Int32Array(maxLine + 2)
    for (let i = 0; i < n; i++) starts[lines[i] + 1]++
    for (let l = 1; l <= maxLine + 1; l++) starts[l] += starts[l - 1]
    for (let i = 0; i < n; i++) order[starts[lines[i]]++] = i
  } else {
    const keys = new Float64Array(n)
    // exact: below 2^53
    for (let i = 0; i < n; i++) keys[i] = lines[i] * INDEX_SPAN + i
    keys.sort()
    for (let k = 0; k < n; k++) order[k] = keys[k] - Math.floor(keys[k] / INDEX_SPAN) * INDEX_SPAN
  }
  byFile(order, files)
  // runs of one file and line: by rule (Array.prototype.sort is stable: equal rules keep their positions)
  const byRule = (a: number, b: number) => byCodeUnit(rules[a], rules[b])
  for (let start = 0; start < n; ) {
    const first = order[start]
    let end = start + 1
    let oneRule = true
    while (end < n && lines[order[end]] === lines[first] && files[order[end]] === files[first]) {
      oneRule &&= rules[order[end]] === rules[first]
      end++
    }
    if (!oneRule) {
      const run = order.slice(start, end).sort(byRule)
      for (let k = start; k < end; k++) order[k] = run[k - start]
    }
    start = end
  }
}

/** Groups `order` by file in code-unit order of the files, keeping the order within each (a no-op for one file). */
function byFile(order: number[], files: string[]): void {
  const n = order.length
  let one = true
  for (let i = 1; one && i < n; i++) one = files[i] === files[0]
  if (one) return
  const names = [...new Set(files)].sort(byCodeUnit)
  const rank = new Map(names.map((f, r) => [f, r]))
  const starts = new Array<number>(names.length + 1).fill(0)
  for (let i = 0; i < n; i++) starts[rank.get(files[i])! + 1]++
  for (let r = 1; r <= names.length; r++) starts[r] += starts[r - 1]
  const sorted = new Array<number>(n)
  for (let k = 0; k < n; k++) {
    const x = order[k]
    sorted[starts[rank.get(files[x])!]++] = x
  }
  for (let k = 0; k < n; k++) order[k] = sorted[k]
}

/** Orders rows of one file, line and rule as compareExposures does: by their compact JSON. */
class Ties {
  private readonly writer: RowWriter
  private readonly buffer = new TextBuffer()

  constructor(omitFile: string, zonesOf?: (a: Attachment) => string[]) {
    this.writer = new RowWriter('', omitFile, zonesOf)
  }

  /** Sorts rows `start` to `end - 1` (stable, as Array.prototype.sort). */
  sort(rowE: Exposure[], rowP: number[], start: number, end: number): void {
    // the rows of one exposure, its protocols already in the order of their names: nothing to do
    let i = start + 1
    while (i < end && rowE[i] === rowE[start] && rowP[i - 1] >= 0 && protocolKey(rowP[i - 1]) < protocolKey(rowP[i])) i++
    if (i === end) return
    const rows: Array<{e: Exposure; p: number; compact?: string}> = []
    for (let i = start; i < end; i++) rows.push({e: rowE[i], p: rowP[i]})
    const compact = (r: (typeof rows)[number]) => {
      if (r.compact === undefined) {
        this.writer.row(r.e, r.p, this.buffer, false)
        r.compact = this.buffer.take()
      }
      return r.compact
    }
    // two rows of one exposure differ first in their protocol
    rows.sort((a, b) => (a.e === b.e && a.p >= 0 && b.p >= 0 && protocolKey(a.p) !== protocolKey(b.p) ? byCodeUnit(protocolKey(a.p), protocolKey(b.p)) : byCodeUnit(compact(a), compact(b))))
    for (i = start; i < end; i++) {
      rowE[i] = rows[i - start].e
      rowP[i] = rows[i - start].p
    }
  }
}
