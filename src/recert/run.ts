/**
 * `irm-audit recert` as a function: the access points due for review within a window, per owner, each
 * with its evidence — the live rules that provide it and, with flow logs, whether traffic used it.
 * Due = `review_by` when set (an explicit decision), else the approval date + `recert.cadence_days`.
 */
import {relative, resolve, sep} from 'node:path'

import {IrmError} from '../core/errors.js'
import {accessPointProviders} from '../diff/engine.js'
import {diffInputFromInventory} from '../diff/inventory.js'
import {displayPath, liveRequests, loadLive, parseLiveFlag} from '../diff/live.js'
import {loadInventory} from '../inventory/load.js'
import {trafficBoxes} from '../inventory/resolve.js'
import {detectFlowFormat, readFlows} from '../logs/flows/read.js'
import {fieldsOption, splitFormat} from '../logs/flows/run.js'
import type {FlowRecord} from '../logs/flows/types.js'
import type {Box} from '../net/match.js'
import {loadPolicy} from '../policy/pack.js'

export interface RecertOptions {
  inventoryDir: string
  asOf: string
  /** Window: access points due within this many days of asOf (overdue ones always). */
  dueDays: number
  owner?: string
  live?: string[]
  traffic?: string[]
  policyFiles?: string[]
  displayBase: string
}

export interface RecertItem {
  id: string
  name?: string
  device: string
  services: string[]
  owner: string
  due: string
  /** `review_by`, or `cadence` (approval + recert.cadence_days), or `unapproved` (no approval date: due now). */
  due_from: 'review_by' | 'cadence' | 'unapproved'
  state: 'overdue' | 'upcoming'
  /** Days until due; negative when overdue. */
  days: number
  file?: string
  line?: number
  /** The live rules that provide it; empty when none does (stale) or the device was not audited. */
  rules: Array<{file: string; line: number; rule: string}>
  device_audited: boolean
  /**
   * With --traffic: accepted records that match it (destination before or after NAT). `observed` says
   * whether the logs saw any record between its sources and destinations (any service): logs that never see it prove nothing.
   */
  traffic?: {hits: number; last_seen: string | null; observed: boolean}
  /** Proposal: `decertify` when overdue and unused (no live rule, or no traffic in the logs). */
  proposal: 'recertify' | 'decertify'
  reason: string
}

export interface RecertReport {
  as_of: string
  inventory: string
  window_days: number
  cadence_days: number
  traffic?: {files: string[]; records: number; from: string | null; to: string | null}
  owners: Array<{owner: string; overdue: number; upcoming: number; items: RecertItem[]}>
  total: {overdue: number; upcoming: number; decertify: number}
}

const DAY = 86_400_000
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)

function contains(b: Box, r: FlowRecord): boolean {
  if (!b.protocols.has(r.protocol)) return false
  if ((r.protocol === 6 || r.protocol === 17) && !b.ports.has(r.dstPort)) return false
  return b.from.has(r.family, r.src) && b.to.has(r.family, r.dst)
}

