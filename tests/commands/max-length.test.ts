/**
 * #18: the PR comment fits by design. The example's readiness report with a live diff of 200 findings
 * (20 of them new) rendered with --max-length: verdict, score and its breakdown first, new findings
 * next, then the others, a visible "N more findings in the artifact" line, one map.
 */
import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import type {Finding} from '../../src/diff/model.js'
import type {DiffReport} from '../../src/diff/run.js'
import {preparationGate} from '../../src/readiness/gate.js'
import {type PrepareReport, runPrepare} from '../../src/readiness/run.js'
import {renderDiffMarkdown} from '../../src/report/diff-markdown.js'
import {networkMap, renderMermaid} from '../../src/report/map.js'
import {renderPrepareMarkdown} from '../../src/report/prepare.js'
import {ROOT} from '../helpers/sources.js'

let report: PrepareReport
let diff: DiffReport
let map: string

/** 200 findings: five of the example's, each repeated on 40 ports; the first 20 are new. */
function twoHundred(base: DiffReport): DiffReport {
  const findings: Finding[] = []
  for (let port = 0; port < 40; port++) {
    for (const f of base.findings.slice(0, 5)) findings.push({...f, id: `${f.id}:p${port}`, message: `${f.message} (copy ${port})`, status: findings.length < 20 ? 'new' : 'unchanged'})
  }
  return {...base, findings, summary: {...base.summary, total: 200, new: 20, fixed: 0}}
}

beforeAll(async () => {
  const r = await runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: '2026-11-25', noGit: true, displayBase: ROOT})
  report = r.report
  diff = twoHundred(r.diff!)
  map = renderMermaid(networkMap(r.loaded.inventory, diff.findings))
})

describe('markdown --max-length', () => {
  it('without a limit, lists all 200 findings', () => {
    const md = renderPrepareMarkdown(report, map, {diff})
    expect(md.match(/^##### /gm)).toHaveLength(200)
    expect(md).not.toContain('more findings in the artifact')
  })

  for (const max of [65_000, 20_000]) {
    it(`fits ${max} characters: verdict, score, new findings, then the rest and the "more" line`, () => {
      const gate = preparationGate(report, {failUnder: 70, failOnNew: 'high'}, diff)
      expect(gate.fails).toBe(true)
      const md = renderPrepareMarkdown(report, map, {diff, gate, maxLength: max})
      expect(md.length).toBeLessThanOrEqual(max)
      const at = (s: string) => md.indexOf(s)
      expect(at(`## IRM #5 Preparation readiness: ${report.score}/100 · gate failed`)).toBe(0)
      expect(at('**Gate failed:**')).toBeGreaterThan(0)
      expect(at('| **Total** |')).toBeGreaterThan(at('**Gate failed:**'))
      expect(at('#### New findings (20)')).toBeGreaterThan(at('| **Total** |'))
      // new findings come before any unchanged one; at 65,000 all 20 fit, at 20,000 only new ones do
      const shown = md.match(/^##### \d+\. .*$/gm)!
      expect(shown.length).toBeGreaterThanOrEqual(max === 65_000 ? 21 : 10)
      expect(shown.slice(0, 20).every((h) => h.endsWith(' · new'))).toBe(true)
      const more = /> \*\*(\d+) more findings in the artifact\*\*/.exec(md)
      expect(more, 'the "more" line').not.toBeNull()
      expect(Number(more![1]) + shown.length).toBe(200)
      expect(at(more![0])).toBeGreaterThan(at(shown[shown.length - 1]))
      expect(md.match(/```mermaid/g) ?? []).toHaveLength(max === 65_000 ? 1 : 0)
      if (max === 20_000) expect(md).toContain('Network map left out to fit the comment')
    })
  }

  it('diff --format markdown honours it too', () => {
    const md = renderDiffMarkdown(diff, map, {maxLength: 10_000})
    expect(md.length).toBeLessThanOrEqual(10_000)
    expect(md).toMatch(/> \*\*\d+ more findings in the artifact\*\*/)
  })
})
