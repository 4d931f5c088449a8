/**
 * Traffic against the inventory (IRM #5: "identify the baseline traffic and flows"): flow records are
 * mapped to zones and aggregated per zone pair in one pass (memory bounded by zones and flows, not by
 * records), then compared with the declared flows and access points:
 * - traffic-undeclared-zone-pair: accepted traffic between two zones that no flow or access point covers;
 * - critical-flow-silent: a critical/high flow with no traffic in the window, where the logs see its ends;
 * - baseline-deviation: a flow's bytes/day or peak sessions/hour far from its baseline;
 * - off-hours-activity: a flow active outside its declared hours or days;
 * - traffic-without-access-point: accepted sessions from untrusted sources to a service no access point opens.
 */
import type {Inventory} from '../../inventory/model.js'
import {resolverFor, trafficBoxes} from '../../inventory/resolve.js'
import type {AddressSet} from '../../net/address-set.js'
import type {Box} from '../../net/match.js'
import {protocolName} from '../../net/protocol.js'
import type {TrustModel} from '../../policy/trust.js'
import {inHours, LocalClock, ZoneLocator} from '../zones.js'
import type {FlowRecord} from './types.js'
import {byCodeUnit} from '../../core/order.js'

import type {Severity} from '../../core/severity.js'

export type {Severity}

export interface TrafficPolicy {
  /** Observed/baseline ratio (either way) that counts as a deviation. */
  deviation_factor: number
  /** Share of a flow's sessions outside its hours/days that counts as off-hours activity. */
  off_hours_share: number
  /** Below this many days of data, volumes are not compared with baselines. */
  min_days: number
}

/** Distinct destination/service findings kept before they are grouped per zone. */
const MAX_UNCOVERED = 1000

export const DEFAULT_TRAFFIC_POLICY: TrafficPolicy = {deviation_factor: 3, off_hours_share: 0.05, min_days: 1}

export interface TrafficFinding {
  id: string
  rule: 'traffic-undeclared-zone-pair' | 'critical-flow-silent' | 'baseline-deviation' | 'off-hours-activity' | 'traffic-without-access-point'
  severity: Severity
  message: string
  flow?: string
  zone_pair?: {from: string; to: string}
  file?: string
  line?: number
  count?: number
}

export interface ZonePairStats {
  from: string
  to: string
  records: number
  accepted: number
  bytes: number
  /** Declared flows and access points linking the pair. */
  declared: string[]
}

export interface FlowStats {
  id: string
  sessions: number
  bytes: number
  bytes_per_day?: number
  peak_sessions_per_hour: number
  off_hours_sessions: number
}

export interface TrafficReport {
  files: Array<{file: string; format: string; records: number; skipped: number}>
  window?: {from: string; to: string; days: number}
  records: number
  zone_pairs: ZonePairStats[]
  flows: FlowStats[]
  findings: TrafficFinding[]
}

interface FlowState {
  id: string
  boxes: Box[]
  sessions: number
  bytes: number
  hours: Map<number, number>
  offHours: number
  activeHours?: string
  days?: readonly string[]
  firstFile?: string
  firstLine?: number
}

interface PairState {
  from: string
  to: string
  records: number
  accepted: number
  bytes: number
  flows: FlowState[]
  accessPoints: Box[]
  /** Accepted records that no flow and no access point covers. */
  undeclared: number
  firstFile?: string
  firstLine?: number
}

function contains(b: Box, r: FlowRecord): boolean {
  if (!b.protocols.has(r.protocol)) return false
  if ((r.protocol === 6 || r.protocol === 17) && !b.ports.has(r.dstPort)) return false
  return b.from.has(r.family, r.src) && b.to.has(r.family, r.dst)
}

export class TrafficAnalyzer {
  private readonly zones: ZoneLocator
  private readonly clock: LocalClock
  private readonly flows: FlowState[]
  private readonly apBoxes: Array<{id: string; boxes: Box[]}>
  private readonly pairs = new Map<string, Map<string, PairState>>()
  private readonly uncovered = new Map<string, {count: number; file: string; line: number; dst: string; service: string; from: string}>()
  /** Zones seen as source and as destination of accepted traffic: what the sensor can see. */
  private readonly seenFrom = new Set<string>()
  private readonly seenTo = new Set<string>()
  private first = Infinity
  private last = -Infinity
  records = 0
  private file = ''

