/** Renderers of `irm-audit traffic`: text, markdown (zone-pair matrix), sarif, junit. */
import type {TrafficFinding, TrafficReport} from '../logs/flows/analyze.js'
import type {Paint} from './output.js'
import {buildSarif, type SarifLevel} from './sarif.js'
import {plural} from '../core/plural.js'
import {renderJson} from './json.js'
import type {RendererTable} from './renderers.js'

const where = (f: {file?: string; line?: number}) => (f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : '')

function human(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let v = bytes
  let i = 0
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i]}`
}

export function renderTrafficText(r: TrafficReport, p: Paint): string {
  const out = [p.bold('irm-audit traffic'), `${r.records} flow records${r.window ? ` from ${r.window.from} to ${r.window.to} (${r.window.days} days)` : ''}`]
  for (const f of r.files) out.push(`  ${f.file} (${f.format}): ${f.records} records${f.skipped ? `, ${f.skipped} lines skipped` : ''}`)
  out.push('', p.bold('Zone pairs'))
  for (const z of r.zone_pairs) out.push(`  ${z.from} → ${z.to}: ${z.accepted}/${z.records} accepted, ${human(z.bytes)}${z.declared.length ? `  [${z.declared.join(', ')}]` : ''}`)
  out.push('')
  for (const f of r.findings) {
    const sev = f.severity === 'critical' || f.severity === 'high' ? p.red(f.severity.toUpperCase()) : p.yellow(f.severity.toUpperCase())
    out.push(`${sev} ${f.rule}${where(f) ? `  ${where(f)}` : ''}`, `  ${f.message}`, `  id: ${f.id}`)
  }
  out.push(`${plural(r.findings.length, 'finding')}`)
  return out.join('\n')
}

export function renderTrafficMarkdown(r: TrafficReport): string {
  const out = ['## Traffic against the baseline', '']
  out.push(`${r.records} flow records${r.window ? `, ${r.window.from.slice(0, 16)} → ${r.window.to.slice(0, 16)} (${r.window.days} days)` : ''}; ${plural(r.findings.length, 'finding')}.`, '')
  const zones = [...new Set(r.zone_pairs.flatMap((z) => [z.from, z.to]))].sort()
  if (zones.length) {
    out.push('### Zone-pair matrix (accepted sessions; rows: source, columns: destination)', '')
    out.push(`| from \\ to | ${zones.join(' | ')} |`, `| --- |${zones.map(() => ' ---: |').join('')}`)
    const undeclared = new Set(r.findings.filter((f) => f.zone_pair).map((f) => `${f.zone_pair!.from}>${f.zone_pair!.to}`))
    for (const a of zones) {
      const cells = zones.map((b) => {
        const z = r.zone_pairs.find((x) => x.from === a && x.to === b)
        if (!z || z.accepted === 0) return ''
        return undeclared.has(`${a}>${b}`) ? `**${z.accepted}** ⚠️` : String(z.accepted)
      })
      out.push(`| ${a} | ${cells.join(' | ')} |`)
    }
    out.push('', '⚠️ = no declared flow or access point links the pair.', '')
  }
  if (r.findings.length) {
    out.push('### Findings', '', '| Severity | Rule | Where | Finding |', '| --- | --- | --- | --- |')
    for (const f of r.findings) out.push(`| ${f.severity} | \`${f.rule}\` | ${where(f) ? `\`${where(f)}\`` : ''} | ${f.message.replace(/\|/g, '\\|')} |`)
  }
  return `${out.join('\n')}\n`
}

const LEVEL: Record<string, SarifLevel> = {critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note'}
const RULES: Record<TrafficFinding['rule'], string> = {
  'traffic-undeclared-zone-pair': 'Accepted traffic between zones that no declared flow or access point links',
  'critical-flow-silent': 'A business-critical flow has no traffic',
  'baseline-deviation': 'A flow is far from its declared baseline volume',
  'off-hours-activity': 'A flow is active outside its declared hours',
  'traffic-without-access-point': 'Accepted sessions from untrusted sources to a service no access point opens',
}

export function renderTrafficSarif(r: TrafficReport, version: string): string {
  const rules = Object.entries(RULES).map(([id, description]) => ({id, description}))
  const results = r.findings.map((f) => ({ruleId: f.rule, level: LEVEL[f.severity], message: f.message, file: f.file, line: f.line, fingerprint: f.id}))
  return JSON.stringify(buildSarif({name: 'irm-audit', version, informationUri: 'https://github.com/irm-audit/irm-audit', category: 'irm-audit-traffic'}, rules, results), null, 2)
}

/** `traffic --format`: the flag's options are this table's keys. */
export const TRAFFIC_RENDERERS = {
  text: (r, o) => renderTrafficText(r, o.paint),
  json: (r) => renderJson(r),
  markdown: (r) => renderTrafficMarkdown(r),
  sarif: (r, o) => renderTrafficSarif(r, o.version),
} satisfies RendererTable<TrafficReport>
