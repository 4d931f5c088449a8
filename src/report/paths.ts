/** Text and Markdown of `why` and `reach --from` (the JSON is the report object itself). */
import type {HopJson, PathJson, RuleRefJson, TrafficJson} from '../paths/model.js'
import type {ReachReport} from '../paths/reach.js'
import type {WhyReport} from '../paths/why.js'
import {paint, type Paint} from './output.js'
import {renderJson} from './json.js'
import type {RendererTable} from './renderers.js'

const plain = paint(false)

const SHOWN = 4

function list(xs: string[]): string {
  return xs.length <= SHOWN ? xs.join(', ') : `${xs.slice(0, SHOWN).join(', ')}, … (${xs.length})`
}

export function trafficText(t: TrafficJson): string {
  return `${t.services.join(', ')} from ${list(t.from)} to ${list(t.to)}`
}

export function ruleText(r: RuleRefJson): string {
  const where = `${r.file ?? '?'}:${r.line}`
  const name = r.name && r.name !== r.rule ? ` ${r.rule} (${r.name})` : ` ${r.rule}`
  const nat = r.nat ? ` — NAT to ${[...(r.nat.to ?? []), ...(r.nat.ports ? [`port ${r.nat.ports.join(',')}`] : [])].join(' ')}` : ''
  const filter = r.filter ? ` (passed by ${r.filter.rule}, line ${r.filter.line})` : ''
  return `${where}${name}${nat}${filter}${r.text ? `: ${r.text}` : ''}`
}

function hopLines(h: HopJson, n: number, p: Paint): string[] {
  const out = [`  ${n}. ${p.bold(h.device)} (${h.from_zone} → ${h.to_zone}): ${verdictText(h.verdict, p)}`]
  for (const r of h.rules) out.push(`     permit ${ruleText(r)}`, `       passes ${trafficText(r.passes)}`)
  for (const d of h.denied ?? []) out.push(`     deny ${trafficText(d)}`)
  if (h.deny?.implicit) out.push(`       ${p.dim(h.deny.reason)}`)
  else if (h.deny) for (const r of h.deny.rules) out.push(`       decided by ${r.file ?? '?'}:${r.line} ${r.rule}`)
  for (const c of h.conditions ?? []) out.push(`     depends on ${c.kind}${c.code ? ` (${c.code})` : ''}: ${c.detail}`)
  return out
}

function verdictText(v: string, p: Paint): string {
  return v === 'permit' ? p.green(v) : v === 'deny' ? p.red(v) : p.yellow(v)
}

function pathLines(path: PathJson, n: number, p: Paint): string[] {
  const out = [`path ${n}: ${path.zones.join(' > ')} via ${path.devices.join(', ')} — ${verdictText(path.verdict, p)}${path.blocked_at ? ` (blocked at ${path.blocked_at})` : ''}`]
  path.hops.forEach((h, i) => out.push(...hopLines(h, i + 1, p)))
  if (path.hops.length < path.devices.length) out.push(`  (not followed past ${path.hops[path.hops.length - 1]?.device}: nothing passes)`)
  for (const t of path.permitted) out.push(`  permitted: ${trafficText(t)}`)
  for (const t of path.denied) out.push(`  denied: ${trafficText(t)}`)
  return out
}

/** A zone asked for by id is named; addresses are listed with the zones they fall in. */
function endpoint(asked: string, e: {addresses: string[]; zones: string[]}): string {
  if (e.zones.length === 1 && e.zones[0] === asked) return `zone ${asked}`
  return `${list(e.addresses)} (zones: ${e.zones.join(', ') || 'none'})`
}