  constructor(
    private readonly inventory: Inventory,
    trust: TrustModel,
    private readonly policy: TrafficPolicy = DEFAULT_TRAFFIC_POLICY,
  ) {
    this.zones = new ZoneLocator(inventory, trust)
    this.clock = new LocalClock(inventory.organization?.timezone)
    this.flows = inventory.flows.map((f) => ({
      id: f.id,
      boxes: trafficBoxes(inventory, f),
      sessions: 0,
      bytes: 0,
      hours: new Map(),
      offHours: 0,
      activeHours: f.baseline?.active_hours,
      days: f.baseline?.days,
    }))
    this.apBoxes = inventory.access_points.map((a) => ({id: a.id, boxes: trafficBoxes(inventory, a)}))
  }

  /** Records that follow come from this file (for finding locations). */
  setFile(file: string): void {
    this.file = file
  }

  private pair(from: string, to: string): PairState {
    let row = this.pairs.get(from)
    if (!row) {
      row = new Map()
      this.pairs.set(from, row)
    }
    let p = row.get(to)
    if (!p) {
      // the flows and access points that can concern this pair, found once per pair, not per record
      const r = resolverFor(this.inventory)
      const fromSet = r.addressOf(from)
      const toSet = r.addressOf(to)
      const touches = (b: Box) => (!fromSet || b.from.overlaps(fromSet)) && (!toSet || b.to.overlaps(toSet))
      p = {
        from,
        to,
        records: 0,
        accepted: 0,
        bytes: 0,
        flows: this.flows.filter((f) => f.boxes.some(touches)),
        accessPoints: this.apBoxes.flatMap((a) => a.boxes.filter(touches)),
        undeclared: 0,
      }
      row.set(to, p)
    }
    return p
  }

  add(r: FlowRecord): void {
    this.records++
    if (r.start > 0) {
      if (r.start < this.first) this.first = r.start
      if (r.start > this.last) this.last = r.start
    }
    const from = this.zones.zoneOf(r.family, r.src)
    const to = this.zones.zoneOf(r.family, r.dst)
    const p = this.pair(from, to)
    p.records++
    p.bytes += r.bytes
    if (!r.accepted) return
    p.accepted++
    this.seenFrom.add(from)
    this.seenTo.add(to)
    let matched = false
    for (const f of p.flows) {
      if (!f.boxes.some((b) => contains(b, r))) continue
      matched = true
      f.sessions++
      f.bytes += r.bytes
      const hourKey = Math.floor(r.start / 3_600_000)
      f.hours.set(hourKey, (f.hours.get(hourKey) ?? 0) + 1)
      const local = this.clock.at(r.start)
      if (!inHours(f.activeHours, local.hour) || (f.days && !f.days.includes(local.day))) {
        f.offHours++
        if (f.firstFile === undefined) {
          f.firstFile = this.file
          f.firstLine = r.line
        }
      }
    }
    if (matched || p.accessPoints.some((b) => contains(b, r))) return
    if (!this.zones.isUntrusted(from) || this.zones.isUntrusted(to)) {
      p.undeclared++
      if (p.firstFile === undefined) {
        p.firstFile = this.file
        p.firstLine = r.line
      }
    } else {
      const service = r.protocol === 6 || r.protocol === 17 ? `${protocolName(r.protocol)}/${r.dstPort}` : protocolName(r.protocol)
      // one finding per destination and service; past MAX_UNCOVERED of them, per destination zone (bounded memory)
      let key = `${r.dstText} ${service}`
      let dst = r.dstText
      if (!this.uncovered.has(key) && this.uncovered.size >= MAX_UNCOVERED) {
        dst = `zone ${to}`
        key = `${dst} ${service}`
      }
      const u = this.uncovered.get(key)
      if (u) u.count++
      else this.uncovered.set(key, {count: 1, file: this.file, line: r.line, dst, service, from})
    }
  }

  private observable(f: FlowState): boolean {
    const r = resolverFor(this.inventory)
    const zonesTouching = (pick: (b: Box) => AddressSet, seen: Set<string>) =>
      [...seen].some((z) => {
        const addrs = r.addressOf(z)
        return addrs !== undefined && f.boxes.some((b) => pick(b).overlaps(addrs) && (!addrs.isAny() || pick(b).isAny()))
      })
    return zonesTouching((b) => b.from, this.seenFrom) && zonesTouching((b) => b.to, this.seenTo)
  }

