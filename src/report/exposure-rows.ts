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
import {jsonString, JsonWriter, omitted, resolved, TextBuffer, type TextSink, writeString} from './json-text.js'

/**
 * Sets with more range bounds than this (more than 4 ranges) are usually address groups, shared by many
 * rules: their text is kept once made. Most rules have sets of their own, printed once, and keeping
 * each would hold ~100 MB of text alive at 2·10^5 rules (every young GC then copies it).
 */
const SHARED_BOUNDS = 8

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
  // the rows of one exposure are neighbours after the sort: what they share is kept for the next row
  private e: Exposure | undefined
  /** Pieces of the current exposure's rows: `{`, kind … to; line and rule; translated … file. */
  private readonly head: string[] = []
  private readonly lineRule: string[] = []
  private readonly tail: string[] = []
  private ports: string | undefined
  private sourcePorts: string | undefined
  // shared by many rules: a port list (one service, one port), an address group, ANY, the protocols left out
  private readonly portTexts = new Map<PortSet, string>()
  private readonly addressTexts = new Map<AddressSet, string>()
  private readonly exceptTexts = new Map<ProtocolSet, string>()
  private readonly protocolTexts: string[] = []
  private readonly openQuote: string[] = []
  private readonly closeQuote: string[] = []
  // `{`, kind, action, direction and the `from` key, for the last three values met
  private opening = {kind: undefined as unknown, action: undefined as unknown, direction: undefined as unknown, text: ''}
  private readonly hooks: Interned
  private readonly keys: Record<'to' | 'protocol' | 'ports' | 'source_ports' | 'except_protocols' | 'line' | 'rule' | 'text', string>
  /** The `any` protocol and the key of `ports`. */
  private readonly anyProtocol: string
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
    this.close = w.objectClose(0)
    this.hooks = new Interned((v) => this.text((out) => this.prop(out, 0, 'hook', v, false)))
  }

  /** Writes row `p` of exposure `e` (-1: the one `any` row of an exposure of many protocols). */
  row(e: Exposure, p: number, out: TextSink): void {
    if (this.e !== e) this.start(e)
    const any = p < 0
    const withPorts = any ? !e.ports.isAll() : hasPorts(p)
    const {head, lineRule, tail} = this
    for (let i = 0; i < head.length; i++) out.push(head[i])
    out.push(any ? this.anyProtocol : this.protocol(p))
    out.push(withPorts ? (this.ports ??= this.portsText(e.ports)) : '[]')
    for (let i = 0; i < lineRule.length; i++) out.push(lineRule[i])
    if (withPorts && !e.sourcePorts.isAll()) {
      out.push(this.keys.source_ports)
      out.push((this.sourcePorts ??= this.portsText(e.sourcePorts)))
    }
    if (any) {
      const except = this.exceptText(e.protocols)
      if (except) out.push(except)
    }
    for (let i = 0; i < tail.length; i++) out.push(tail[i])
    out.push(this.close)
  }

  /** What every row of `e` has in common, in exposureRows' key order. */
  private start(e: Exposure): void {
    this.e = e
    this.ports = undefined
    this.sourcePorts = undefined
    const {head, lineRule, tail, w, keys} = this
    head.length = 0
    head.push(this.openingText(e))
    this.addresses(head, e.from)
    head.push(keys.to)
    this.addresses(head, e.to)
    // after protocol and ports
    lineRule.length = 0
    if (typeof e.line === 'number' && Number.isFinite(e.line)) lineRule.push(keys.line, String(e.line))
    else this.prop(lineRule, 0, 'line', e.line, false)
    if (typeof e.rule === 'string') {
      lineRule.push(keys.rule)
      writeString(lineRule, e.rule)
    } else this.prop(lineRule, 0, 'rule', e.rule, false)
    // after source_ports and except_protocols
    tail.length = 0
    if (e.translated) {
      tail.push(w.key(0, 'translated', false))
      const {to, ports} = e.translated
      if (to) {
        tail.push(w.key(1, 'to', true))
        this.addresses(tail, to, 2)
      }
      if (ports) tail.push(w.key(1, 'ports', !to), w.plainStrings(ports.toStrings(), 2))
      tail.push(to || ports ? w.objectClose(1) : '{}')
    }
    if (e.filter) this.prop(tail, 0, 'filter', {...e.filter}, false)
    if (typeof e.text === 'string') {
      tail.push(keys.text)
      writeString(tail, e.text)
    } else if (e.text !== undefined) this.prop(tail, 0, 'text', e.text, false)
    if (e.fromZones?.length) this.prop(tail, 0, 'from_zones', e.fromZones, false)
    if (e.toZones?.length) this.prop(tail, 0, 'to_zones', e.toZones, false)
    if (e.interfaces && (e.interfaces.in?.length || e.interfaces.out?.length)) this.prop(tail, 0, 'interfaces', {...e.interfaces}, false)
    if (e.fromSets?.length) this.prop(tail, 0, 'from_sets', e.fromSets, false)
    if (e.toSets?.length) this.prop(tail, 0, 'to_sets', e.toSets, false)
    if (e.notes?.length) this.prop(tail, 0, 'notes', e.notes, false)
    if (e.doubts?.length) this.doubts(tail, e.doubts)
    if (e.via?.length) this.prop(tail, 0, 'via', e.via, false)
    if (e.ingress) this.side(tail, 'ingress', e.ingress)
    if (e.egress) this.side(tail, 'egress', e.egress)
    if (e.hook) tail.push(this.hooks.get(e.hook))
    if (e.hostLocal) tail.push(w.key(0, 'host_local', false), 'true')
    if (e.device) this.prop(tail, 0, 'device', e.device, false)
    if (e.file && e.file !== this.omitFile) this.prop(tail, 0, 'file', e.file, false)
  }

  /** `{`, kind, action, direction and the key of `from` (always written), as one piece. */
  private openingText(e: Exposure): string {
    const o = this.opening
    if (o.kind !== e.kind || o.action !== e.action || o.direction !== e.direction) {
      o.kind = e.kind
      o.action = e.action
      o.direction = e.direction
      o.text = this.text((out) => {
        this.prop(out, 0, 'kind', e.kind, true)
        this.prop(out, 0, 'action', e.action, out.length === 0)
        this.prop(out, 0, 'direction', e.direction, out.length === 0)
        out.push(this.w.key(0, 'from', out.length === 0))
      })
    }
    return o.text
  }

  /** What `write` writes, as one string. */
  private text(write: (out: string[]) => void): string {
    const out: string[] = []
    write(out)
    return out.join('')
  }

  /** Writes `key` and its value `v` into an object at depth d, unless JSON.stringify leaves it out. */
  private prop(parts: string[], d: number, key: string, v: unknown, first: boolean): void {
    if (typeof v !== 'string') {
      v = resolved(v, key)
      if (omitted(v)) return
    }
    parts.push(this.w.key(d, key, first))
    this.w.value(parts, v, d + 1)
  }

  /** The doubts as exposureRows copies them: code, effect, detail, line, and file when set. */
  private doubts(parts: string[], doubts: Doubt[]): void {
    const w = this.w
    parts.push(w.key(0, 'doubts', false))
    for (let i = 0; i < doubts.length; i++) {
      const d = doubts[i]
      parts.push(i ? w.comma(1) : `[${w.lineAt(2)}`)
      const start = parts.length
      this.prop(parts, 2, 'code', d.code, true)
      this.prop(parts, 2, 'effect', d.effect, parts.length === start)
      this.prop(parts, 2, 'detail', d.detail, parts.length === start)
      this.prop(parts, 2, 'line', d.line, parts.length === start)
      if (d.file !== undefined) this.prop(parts, 2, 'file', d.file, parts.length === start)
      parts.push(parts.length === start ? '{}' : w.objectClose(2))
    }
    parts.push(`${w.lineAt(1)}]`)
  }

  /** ingress or egress: the attachment's interfaces and zones, and the inventory's zones of it. */
  private side(parts: string[], key: string, a: Attachment): void {
    parts.push(this.w.key(0, key, false))
    const start = parts.length
    this.prop(parts, 1, 'interfaces', a.interfaces, true)
    this.prop(parts, 1, 'zones', a.zones, parts.length === start)
    this.prop(parts, 1, 'inventory_zones', this.zonesOf ? this.zonesOf(a) : [], parts.length === start)
    parts.push(parts.length === start ? '{}' : this.w.objectClose(1))
  }

  /** The protocol and the key of `ports`, as one piece. */
  private protocol(p: number): string {
    return (this.protocolTexts[p] ??= `${this.keys.protocol}${jsonString(protocolName(p))}${this.keys.ports}`)
  }

  private portsText(ports: PortSet): string {
    let text = this.portTexts.get(ports)
    if (text === undefined) this.portTexts.set(ports, (text = this.w.plainStrings(ports.toStrings(), 1)))
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

  /** Writes the CIDRs of `s` at depth d (a row key's value unless said): the text of ANY and big sets is kept. */
  private addresses(parts: string[], s: AddressSet, d = 1): void {
    const {v4, v6} = s
    const shared = d === 1 && (s === AddressSet.ANY || v4.length + v6.length > SHARED_BOUNDS)
    let text = shared ? this.addressTexts.get(s) : undefined
    if (text !== undefined) return void parts.push(text)
    const cidrs: string[] = []
    for (let i = 0; i < v4.length; i += 2) pushV4Cidrs(v4[i], v4[i + 1], cidrs)
    for (let i = 0; i < v6.length; i += 2) for (const c of rangeToCidrs(6, v6[i], v6[i + 1])) cidrs.push(c)
    if (shared) this.addressTexts.set(s, (text = this.w.plainStrings(cidrs, d)))
    else if (cidrs.length === 1) {
      // most rules' own sets: one CIDR, between pieces kept for every row
      parts.push((this.openQuote[d] ??= `${this.w.opening(d)}"`), cidrs[0], (this.closeQuote[d] ??= `"${this.w.arrayClose(d)}`))
      return
    } else text = this.w.plainStrings(cidrs, d)
    parts.push(text)
  }
}

