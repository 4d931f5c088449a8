/**
 * The diff run per device, where the device's config is parsed (a worker thread, or this one): the
 * engine's per-device share needs only that device's live configs (its access points, reach, NATs,
 * denies and the critical flows crossing it), so a device comes back as findings and a summary per
 * config instead of exposures. Used when nothing after the engine needs the exposures: no reach
 * section, no guarded zone (unwanted-path) and no critical flow (decided over paths) — those compose
 * permits across devices (src/paths). The report is the same bytes as the one-thread diff: findings
 * merge by id, and every id names its device (tests/diff/reach-section.test.ts, tests/diff/jobs.test.ts).
 */
import {availableParallelism} from 'node:os'
import {realpath} from 'node:fs/promises'
import {resolve} from 'node:path'

import {deviceFindings} from './engine.js'
import {configBytes, executes, type LiveRequest, loadOne, PARALLEL_MIN_BYTES} from './live.js'
import type {DiffInput, Finding, LiveConfig} from './model.js'
import type {InterfaceMapping} from './reach.js'
import {isEmptyConfig} from './unaudited.js'

/** What the report needs of one live config once its device is diffed. */
export type LiveSummary =
  | {device: string; file?: string; error: string; hint?: string}
  | {device: string; file: string; type: string; exposures: number; unparsed: number; stats: {lines: number; understood: number}; empty: boolean}

export interface DeviceDiff {
  /** One per request of the device, in request order. */
  summaries: LiveSummary[]
  findings: Finding[]
  mappings: Array<[string, InterfaceMapping[]]>
}

export interface LiveDiff {
  /** One per request, in request order. */
  summaries: LiveSummary[]
  /** Per-device findings, not yet merged (engine.ts mergeFindings). */
  findings: Finding[]
  mappings: Map<string, InterfaceMapping[]>
}

/** The diff input a device's share needs: everything but the live configs. */
export type DiffContext = Omit<DiffInput, 'live'>

export function summarize(l: LiveConfig): LiveSummary {
  if ('error' in l) return {device: l.device, file: l.file, error: l.error, ...(l.hint === undefined ? {} : {hint: l.hint})}
  return {device: l.device, file: l.file, type: l.type, exposures: l.exposures.length, unparsed: l.unparsed.length, stats: l.stats, empty: isEmptyConfig(l)}
}

/** One device's live configs → its findings and summaries (its exposures are dropped here). */
export function diffDevice(lives: LiveConfig[], context: DiffContext): DeviceDiff {
  const {findings, mappings} = deviceFindings({...context, live: lives})
  return {summaries: lives.map(summarize), findings, mappings}
}

/** Request indexes grouped by device, in order of first appearance. */
export function byDevice(requests: readonly LiveRequest[]): number[][] {
  const groups = new Map<string, number[]>()
  for (const [i, r] of requests.entries()) {
    const g = groups.get(r.device)
    if (g) g.push(i)
    else groups.set(r.device, [i])
  }
  return [...groups.values()]
}

/**
 * Parse and diff every device (`jobs` as loadLive: default the core count, for big configs). A `--live`
 * file that cannot be used is thrown as loadLive throws it: the first in request order.
 */
export async function diffLive(requests: readonly LiveRequest[], inventoryDir: string, displayBase: string, context: DiffContext, options: {jobs?: number} = {}): Promise<LiveDiff> {
  const root = resolve(inventoryDir)
  const realRoot = await realpath(root).catch(() => root)
  let jobs = Math.min(options.jobs ?? availableParallelism(), requests.length)
  if (options.jobs === undefined && jobs > 1 && (await configBytes(requests)) < PARALLEL_MIN_BYTES) jobs = 1
  const groups = byDevice(requests)
  const results = jobs > 1 ? await (await import('./live-pool.js')).diffLiveParallel(requests, groups, context, {root, realRoot, displayBase, jobs}) : await diffHere(requests, groups, context, {root, realRoot, displayBase})
  return collect(requests.length, groups, results)
}

/** A device's result, or the first error of its requests with the request's index. */
export type GroupResult = {diff: DeviceDiff} | {error: unknown; at: number}

/** Groups on this thread, one after the other (every device's exposures are dropped before the next). */
export async function diffHere(requests: readonly LiveRequest[], groups: readonly number[][], context: DiffContext, where: {root: string; realRoot: string; displayBase: string}): Promise<GroupResult[]> {
  const out: GroupResult[] = []
  for (const g of groups) out.push(await diffGroup(requests, g, context, where))
  return out
}

export async function diffGroup(requests: readonly LiveRequest[], group: readonly number[], context: DiffContext, where: {root: string; realRoot: string; displayBase: string}): Promise<GroupResult> {
  const lives: LiveConfig[] = []
  for (const i of group) {
    try {
      lives.push(await loadOne(requests[i], where.root, where.realRoot, where.displayBase))
    } catch (error) {
      return {error, at: i}
    }
  }
  return {diff: diffDevice(lives, context)}
}

/** The per-device results put back in request order; the first error in request order is thrown. */
function collect(n: number, groups: readonly number[][], results: readonly GroupResult[]): LiveDiff {
  const failed = results.flatMap((r) => ('error' in r ? [r] : [])).sort((a, b) => a.at - b.at)[0]
  if (failed) throw failed.error
  const summaries = new Array<LiveSummary>(n)
  const findings: Finding[] = []
  const mappings = new Map<string, InterfaceMapping[]>()
  for (const [k, g] of groups.entries()) {
    const {diff} = results[k] as {diff: DeviceDiff}
    g.forEach((i, j) => (summaries[i] = diff.summaries[j]))
    findings.push(...diff.findings)
    for (const [device, m] of diff.mappings) mappings.set(device, m)
  }
  return {summaries, findings, mappings}
}

/** The format runs user code: its device is diffed on this thread (live-pool.ts). */
export function runsHere(requests: readonly LiveRequest[], group: readonly number[]): boolean {
  return group.some((i) => {
    const t = requests[i].type
    return t !== undefined && executes(t)
  })
}
