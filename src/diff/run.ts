/**
 * `irm-audit diff` as a function: inventory + live configs → one report (DESIGN §6, §10). Reads files,
 * never prints, never exits; the command renders and sets the exit code.
 */
import {existsSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'

import {IrmError} from '../core/errors.js'
import {loadInventory, type LoadedInventory} from '../inventory/load.js'
import {applyBaseline, type FixedFinding, loadBaseline} from './baseline.js'
import {diffFindings, rank} from './engine.js'
import {diffInputFromInventory} from './inventory.js'
import {displayPath, liveRequests, loadLive, parseLiveFlag} from './live.js'
import type {DiffPolicy, Finding, LiveConfig, Severity} from './model.js'
import type {InterfaceMapping} from './reach.js'
import {loadDiffPolicy} from './policy.js'
import {applySuppressions, loadSuppressions} from './suppress.js'

export const IGNORE_FILE = '.irm-audit-ignore.yaml'

export interface DiffOptions {
  inventoryDir: string
  /** `--live` flags, `DEVICE=PATH[:type]`. */
  live?: string[]
  /** Suppression file; default `.irm-audit-ignore.yaml` beside the inventory folder, when present. */
  ignoreFile?: string
  baselineFile?: string
  /** YYYY-MM-DD. */
  asOf: string
  policyFile?: string
  /** An already merged policy's `diff:` section (prepare's --policy packs); wins over policyFile. */
  diffPolicy?: DiffPolicy
  /** Paths in the report are relative to this folder. */
  displayBase: string
  /** Validation of the loaded inventory; returns its errors as `file:line: message` lines. */
  validate?: (loaded: LoadedInventory) => string[] | Promise<string[]>
}

export interface DeviceStatus {
  id: string
  status: 'audited' | 'unaudited' | 'no-config'
  file?: string
  type?: string
  exposures?: number
  unparsed?: number
  lines?: number
  understood?: number
  /** Interfaces and vendor zones the live rules are bound to, with the zone each maps to and how (inferred or not). */
  interfaces?: InterfaceMapping[]
}

export interface DiffSummary {
  unwanted: number
  drift: number
  stale: number
  'critical-flow-blocked': number
  expired: number
  'device-unaudited': number
  'unaudited-rules': number
  'suppression-expired': number
  'interface-unmapped': number
  total: number
  suppressed: number
  by_severity: Record<Severity, number>
  new?: number
  fixed?: number
}

export interface DiffReport {
  as_of: string
  inventory: string
  suppressions?: string
  baseline?: string
  summary: DiffSummary
  devices: DeviceStatus[]
  findings: Finding[]
  fixed?: FixedFinding[]
}

const SUMMARY_KEY: Record<Finding['rule'], keyof DiffSummary> = {
  'unwanted-access-point': 'unwanted',
  'access-point-drift': 'drift',
  'stale-access-point': 'stale',
  'critical-flow-blocked': 'critical-flow-blocked',
  'access-point-expired': 'expired',
  'device-unaudited': 'device-unaudited',
  'unaudited-rules': 'unaudited-rules',
  'suppression-expired': 'suppression-expired',
  'interface-unmapped': 'interface-unmapped',
}

export async function runDiff(options: DiffOptions): Promise<{report: DiffReport; loaded: LoadedInventory}> {
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
  const policy = options.diffPolicy ?? loadDiffPolicy(options.policyFile, options.policyFile && displayPath(resolve(options.policyFile), base))
  const devices = loaded.inventory.devices.map((d) => ({id: d.id, config: d.config, format: d.format}))
  const overrides = (options.live ?? []).map((flag) => parseLiveFlag(flag, devices, loaded.dir))
  const live = await loadLive(liveRequests(devices, loaded.dir, overrides), loaded.dir, base)
  const reach: {mappings?: Map<string, InterfaceMapping[]>} = {}
  let findings = diffFindings(diffInputFromInventory(loaded, live, options.asOf, policy), reach)

  const ignorePath = options.ignoreFile ?? join(dirname(loaded.dir), IGNORE_FILE)
  let suppressions: string | undefined
  if (options.ignoreFile || existsSync(ignorePath)) {
    suppressions = displayPath(resolve(ignorePath), base)
    const list = await loadSuppressions(ignorePath, suppressions)
    findings = applySuppressions(findings, list, options.asOf, policy.severity.suppressionExpired)
  }
  let fixed: FixedFinding[] | undefined
  let baseline: string | undefined
  if (options.baselineFile) {
    baseline = displayPath(resolve(options.baselineFile), base)
    const r = applyBaseline(findings, await loadBaseline(options.baselineFile, baseline))
    findings = r.findings
    fixed = r.fixed
  }
  findings.sort((a, b) => statusRank(a) - statusRank(b) || rank(a.severity) - rank(b.severity) || a.rule.localeCompare(b.rule) || a.id.localeCompare(b.id))
  const report: DiffReport = {
    as_of: options.asOf,
    inventory: displayPath(loaded.dir, base),
    ...(suppressions ? {suppressions} : {}),
    ...(baseline ? {baseline} : {}),
    summary: summarize(findings, fixed),
    devices: deviceStatus(devices, live, reach.mappings),
    findings,
    ...(fixed ? {fixed} : {}),
  }
  return {report, loaded}
}

/** New findings first in baseline mode; suppressed ones last. */
function statusRank(f: Finding): number {
  return (f.suppressed ? 2 : 0) + (f.status === 'unchanged' ? 1 : 0)
}

function summarize(findings: Finding[], fixed?: FixedFinding[]): DiffSummary {
  const s: DiffSummary = {
    unwanted: 0,
    drift: 0,
    stale: 0,
    'critical-flow-blocked': 0,
    expired: 0,
    'device-unaudited': 0,
    'unaudited-rules': 0,
    'suppression-expired': 0,
    'interface-unmapped': 0,
    total: 0,
    suppressed: 0,
    by_severity: {critical: 0, high: 0, medium: 0, low: 0, info: 0},
  }
  for (const f of findings) {
    if (f.suppressed) {
      s.suppressed++
      continue
    }
    ;(s[SUMMARY_KEY[f.rule]] as number)++
    s.total++
    s.by_severity[f.severity]++
  }
  if (fixed) {
    s.new = findings.filter((f) => !f.suppressed && f.status === 'new').length
    s.fixed = fixed.length
  }
  return s
}

function deviceStatus(devices: Array<{id: string; config?: string}>, live: LiveConfig[], mappings?: Map<string, InterfaceMapping[]>): DeviceStatus[] {
  const out: DeviceStatus[] = []
  for (const d of [...devices].sort((a, b) => a.id.localeCompare(b.id))) {
    const configs = live.filter((l) => l.device === d.id)
    if (configs.length === 0) out.push({id: d.id, status: 'no-config'})
    for (const l of configs) {
      if ('error' in l) out.push({id: d.id, status: 'unaudited', file: l.file})
      else {
        const interfaces = mappings?.get(d.id)
        out.push({
          id: d.id, status: 'audited', file: l.file, type: l.type, exposures: l.exposures.length, unparsed: l.unparsed.length, lines: l.stats.lines, understood: l.stats.understood,
          ...(interfaces?.length ? {interfaces} : {}),
        })
      }
    }
  }
  return out
}

/** Exit-code rule: any finding (not suppressed; in baseline mode, new) at or above `failOn`. */
export function failsAt(report: DiffReport, failOn: Severity | 'none'): boolean {
  if (failOn === 'none') return false
  return report.findings.some((f) => !f.suppressed && f.status !== 'unchanged' && rank(f.severity) <= rank(failOn))
}
