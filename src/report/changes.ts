/** Renderers of `irm-audit changes`: text for a terminal, markdown for the PR comment. */
import type {ChangesReport, EntryChange, FieldChange} from '../git/changes.js'
import type {Paint} from './output.js'
import {renderJson} from './json.js'
import type {RendererTable} from './renderers.js'

const LABEL: Record<string, string> = {
  zones: 'Zones',
  devices: 'Devices',
  access_points: 'Access points',
  flows: 'Flows',
  sensors: 'Sensors',
  log_sources: 'Log sources',
  contacts: 'Contacts',
  procedures: 'Procedures',
  reviews: 'Reviews',
  trainings: 'Trainings',
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v)
  return s.length > 80 ? `${s.slice(0, 77)}…` : s
}

function fieldText(f: FieldChange): string {
  if (f.before === undefined) return `${f.field}: + ${short(f.after)}`
  if (f.after === undefined) return `${f.field}: − ${short(f.before)}`
  return `${f.field}: ${short(f.before)} → ${short(f.after)}`
}

function by(c: EntryChange): string {
  if (!c.commit) return ''
  if ('uncommitted' in c.commit) return 'working tree'
  return `${c.commit.hash.slice(0, 8)} ${c.commit.author}, ${c.commit.date.slice(0, 10)}`
}

function head(r: ChangesReport): string {
  const s = r.summary
  return `${s.added} added, ${s.modified} modified, ${s.removed} removed, ${s.renamed} renamed — ${r.base.rev} (${r.base.hash.slice(0, 8)}) → ${r.head.rev}${r.head.hash ? ` (${r.head.hash.slice(0, 8)})` : ''}`
}

export function renderChangesText(r: ChangesReport, p: Paint): string {
  const out = [p.bold(`Inventory changes in ${r.inventory}`), head(r)]
  let collection = ''
  for (const c of r.changes) {
    if (c.collection !== collection) {
      collection = c.collection
      out.push('', p.bold(LABEL[collection] ?? collection))
    }
    const sign = c.change === 'added' ? p.green('+') : c.change === 'removed' ? p.red('-') : p.yellow('~')
    const where = c.file ? ` ${p.dim(`${c.file}${c.line ? `:${c.line}` : ''}`)}` : ''
    const rename = c.previous_id ? ` (was ${c.previous_id})` : ''
    out.push(`  ${sign} ${c.id}${rename} ${c.change}${where}${by(c) ? `  [${by(c)}]` : ''}`)
    for (const f of c.fields ?? []) out.push(`      ${fieldText(f)}`)
  }
  if (r.changes.length === 0) out.push('', 'no semantic change')
  return out.join('\n')
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function renderChangesMarkdown(r: ChangesReport): string {
  const out = [`## Inventory changes`, '', head(r), '']
  if (r.changes.length === 0) return `${[...out, 'No semantic change to the inventory.'].join('\n')}\n`
  out.push('| | Collection | Id | Change | Where | Commit |', '| --- | --- | --- | --- | --- | --- |')
  const icon: Record<string, string> = {added: '🟢', removed: '🔴', modified: '🟡', renamed: '🔵'}
  for (const c of r.changes) {
    const details = c.fields?.length ? `<br>${c.fields.map((f) => md(fieldText(f))).join('<br>')}` : c.previous_id ? ` (was \`${c.previous_id}\`)` : ''
    out.push(`| ${icon[c.change]} | ${LABEL[c.collection] ?? c.collection} | \`${c.id}\` | ${c.change}${details} | ${c.file ? `\`${c.file}${c.line ? `:${c.line}` : ''}\`` : ''} | ${md(by(c))} |`)
  }
  return `${out.join('\n')}\n`
}

/** `changes --format`: the flag's options are this table's keys. */
export const CHANGES_RENDERERS = {
  text: (r, o) => renderChangesText(r, o.paint),
  json: (r) => renderJson(r),
  markdown: (r) => renderChangesMarkdown(r),
} satisfies RendererTable<ChangesReport>