const OCTETS = Array.from({length: 256}, (_, i) => String(i))
const PREFIXES = Array.from({length: 33}, (_, i) => `/${i}`)

/**
 * Pushes the CIDRs of the IPv4 range start–end, as rangeToCidrs(4, start, end) gives them, with no
 * number printed on the way (tests/report/row-writer.test.ts holds the two equal).
 */
export function pushV4Cidrs(start: number, end: number, out: string[]): void {
  let s = start
  while (s <= end) {
    const span = end - s + 1
    const fits = span >= 2 ** 32 ? 32 : 31 - Math.clz32(span)
    const bits = Math.min(s === 0 ? 32 : 31 - Math.clz32(s & -s), fits)
    out.push(`${OCTETS[s >>> 24]}.${OCTETS[(s >>> 16) & 255]}.${OCTETS[(s >>> 8) & 255]}.${OCTETS[s & 255]}${PREFIXES[32 - bits]}`)
    s += 2 ** bits
  }
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
  // the sort keys, read once: the file when not the report's own, the line, the rule
  const n = exposures.length
  const files: string[] = new Array(n)
  const lines: number[] = new Array(n)
  const rules: string[] = new Array(n)
  let inOrder = true
  for (let i = 0; i < n; i++) {
    const e = exposures[i]
    files[i] = e.file && e.file !== omitFile ? e.file : ''
    lines[i] = e.line
    rules[i] = e.rule
    if (inOrder && i) inOrder = byPlace(i - 1, i) <= 0
  }
  function byPlace(a: number, b: number): number {
    return byCodeUnit(files[a], files[b]) || lines[a] - lines[b] || byCodeUnit(rules[a], rules[b])
  }
  const order = Array.from({length: n}, (_, i) => i)
  if (!inOrder) order.sort(byPlace)
  const rowE: Exposure[] = []
  const rowP: number[] = []
  const ties = new Ties(omitFile, zonesOf)
  let run = 0
  for (let k = 0; k < n; k++) {
    // rows of exposures k - 1 and k tie on the place: sorted by the rest once the run ends
    if (k && byPlace(order[k - 1], order[k]) !== 0) {
      if (rowE.length - run > 1) ties.sort(rowE, rowP, run, rowE.length)
      run = rowE.length
    }
    const e = exposures[order[k]]
    const ranges = e.protocols.ranges
    if (e.protocols.size() > 8) {
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
    w.row(rowE[i], rowP[i], out)
  })
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
        this.writer.row(r.e, r.p, this.buffer)
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