export function renderWhyText(r: WhyReport, p: Paint = plain): string {
  const out = [
    `${p.bold('why')} ${r.query.source} → ${r.query.destination} ${r.query.service}: ${verdictText(r.verdict, p)}`,
    `source: ${endpoint(r.query.source, r.source)}; destination: ${endpoint(r.query.destination, r.destination)}`,
    p.dim(`note: ${r.note}`),
    '',
  ]
  if (!r.paths.length) out.push('no zone path joins them through an audited device: nothing permits this traffic')
  r.paths.forEach((path, i) => out.push(...pathLines(path, i + 1, p), ''))
  if (r.truncated) out.push('more paths exist than were followed (limit reached)')
  return out.join('\n').trimEnd() + '\n'
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function renderWhyMarkdown(r: WhyReport): string {
  const out = [`## why \`${r.query.source}\` → \`${r.query.destination}\` \`${r.query.service}\`: **${r.verdict}**`, '', `> ${r.note}`, '']
  if (!r.paths.length) out.push('No zone path joins them through an audited device: nothing permits this traffic.')
  r.paths.forEach((path, i) => {
    out.push(`### Path ${i + 1}: ${path.zones.map((z) => `\`${z}\``).join(' → ')} via ${path.devices.join(', ')} — **${path.verdict}**`, '', '| # | device | from → to | verdict | deciding rule | traffic |', '| --- | --- | --- | --- | --- | --- |')
    path.hops.forEach((h, n) => {
      const denyText = !h.deny ? '' : h.deny.implicit ? cell(h.deny.reason) : h.deny.rules.map((r) => `deny \`${r.file ?? '?'}:${r.line} ${cell(r.rule)}\``).join('<br>')
      const rules = [...h.rules.map((x) => `\`${cell(ruleText(x))}\``), ...(denyText ? [denyText] : [])].join('<br>')
      const traffic = [...h.rules.map((x) => `permit ${trafficText(x.passes)}`), ...(h.denied ?? []).map((d) => `deny ${trafficText(d)}`)].map(cell).join('<br>')
      const cond = (h.conditions ?? []).map((c) => `${c.kind}: ${cell(c.detail)}`).join('<br>')
      out.push(`| ${n + 1} | ${h.device} | ${h.from_zone} → ${h.to_zone} | ${h.verdict}${cond ? `<br>${cond}` : ''} | ${rules} | ${traffic} |`)
    })
    out.push('')
    for (const t of path.permitted) out.push(`- permitted: ${cell(trafficText(t))}`)
    for (const t of path.denied) out.push(`- denied: ${cell(trafficText(t))}`)
    out.push('')
  })
  return out.join('\n').trimEnd() + '\n'
}

export function renderReachText(r: ReachReport, p: Paint = plain): string {
  const out = [`${p.bold('reach')} from ${r.from.join(', ')}`, p.dim(`note: ${r.note}`), '']
  if (!r.paths.length) out.push('nothing of ours is reachable end to end')
  for (const z of r.zones) {
    out.push(`${p.bold(z.zone)} (${z.trust}): ${z.services.join(', ')} — ${z.paths} path${z.paths === 1 ? '' : 's'}`)
    for (const path of r.paths.filter((x) => x.to_zone === z.zone)) {
      out.push(`  ${path.zones.join(' > ')} via ${path.devices.join(' > ')}`)
      for (const c of path.chains) {
        for (const t of c.traffic) out.push(`    ${trafficText(t)}`)
        for (const rule of c.rules) out.push(`      ${rule.device} ${ruleText(rule)}`)
      }
    }
  }
  return out.join('\n').trimEnd() + '\n'
}

export function renderReachMarkdown(r: ReachReport): string {
  const out = [`## Reach from ${r.from.map((z) => `\`${z}\``).join(', ')}`, '', `> ${r.note}`, '']
  if (!r.paths.length) {
    out.push('Nothing of ours is reachable end to end.')
    return out.join('\n') + '\n'
  }
  out.push('| zone | trust | services | paths |', '| --- | --- | --- | --- |')
  for (const z of r.zones) out.push(`| ${z.zone} | ${z.trust} | ${cell(z.services.join(', '))} | ${z.paths} |`)
  out.push('', '| from | path | traffic | rule chain |', '| --- | --- | --- | --- |')
  for (const path of r.paths) {
    for (const c of path.chains) {
      out.push(`| ${path.from_zone} | ${path.zones.join(' → ')} | ${cell(c.traffic.map(trafficText).join('; '))} | ${cell(c.rules.map((x) => `${x.device} ${x.file ?? '?'}:${x.line} ${x.rule}`).join(' → '))} |`)
    }
  }
  return out.join('\n') + '\n'
}

/** `why --format`: the flag's options are this table's keys. */
export const WHY_RENDERERS = {
  text: (r, o) => renderWhyText(r, o.paint),
  json: (r) => renderJson(r),
  markdown: (r) => renderWhyMarkdown(r),
} satisfies RendererTable<WhyReport>

/** `reach --format`: the flag's options are this table's keys. */
export const REACH_RENDERERS = {
  text: (r, o) => renderReachText(r, o.paint),
  json: (r) => renderJson(r),
  markdown: (r) => renderReachMarkdown(r),
} satisfies RendererTable<ReachReport>