export async function runRecert(options: RecertOptions): Promise<RecertReport> {
  const base = resolve(options.displayBase)
  const policy = await loadPolicy(options.policyFiles ?? [])
  const loaded = await loadInventory(options.inventoryDir, {displayBase: base})
  const inv = loaded.inventory
  const asOf = Date.parse(`${options.asOf}T00:00:00Z`)
  const cadence = policy.recert.cadence_days

  const devices = inv.devices.map((d) => ({id: d.id, config: d.config, format: d.format}))
  const overrides = (options.live ?? []).map((flag) => parseLiveFlag(flag, devices, loaded.dir))
  const live = await loadLive(liveRequests(devices, loaded.dir, overrides), loaded.dir, base)
  const audited = new Set(live.filter((l) => !('error' in l)).map((l) => l.device))
  const providers = accessPointProviders(diffInputFromInventory(loaded, live, options.asOf, policy.diff))

  const items: RecertItem[] = []
  for (const ap of inv.access_points) {
    const owner = ap.owner ?? '(no owner)'
    if (options.owner !== undefined && owner !== options.owner) continue
    let dueMs: number
    let dueFrom: RecertItem['due_from']
    if (ap.review_by) {
      dueMs = Date.parse(`${ap.review_by}T00:00:00Z`)
      dueFrom = 'review_by'
    } else if (ap.approved?.date) {
      dueMs = Date.parse(`${ap.approved.date}T00:00:00Z`) + cadence * DAY
      dueFrom = 'cadence'
    } else {
      dueMs = asOf
      dueFrom = 'unapproved'
    }
    const days = Math.round((dueMs - asOf) / DAY)
    if (days > options.dueDays) continue
    const seen = new Set<string>()
    const rules: RecertItem['rules'] = []
    for (const e of providers.get(ap.id) ?? []) {
      const key = `${e.file}:${e.line}`
      if (!e.file || seen.has(key)) continue
      seen.add(key)
      rules.push({file: e.file, line: e.line, rule: e.rule})
    }
    rules.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line))
    const where = loaded.where(ap)
    items.push({
      id: ap.id,
      ...(ap.name ? {name: ap.name} : {}),
      device: ap.device ?? '(no device)',
      services: [...ap.services],
      owner,
      due: day(dueMs),
      due_from: dueFrom,
      state: days < 0 ? 'overdue' : 'upcoming',
      days,
      ...(where?.file ? {file: where.file, line: where.line} : {}),
      rules,
      device_audited: ap.device !== undefined && audited.has(ap.device),
      proposal: 'recertify',
      reason: '',
    })
  }

  let traffic: RecertReport['traffic']
  if (options.traffic?.length) {
    // each access point's boxes, plus the same boxes with the inside address of the NAT rules that provide it
    const boxes = new Map<string, Box[]>()
    for (const item of items) {
      const ap = inv.access_points.find((a) => a.id === item.id)!
      const list = trafficBoxes(inv, ap)
      for (const e of providers.get(ap.id) ?? []) {
        if (e.kind === 'nat-forward' && e.translated?.to) for (const b of trafficBoxes(inv, ap)) list.push({...b, to: e.translated.to})
      }
      boxes.set(item.id, list)
    }
    const hits = new Map<string, {hits: number; last: number}>()
    const observed = new Set<string>()
    let records = 0
    let first = Infinity
    let last = -Infinity
    const files: string[] = []
    for (const arg of options.traffic) {
      const {path, format} = splitFormat(arg)
      const display = relative(base, resolve(path)).split(sep).join('/')
      // FILE:aws-vpc?fields=… names the field order of a headerless VPC log, as in `traffic`
      const own = format?.params.fields !== undefined ? fieldsOption(format.params.fields, arg) : {}
      const f = await detectFlowFormat(path, display, format?.name, own)
      files.push(display)
      await readFlows(path, display, f, (r) => {
        records++
        if (r.start < first) first = r.start
        if (r.start > last) last = r.start
        for (const [id, list] of boxes) {
          if (!observed.has(id) && list.some((b) => b.from.has(r.family, r.src) && b.to.has(r.family, r.dst))) observed.add(id)
          if (!r.accepted || !list.some((b) => contains(b, r))) continue
          const h = hits.get(id) ?? {hits: 0, last: -Infinity}
          h.hits++
          if (r.start > h.last) h.last = r.start
          hits.set(id, h)
        }
      }, own)
    }
    traffic = {files, records, from: records ? day(first) : null, to: records ? day(last) : null}
    for (const item of items) {
      const h = hits.get(item.id)
      item.traffic = {hits: h?.hits ?? 0, last_seen: h ? day(h.last) : null, observed: observed.has(item.id)}
    }
  }

  for (const item of items) {
    const unusedRule = item.device_audited && item.rules.length === 0
    const unusedTraffic = item.traffic !== undefined && item.traffic.observed && item.traffic.hits === 0
    if (item.state === 'overdue' && (unusedRule || unusedTraffic)) {
      item.proposal = 'decertify'
      item.reason = unusedRule ? `no live rule of ${item.device} provides it` : `the flow logs see traffic between its endpoints but none accepted on its services (${traffic!.from} … ${traffic!.to})`
    } else {
      item.reason = item.rules.length
        ? `provided by ${item.rules.length === 1 ? 'a live rule' : `${item.rules.length} live rules`}${item.traffic ? (item.traffic.observed ? `, ${item.traffic.hits} matching records` : ', not seen by the flow logs') : ''}`
        : item.device_audited
          ? `no live rule of ${item.device} provides it`
          : `${item.device} not audited: no live rule evidence`
    }
  }

  if (options.owner !== undefined && !inv.access_points.some((a) => (a.owner ?? '(no owner)') === options.owner)) {
    const owners = [...new Set(inv.access_points.map((a) => a.owner ?? '(no owner)'))].sort()
    throw new IrmError('USAGE', `no access point has owner '${options.owner}'`, {hint: `Owners in the inventory: ${owners.join(', ')}.`})
  }
  const byOwner = new Map<string, RecertItem[]>()
  for (const i of items) byOwner.set(i.owner, [...(byOwner.get(i.owner) ?? []), i])
  const owners = [...byOwner.keys()].sort().map((owner) => {
    const list = byOwner.get(owner)!.sort((a, b) => a.days - b.days || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    return {owner, overdue: list.filter((i) => i.state === 'overdue').length, upcoming: list.filter((i) => i.state === 'upcoming').length, items: list}
  })
  return {
    as_of: options.asOf,
    inventory: displayPath(loaded.dir, base),
    window_days: options.dueDays,
    cadence_days: cadence,
    ...(traffic ? {traffic} : {}),
    owners,
    total: {overdue: items.filter((i) => i.state === 'overdue').length, upcoming: items.filter((i) => i.state === 'upcoming').length, decertify: items.filter((i) => i.proposal === 'decertify').length},
  }
}

/** `30d`, `6w`, `30` → days. */
export function parseDue(text: string): number {
  const m = /^(\d+)\s*([dw]?)$/.exec(text.trim())
  if (!m) throw new IrmError('USAGE', `--due '${text}' is not a duration`, {hint: 'Write it as days or weeks, e.g. --due 30d or --due 6w.'})
  return Number(m[1]) * (m[2] === 'w' ? 7 : 1)
}
