/**
 * The finding table (src/diff/kinds.ts) is the one place a kind is declared: the report schema, the
 * default policy pack, the docs and the SARIF rules must say what it says.
 */
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {parse} from 'yaml'
import {describe, expect, it} from 'vitest'

import {repositoryWebUrl} from '../../src/core/package-info.js'
import {docPage, FINDING_KINDS, FINDING_RULES} from '../../src/diff/kinds.js'
import type {DiffReport} from '../../src/diff/run.js'
import {renderDiffSarif} from '../../src/report/diff-sarif.js'
import {summaryLine} from '../../src/report/diff-text.js'
import {diffSummaryMarkdown} from '../../src/report/diff-markdown.js'

const root = join(import.meta.dirname, '../..')
const json = (p: string) => JSON.parse(readFileSync(join(root, p), 'utf8'))
const reportSchema = json('schemas/report.schema.json')

const emptyReport = (counts: Record<string, number> = {}): DiffReport => {
  const summary = Object.fromEntries(FINDING_KINDS.map((k) => [k.summaryKey, counts[k.summaryKey] ?? 0]))
  const total = Object.values(summary).reduce((a, b) => a + b, 0)
  return {
    as_of: '2026-12-07',
    inventory: 'inventory',
    summary: {...summary, total, suppressed: 0, by_severity: {critical: 0, high: total, medium: 0, low: 0, info: 0}} as DiffReport['summary'],
    devices: [],
    findings: [],
  }
}

describe('finding table', () => {
  it('ids, summary keys and policy keys are unique (two kinds may share the exposure table)', () => {
    expect(new Set(FINDING_RULES).size).toBe(FINDING_KINDS.length)
    expect(new Set(FINDING_KINDS.map((k) => k.summaryKey)).size).toBe(FINDING_KINDS.length)
    const rated = FINDING_KINDS.filter((k) => k.policyKey !== 'exposure').map((k) => k.policyKey)
    expect(new Set(rated).size).toBe(rated.length)
  })

  it('the report schema enumerates exactly the table: finding.rule and the summary keys', () => {
    expect(reportSchema.$defs.finding.properties.rule.enum).toEqual(FINDING_RULES)
    // a baseline's fixed findings may come from another version: any rule
    expect(reportSchema.$defs.fixedFinding.properties.rule).toEqual({type: 'string'})
    const summary = reportSchema.$defs.diffReport.properties.summary.properties as Record<string, unknown>
    const totals = ['total', 'suppressed', 'by_severity', 'new', 'fixed', 'not_rechecked']
    expect(Object.keys(summary).filter((k) => !totals.includes(k))).toEqual(FINDING_KINDS.map((k) => k.summaryKey))
  })

  it('the policy schema rates exactly the kinds with their own policy key, and the default pack rates them as the table does', () => {
    const severity = json('schemas/policy.schema.json').properties.diff.properties.severity.properties as Record<string, unknown>
    const rated = FINDING_KINDS.filter((k) => k.policyKey !== 'exposure')
    expect(Object.keys(severity).sort()).toEqual(['exposure', ...rated.map((k) => k.policyKey)].sort())
    const pack = parse(readFileSync(join(root, 'policies/irm5-preparation.yaml'), 'utf8')) as {diff: {severity: Record<string, unknown>}}
    for (const [key, value] of Object.entries(pack.diff.severity)) {
      if (key === 'exposure') continue
      const kind = rated.find((k) => k.policyKey === key)
      expect(kind, `policies/irm5-preparation.yaml diff.severity.${key}`).toBeDefined()
      expect(value, key).toBe(kind!.defaultSeverity)
    }
  })

  it('every kind has its page docs/rules/<id>.md, headed by its id and title, naming its default severity and policy key', () => {
    for (const k of FINDING_KINDS) {
      const page = join(root, docPage(k.id))
      expect(existsSync(page), docPage(k.id)).toBe(true)
      const text = readFileSync(page, 'utf8')
      expect(text.split('\n')[0]).toBe(`# ${k.id}: ${k.title}`)
      expect(text).toContain(`| Default severity | \`${k.defaultSeverity}\``)
      expect(text).toContain(`| Policy key | \`diff.severity.${k.policyKey}\` |`)
      expect(text).toContain(`| Summary key | \`${k.summaryKey}\` |`)
    }
  })

  it('SARIF: one rule per kind in table order, default level from the default severity, helpUri to its page when the package names its repository', () => {
    const withRepo = renderDiffSarif(emptyReport(), '1.0.0', undefined, 'https://github.com/o/r').runs[0].tool.driver
    expect(withRepo.rules!.map((r) => r.id)).toEqual(FINDING_RULES)
    expect(withRepo.rules!.find((r) => r.id === 'stale-access-point')).toMatchObject({
      helpUri: 'https://github.com/o/r/blob/main/docs/rules/stale-access-point.md',
      defaultConfiguration: {level: 'note'},
      help: {text: 'Remove the access point from the inventory, or restore the rule if the service must work.'},
    })
    expect(withRepo.rules!.find((r) => r.id === 'critical-flow-blocked')!.defaultConfiguration).toEqual({level: 'error'})
    expect(withRepo.informationUri).toBe('https://github.com/o/r')
    const without = renderDiffSarif(emptyReport(), '1.0.0', undefined, '').runs[0].tool.driver
    expect(without.rules!.some((r) => 'helpUri' in r)).toBe(false)
    // the package's own repository, from package.json
    const own = renderDiffSarif(emptyReport()).runs[0].tool.driver.rules![0]
    expect(own.helpUri).toBe('https://github.com/irm-audit/irm-audit/blob/main/docs/rules/unwanted-access-point.md')
  })

  it('repository.url forms read as a web address', () => {
    expect(repositoryWebUrl({type: 'git', url: 'git+https://github.com/o/r.git'})).toBe('https://github.com/o/r')
    expect(repositoryWebUrl('github:o/r')).toBe('https://github.com/o/r')
    expect(repositoryWebUrl('o/r')).toBe('https://github.com/o/r')
    expect(repositoryWebUrl('git@gitlab.example.org:net/irm.git')).toBe('https://gitlab.example.org/net/irm')
    expect(repositoryWebUrl('git+ssh://git@github.com/o/r.git')).toBe('https://github.com/o/r')
    expect(repositoryWebUrl(undefined)).toBeUndefined()
    expect(repositoryWebUrl({type: 'git'})).toBeUndefined()
  })

  it('text summary: the five 0.1 kinds always, the others only when present, in table order', () => {
    expect(summaryLine(emptyReport())).toBe('0 findings: 0 unwanted, 0 drift, 0 stale, 0 critical flows blocked, 0 expired')
    expect(summaryLine(emptyReport({'interface-unmapped': 1, 'device-unaudited': 2}))).toBe(
      '3 findings (3 high): 0 unwanted, 0 drift, 0 stale, 0 critical flows blocked, 0 expired, 2 devices unaudited, 1 interface unmapped',
    )
  })

  it('markdown summary: one row per kind, in table order', () => {
    const rows = diffSummaryMarkdown(emptyReport({stale: 4})).filter((l) => /^\| [a-z-]+ \| \d+ \|$/.test(l))
    expect(rows).toEqual(FINDING_KINDS.map((k) => `| ${k.id} | ${k.summaryKey === 'stale' ? 4 : 0} |`))
  })
})
