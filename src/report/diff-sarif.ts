/**
 * `irm-audit diff --format sarif`: SARIF 2.1.0 for code scanning. One rule per finding type, results at
 * the config line or inventory entry, fingerprints from the stable finding ids, suppressions and
 * baseline state as SARIF says them; more than 25,000 results are split into several runs (GitHub's
 * per-run limit), each with its own category (`automationDetails.id`).
 */
import {createHash} from 'node:crypto'

import type {Log, Result, Run} from 'sarif'

import type {Finding, Severity} from '../diff/model.js'
import type {DiffReport} from '../diff/run.js'
import {crosswalkTags} from '../readiness/frameworks.js'
import {docPage, FINDING_KINDS} from '../diff/kinds.js'
import {packageRepository} from '../core/package-info.js'
import {buildSarif, type SarifFinding, type SarifLevel} from './sarif.js'

export const MAX_RESULTS_PER_RUN = 25_000

const LEVEL: Record<Severity, SarifLevel> = {critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note'}
/** GitHub code scanning reads `security-severity` (0–10) to rank alerts. */
const SECURITY_SEVERITY: Record<Severity, string> = {critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0'}

function fingerprint(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 32)
}

/**
 * `repository` is the web address of the project (package.json `repository.url`); each rule's helpUri
 * is its page docs/rules/<id>.md there. Without one, rules carry no helpUri.
 */
export function renderDiffSarif(report: DiffReport, version?: string, maxPerRun = MAX_RESULTS_PER_RUN, repository = packageRepository()): Log {
  const rules = FINDING_KINDS.map((r) => ({
    id: r.id,
    description: r.description,
    help: r.remediation,
    ...(repository ? {helpUri: `${repository}/blob/main/${docPage(r.id)}`} : {}),
    defaultLevel: LEVEL[r.defaultSeverity],
    properties: {'security-severity': SECURITY_SEVERITY[r.defaultSeverity], tags: ['security', 'network', 'irm5-preparation', ...crosswalkTags(r.frameworks)]},
  }))
  const toSarif = (f: Finding): SarifFinding => ({
    ruleId: f.rule,
    level: LEVEL[f.severity],
    message: f.message,
    file: f.file,
    line: f.line,
    logicalLocation: f.device ? `${f.device}${f.exposure ? `/${f.exposure.rule}` : ''}` : undefined,
    fingerprint: fingerprint(f.id),
    properties: {id: f.id, severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity], ...(f.access_point ? {access_point: f.access_point} : {})},
  })
  const chunks: Finding[][] = []
  for (let i = 0; i < report.findings.length; i += maxPerRun) chunks.push(report.findings.slice(i, i + maxPerRun))
  if (chunks.length === 0) chunks.push([])
  const tool = {name: 'irm-audit', informationUri: repository ?? 'https://github.com/irm-audit/irm-audit', ...(version ? {version} : {})}
  // a split run is one category per part: code scanning refuses two runs of one tool and category
  const runs: Run[] = chunks.map((chunk, i) => {
    const run = buildSarif({...tool, category: i === 0 ? 'irm-audit-diff' : `irm-audit-diff-part${i + 1}`}, rules, chunk.map(toSarif)).runs[0]
    run.results = (run.results ?? []).map((r, i) => decorate(r, chunk[i]))
    // the configuration this run used (discovered, or read at the baseline's revision)
    run.properties = {...run.properties, policy: report.policy ?? [], ...(report.suppressions ? {suppressions: report.suppressions} : {})}
    return run
  })
  if (report.fixed?.length) {
    const last = runs[runs.length - 1]
    for (const f of report.fixed) {
      last.results!.push({
        ruleId: f.rule,
        ruleIndex: FINDING_KINDS.findIndex((r) => r.id === f.rule),
        level: LEVEL[f.severity] ?? 'warning',
        message: {text: `fixed: ${f.message}`},
        baselineState: 'absent',
        partialFingerprints: {'irmAudit/v1': fingerprint(f.id)},
        properties: {id: f.id},
      })
    }
  }
  if (report.not_rechecked?.length) {
    // still open: code scanning must not close an alert because its device went unaudited
    const last = runs[runs.length - 1]
    for (const f of report.not_rechecked) {
      const unaudited = report.findings.find((x) => x.rule === 'device-unaudited' && x.device === f.device && x.file)
      last.results!.push({
        ruleId: f.rule,
        ruleIndex: FINDING_KINDS.findIndex((r) => r.id === f.rule),
        level: LEVEL[f.severity] ?? 'warning',
        message: {text: `not re-checked (${f.device} was not audited in this run): ${f.message}`},
        ...(unaudited ? {locations: [{physicalLocation: {artifactLocation: {uri: encodeURI(unaudited.file!)}, ...(unaudited.line ? {region: {startLine: unaudited.line}} : {})}}]} : {}),
        baselineState: 'unchanged',
        partialFingerprints: {'irmAudit/v1': fingerprint(f.id)},
        properties: {id: f.id},
      })
    }
  }
  return {$schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs}
}

function decorate(r: Result, f: Finding): Result {
  const related = [
    ...(f.inventory && f.inventory.file !== f.file ? [{file: f.inventory.file, line: f.inventory.line, text: `access point ${f.access_point ?? ''}`.trim()}] : []),
    ...(f.also ?? []).map((a) => ({file: a.file, line: a.line, text: 'same finding'})),
  ]
  if (related.length) {
    r.relatedLocations = related.map((l, i) => ({
      id: i + 1,
      physicalLocation: {artifactLocation: {uri: encodeURI(l.file)}, region: {startLine: l.line}},
      message: {text: l.text},
    }))
  }
  r.fingerprints = {'irmAuditId/v1': f.id}
  if (f.suppression) r.suppressions = [{kind: 'external', status: 'accepted', justification: `${f.suppression.reason} (until ${f.suppression.expires})`}]
  if (f.status) r.baselineState = f.status
  return r
}
