/**
 * `irm-audit diff` as a function: inventory + live configs → one report (DESIGN §6, §10). Reads files,
 * never prints, never exits; the command renders and sets the exit code.
 */
import {join, resolve} from 'node:path'

import {IrmError, isIrmError} from '../core/errors.js'
import {gateReport, type GateReport} from '../git/base-files.js'
import {loadInventory, type LoadedInventory} from '../inventory/load.js'
import {gateFiles, type GateFiles, IGNORE_FILE, POLICY_FILE} from '../policy/discover.js'
import {loadPolicy} from '../policy/pack.js'
import {applyBaseline, type Baseline, type FixedFinding, loadBaseline} from './baseline.js'
import {compareText} from './identity.js'
import {diffFindings, mergeFindings, rank, sharedFindings, sortFindings} from './engine.js'
import {type PathFindings, pathFindings, pathsWanted, reachBudget, reachSection} from '../paths/findings.js'
import {diffLive, type LiveSummary, summarize as liveSummary} from './live-diff.js'
import type {ReachReport} from '../paths/reach.js'
import {kindOf, type SummaryKey, zeroCounts} from './kinds.js'
import {diffInputFromInventory} from './inventory.js'
import {displayPath, liveRequests, loadLive, parseLiveFlag} from './live.js'
import type {DiffPolicy, Finding, Severity} from './model.js'
import type {InterfaceMapping} from './reach.js'
import {applySuppressions, parseSuppressions} from './suppress.js'
import type {TrustModel} from '../policy/trust.js'

export {IGNORE_FILE}

export interface DiffOptions {
  inventoryDir: string
  /** `--live` flags, `DEVICE=PATH[:type]`. */
  live?: string[]
  /** Suppression file; default `.irm-audit-ignore.yaml` at the git top level of the inventory (else beside it). */
  ignoreFile?: string
  baselineFile?: string
  /** YYYY-MM-DD. */
  asOf: string
  /** `--policy` packs, merged over the discovered `irm-audit.policy.yaml`. */
  policyFiles?: string[]
  /** Read the policy and suppression files at this git revision (default with a baseline: its revision). */
  policyFrom?: string
  /** An already merged policy's `diff:` section (prepare's --policy packs); wins over the policy files. */
  diffPolicy?: DiffPolicy
  /** The configuration files, when the caller already found them (prepare). */
  gate?: GateFiles
  /** Record the inventory's git commit in the report (`revision`), for the next run's --baseline. */
  recordRevision?: boolean
  /** Paths in the report are relative to this folder. */
  displayBase: string
  /** Devices parsed at once on worker threads (`--jobs`); default: the core count, for big configs. */
  jobs?: number
  /** Validation of the loaded inventory; returns its errors as `file:line: message` lines. */
  validate?: (loaded: LoadedInventory) => string[] | Promise<string[]>
  /** The inventory, already loaded and validated (prepare). */
  loaded?: LoadedInventory
  /** The run's trust model (prepare builds it once for every step); default: from the policy and the inventory. */
  trust?: TrustModel
  /** Build the report's `reach` section (default true; prepare reads only findings and devices). */
  reach?: boolean
  /** Exposures the reach section follows, at most (default MAX_REACH_EXPOSURES, src/paths/findings.ts). */
  reachLimit?: number
}

export interface DeviceStatus {
  id: string
  /** `manual`: audited by hand (devices[].audit); `no-config`: nothing to audit (no access point, no config). */
  status: 'audited' | 'unaudited' | 'manual' | 'no-config'
  file?: string
  type?: string
  exposures?: number
  unparsed?: number
  lines?: number
  understood?: number
  /** Interfaces and vendor zones the live rules are bound to, with the zone each maps to and how (inferred or not). */
  interfaces?: InterfaceMapping[]
}

/** A count per finding kind (its `summaryKey`, src/diff/kinds.ts), then totals. */
export interface DiffSummary extends Record<SummaryKey, number> {
  total: number
  suppressed: number
  by_severity: Record<Severity, number>
  new?: number
  fixed?: number
  /** Baseline findings on devices this run did not audit: neither fixed nor present. */
  not_rechecked?: number
}

export interface DiffReport {
  as_of: string
  inventory: string
  /** The git commit of the inventory, when asked for (the next run reads its gate from it). */
  revision?: string
  /** Policy packs merged, in order (the bundled default first); always set by runDiff. */
  policy?: string[]
  suppressions?: string
  baseline?: string
  /** What the pull request changes in its own gate (baseline mode with --policy-from). */
  gate?: GateReport
  summary: DiffSummary
  devices: DeviceStatus[]
  findings: Finding[]
  fixed?: FixedFinding[]
  not_rechecked?: FixedFinding[]
  /** What each untrusted zone reaches end to end across chained devices (src/paths, #20). */
  reach?: ReachReport
}

