/**
 * End-to-end findings of the diff (#20), from the zone graph: `unwanted-path` (a restricted or
 * management zone reached from the internet through a chain whose hops are not all approved by access
 * points, at the first unapproved hop) and `critical-flow-blocked` decided over every path of the flow
 * (it supersedes the per-device check wherever the flow has a path; the id keeps its grammar, the device
 * being the hop that blocks). Also the `reach` section of the diff report.
 */
import {byCodeUnit} from '../core/order.js'
import type {CriticalFlow, DiffInput, Finding} from '../diff/model.js'
import {isEmptyConfig} from '../diff/unaudited.js'
import {anyAddress} from '../diff/reach.js'
import {protocolNames, serviceText} from '../diff/services.js'
import {type Box, intersectBox, mergeBoxes, subtractBox} from '../net/match.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {hasPorts} from '../net/protocol.js'
import {pathJson, byFamily, hopJson} from './evaluate.js'
import type {HopJson, PathJson, Piece} from './model.js'
import {reachFrom, reachReport, type ReachReport, type ReachTruncated, untrustedZones} from './reach.js'
import {MAX_HOPS, PathSpace} from './space.js'
import {natZones} from './why.js'

const GUARDED: readonly string[] = ['restricted', 'management']

export interface PathFindings {
  findings: Finding[]
  /** Undefined when the caller does not want it (`report: false`). */
  reach?: ReachReport
}

/**
 * Exposures of the audited devices the diff's reach section follows, at most: whole devices in id order
 * while their exposures fit, the rest counted in `truncated`. The section lists every rule chain of every
 * path (about 2 KB of JSON per permit reached), and the walk and the report cost as much per chain: an
 * estate of 500 firewalls × 2,000 rules would write about 2 GB of JSON in minutes (bench/README.md).
 * `reach --from` follows every device; the findings (unwanted-path, critical flows) always do.
 */
export const MAX_REACH_EXPOSURES = 100_000

/** The devices the reach section follows (whole devices in id order within `limit` exposures), and what it leaves out. */
export function reachBudget(configs: ReadonlyArray<{device: string; exposures: number; audited: boolean}>, limit = MAX_REACH_EXPOSURES): {devices: Set<string>; truncated?: ReachTruncated} {
  const byDevice = new Map<string, {exposures: number; audited: boolean}>()
  for (const c of configs) {
    const d = byDevice.get(c.device) ?? {exposures: 0, audited: false}
    d.exposures += c.exposures
    d.audited ||= c.audited
    byDevice.set(c.device, d)
  }
  const devices = new Set<string>()
  let total = 0
  let truncated: ReachTruncated | undefined
  for (const [id, d] of [...byDevice].sort(([a], [b]) => byCodeUnit(a, b))) {
    if (!truncated && total + d.exposures <= limit) {
      total += d.exposures
      devices.add(id)
      continue
    }
    truncated ??= {limit, devices: 0, exposures: 0, first: id}
    if (d.audited) truncated.devices++
    truncated.exposures += d.exposures
  }
  return {devices, ...(truncated ? {truncated} : {})}
}

/** What reachBudget counts of a diff input's live configs. */
export function liveExposures(live: DiffInput['live']): Array<{device: string; exposures: number; audited: boolean}> {
  return live.map((l) => ('error' in l ? {device: l.device, exposures: 0, audited: false} : {device: l.device, exposures: l.exposures.length, audited: !isEmptyConfig(l)}))
}

/**
 * The diff's reach section alone: every untrusted zone walked through the devices of `input.live`
 * (those reachBudget keeps), with what the budget left out.
 */
export function reachSection(input: DiffInput, truncated?: ReachTruncated): ReachReport {
  const space = new PathSpace(input)
  const from = untrustedZones(space)
  return reachReport(space, from, from.flatMap((z) => reachFrom(space, z, {reportOnly: true})), truncated)
}

/**
 * The path findings of one diff input, and the per-device findings they supersede removed:
 * `critical-flow-blocked` of a flow that has a path in the zone graph is decided here.
 */
export function pathFindings(input: DiffInput, findings: Finding[], options: {report?: boolean; reachLimit?: number} = {}): PathFindings {
  const report = options.report !== false
  if (!pathsWanted(input, report)) return {findings}
  // the reach section follows the devices within its budget; when that is all of them, it is the walk
  // the findings read
  const budget = report ? reachBudget(liveExposures(input.live), options.reachLimit) : undefined
  const whole = report && !budget?.truncated
  // without the whole report the walk serves only unwanted-path: from the internet, when a zone is guarded
  const walk = whole || input.zones.some((z) => GUARDED.includes(z.trust))
  const space = new PathSpace(input)
  const from = untrustedZones(space)
  const reached = (whole ? from : walk ? from.filter((z) => space.zone(z)?.trust === 'internet') : []).flatMap((z) => reachFrom(space, z))
  const out: Finding[] = [...unwantedPaths(space, input, reached)]
  const decided = new Set<string>()
  for (const flow of input.flows) {
    const r = flowFindings(space, input, flow)
    if (!r) continue
    decided.add(flow.id)
    out.push(...r)
  }
  const kept = findings.filter((f) => !(f.rule === 'critical-flow-blocked' && f.flow && decided.has(f.flow)))
  // the reach report costs as much as the walk and grows with every rule that reaches a zone
  const reach = !report ? undefined : whole ? reachReport(space, from, reached) : reachSection({...input, live: input.live.filter((l) => budget!.devices.has(l.device))}, budget!.truncated)
  return {findings: [...kept, ...out], ...(reach ? {reach} : {})}
}

