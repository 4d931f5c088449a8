/** Renderers of `irm-audit recert`: text, markdown (a checklist per owner). JSON is the report itself. */
import {plural} from '../core/plural.js'
import type {RecertItem, RecertReport} from '../recert/run.js'
import type {Paint} from './output.js'
import {renderJson} from './json.js'
import type {RendererTable} from './renderers.js'

const when = (i: RecertItem) => (i.state === 'overdue' ? `overdue ${-i.days}d (due ${i.due})` : `due ${i.due} (in ${i.days}d)`)
const rules = (i: RecertItem) => (i.rules.length ? i.rules.map((r) => `${r.file}:${r.line}`).join(', ') : i.device_audited ? 'no live rule' : 'device not audited')
const traffic = (i: RecertItem) => (i.traffic ? (i.traffic.hits ? `${plural(i.traffic.hits, 'hit')}, last seen ${i.traffic.last_seen}` : i.traffic.observed ? 'no matching traffic' : 'not seen by the flow logs') : '')

function header(r: RecertReport): string {
  const t = r.total
  return `${t.overdue} overdue · ${t.upcoming} due within ${r.window_days} days · ${t.decertify} proposed for decertification — as of ${r.as_of}, cadence ${r.cadence_days} days without review_by`
}

export function renderRecertText(r: RecertReport, p: Paint): string {
  const out = [p.bold(`Access point recertification — ${r.inventory}`), header(r)]
  if (r.traffic) out.push(`traffic: ${plural(r.traffic.records, 'record')} from ${r.traffic.files.join(', ')} (${r.traffic.from ?? '-'} … ${r.traffic.to ?? '-'})`)
  for (const o of r.owners) {
    out.push('', p.bold(`${o.owner}: ${o.overdue} overdue, ${o.upcoming} upcoming`))
    for (const i of o.items) {
      const tag = i.state === 'overdue' ? p.red('OVERDUE ') : p.yellow('UPCOMING')
      out.push(`  ${tag} ${i.id} (${i.device}, ${i.services.join(' ')}) ${when(i)} [${i.due_from}]`)
      out.push(`           ${i.file ? `${i.file}:${i.line}` : ''} · live: ${rules(i)}${i.traffic ? ` · ${traffic(i)}` : ''}`)
      out.push(`           ${i.proposal === 'decertify' ? p.red('propose: decertify') : 'propose: recertify'} — ${i.reason}`)
    }
  }
  if (!r.owners.length) out.push('', 'nothing due')
  return out.join('\n')
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function renderRecertMarkdown(r: RecertReport): string {
  const out = ['## Access point recertification', '', `${header(r)}.`, '']
  if (r.traffic) out.push(`Traffic evidence: ${plural(r.traffic.records, 'record')} from ${r.traffic.files.map((f) => `\`${f}\``).join(', ')} (${r.traffic.from ?? '-'} … ${r.traffic.to ?? '-'}).`, '')
  for (const o of r.owners) {
    out.push(`### ${md(o.owner)} — ${o.overdue} overdue, ${o.upcoming} upcoming`, '')
    for (const i of o.items) {
      const mark = i.state === 'overdue' ? '🔴 **overdue**' : '🟡 upcoming'
      out.push(`- [ ] \`${i.id}\` ${i.name ? `${md(i.name)} ` : ''}— ${mark}, ${when(i)} · \`${i.device}\` ${i.services.join(' ')}`)
      out.push(`  - inventory: ${i.file ? `\`${i.file}:${i.line}\`` : '—'}; live rule: ${i.rules.length ? i.rules.map((x) => `\`${x.file}:${x.line}\``).join(', ') : rules(i)}${i.traffic ? `; traffic: ${traffic(i)}` : ''}`)
      out.push(`  - proposal: **${i.proposal}** — ${md(i.reason)}`)
    }
    out.push('')
  }
  if (!r.owners.length) out.push('Nothing due.', '')
  return out.join('\n')
}

/** `recert --format`: the flag's options are this table's keys. */
export const RECERT_RENDERERS = {
  text: (r, o) => renderRecertText(r, o.paint),
  json: (r) => renderJson(r),
  markdown: (r) => renderRecertMarkdown(r),
} satisfies RendererTable<RecertReport>