/** The inventory, loaded then validated by `validate` (its errors refuse the run, exit 2). */
export async function loadValidInventory(options: Pick<DiffOptions, 'inventoryDir' | 'displayBase' | 'validate'>): Promise<LoadedInventory> {
  const base = resolve(options.displayBase)
  const loaded = await loadInventory(options.inventoryDir, {displayBase: base})
  if (options.validate) {
    const errors = await options.validate(loaded)
    if (errors.length) {
      throw new IrmError('INVENTORY_INVALID', `the inventory does not validate (${errors.length} error(s)):\n  ${errors.slice(0, 50).join('\n  ')}`, {
        file: displayPath(loaded.dir, base),
        hint: 'Run `irm-audit validate` and fix the errors first.',
      })
    }
  }
  return loaded
}

export async function runDiff(options: DiffOptions): Promise<{report: DiffReport; loaded: LoadedInventory}> {
  const base = resolve(options.displayBase)
  const loaded = options.loaded ?? (await loadValidInventory(options))
  let baseline: Baseline | undefined
  let baselineShown: string | undefined
  if (options.baselineFile) {
    baselineShown = displayPath(resolve(options.baselineFile), base)
    baseline = await loadBaseline(options.baselineFile, baselineShown)
  }
  const gate = options.gate ?? (await gateFilesFor(options, baseline))
  let policy: DiffPolicy
  let policyNames: string[]
  if (options.diffPolicy) {
    policy = options.diffPolicy
    policyNames = ['policies/irm5-preparation.yaml', ...gate.policies.map((p) => p.display)]
  } else {
    const pack = await loadPolicy(gate.policies)
    policy = pack.diff
    policyNames = pack.sources
  }
  const devices = loaded.inventory.devices.map((d) => ({id: d.id, config: d.config, format: d.format}))
  const overrides = (options.live ?? []).map((flag) => parseLiveFlag(flag, devices, loaded.dir))
  const requests = liveRequests(devices, loaded.dir, overrides)
  const input = diffInputFromInventory(loaded, [], options.asOf, policy, options.trust)
  if (baseline) input.baseline = {audited: baseline.audited ?? [], internet: baseline.internet ?? []}
  const withReach = options.reach !== false
  const reach: {mappings?: Map<string, InterfaceMapping[]>} = {}
  let paths: PathFindings
  let summaries: LiveSummary[]
  if (!pathsWanted(input, false)) {
    // no finding needs the exposures: each device is diffed where it is parsed
    const {live: _none, ...context} = input
    const r = await diffLive(requests, loaded.dir, base, context, {jobs: options.jobs})
    summaries = r.summaries
    reach.mappings = r.mappings
    paths = {findings: mergeFindings([...r.findings, ...sharedFindings(input, new Set(requests.map((q) => q.device)))])}
    if (withReach) {
      // the reach section alone composes devices: only those within its budget are parsed again, here
      const budget = reachBudget(summaries.map((l) => ('error' in l ? {device: l.device, exposures: 0, audited: false} : {device: l.device, exposures: l.exposures, audited: !l.empty})), options.reachLimit)
      const live = await loadLive(requests.filter((q) => budget.devices.has(q.device)), loaded.dir, base, {jobs: options.jobs})
      paths.reach = reachSection({...input, live}, budget.truncated)
    }
  } else {
    input.live = await loadLive(requests, loaded.dir, base, {jobs: options.jobs})
    summaries = input.live.map(liveSummary)
    // end to end (#20): unwanted-path, and critical flows decided over their paths (superseding the per-device check)
    paths = pathFindings(input, diffFindings(input, reach), {report: withReach, reachLimit: options.reachLimit})
  }
  let findings = sortFindings(paths.findings)

  let suppressions: string | undefined
  if (gate.ignore) {
    suppressions = gate.ignore.display
    findings = applySuppressions(findings, parseSuppressions(gate.ignore.text, gate.ignore.display), options.asOf, policy.severity.rated['suppression-expired'])
  }
  let fixed: FixedFinding[] | undefined
  let notRechecked: FixedFinding[] | undefined
  if (baseline) {
    const audited = new Set(summaries.filter((l) => !('error' in l) && !l.empty).map((l) => l.device))
    const r = applyBaseline(findings, baseline, audited)
    findings = r.findings
    fixed = r.fixed
    notRechecked = r.notRechecked
  }
  findings.sort((a, b) => statusRank(a) - statusRank(b) || rank(a.severity) - rank(b.severity) || compareText(a.rule, b.rule) || compareText(a.id, b.id))
  let gateChanges: GateReport | undefined
  if (gate.policyFrom && gate.repo) {
    const ignore = gate.ignore?.path ?? join(gate.home, IGNORE_FILE)
    const files = [join(gate.home, POLICY_FILE), ...gate.policies.map((p) => p.path), ignore]
    gateChanges = await gateReport({repo: gate.repo, policyFrom: gate.policyFrom, files, ignore, displayBase: base})
  }
  const revision = options.recordRevision && gate.repo ? (await gate.repo.git.revparse(['HEAD']).catch(() => '')).trim() : ''
  const report: DiffReport = {
    as_of: options.asOf,
    inventory: displayPath(loaded.dir, base),
    ...(revision ? {revision} : {}),
    policy: policyNames,
    ...(suppressions ? {suppressions} : {}),
    ...(baselineShown ? {baseline: baselineShown} : {}),
    ...(gateChanges ? {gate: gateChanges} : {}),
    summary: summarize(findings, fixed, notRechecked),
    devices: deviceStatus(devices, summaries, findings, reach.mappings),
    findings,
    ...(fixed ? {fixed} : {}),
    ...(notRechecked ? {not_rechecked: notRechecked} : {}),
    ...(paths.reach ? {reach: paths.reach} : {}),
  }
  return {report, loaded}
}