/**
 * Whether the path analysis has anything to decide: the reach section, unwanted-path (a guarded zone)
 * or a critical flow. Else pathFindings returns the findings as they are, and needs no exposure.
 */
export function pathsWanted(input: Pick<DiffInput, 'zones' | 'flows'>, report: boolean): boolean {
  return report || input.flows.length > 0 || input.zones.some((z) => GUARDED.includes(z.trust))
}

/** Access points of each device as boxes (one per service). */
function approvals(input: DiffInput): Map<string, Box[]> {
  const out = new Map<string, Box[]>()
  for (const ap of input.accessPoints) {
    const list = out.get(ap.device) ?? []
    for (const s of ap.services) list.push({from: ap.from, to: ap.to, protocols: s.protocols, ports: s.ports, sourcePorts: PortSet.ALL})
    out.set(ap.device, list)
  }
  return out
}

function covered(box: Box, cover: readonly Box[]): boolean {
  let rest = [box]
  for (const c of cover) {
    rest = rest.flatMap((r) => (intersectBox(r, c) ? subtractBox(r, c) : [r]))
    if (!rest.length) return true
  }
  return rest.length === 0
}

function unwantedPaths(space: PathSpace, input: DiffInput, reached: ReturnType<typeof reachFrom>): Finding[] {
  const aps = approvals(input)
  const severity = input.policy.severity.rated['unwanted-path']
  const byId = new Map<string, {finding: Finding; boxes: Box[]}>()
  for (const r of reached) {
    const start = space.zone(r.from)
    const end = r.zones[r.zones.length - 1]
    if (start?.trust !== 'internet' || !GUARDED.includes(space.zone(end)?.trust ?? '')) continue
    for (const p of r.pieces) {
      const hop = p.entered.findIndex((boxes, i) => !boxes.every((b) => covered(b, aps.get(r.devices[i]) ?? [])))
      if (hop < 0) continue
      const device = r.devices[hop]
      const rule = p.chain[hop]
      for (const proto of p.box.protocols.values().length <= 8 ? p.box.protocols.values() : [-1]) {
        const protocols = proto < 0 ? p.box.protocols : ProtocolSet.of(proto)
        const entered = p.entered[hop].map((b) => ({...b, protocols: b.protocols.intersect(protocols)})).filter((b) => !b.protocols.isEmpty())
        if (!entered.length) continue
        const ports = proto >= 0 && !hasPorts(proto) ? PortSet.ALL : entered.map((b) => b.ports).reduce((a, b) => a.union(b), PortSet.EMPTY)
        const service = serviceText(protocols, ports)
        const id = `unwanted-path:${device}:${proto < 0 ? 'any' : protocolNames(protocols)[0]}:${end}:${r.from}`
        const g = byId.get(id)
        if (g) {
          g.boxes.push(...entered)
          continue
        }
        byId.set(id, {
          boxes: [...entered],
          finding: {
            id,
            rule: 'unwanted-path',
            severity,
            device,
            access_point: null,
            reach: 'internet',
            service,
            file: rule.file,
            line: rule.line,
            message: `${end} (${space.zone(end)!.trust}) is reachable from ${r.from} through ${r.zones.join(' > ')} (${r.devices.join(' > ')}); the first hop no access point approves is ${device} ${rule.rule}`,
            suppressed: false,
          },
        })
      }
    }
  }
  return [...byId.values()]
    .map(({finding, boxes}) => {
      const merged = mergeBoxes(boxes)
      finding.service = serviceText(merged.map((b) => b.protocols).reduce((a, b) => a.union(b), ProtocolSet.EMPTY), merged.map((b) => b.ports).reduce((a, b) => a.union(b), PortSet.EMPTY))
      finding.excess = {boxes: merged.map((b) => ({from: space.label(b.from), to: b.to.toCidrs(), protocols: protocolNames(b.protocols), ports: b.ports.toStrings()}))}
      return finding
    })
    .sort((a, b) => byCodeUnit(a.id, b.id))
}

/**
 * A flow over every path from its source zones to its destination zones (through its `via` devices
 * when it names them): blocked when every path is blocked, partly blocked otherwise, one finding per
 * hop that blocks. Undefined when no path exists (the per-device check stands).
 */
