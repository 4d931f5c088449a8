/** Renderers of `irm-audit isolate`: text and markdown (a crisis-cell checklist). JSON is the report itself. */
import {plural} from '../core/plural.js'
import type {AffectedEntry, DeviceIsolation, IsolationReport} from '../isolate/run.js'
import type {Paint} from './output.js'
import {renderJson} from './json.js'
import type {RendererTable} from './renderers.js'

const PROPOSAL = 'PROPOSAL ONLY: irm-audit never applies these rules. Review them, then apply them by hand, device by device.'

const via = (d: DeviceIsolation) =>
  d.via.length
    ? `via ${d.via.map((v) => `${v.interface ?? `zone ${v.vendor_zone}`} → ${v.zone}${v.exclusive ? '' : ' (shared)'}`).join(', ')}`
    : 'joins the zone (devices[].zones), no interface mapped'

const who = (e: AffectedEntry) => {
  if (!e.owner) return 'no owner'
  const c = e.contact
  if (!c) return `owner ${e.owner}`
  const channels = c.channels.map((ch) => `${ch.type} ${ch.value}`).join(', ')
  const onCall = c.on_call === undefined ? '' : c.on_call === true ? ', on call' : c.on_call === false ? '' : `, on call ${c.on_call}`
  return `owner ${e.owner} (${c.team ?? c.id}: ${channels}${onCall})`
}

const entryLine = (e: AffectedEntry) =>
  `${e.id}${e.criticality ? ` [${e.criticality}]` : ''}${e.name ? ` ${e.name}` : ''}: ${e.from.join(', ')} → ${e.to.join(', ')} ${e.services.join(' ')}${e.partly ? ' (partly)' : ''}`

function summary(r: IsolationReport): string {
  const withRules = r.devices.filter((d) => d.status === 'rules').length
  return `${plural(r.devices.length, 'device')} on the border, ${withRules} with rules${r.devices.length - withRules ? `, ${r.devices.length - withRules} the tool cannot isolate` : ''}; ${plural(r.kept.length, 'kept flow or access point', 'kept flows or access points')}, ${plural(r.cut.length, 'flow or access point', 'flows or access points')} cut`
}

export function renderIsolateText(r: IsolationReport, p: Paint): string {
  const z = r.zone
  const out = [
    p.bold(`Isolation of zone ${z.id}${z.name ? ` (${z.name})` : ''}, trust ${z.trust}: ${z.catch_all ? 'catch-all (no addresses)' : z.addresses.join(', ')}`),
    p.yellow(PROPOSAL),
    summary(r),
  ]
  if (!r.devices.length) out.push('', p.red('No device borders this zone (devices[].interfaces or devices[].zones): nothing to isolate it with.'))
  for (const d of r.devices) {
    out.push('', p.bold(`${d.device}${d.format ? ` (${d.format})` : ''}`) + ` ${via(d)}`)
    if (d.status === 'unsupported') {
      out.push(`  ${p.red('cannot be isolated by irm-audit')}: ${d.reason}`)
      continue
    }
    out.push(`  ${d.syntax}${d.config ? `, from ${d.config}` : ''}`, '  apply:', ...d.rules!.apply.map((l) => `    ${l}`), '  undo:', ...d.rules!.undo.map((l) => `    ${l}`))
    if (d.rules!.notes.length) out.push('  notes:', ...d.rules!.notes.map((n) => `    - ${n}`))
  }
  out.push('', p.bold(`Kept during the isolation (${r.kept.length})`))
  out.push(...(r.kept.length ? r.kept.map((e) => `  ${entryLine(e)} — ${who(e)}`) : ['  none: mark flows or access points with keep_during_isolation: true']))
  out.push('', p.bold(`Cut by the isolation (${r.cut.length}): tell these owners before applying`))
  out.push(...(r.cut.length ? r.cut.map((e) => `  ${e.kind === 'flow' ? 'flow' : 'access point'} ${entryLine(e)} — ${who(e)}`) : ['  none']))
  return out.join('\n')
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
const fence = (language: string) => (language === 'xml' ? 'xml' : language === 'shell' ? 'sh' : 'text')

export function renderIsolateMarkdown(r: IsolationReport): string {
  const z = r.zone
  const out = [
    `## Isolation of zone \`${z.id}\`${z.name ? ` — ${md(z.name)}` : ''}`,
    '',
    `Trust ${z.trust}; ${z.catch_all ? 'catch-all zone (no addresses)' : `addresses ${z.addresses.map((a) => `\`${a}\``).join(', ')}`}.`,
    '',
    `> **${PROPOSAL}**`,
    '',
    `${summary(r)}.`,
  ]
  out.push('', '### Cut by the isolation: tell these owners first', '')
  if (r.cut.length) {
    out.push('| | id | criticality | from → to | services | owner | contact |', '| --- | --- | --- | --- | --- | --- | --- |')
    for (const e of r.cut) {
      const c = e.contact ? `${md(e.contact.team ?? e.contact.id)}: ${e.contact.channels.map((ch) => md(`${ch.type} ${ch.value}`)).join(', ')}` : ''
      out.push(`| ${e.kind === 'flow' ? 'flow' : 'access point'} | \`${e.id}\`${e.partly ? ' (partly)' : ''} | ${e.criticality ?? ''} | ${md(e.from.join(', '))} → ${md(e.to.join(', '))} | ${e.services.join(' ')} | ${e.owner ?? ''} | ${c} |`)
    }
  } else out.push('Nothing declared in the inventory is cut.')
  out.push('', '### Kept during the isolation', '')
  out.push(...(r.kept.length ? r.kept.map((e) => `- \`${e.id}\` ${md(entryLine(e).slice(e.id.length + 1).trim())} — ${md(who(e))}`) : ['None: mark flows or access points with `keep_during_isolation: true`.']))
  for (const d of r.devices) {
    out.push('', `### \`${d.device}\`${d.format ? ` (${d.format})` : ''}`, '', `${md(via(d)).replace(/^./, (c) => c.toUpperCase())}.`, '')
    if (d.status === 'unsupported') {
      out.push(`**Cannot be isolated by irm-audit**: ${md(d.reason ?? '')}`)
      continue
    }
    out.push(`${md(d.syntax ?? '')}${d.config ? `, from \`${d.config}\`` : ''}.`, '', `- [ ] apply`, '', '```' + fence(d.rules!.language), ...d.rules!.apply, '```', '', '<details><summary>undo</summary>', '', '```' + (d.rules!.language === 'xml' ? 'text' : fence(d.rules!.language)), ...d.rules!.undo, '```', '', '</details>')
    if (d.rules!.notes.length) out.push('', ...d.rules!.notes.map((n) => `- ${md(n)}`))
  }
  return out.join('\n') + '\n'
}

/** `isolate --format`: the flag's options are this table's keys. */
export const ISOLATE_RENDERERS = {
  text: (r, o) => renderIsolateText(r, o.paint),
  json: (r) => renderJson(r),
  markdown: (r) => renderIsolateMarkdown(r),
} satisfies RendererTable<IsolationReport>
