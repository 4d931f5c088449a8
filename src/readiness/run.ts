/**
 * `irm-audit prepare` as a function: validate + diff + git facts + every readiness check → one scored
 * report (DESIGN §7, §10). Reads files and git, never prints, never exits.
 */
import {resolve} from 'node:path'

import {displayPath} from '../diff/live.js'
import {gateFilesForRun, loadValidInventory, runDiff, type DiffReport} from '../diff/run.js'
import {blame, isRepo, latestIn, type LineCommit, openRepo, uncommitted} from '../git/repo.js'
import type {LoadedInventory} from '../inventory/load.js'
import {validateInventory} from '../inventory/validate.js'
import {runAccessLogs} from '../logs/access/run.js'
import {runTraffic} from '../logs/flows/run.js'
import {frameworkView, type FrameworkView, crosswalkOf} from '../report/crosswalk.js'
import {isoDay} from './dates.js'
import type {Crosswalk, FrameworkId} from './frameworks.js'
import {loadPolicy, type PolicyPack} from '../policy/pack.js'
import {TrustModel} from '../policy/trust.js'
import {CHECKS} from './registry.js'
import {scoreOf, type ScoreBreakdown, sectionScores} from './score.js'
import type {CheckContext, CheckStatus, DiffFacts, Evidence, GitFacts, IsolationFacts, LogFacts, Section, Severity} from './types.js'
import {isolateZone} from '../isolate/run.js'
import {byCodeUnit} from '../core/order.js'

export interface PrepareOptions {
  inventoryDir: string
  /** Devices parsed at once on worker threads (`--jobs`). */
  jobs?: number
  policyFiles?: string[]
  /** YYYY-MM-DD */
  asOf: string
  live?: string[]
  ignoreFile?: string
  /** Skip the live diff (the unwanted-access-point and critical-flow checks then warn). */
  noDiff?: boolean
  /** Skip git (the versioning check then warns). */
  noGit?: boolean
  displayBase: string
  /** Authentication logs for the rare-locations check (with optional --geo tables). */
  accessLogs?: string[]
  geo?: string[]
  /** Flow logs for the baseline check. */
  traffic?: string[]
  /** A previous `diff --format json` report: the live diff's findings are marked new or unchanged. */
  baselineFile?: string
  /** Present the results by the requirements of this framework; `pci` applies the `pci` retention profile unless a --policy file names one. */
  framework?: FrameworkId
}

export interface CheckResult {
  id: string
  item: string
  section: Section
  status: CheckStatus
  severity: Severity
  /** Framework requirement ids (built in, plus the policy's `crosswalk:`). */
  crosswalk: Crosswalk
  summary: string
  rationale: string
  remediation: string
  findings: Evidence[]
}

export interface PrepareReport {
  as_of: string
  inventory: string
  policy: {sources: string[]; retention_profile: string}
  /** The suppression file the live diff used. */
  suppressions?: string
  score: number
  passed: number
  failed: number
  warned: number
  not_applicable: number
  /** earned / possible per section: each applicable check weighs `scoring.weights[severity]`. */
  sections: Array<{section: Section; score: number; earned: number; possible: number}>
  /** How the score is computed: weights by severity, the credit of a warning, totals. */
  scoring: {weights: Record<Severity, number>; warn_credit: number; earned: number; possible: number}
  checks: CheckResult[]
  diff?: {summary: DiffReport['summary']; devices: DiffReport['devices']}
  /** With --framework: the results by requirement. */
  framework?: FrameworkView
}

async function gitFacts(loaded: LoadedInventory): Promise<GitFacts> {
  const repo = await openRepo(loaded.dir)
  if (!isRepo(repo)) return {available: false, reason: repo.reason}
  const blames = new Map<string, Array<LineCommit | undefined>>()
  for (const f of loaded.files) blames.set(f.absolute, await blame(repo, f.absolute))
  const changed = await uncommitted(repo, loaded.dir)
  return {
    available: true,
    shallow: repo.shallow,
    uncommitted: changed,
    lastChange(entry) {
      const origin = loaded.origin(entry)
      if (!origin?.node.range) return undefined
      const lines = blames.get(origin.file.absolute) ?? []
      const from = origin.file.lineCounter.linePos(origin.node.range[0]).line
      const to = origin.file.lineCounter.linePos(Math.max(origin.node.range[0], origin.node.range[1] - 1)).line
      return latestIn(lines, from, to)
    },
  }
}

function diffFacts(report: DiffReport): DiffFacts {
  return {
    available: true,
    findings: report.findings
      .filter((f) => !f.suppressed)
      .map((f) => ({id: f.id, rule: f.rule, severity: f.severity, message: f.message, device: f.device ?? undefined, file: f.file, line: f.line, flow: f.flow})),
    audited: report.devices.filter((d) => d.status === 'audited').map((d) => d.id),
    unaudited: report.devices.filter((d) => d.status === 'unaudited').map((d) => d.id),
  }
}

async function logFacts(options: PrepareOptions, loaded: LoadedInventory, trust: TrustModel): Promise<LogFacts> {
  const facts: LogFacts = {}
  if (options.accessLogs?.length) {
    const r = await runAccessLogs({inventoryDir: options.inventoryDir, files: options.accessLogs, geo: options.geo, displayBase: options.displayBase, year: Number(options.asOf.slice(0, 4)), loaded, trust})
    facts.rareLocations = {analysed: r.events.success, files: r.files.map((f) => f.file), findings: r.findings.map((f) => ({message: f.message, file: f.file, line: f.line}))}
  }
  if (options.traffic?.length) {
    const r = await runTraffic({inventoryDir: options.inventoryDir, files: options.traffic, displayBase: options.displayBase, loaded, trust})
    facts.traffic = {records: r.records, files: r.files.map((f) => f.file), findings: r.findings.map((f) => ({message: f.message, ...(f.file ? {file: f.file, line: f.line} : {})}))}
  }
  return facts
}