function flowFindings(space: PathSpace, input: DiffInput, flow: CriticalFlow): Finding[] | undefined {
  const via = new Set(flow.via)
  const paths: PathJson[] = []
  /** Each path's denied traffic as boxes (the JSON names zones; a finding's excess holds CIDRs). */
  const raw = new Map<PathJson, Box[]>()
  // a flow to a published address ends where the NAT sends it, not in the zone of the public address
  const natted = natZones(space, flow.to)
  const targets = new Set(natted.length ? natted : flow.toZones.filter((z) => space.zone(z)))
  // `from: [any]` is a flow from anywhere outside: its paths start in the catch-all zone (internal zones
  // that happen to overlap "any" are not where such a flow comes from)
  const fromZones = anyAddress(flow.from) ? space.input.zones.filter((z) => z.catchAll).map((z) => z.id) : flow.fromZones
  for (const s of flow.services) {
    for (const from of fromZones) {
      const src = flow.from.intersect(space.addresses(from))
      if (src.isEmpty()) continue
      const start: Box = {from: src, to: flow.to, protocols: s.protocols, ports: s.ports, sourcePorts: PortSet.ALL}
      // the shortest paths only: routing is not read, and a longer zone path is one no route picks
      // while a shorter one exists (it would flag hops the flow never crosses)
      const found = flowPaths(space, from, targets, start, via)
      const fewest = Math.min(...found.map((p) => p.json.devices.length))
      for (const p of found) {
        if (p.json.devices.length !== fewest) continue
        paths.push(p.json)
        raw.set(p.json, p.denied)
      }
    }
  }
  if (!paths.length) return undefined
  const blocking = paths.filter((p) => p.verdict === 'deny' || p.verdict === 'partial' || (p.verdict === 'depends' && p.denied.length))
  if (!blocking.length) return []
  const everyPath = paths.every((p) => p.verdict === 'deny')
  const byDevice = new Map<string, PathJson[]>()
  for (const p of blocking) {
    const d = p.blocked_at ?? p.devices[p.devices.length - 1]
    byDevice.set(d, [...(byDevice.get(d) ?? []), p])
  }
  return [...byDevice]
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([device, list]) => {
      const denied = list.flatMap((p) => p.denied)
      const what = denied.map((t) => `${t.services.join(', ')} from ${t.from.join(', ')} to ${t.to.join(', ')}`).join('; ')
      const boxes = mergeBoxes(list.flatMap((p) => raw.get(p) ?? []))
      const where = [...new Set(list.map((p) => p.zones.join(' > ')))].join('; ')
      // the deny rule that decides at the blocking hop, where the parser records denies (as the per-device check)
      const decided = list
        .flatMap((p) => p.hops.filter((h) => h.device === device && h.deny && !h.deny.implicit))
        .flatMap((h) => (h.deny && !h.deny.implicit ? h.deny.rules : []))[0]
      const at = decided ? ` at ${decided.file ?? '?'}:${decided.line} (${decided.rule})` : ''
      return {
        id: `critical-flow-blocked:${device}:${flow.id}`,
        rule: 'critical-flow-blocked',
        severity: input.policy.severity.rated['critical-flow-blocked'],
        device,
        access_point: null,
        flow: flow.id,
        excess: {boxes: boxes.map((b) => ({from: b.from.toCidrs(), to: b.to.toCidrs(), protocols: protocolNames(b.protocols), ports: b.ports.toStrings()}))},
        file: decided?.file ?? flow.source.file,
        line: decided?.line ?? flow.source.line,
        ...(decided ? {inventory: flow.source} : {}),
        message:
          `critical flow ${flow.id}${flow.name ? ` (${flow.name})` : ''} is ${everyPath ? '' : 'partly '}blocked by ${device}${at} on ${list.length === 1 ? 'path' : 'paths'} ${where}: ` +
          `no live rule permits ${what}${everyPath ? ' (every path is blocked)' : ''}`,
        suppressed: false,
      } satisfies Finding
    })
}

/** Every path of a flow from one zone (depth-first, deciding at each hop; only `via` devices when named). */
function flowPaths(space: PathSpace, from: string, targets: Set<string>, start: Box, via: Set<string>): Array<{json: PathJson; denied: Box[]}> {
  const out: Array<{json: PathJson; denied: Box[]}> = []
  const walk = (zones: string[], devices: string[], hops: HopJson[], pieces: Piece[], denied: Box[]) => {
    const here = zones[zones.length - 1]
    for (const edge of space.edges(here)) {
      if (zones.includes(edge.to) || (via.size && !via.has(edge.device))) continue
      const d = space.devices.get(edge.device)!
      const r = d.decide(here, edge.to, pieces)
      const h = [...hops, hopJson(space, d, here, edge.to, r.passed, r.denied)]
      const z = [...zones, edge.to]
      const devs = [...devices, edge.device]
      const den = [...denied, ...r.denied.map((p) => p.origin)]
      if (targets.has(edge.to)) {
        const json = pathJson(space, {zones: z, devices: devs}, h, r.passed, den)
        if (json) out.push({json, denied: json.verdict === 'permit' ? [] : [...den, ...r.passed.filter((p) => p.box.to.intersect(space.addresses(edge.to)).isEmpty()).map((p) => p.origin)]})
        continue
      }
      if (!r.passed.length || devs.length >= MAX_HOPS || space.untrusted(edge.to) || !space.continues(edge)) continue
      walk(z, devs, h, r.passed, den)
    }
  }
  walk([from], [], [], byFamily(start).map((b) => ({box: b, origin: b, chain: [], entered: []})), [])
  return out
}

