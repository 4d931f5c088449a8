/**
 * The parts of a diff report that are about the gate itself, shared by the text and Markdown renderers:
 * what the pull request changes in its policy, suppressions and workflows (listed first), the files
 * this run used, findings not re-checked, and warnings such as deprecated ids.
 */
import type {FixedFinding} from '../diff/baseline.js'
import type {DiffReport} from '../diff/run.js'

/** `main (1a2b3c4d5e6f)`, or the short commit alone when the revision is that commit. */
function revision(r: {rev: string; commit: string}): string {
  const short = r.commit.slice(0, 12)
  return r.rev === r.commit || r.commit.startsWith(r.rev) ? short : `${r.rev} (${short})`
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``
const md = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/([<>*_`[\]])/g, '\\$1').replace(/\n/g, ' ')

/** `policy: a, b; suppressions: c` (where the configuration of this run came from). */
export function filesLine(report: DiffReport): string {
  const parts = [`policy ${(report.policy ?? ['policies/irm5-preparation.yaml']).join(' + ')}`]
  parts.push(report.suppressions ? `suppressions ${report.suppressions}` : 'no suppression file')
  if (report.gate) parts.push(`read at ${revision(report.gate.policy_from)}`)
  return parts.join('; ')
}

/** Every deprecated-id (and other) warning, once. */
export function warningLines(report: DiffReport): string[] {
  const seen = new Set<string>()
  for (const f of report.findings) for (const w of f.warnings ?? []) seen.add(`${w.code}: ${w.message}`)
  return [...seen].sort()
}

export function gateMarkdown(report: DiffReport): string[] {
  const g = report.gate
  if (!g) return []
  const out = [`### Changes to the gate (${g.changes.length + g.new_suppressions.length})`, '']
  out.push(
    `Policy and suppressions are read as they are at ${code(revision(g.policy_from))}; the changes below take effect once merged. Review them first.`,
    '',
  )
  if (g.changes.length) {
    out.push('| File | Change | By |', '| --- | --- | --- |')
    for (const c of g.changes) out.push(`| ${code(c.file)} | ${c.change} | ${md(c.authors.join(', ') || '-')} |`)
    out.push('')
  }
  if (g.new_suppressions.length) {
    out.push(`**New suppressions (${g.new_suppressions.length})** — not applied in this run:`, '')
    for (const s of g.new_suppressions) out.push(`- ${code(s.key)} until ${s.expires} by ${md(s.author)} (${code(`${s.file}:${s.line}`)}): ${md(s.reason)}`)
    out.push('')
  }
  if (!g.changes.length && !g.new_suppressions.length) out.push('No change to the policy, the suppressions or the workflows.', '')
  return out
}

export function gateText(report: DiffReport): string[] {
  const g = report.gate
  if (!g || (!g.changes.length && !g.new_suppressions.length)) return []
  const out = [`Changes to the gate (read at ${revision(g.policy_from)}; they apply once merged):`]
  for (const c of g.changes) out.push(`  ${c.change} ${c.file} by ${c.authors.join(', ') || '-'}`)
  for (const s of g.new_suppressions) out.push(`  new suppression ${s.key} until ${s.expires} by ${s.author} (${s.file}:${s.line}): ${s.reason}`)
  out.push('')
  return out
}

export function notRecheckedMarkdown(list: FixedFinding[] | undefined): string[] {
  if (!list?.length) return []
  const out = [`### Not re-checked (${list.length})`, '', 'Their device was not audited in this run: they are neither fixed nor confirmed.', '']
  for (const f of list) out.push(`- ${f.severity} · ${f.rule} · ${code(f.id)}`)
  out.push('')
  return out
}

export function notRecheckedText(list: FixedFinding[] | undefined): string[] {
  if (!list?.length) return []
  return [`Not re-checked (device not audited in this run) (${list.length}):`, ...list.map((f) => `  ${f.severity.padEnd(8)} ${f.rule}  ${f.id}`), '']
}
