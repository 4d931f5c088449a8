/**
 * `--format junit`: one test suite per finding rule, one failing test case per finding (suppressed
 * ones skipped), and a passing case when a rule has nothing to say, so CI dashboards show what was
 * checked. No timestamps: the output is byte-identical across runs.
 */
import type {DiffReport} from '../diff/run.js'
import {FINDING_KINDS} from '../diff/kinds.js'
import {where} from './diff-text.js'

function xml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // characters XML 1.0 cannot carry
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '')
}

export function renderDiffJunit(report: DiffReport): string {
  const suites: string[] = []
  let tests = 0
  let failures = 0
  let skipped = 0
  for (const rule of FINDING_KINDS) {
    const findings = report.findings.filter((f) => f.rule === rule.id)
    const cases: string[] = []
    let suiteFailures = 0
    let suiteSkipped = 0
    for (const f of findings) {
      const name = xml(f.id)
      const classname = xml(`irm-audit.${rule.id}${f.device ? `.${f.device}` : ''}`)
      if (f.suppressed) {
        suiteSkipped++
        cases.push(`    <testcase name="${name}" classname="${classname}"><skipped message="${xml(`suppressed until ${f.suppression?.expires}: ${f.suppression?.reason}`)}"/></testcase>`)
        continue
      }
      suiteFailures++
      cases.push(
        `    <testcase name="${name}" classname="${classname}" file="${xml(f.file ?? '')}"${f.line ? ` line="${f.line}"` : ''}>`,
        `      <failure type="${f.severity}" message="${xml(f.message)}">${xml(`${f.severity} ${f.rule} at ${where(f)}\n${f.message}`)}</failure>`,
        '    </testcase>',
      )
    }
    if (findings.length === 0) cases.push(`    <testcase name="${xml(`no ${rule.id}`)}" classname="irm-audit.${rule.id}"/>`)
    const count = Math.max(findings.length, 1)
    tests += count
    failures += suiteFailures
    skipped += suiteSkipped
    suites.push(`  <testsuite name="${rule.id}" tests="${count}" failures="${suiteFailures}" errors="0" skipped="${suiteSkipped}">`, ...cases, '  </testsuite>')
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="irm-audit diff" tests="${tests}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...suites,
    '</testsuites>',
  ].join('\n')
}