/**
 * The configuration files a run uses, found as `runDiff` finds them (prepare calls this so that its
 * readiness policy, too, comes from the baseline's revision in a pull request).
 */
export async function gateFilesForRun(options: DiffOptions): Promise<GateFiles> {
  const baseline = options.baselineFile ? await loadBaseline(options.baselineFile, displayPath(resolve(options.baselineFile), resolve(options.displayBase))) : undefined
  return gateFilesFor(options, baseline)
}

/** The configuration files; in baseline mode read at the baseline's revision unless told otherwise. */
async function gateFilesFor(options: DiffOptions, baseline: Baseline | undefined): Promise<GateFiles> {
  const fromBaseline = !options.policyFrom && baseline?.revision
  const policyFrom = options.policyFrom ?? baseline?.revision
  try {
    return await gateFiles({inventoryDir: options.inventoryDir, policy: options.policyFiles, ignore: options.ignoreFile, policyFrom, displayBase: options.displayBase})
  } catch (e) {
    if (fromBaseline && isIrmError(e) && e.code === 'GIT' && !/dubious/.test(e.message)) {
      throw new IrmError('GIT', `the baseline was computed at commit ${policyFrom}, which this repository cannot read: ${e.message}`, {
        file: displayPath(resolve(options.baselineFile!), resolve(options.displayBase)),
        hint: 'Fetch the base branch with its history (actions/checkout fetch-depth: 0), or name the revision to read the policy and suppressions from: --policy-from REF.',
      })
    }
    throw e
  }
}

/** New findings first in baseline mode; suppressed ones last. */
function statusRank(f: Finding): number {
  return (f.suppressed ? 2 : 0) + (f.status === 'unchanged' ? 1 : 0)
}

function summarize(findings: Finding[], fixed?: FixedFinding[], notRechecked?: FixedFinding[]): DiffSummary {
  const s: DiffSummary = {
    ...zeroCounts(),
    total: 0,
    suppressed: 0,
    by_severity: {critical: 0, high: 0, medium: 0, low: 0, info: 0},
  }
  for (const f of findings) {
    if (f.suppressed) {
      s.suppressed++
      continue
    }
    s[kindOf(f.rule).summaryKey as SummaryKey]++
    s.total++
    s.by_severity[f.severity]++
  }
  if (fixed) {
    s.new = findings.filter((f) => !f.suppressed && f.status === 'new').length
    s.fixed = fixed.length
    s.not_rechecked = notRechecked?.length ?? 0
  }
  return s
}

function deviceStatus(devices: Array<{id: string; config?: string | readonly string[]}>, live: LiveSummary[], findings: Finding[], mappings?: Map<string, InterfaceMapping[]>): DeviceStatus[] {
  const unaudited = new Map(findings.filter((f) => f.rule === 'device-unaudited' && f.device).map((f) => [f.device!, f.severity === 'info' ? ('manual' as const) : ('unaudited' as const)]))
  const out: DeviceStatus[] = []
  for (const d of [...devices].sort((a, b) => compareText(a.id, b.id))) {
    const configs = live.filter((l) => l.device === d.id)
    if (configs.length === 0) out.push({id: d.id, status: unaudited.get(d.id) ?? 'no-config'})
    for (const l of configs) {
      if ('error' in l) out.push({id: d.id, status: unaudited.get(d.id) ?? 'unaudited', file: l.file})
      else {
        const status = l.empty ? (unaudited.get(d.id) ?? 'unaudited') : 'audited'
        const interfaces = mappings?.get(d.id)
        out.push({
          id: d.id, status, file: l.file, type: l.type, exposures: l.exposures, unparsed: l.unparsed, lines: l.stats.lines, understood: l.stats.understood,
          ...(interfaces?.length ? {interfaces} : {}),
        })
      }
    }
  }
  return out
}

/** Exit-code rule: any finding (not suppressed; in baseline mode, new) at or above `failOn`. */
export function failsAt(report: DiffReport, failOn: Severity | 'none'): boolean {
  return failingFindings(report, failOn).length > 0
}

export function failingFindings(report: DiffReport, failOn: Severity | 'none'): Finding[] {
  if (failOn === 'none') return []
  return report.findings.filter((f) => !f.suppressed && f.status !== 'unchanged' && rank(f.severity) <= rank(failOn))
}

/** The last line of a failing run: `2 findings at or above high (--fail-on high)`. */
export function failReason(report: DiffReport, failOn: Severity | 'none'): string | undefined {
  const n = failingFindings(report, failOn).length
  if (n === 0) return undefined
  return `${n} ${report.baseline ? 'new ' : ''}finding${n === 1 ? '' : 's'} at or above ${failOn} (--fail-on ${failOn})`
}
