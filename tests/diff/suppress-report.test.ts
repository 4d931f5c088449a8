/** Suppressions, baseline, policy errors, SARIF splitting and JUnit, on small hand-made findings. */
import {describe, expect, it} from 'vitest'

import {applyBaseline} from '../../src/diff/baseline.js'
import {FINDING_RULES, zeroCounts} from '../../src/diff/kinds.js'
import type {Finding} from '../../src/diff/model.js'
import {diffPolicyFrom} from '../../src/policy/diff.js'
import type {DiffReport} from '../../src/diff/run.js'
import {applySuppressions, globToRegExp, parseSuppressions} from '../../src/diff/suppress.js'
import {renderDiffJunit} from '../../src/report/junit.js'
import {renderDiffSarif} from '../../src/report/diff-sarif.js'

const finding = (id: string, extra: Partial<Finding> = {}): Finding => ({
  id,
  rule: id.split(':')[0] as Finding['rule'],
  severity: 'high',
  device: 'fw',
  access_point: null,
  file: 'live/fw.rules',
  line: 3,
  message: `m ${id}`,
  suppressed: false,
  ...extra,
})

function report(findings: Finding[]): DiffReport {
  return {
    as_of: '2026-06-01',
    inventory: 'inventory',
    summary: {...zeroCounts(), total: findings.length, suppressed: 0, by_severity: {critical: 0, high: findings.length, medium: 0, low: 0, info: 0}},
    devices: [],
    findings,
  }
}

describe('suppressions', () => {
  it('parses entries with their line, and rejects an entry without reason or with both id and pattern', () => {
    const list = parseSuppressions('suppressions:\n  - id: a\n    reason: because\n    expires: 2026-12-31\n', '.irm-audit-ignore.yaml')
    expect(list).toEqual([{id: 'a', reason: 'because', expires: '2026-12-31', file: '.irm-audit-ignore.yaml', line: 2}])
    expect(() => parseSuppressions('suppressions:\n  - id: a\n    expires: 2026-12-31\n', 'x.yaml')).toThrow(/reason/)
    expect(() => parseSuppressions('suppressions:\n  - id: a\n    pattern: "a*"\n    reason: why not\n    expires: 2026-12-31\n', 'x.yaml')).toThrow()
    expect(() => parseSuppressions('suppressions:\n  - id: a\n    reason: why not\n    expires: soon\n', 'x.yaml')).toThrow(/format/)
    expect(() => parseSuppressions('suppressions: [\n', 'x.yaml')).toThrow(/YAML syntax/)
  })

  it('globs: * spans colons and slashes, ? is one character, the rest is literal', () => {
    expect(globToRegExp('unwanted-access-point:fw-*:tcp/33?9:*').test('unwanted-access-point:fw-1:tcp/3389:0.0.0.0/0')).toBe(true)
    expect(globToRegExp('stale-access-point:a.b').test('stale-access-point:aXb')).toBe(false)
  })

  it('suppresses until the expiry day inclusive, then reports the expiry instead', () => {
    const s = parseSuppressions('suppressions:\n  - pattern: "unwanted-access-point:*"\n    reason: accepted risk RSK-12\n    expires: 2026-06-01\n', 'ig.yaml')
    const f = [finding('unwanted-access-point:fw:tcp/22:any')]
    expect(applySuppressions(f, s, '2026-06-01', 'medium').map((x) => [x.rule, x.suppressed])).toEqual([['unwanted-access-point', true]])
    expect(applySuppressions(f, s, '2026-06-02', 'medium').map((x) => [x.rule, x.suppressed, x.line])).toEqual([
      ['unwanted-access-point', false, 3],
      ['suppression-expired', false, 2],
    ])
  })
})

describe('baseline', () => {
  it('marks new and unchanged, lists fixed by id', () => {
    const base = {file: 'b.json', findings: [{id: 'a:x', rule: 'unwanted-access-point' as const, severity: 'high' as const, device: 'fw', message: 'old'}, {id: 'b:y', rule: 'stale-access-point' as const, severity: 'low' as const, device: 'fw', message: 'gone'}]}
    const r = applyBaseline([finding('a:x'), finding('c:z')], base)
    expect(r.findings.map((f) => [f.id, f.status])).toEqual([['a:x', 'unchanged'], ['c:z', 'new']])
    expect(r.fixed.map((f) => f.id)).toEqual(['b:y'])
  })

  it('#18: a finding suppressed in the baseline and still there is unchanged, and never listed as fixed when gone', () => {
    const base = {file: 'b.json', findings: [], suppressed: ['a:x', 'b:y']}
    const r = applyBaseline([finding('a:x', {suppressed: true}), finding('c:z')], base)
    expect(r.findings.map((f) => [f.id, f.status])).toEqual([['a:x', 'unchanged'], ['c:z', 'new']])
    expect(r.fixed).toEqual([])
  })
})

