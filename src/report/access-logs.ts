/** Renderers of `irm-audit access-logs`: text, markdown (with a Mermaid timeline of rare logins), sarif. */
import type {AccessFinding, AccessReport} from '../logs/access/analyze.js'
import type {Paint} from './output.js'
import {buildSarif, type SarifLevel} from './sarif.js'
import {plural} from '../core/plural.js'
import {renderJson} from './json.js'
import type {RendererTable} from './renderers.js'

export function renderAccessText(r: AccessReport, p: Paint): string {
  const out = [p.bold('irm-audit access-logs'), `${r.events.total} logins (${r.events.success} successful, ${r.events.failed} failed)${r.window ? ` from ${r.window.from} to ${r.window.to}; learning window until ${r.window.learning_until}` : ''}`]
  for (const f of r.files) out.push(`  ${f.file} (${f.format}): ${f.events} events${f.skipped ? `, ${f.skipped} lines skipped` : ''}`)
  out.push(`  locations: ${r.location.source ?? r.location.note}`)
  out.push('')
  for (const f of r.findings) {
    const sev = f.severity === 'high' || f.severity === 'critical' ? p.red(f.severity.toUpperCase()) : p.yellow(f.severity.toUpperCase())
    out.push(`${sev} ${f.rule}  ${f.file}:${f.line}  ${f.time}${f.count > 1 ? `  (×${f.count})` : ''}`, `  ${f.message}`, `  id: ${f.id}`)
  }
  out.push(`${plural(r.findings.length, 'finding')}`)
  return out.join('\n')
}

function timeline(findings: AccessFinding[]): string[] {
  const byDay = new Map<string, string[]>()
  for (const f of findings) {
    const day = f.time.slice(0, 10)
    const label = `${f.user} from ${f.source}${f.country ? ` (${f.country})` : ''}`.replace(/[:;#]/g, ' ')
    byDay.set(day, [...(byDay.get(day) ?? []), label])
  }
  const out = ['```mermaid', 'timeline', '    title Logins from rare locations']
  for (const [day, labels] of [...byDay].sort()) out.push(`    ${day} : ${[...new Set(labels)].join(' : ')}`)
  out.push('```')
  return out
}

export function renderAccessMarkdown(r: AccessReport): string {
  const out = ['## VPN and cloud access from rare locations', '']
  out.push(`${r.events.total} logins (${r.events.success} successful, ${r.events.failed} failed)${r.window ? `, ${r.window.from.slice(0, 10)} → ${r.window.to.slice(0, 10)}, learning window until ${r.window.learning_until.slice(0, 10)}` : ''}. Locations: ${r.location.source ?? r.location.note}.`, '')
  if (r.findings.length) {
    out.push(...timeline(r.findings), '')
    out.push('| Severity | Rule | User | Source | First seen | Count | Where |', '| --- | --- | --- | --- | --- | ---: | --- |')
    for (const f of r.findings) out.push(`| ${f.severity} | \`${f.rule}\` | ${f.user} | ${f.source}${f.country ? ` (${f.country})` : ''} | ${f.time.slice(0, 16).replace('T', ' ')} | ${f.count} | \`${f.file}:${f.line}\` |`)
  } else out.push('No login from a rare location.')
  return `${out.join('\n')}\n`
}

const LEVEL: Record<string, SarifLevel> = {critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note'}
const RULES: Record<AccessFinding['rule'], string> = {
  'new-source-network': 'Login from a network not seen in the learning window',
  'rare-country': 'Login from a country rare for the organisation',
  'rare-asn': 'Login from an autonomous system rare for the organisation',
  'new-country-for-user': "Login from a country new for this user",
  'impossible-travel': 'Two logins of one user too far apart for the time between',
  'unexpected-vpn-source': 'VPN login from outside the sources the inventory declares',
}

export function renderAccessSarif(r: AccessReport, version: string): string {
  const rules = Object.entries(RULES).map(([id, description]) => ({id, description}))
  const results = r.findings.map((f) => ({ruleId: f.rule, level: LEVEL[f.severity], message: f.message, file: f.file, line: f.line, fingerprint: f.id}))
  return JSON.stringify(buildSarif({name: 'irm-audit', version, informationUri: 'https://github.com/irm-audit/irm-audit', category: 'irm-audit-access-logs'}, rules, results), null, 2)
}

/** `access-logs --format`: the flag's options are this table's keys. */
export const ACCESS_RENDERERS = {
  text: (r, o) => renderAccessText(r, o.paint),
  json: (r) => renderJson(r),
  markdown: (r) => renderAccessMarkdown(r),
  sarif: (r, o) => renderAccessSarif(r, o.version),
} satisfies RendererTable<AccessReport>
