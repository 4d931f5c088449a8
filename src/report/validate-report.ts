/** The `irm-audit validate` document (DESIGN §10) and its text, markdown and SARIF renderings. */
import type {Log} from 'sarif'

import type {ValidationIssue} from '../inventory/validate.js'
import {VALIDATION_RULES} from '../inventory/validate.js'
import type {Paint} from './output.js'
import {buildSarif, type SarifTool} from './sarif.js'
import {renderJson} from './json.js'
import type {RenderOptions, RendererTable} from './renderers.js'

export interface ValidateReport {
  valid: boolean
  /** Every finding, sorted by file, line, column. */
  errors: ValidationIssue[]
  /** Inventory files read, in load order. */
  files: string[]
}

export function validateReport(issues: ValidationIssue[], files: string[]): ValidateReport {
  return {valid: !issues.some((i) => i.severity === 'error'), errors: issues, files}
}

function byFile(issues: ValidationIssue[]): Map<string, ValidationIssue[]> {
  const groups = new Map<string, ValidationIssue[]>()
  for (const i of issues) {
    const list = groups.get(i.file) ?? []
    list.push(i)
    groups.set(i.file, list)
  }
  return groups
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** Grouped by file, `line:col  severity  rule  message  (path)`, one summary line at the end. */
export function renderValidateText(report: ValidateReport, paint: Paint): string {
  if (report.errors.length === 0) return `${paint.green('✔')} inventory is valid (${plural(report.files.length, 'file')})\n`
  const lines: string[] = []
  const groups = byFile(report.errors)
  for (const [file, issues] of groups) {
    lines.push(paint.bold(file))
    for (const i of issues) {
      const sev = i.severity === 'error' ? paint.red('error') : paint.yellow('warning')
      lines.push(`  ${`${i.line}:${i.column}`.padEnd(8)} ${sev}  ${i.rule.padEnd(26)} ${i.message} ${paint.dim(`(${i.path})`)}`)
    }
    lines.push('')
  }
  const errors = report.errors.filter((i) => i.severity === 'error').length
  const warnings = report.errors.length - errors
  const summary = `${plural(errors, 'error')}${warnings ? `, ${plural(warnings, 'warning')}` : ''} in ${plural(groups.size, 'file')}`
  lines.push(report.valid ? paint.yellow(`! ${summary}`) : paint.red(`✖ ${summary}`))
  return `${lines.join('\n')}\n`
}

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')
}

/** For a pull-request comment: a verdict, counts by rule, one table per file. */
export function renderValidateMarkdown(report: ValidateReport): string {
  const out: string[] = ['## irm-audit validate', '']
  if (report.errors.length === 0) {
    out.push(`:white_check_mark: The inventory is valid (${plural(report.files.length, 'file')}).`)
    return `${out.join('\n')}\n`
  }
  const groups = byFile(report.errors)
  out.push(`${report.valid ? ':warning:' : ':x:'} ${plural(report.errors.length, 'finding')} in ${plural(groups.size, 'file')}.`, '')
  const counts = new Map<string, number>()
  for (const i of report.errors) counts.set(i.rule, (counts.get(i.rule) ?? 0) + 1)
  out.push('| Rule | Findings | Checks that |', '| --- | ---: | --- |')
  for (const [rule, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    out.push(`| \`${rule}\` | ${n} | ${cell(VALIDATION_RULES[rule as keyof typeof VALIDATION_RULES] ?? '')} |`)
  }
  for (const [file, issues] of groups) {
    out.push('', `### \`${file}\``, '', '| Line | Severity | Rule | Message | Path |', '| ---: | --- | --- | --- | --- |')
    for (const i of issues) out.push(`| ${i.line}:${i.column} | ${i.severity} | \`${i.rule}\` | ${cell(i.message)} | \`${cell(i.path)}\` |`)
  }
  return `${out.join('\n')}\n`
}

export function renderValidateSarif(report: ValidateReport, tool: SarifTool): Log {
  const rules = Object.entries(VALIDATION_RULES).map(([id, description]) => ({id, description, defaultLevel: 'error' as const}))
  return buildSarif(
    {category: 'irm-audit-validate', ...tool},
    rules,
    report.errors.map((i) => ({
      ruleId: i.rule,
      level: i.severity,
      message: i.message,
      file: i.file,
      line: i.line,
      column: i.column,
      logicalLocation: i.path,
      fingerprint: `${i.rule}:${i.file}:${i.path}`,
    })),
  )
}

/** `validate --format`: the flag's options are this table's keys (SARIF names the tool: package name). */
export const VALIDATE_RENDERERS = {
  text: (r, o) => renderValidateText(r, o.paint),
  json: (r) => renderJson(r),
  sarif: (r, o) => JSON.stringify(renderValidateSarif(r, {name: o.name, version: o.version}), null, 2),
  markdown: (r) => renderValidateMarkdown(r),
} satisfies RendererTable<ValidateReport, RenderOptions & {name: string}>