/** The isolate command's plan per zone (read from the inventory's configs once per zone). */
function isolationFacts(loaded: LoadedInventory): IsolationFacts {
  const cache = new Map<string, ReturnType<IsolationFacts>>()
  return (zone) => {
    let facts = cache.get(zone)
    if (!facts) {
      const plan = isolateZone({inventory: loaded.inventory, dir: loaded.dir, zone})
      const unsupported = plan.devices.filter((d) => d.status === 'unsupported').map((d) => ({device: d.device, reason: d.reason ?? 'unsupported'}))
      facts = {isolatable: plan.isolatable, devices: plan.devices.length, unsupported}
      cache.set(zone, facts)
    }
    return facts
  }
}

/** Every enabled check of the registry against the context, with the policy's switches applied. */
function runChecks(ctx: CheckContext, policy: PolicyPack): CheckResult[] {
  const checks: CheckResult[] = []
  for (const check of CHECKS) {
    const switches = policy.readiness.checks?.[check.id]
    if (check.deprecated || switches?.enabled === false) continue
    const out = check.run(ctx)
    const findings = [...out.findings].sort(
      (a, b) => byCodeUnit(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || byCodeUnit(a.message, b.message),
    )
    checks.push({
      id: check.id,
      item: check.item,
      section: check.section,
      status: out.status,
      severity: switches?.severity ?? check.severity,
      crosswalk: crosswalkOf(check.id, check.crosswalk, policy.crosswalk),
      summary: out.summary,
      rationale: check.rationale,
      remediation: check.remediation,
      findings,
    })
  }
  return checks
}

export interface PrepareRun {
  report: PrepareReport
  loaded: LoadedInventory
  policy: PolicyPack
  /** The live diff's report; undefined with --no-diff (no live config is read). */
  diff?: DiffReport
}

/**
 * The steps, in order: the gate's files and the policy → load the inventory → validate it → the trust
 * model → the live diff (unless --no-diff: then no live config is read) → git facts → log facts → the
 * checks → the scored report.
 */
export async function runPrepare(options: PrepareOptions): Promise<PrepareRun> {
  // irm-audit.policy.yaml at the git top level first, then each --policy (as diff does); with a baseline,
  // read at the baseline's revision, so a pull request cannot loosen its own gate
  const gate = await gateFilesForRun({
    inventoryDir: options.inventoryDir,
    policyFiles: options.policyFiles,
    ignoreFile: options.ignoreFile,
    baselineFile: options.baselineFile,
    asOf: options.asOf,
    displayBase: options.displayBase,
  })
  const policy = await loadPolicy(gate.policies, options.framework === 'pci' ? {defaults: {readiness: {retention_profile: 'pci'}}} : {})
  const asOf = new Date(`${options.asOf}T00:00:00Z`)
  const loaded = await loadValidInventory({
    inventoryDir: options.inventoryDir,
    displayBase: options.displayBase,
    validate: (l) =>
      validateInventory(l, {asOf})
        .filter((i) => i.severity === 'error')
        .map((i) => `${i.file}:${i.line}:${i.column}: ${i.message}`),
  })
  const trust = TrustModel.of(policy.diff, loaded.inventory)
  // the diff thresholds come from the same merged packs as the readiness ones
  const diffReport = options.noDiff
    ? undefined
    : (await runDiff({inventoryDir: options.inventoryDir, live: options.live, gate, baselineFile: options.baselineFile, asOf: options.asOf, displayBase: options.displayBase, jobs: options.jobs, diffPolicy: policy.diff, loaded, trust, reach: false})).report
  const diff: DiffFacts = diffReport ? diffFacts(diffReport) : {available: false, reason: 'disabled with --no-diff'}
  const git: GitFacts = options.noGit ? {available: false, reason: 'disabled with --no-git'} : await gitFacts(loaded)
  const logs = await logFacts(options, loaded, trust)
  const ctx: CheckContext = {inventory: loaded.inventory, trust, locate: (entry, field) => loaded.where(entry, field) ?? {}, policy: policy.readiness, asOf, git, diff, logs, isolation: isolationFacts(loaded)}
  const checks = runChecks(ctx, policy)

  const overall: ScoreBreakdown = scoreOf(checks, policy.scoring)
  const sections = Object.entries(sectionScores(checks, policy.scoring)).map(([section, s]) => ({section: section as Section, score: s.score, earned: s.earned, possible: s.possible}))
  const report: PrepareReport = {
    as_of: isoDay(asOf),
    inventory: displayPath(loaded.dir, resolve(options.displayBase)),
    policy: {sources: policy.sources, retention_profile: policy.readiness.retention_profile},
    ...(gate.ignore ? {suppressions: gate.ignore.display} : {}),
    score: overall.score,
    passed: checks.filter((c) => c.status === 'pass').length,
    failed: checks.filter((c) => c.status === 'fail').length,
    warned: checks.filter((c) => c.status === 'warn').length,
    not_applicable: checks.filter((c) => c.status === 'not-applicable').length,
    sections,
    scoring: {weights: {...policy.scoring.weights}, warn_credit: policy.scoring.warn_credit, earned: overall.earned, possible: overall.possible},
    checks,
    ...(diffReport ? {diff: {summary: diffReport.summary, devices: diffReport.devices}} : {}),
  }
  if (options.framework) report.framework = frameworkView(options.framework, checks, diffReport, policy)
  return {report, loaded, policy, diff: diffReport}
}

