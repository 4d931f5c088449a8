/**
 * The exposure rows of the parse report, made a batch at a time for the JSON writer: the rows of
 * `exposureRows` (same keys, same order, same values), sorted as `compareExposures` sorts them, without
 * holding every row object at once. A row shares its lists with its exposure's other rows and with the
 * model instead of copying them (JSON does not see the difference), and what every row of an exposure
 * has in common is made once.
 */
import type {Attachment} from '../model/device.js'
import type {Exposure, ExposureJson} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {rangeToCidrs} from '../net/ip.js'
import {ProtocolSet} from '../net/number-set.js'
import {hasPorts, protocolName} from '../net/protocol.js'
import {byCodeUnit} from '../core/order.js'
import {LazyArray} from './json-stream.js'

/** One JSON row: exposure `e`, protocol `p` (-1: the one `any` row of an exposure of many protocols). */
interface Row {
  e: Exposure
  p: number
  /** The row's `file` (set only when not the report's own) or '', its line and rule: the sort keys. */
  file: string
  line: number
  rule: string
  /** The compact JSON of the row, for the rare tie of rows of different exposures (made once). */
  compact?: string
}

/** What every row of one exposure has in common: the fields before `protocol`, and after `rule`. */
interface Common {
  e: Exposure
  from: string[]
  to: string[]
  ports: string[]
  sourcePorts?: string[]
  /** The fields after `except_protocols`, in exposureRows' order. */
  rest: Array<[string, unknown]>
}

/**
 * AddressSet.toCidrs without its per-set cache: most rules have sets of their own, printed once, and
 * caching each would keep ~100 MB of lists alive at 2·10^5 rules (and make every young GC copy them).
 */
function cidrsOf(s: AddressSet): string[] {
  if (s === AddressSet.ANY || s.v4.length + s.v6.length > 8) return s.toCidrs()
  const out: string[] = []
  for (let i = 0; i < s.v4.length; i += 2) for (const c of rangeToCidrs(4, s.v4[i], s.v4[i + 1])) out.push(c)
  for (let i = 0; i < s.v6.length; i += 2) for (const c of rangeToCidrs(6, s.v6[i], s.v6[i + 1])) out.push(c)
  return out
}

/** `"tcp",`: two rows of one exposure differ first in their protocol, so this orders them as their JSON. */
const PROTOCOL_KEY: string[] = []
const protocolKey = (p: number) => (PROTOCOL_KEY[p] ??= `${JSON.stringify(protocolName(p))},`)

/** Makes rows of one report: `omitFile` is the report's file, `zonesOf` fills inventory_zones. */
class RowMaker {
  private common: Common | undefined
  private readonly excepts = new Map<ProtocolSet, string[]>()

  constructor(
    private readonly omitFile: string,
    private readonly zonesOf?: (a: Attachment) => string[],
  ) {}

  row(r: Row): ExposureJson {
    const e = r.e
    // the rows of one exposure are neighbours after the sort: its common part is kept for the next row
    const c = this.common?.e === e ? this.common : (this.common = this.commonOf(e))
    const any = r.p < 0
    const withPorts = any ? !e.ports.isAll() : hasPorts(r.p)
    const j = {
      kind: e.kind,
      action: e.action,
      direction: e.direction,
      from: c.from,
      to: c.to,
      protocol: any ? 'any' : protocolName(r.p),
      ports: withPorts ? c.ports : [],
      line: e.line,
      rule: e.rule,
    } as ExposureJson & Record<string, unknown>
    if (withPorts && c.sourcePorts) j.source_ports = c.sourcePorts
    if (any) {
      const except = this.exceptOf(e.protocols)
      if (except.length) j.except_protocols = except
    }
    for (const [key, value] of c.rest) j[key] = value
    return j
  }

  private exceptOf(protocols: ProtocolSet): string[] {
    let except = this.excepts.get(protocols)
    if (except === undefined) this.excepts.set(protocols, (except = ProtocolSet.ALL.subtract(protocols).values().map(protocolName)))
    return except
  }