describe('policy', () => {
  it('rejects an unknown severity with the JSON path', () => {
    expect(() => diffPolicyFrom({trusted_trust: ['internal'], sensitive_ports: [22], severity: {exposure: {internet: {all: 'huge'}}}}, 'p.yaml')).toThrow(/severity must be one of/)
    expect(() => diffPolicyFrom({trusted_trust: ['inside']}, 'p.yaml')).toThrow(/trusted_trust/)
  })
})

describe('SARIF and JUnit', () => {
  it('splits results into runs of at most N, each with every rule', () => {
    const many = Array.from({length: 5}, (_, i) => finding(`unwanted-access-point:fw:tcp/${i + 1}:any`))
    const log = renderDiffSarif(report(many), '1.0.0', 2)
    expect(log.runs.map((r) => r.results!.length)).toEqual([2, 2, 1])
    // every kind of the finding table in every run
    for (const run of log.runs) expect(run.tool.driver.rules!.map((r) => r.id)).toEqual(FINDING_RULES)
    expect(log.runs[2].results![0].fingerprints).toEqual({'irmAuditId/v1': 'unwanted-access-point:fw:tcp/5:any'})
    // #18: code scanning refuses two runs of one tool and category in an upload
    expect(log.runs.map((r) => r.automationDetails?.id)).toEqual(['irm-audit-diff/', 'irm-audit-diff-part2/', 'irm-audit-diff-part3/'])
  })

  it('marks suppressed findings as accepted suppressions, and baseline states', () => {
    const f = finding('stale-access-point:fw:ap-1', {suppressed: true, suppression: {reason: 'r', expires: '2026-12-31', file: 'ig.yaml', line: 2}, status: 'unchanged'})
    const result = renderDiffSarif(report([f])).runs[0].results![0]
    expect(result.suppressions).toEqual([{kind: 'external', status: 'accepted', justification: 'r (until 2026-12-31)'}])
    expect(result.baselineState).toBe('unchanged')
  })

  it('JUnit: a failing case per finding, a passing case per quiet rule, escaped text', () => {
    const xml = renderDiffJunit(report([finding('unwanted-access-point:fw:tcp/22:any', {message: 'a <b> & "c"'})]))
    expect(xml).toContain('<testsuite name="unwanted-access-point" tests="1" failures="1" errors="0" skipped="0">')
    expect(xml).toContain('message="a &lt;b&gt; &amp; &quot;c&quot;"')
    expect(xml).toContain('<testcase name="no stale-access-point" classname="irm-audit.stale-access-point"/>')
    // one case per finding plus one passing case per quiet kind of the finding table
    expect(xml).toMatch(new RegExp(`^<\\?xml version="1.0" encoding="UTF-8"\\?>\n<testsuites name="irm-audit diff" tests="${FINDING_RULES.length}" failures="1"`))
  })
})

describe('policy packs', () => {
  it('a user pack changes one severity and keeps the rest of the default diff section', async () => {
    const {mkdtempSync, writeFileSync, rmSync} = await import('node:fs')
    const {join} = await import('node:path')
    const {tmpdir} = await import('node:os')
    const {loadPolicy} = await import('../../src/policy/pack.js')
    const dir = mkdtempSync(join(tmpdir(), 'irm-policy-'))
    writeFileSync(join(dir, 'p.yaml'), 'diff:\n  severity:\n    stale-access-point: medium\n')
    const p = (await loadPolicy([join(dir, 'p.yaml')])).diff
    rmSync(dir, {recursive: true, force: true})
    expect(p.severity.rated['stale-access-point']).toBe('medium')
    expect(p.severity.exposure.internet.sensitive).toBe('critical')
    expect(p.sensitivePorts.has(3389)).toBe(true)
  })
})
