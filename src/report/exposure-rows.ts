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
import {type PortSet, ProtocolSet} from '../net/number-set.js'
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

/**
 * AddressSet.toCidrs without its per-set cache for small sets: most rules have sets of their own,
 * printed once, and caching each would keep ~100 MB of lists alive at 2·10^5 rules (every young GC
 * then copies them). ANY and big sets (address groups, shared by many rules) keep the cache.
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

type Side = {interfaces: string[]; zones: string[]; inventory_zones: string[]}

function translatedJson(t: NonNullable<Exposure['translated']>): {to?: string[]; ports?: string[]} {
  const out: {to?: string[]; ports?: string[]} = {}
  if (t.to) out.to = t.to.toCidrs()
  if (t.ports) out.ports = t.ports.toStrings()
  return out
}

/** Makes the rows of one report: `omitFile` is the report's file, `zonesOf` fills inventory_zones. */
class RowMaker {
  // the rows of one exposure are neighbours after the sort: the lists they share are kept for the next row
  private e: Exposure | undefined
  private from: string[] = []
  private to: string[] = []
  private ports: string[] | undefined
  private sourcePorts: string[] | undefined
  private doubts: ExposureJson['doubts']
  private ingress: Side | undefined
  private egress: Side | undefined
  // a port list is shared by many rules (one service, one port)
  private readonly portLists = new Map<PortSet, string[]>()
  private readonly excepts = new Map<ProtocolSet, string[]>()

  constructor(
    private readonly omitFile: string,
    private readonly zonesOf?: (a: Attachment) => string[],
  ) {}

  /** The row as exposureRows makes it (the same keys in the same order, the same values), lists shared. */
  row(r: Row): ExposureJson {
    const e = r.e
    if (this.e !== e) {
      this.e = e
      this.from = cidrsOf(e.from)
      this.to = cidrsOf(e.to)
      this.ports = undefined
      this.sourcePorts = undefined
      this.doubts = undefined
      this.ingress = undefined
      this.egress = undefined
    }
    const any = r.p < 0
    const withPorts = any ? !e.ports.isAll() : hasPorts(r.p)
    const except = any ? this.exceptOf(e.protocols) : undefined
    // every key of exposureRows, in its order, in one literal (one object shape for every row): a key
    // exposureRows leaves out is undefined here, and JSON.stringify leaves it out as well
    return {
      kind: e.kind,
      action: e.action,
      direction: e.direction,
      from: this.from,
      to: this.to,
      protocol: any ? 'any' : protocolName(r.p),
      ports: withPorts ? (this.ports ??= this.portList(e.ports)) : [],
      line: e.line,
      rule: e.rule,
      source_ports: withPorts && !e.sourcePorts.isAll() ? (this.sourcePorts ??= this.portList(e.sourcePorts)) : undefined,
      except_protocols: except?.length ? except : undefined,
      translated: e.translated ? translatedJson(e.translated) : undefined,
      filter: e.filter ? e.filter : undefined,
      text: e.text,
      from_zones: e.fromZones?.length ? e.fromZones : undefined,
      to_zones: e.toZones?.length ? e.toZones : undefined,
      interfaces: e.interfaces && (e.interfaces.in?.length || e.interfaces.out?.length) ? e.interfaces : undefined,
      from_sets: e.fromSets?.length ? e.fromSets : undefined,
      to_sets: e.toSets?.length ? e.toSets : undefined,
      notes: e.notes?.length ? e.notes : undefined,
      doubts: e.doubts?.length ? (this.doubts ??= e.doubts.map((d) => ({code: d.code, effect: d.effect, detail: d.detail, line: d.line, ...(d.file === undefined ? {} : {file: d.file})}))) : undefined,
      via: e.via?.length ? e.via : undefined,
      ingress: e.ingress ? (this.ingress ??= this.side(e.ingress)) : undefined,
      egress: e.egress ? (this.egress ??= this.side(e.egress)) : undefined,
      hook: e.hook ? e.hook : undefined,
      host_local: e.hostLocal ? true : undefined,
      device: e.device ? e.device : undefined,
      file: e.file && e.file !== this.omitFile ? e.file : undefined,
    }
  }

  private portList(ports: PortSet): string[] {
    let list = this.portLists.get(ports)
    if (list === undefined) this.portLists.set(ports, (list = ports.toStrings()))
    return list
  }

  private exceptOf(protocols: ProtocolSet): string[] {
    let except = this.excepts.get(protocols)
    if (except === undefined) this.excepts.set(protocols, (except = ProtocolSet.ALL.subtract(protocols).values().map(protocolName)))
    return except
  }

  private side(a: Attachment): Side {
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