  report(files: TrafficReport['files']): TrafficReport {
    const findings: TrafficFinding[] = []
    const days = this.last >= this.first ? Math.max((this.last - this.first) / 86_400_000, 1 / 24) : 0
    const flowStats: FlowStats[] = []
    for (const f of this.flows) {
      const peak = Math.max(0, ...f.hours.values())
      const stats: FlowStats = {id: f.id, sessions: f.sessions, bytes: f.bytes, peak_sessions_per_hour: peak, off_hours_sessions: f.offHours}
      if (days > 0) stats.bytes_per_day = Math.round(f.bytes / Math.max(days, 1))
      flowStats.push(stats)
      const flow = this.inventory.flows.find((x) => x.id === f.id)!
      const critical = flow.criticality === 'critical' || flow.criticality === 'high'
      if (f.sessions === 0) {
        // a flow is silent only where the logs see traffic leaving its sources and reaching its destinations
        if (critical && this.observable(f)) {
          findings.push({id: `critical-flow-silent:${f.id}`, rule: 'critical-flow-silent', severity: 'high', flow: f.id, message: `critical flow ${f.id} (${flow.name}) has no traffic in the logs: broken, moved, or not logged`})
        }
        continue
      }
      const b = flow.baseline
      if (b && days >= this.policy.min_days) {
        const k = this.policy.deviation_factor
        const perDay = f.bytes / Math.max(days, 1)
        if (b.bytes_per_day && (perDay > b.bytes_per_day * k || perDay < b.bytes_per_day / k)) {
          findings.push({id: `baseline-deviation:${f.id}:bytes`, rule: 'baseline-deviation', severity: perDay > b.bytes_per_day * k ? 'high' : 'medium', flow: f.id, message: `flow ${f.id}: ${human(perDay)}/day observed, baseline ${human(b.bytes_per_day)}/day (×${(perDay / b.bytes_per_day).toFixed(2)})`})
        }
        // sessions are compared for surges only: a sensor that sees part of the path undercounts them
        if (b.sessions_per_hour && peak > b.sessions_per_hour * k) {
          findings.push({id: `baseline-deviation:${f.id}:sessions`, rule: 'baseline-deviation', severity: 'medium', flow: f.id, message: `flow ${f.id}: peak ${peak} sessions/hour observed, baseline ${b.sessions_per_hour} (×${(peak / b.sessions_per_hour).toFixed(2)})`})
        }
      }
      if (f.offHours > 0 && f.offHours / f.sessions >= this.policy.off_hours_share) {
        findings.push({id: `off-hours-activity:${f.id}`, rule: 'off-hours-activity', severity: 'medium', flow: f.id, file: f.firstFile, line: f.firstLine, count: f.offHours, message: `flow ${f.id}: ${f.offHours} of ${f.sessions} sessions outside ${f.activeHours ?? 'its hours'}${f.days ? ` (${f.days.join(',')})` : ''}`})
      }
    }
    const zonePairs: ZonePairStats[] = []
    for (const p of [...this.pairs.values()].flatMap((row) => [...row.values()])) {
      const declared = p.flows.map((f) => f.id)
      zonePairs.push({from: p.from, to: p.to, records: p.records, accepted: p.accepted, bytes: p.bytes, declared})
      if (p.from === p.to || p.undeclared === 0) continue
      if (this.zones.isUntrusted(p.from) && this.zones.isUntrusted(p.to)) continue
      findings.push({
        id: `traffic-undeclared-zone-pair:${p.from}>${p.to}`,
        rule: 'traffic-undeclared-zone-pair',
        severity: this.zones.isUntrusted(p.from) ? 'high' : 'medium',
        zone_pair: {from: p.from, to: p.to},
        file: p.firstFile,
        line: p.firstLine,
        count: p.undeclared,
        message: `${p.undeclared} accepted sessions from ${p.from} to ${p.to} that no declared flow or access point covers`,
      })
    }
    for (const u of this.uncovered.values()) {
      findings.push({
        id: `traffic-without-access-point:${u.dst}:${u.service}`,
        rule: 'traffic-without-access-point',
        severity: 'high',
        file: u.file,
        line: u.line,
        count: u.count,
        message: `${u.count} accepted sessions from ${u.from} to ${u.dst} ${u.service}: no access point opens it (inventory says closed)`,
      })
    }
    const rank: Record<Severity, number> = {critical: 0, high: 1, medium: 2, low: 3, info: 4}
    findings.sort((a, b) => rank[a.severity] - rank[b.severity] || byCodeUnit(a.id, b.id))
    zonePairs.sort((a, b) => byCodeUnit(a.from, b.from) || byCodeUnit(a.to, b.to))
    return {
      files,
      ...(days > 0 ? {window: {from: new Date(this.first).toISOString(), to: new Date(this.last).toISOString(), days: Math.round(days * 100) / 100}} : {}),
      records: this.records,
      zone_pairs: zonePairs,
      flows: flowStats,
      findings,
    }
  }
}

function human(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let v = bytes
  let i = 0
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i]}`
}