  /** exposureRows' fields of `e` that do not depend on the protocol. */
  private commonOf(e: Exposure): Common {
    const rest: Array<[string, unknown]> = []
    if (e.translated) {
      const t: {to?: string[]; ports?: string[]} = {}
      if (e.translated.to) t.to = e.translated.to.toCidrs()
      if (e.translated.ports) t.ports = e.translated.ports.toStrings()
      rest.push(['translated', t])
    }
    if (e.filter) rest.push(['filter', e.filter])
    if (e.text !== undefined) rest.push(['text', e.text])
    if (e.fromZones?.length) rest.push(['from_zones', e.fromZones])
    if (e.toZones?.length) rest.push(['to_zones', e.toZones])
    if (e.interfaces && (e.interfaces.in?.length || e.interfaces.out?.length)) rest.push(['interfaces', e.interfaces])
    if (e.fromSets?.length) rest.push(['from_sets', e.fromSets])
    if (e.toSets?.length) rest.push(['to_sets', e.toSets])
    if (e.notes?.length) rest.push(['notes', e.notes])
    if (e.doubts?.length) rest.push(['doubts', e.doubts.map((d) => ({code: d.code, effect: d.effect, detail: d.detail, line: d.line, ...(d.file === undefined ? {} : {file: d.file})}))])
    if (e.via?.length) rest.push(['via', e.via])
    if (e.ingress) rest.push(['ingress', this.side(e.ingress)])
    if (e.egress) rest.push(['egress', this.side(e.egress)])
    if (e.hook) rest.push(['hook', e.hook])
    if (e.hostLocal) rest.push(['host_local', true])
    if (e.device) rest.push(['device', e.device])
    if (e.file && e.file !== this.omitFile) rest.push(['file', e.file])
    return {e, from: cidrsOf(e.from), to: cidrsOf(e.to), ports: e.ports.toStrings(), sourcePorts: e.sourcePorts.isAll() ? undefined : e.sourcePorts.toStrings(), rest}
  }

  private side(a: Attachment): {interfaces: string[]; zones: string[]; inventory_zones: string[]} {
    return {interfaces: a.interfaces, zones: a.zones, inventory_zones: this.zonesOf ? this.zonesOf(a) : []}
  }
}

/** The rows of a parse report, sorted, as a LazyArray: the JSON writer makes them a batch at a time. */
export function exposureRowArray(exposures: readonly Exposure[], omitFile: string, zonesOf?: (a: Attachment) => string[]): LazyArray {
  const rows: Row[] = []
  for (const e of exposures) {
    const file = e.file && e.file !== omitFile ? e.file : ''
    if (e.protocols.size() > 8) rows.push({e, p: -1, file, line: e.line, rule: e.rule})
    else for (const p of e.protocols.values()) rows.push({e, p, file, line: e.line, rule: e.rule})
  }
  // compareExposures on the rows: file, line, rule, then the row's compact JSON, which is made only for
  // rows of different exposures that tie on the rest
  const ties = new RowMaker(omitFile, zonesOf)
  const compact = (r: Row) => (r.compact ??= JSON.stringify(ties.row(r)))
  rows.sort(
    (a, b) =>
      byCodeUnit(a.file, b.file) ||
      a.line - b.line ||
      byCodeUnit(a.rule, b.rule) ||
      (a.e === b.e && a.p >= 0 && b.p >= 0 && protocolKey(a.p) !== protocolKey(b.p) ? byCodeUnit(protocolKey(a.p), protocolKey(b.p)) : byCodeUnit(compact(a), compact(b))),
  )
  for (const r of rows) r.compact = undefined
  const maker = new RowMaker(omitFile, zonesOf)
  return new LazyArray(rows.length, (start, end) => {
    const out: ExposureJson[] = []
    for (let i = start; i < end; i++) out.push(maker.row(rows[i]))
    return out
  })
}
