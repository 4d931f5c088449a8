/**
 * `--format html` for prepare and diff: one self-contained file (inline CSS and SVG, nothing fetched when
 * opened), readable on screen and printable. The network map is the grouped map model drawn as DOT and
 * laid out here by Graphviz compiled to WebAssembly (@viz-js/viz), so the file needs no script.
 */
import {dirname, relative, resolve, sep} from 'node:path'

import {instance} from '@viz-js/viz'

import type {DiffReport} from '../diff/run.js'
import {crosswalkLine, crosswalkTags, requirementLabel, sectionsLabel} from '../readiness/frameworks.js'
import type {PrepareReport} from '../readiness/run.js'
import {plural} from '../core/plural.js'
import {ruleCrosswalk} from './crosswalk.js'
import {FINDING_KINDS} from '../diff/kinds.js'
import {type NetworkMap, renderDot} from './map.js'

/** file, line → href (relative to the report, or under --link-base). */
export type Linker = (file: string, line?: number) => string

export interface HtmlOptions {
  link: Linker
  map?: NetworkMap
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** The map as inline SVG: DOT laid out by Graphviz (WASM); the DOCTYPE and comments dropped. */
export async function mapSvg(map: NetworkMap): Promise<string> {
  const viz = await instance()
  const svg = viz.renderString(renderDot(map), {format: 'svg', engine: 'dot'})
  return dropComments(svg.slice(svg.indexOf('<svg'))).trim()
}

/** `<!-- … -->` (and the newline after) removed by indexOf: a regex here is quadratic on an unclosed `<!--`. */
function dropComments(s: string): string {
  let out = ''
  let i = 0
  for (;;) {
    const a = s.indexOf('<!--', i)
    const b = a < 0 ? -1 : s.indexOf('-->', a + 4)
    if (b < 0) return out + s.slice(i)
    out += s.slice(i, a)
    i = b + 3
    if (s[i] === '\n') i++
  }
}

const CSS = `
:root{--fail:#b00020;--warn:#8a5a00;--pass:#1b6e20;--muted:#555;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;font-size:15px;color:#111;line-height:1.45}
body{margin:0 auto;max-width:1100px;padding:16px 24px}
h1{font-size:24px;margin:8px 0}h2{font-size:20px;margin:28px 0 8px;border-bottom:1px solid #ccc}h3{font-size:17px;margin:18px 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}th,td{border:1px solid #ccc;padding:4px 6px;text-align:left;vertical-align:top;font-size:14px}
th{background:#f2f2f2}td.num{text-align:right}
.pass{color:var(--pass);font-weight:600}.fail{color:var(--fail);font-weight:600}.warn{color:var(--warn);font-weight:600}.not-applicable,.not-covered{color:var(--muted);font-weight:600}
.score{font-size:40px;font-weight:700}.muted{color:var(--muted)}
ul.ev{margin:4px 0 4px 18px;padding:0}ul.ev li{font-size:14px}
code,a.loc{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:13px}
.map{overflow-x:auto;border:1px solid #ccc;padding:8px}.map svg{display:block}
@media print{body{max-width:none}.map{overflow:visible}a{color:inherit;text-decoration:none}h2{break-after:avoid}tr{break-inside:avoid}}
`

function loc(o: HtmlOptions, f: {file?: string; line?: number}): string {
  if (!f.file) return ''
  const text = `${f.file}${f.line ? `:${f.line}` : ''}`
  return `<a class="loc" href="${esc(o.link(f.file, f.line))}">${esc(text)}</a> `
}

function page(title: string, body: string[]): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS.trim()}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`
}

const status = (s: string) => `<span class="${esc(s)}">${esc(s === 'not-covered' ? 'not covered by this tool' : s)}</span>`

function findingsSection(diff: DiffReport | undefined, o: HtmlOptions): string[] {
  const out = ['<section id="findings">', '<h2>Findings of the live diff</h2>']
  if (!diff) return [...out, '<p class="muted">The live diff did not run (--no-diff).</p>', '</section>']
  const list = diff.findings.filter((f) => !f.suppressed)
  out.push(`<p>${plural(list.length, 'finding')}${diff.summary.suppressed ? `, ${diff.summary.suppressed} suppressed` : ''}.</p>`)
  if (list.length) {
    out.push('<table><thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>What</th></tr></thead><tbody>')
    for (const f of list) out.push(`<tr><td class="${f.severity === 'critical' || f.severity === 'high' ? 'fail' : 'warn'}">${esc(f.severity)}</td><td><code>${esc(f.rule)}</code></td><td>${loc(o, f)}</td><td>${esc(f.message)}</td></tr>`)
    out.push('</tbody></table>')
  }
  out.push('</section>')
  return out
}

function ruleCrosswalkRows(): string[] {
  return FINDING_KINDS.map((r) => `<tr><td><code>${esc(r.id)}</code></td><td>${esc(crosswalkLine(ruleCrosswalk(r.id)))}</td></tr>`)
}

async function mapSection(o: HtmlOptions): Promise<string[]> {
  if (!o.map) return ['<section id="map">', '<h2>Network map</h2>', '<p class="muted">No map.</p>', '</section>']
  return ['<section id="map">', '<h2>Network map</h2>', '<p class="muted">Zones grouped by site and trust; blue: access points, green: critical flows, red: blocked flows and findings.</p>', `<div class="map">${await mapSvg(o.map)}</div>`, '</section>']
}

export async function renderPrepareHtml(r: PrepareReport, diff: DiffReport | undefined, o: HtmlOptions): Promise<string> {
  const body: string[] = []
  body.push(`<header><h1>IRM #5 Preparation readiness — ${esc(r.inventory)}</h1><p class="muted">As of ${esc(r.as_of)} · policy ${esc(r.policy.sources.join(' + '))} · retention profile ${esc(r.policy.retention_profile)}</p></header>`)
  body.push('<section id="summary">', '<h2>Score</h2>', `<p><span class="score">${r.score}/100</span> — ${r.passed} passed · ${r.failed} failed · ${plural(r.warned, 'warning')} · ${r.not_applicable} not applicable</p>`)
  body.push('<table><thead><tr><th>Section</th><th>Earned</th><th>Possible</th><th>Score</th></tr></thead><tbody>')
  for (const s of r.sections) body.push(`<tr><td>${esc(s.section)}</td><td class="num">${s.earned}</td><td class="num">${s.possible}</td><td class="num">${s.score}</td></tr>`)
  body.push(`<tr><th>Total</th><th class="num">${r.scoring.earned}</th><th class="num">${r.scoring.possible}</th><th class="num">${r.score}</th></tr></tbody></table>`)
  const w = r.scoring.weights
  body.push(`<p class="muted">Each applicable check weighs by its severity (critical ${w.critical}, high ${w.high}, medium ${w.medium}, low ${w.low}, info ${w.info}); a pass earns its weight, a warning ${Math.round(r.scoring.warn_credit * 100)} % of it, a failure nothing.</p>`, '</section>')
  body.push('<section id="checks">', '<h2>Readiness checks</h2>')
  for (const s of r.sections) {
    body.push(`<h3>${esc(s.section)} — ${s.score}/100</h3>`, '<table><thead><tr><th>Result</th><th>Check</th><th>Evidence</th></tr></thead><tbody>')
    for (const c of r.checks.filter((x) => x.section === s.section)) {
      const ev = c.findings.slice(0, 50).map((f) => `<li>${loc(o, f)}${esc(f.message)}</li>`)
      if (c.findings.length > 50) ev.push(`<li>… ${c.findings.length - 50} more (JSON report)</li>`)
      body.push(
        `<tr id="check-${esc(c.id)}"><td>${status(c.status)}<br><span class="muted">${esc(c.severity)}</span></td><td><code>${esc(c.id)}</code><br>${esc(c.item)}</td>` +
          `<td>${esc(c.summary)}${ev.length ? `<ul class="ev">${ev.join('')}</ul>` : ''}${c.status === 'fail' ? `<p><b>Fix:</b> ${esc(c.remediation)}</p>` : ''}</td></tr>`,
      )
    }
    body.push('</tbody></table>')
  }
  body.push('</section>')
  body.push(...findingsSection(diff, o))
  body.push('<section id="crosswalk">', '<h2>Framework crosswalk</h2>')
  if (r.framework) {
    const v = r.framework
    body.push(`<h3 id="framework">${esc(v.name)} by requirement (sections ${esc(sectionsLabel(v.id))})</h3>`, '<table><thead><tr><th>Requirement</th><th>Result</th><th>Evidence</th></tr></thead><tbody>')
    for (const q of v.requirements) {
      const ev = [
        ...(q.weaker ? [`<li class="warn">weaker than the requirement: ${esc(q.weaker)}</li>`] : []),
        ...q.checks.map((c) => `<li><a href="#check-${esc(c.id)}"><code>${esc(c.id)}</code></a> ${status(c.status)}: ${esc(c.summary)}</li>`),
        ...q.findings.slice(0, 10).map((f) => `<li>${loc(o, f)}<code>${esc(f.rule)}</code> ${esc(f.message)}</li>`),
      ]
      body.push(`<tr><td>${esc(requirementLabel(v.id, q.id))}<br><span class="muted">${esc(q.summary)}</span></td><td>${status(q.status)}</td><td>${ev.length ? `<ul class="ev">${ev.join('')}</ul>` : ''}</td></tr>`)
    }
    body.push('</tbody></table>')
  }
  body.push('<table><thead><tr><th>Check or finding kind</th><th>Requirements</th></tr></thead><tbody>')
  for (const c of r.checks) body.push(`<tr><td><code>${esc(c.id)}</code></td><td>${esc(crosswalkLine(c.crosswalk))}</td></tr>`)
  body.push(...ruleCrosswalkRows(), '</tbody></table>', '</section>')
  body.push(...(await mapSection(o)))
  return page(`IRM #5 readiness ${r.score}/100 — ${r.inventory}`, body)
}

export async function renderDiffHtml(d: DiffReport, o: HtmlOptions): Promise<string> {
  const s = d.summary
  const body: string[] = []
  body.push(`<header><h1>Live diff — ${esc(d.inventory)}</h1><p class="muted">As of ${esc(d.as_of)}</p></header>`)
  body.push('<section id="summary">', '<h2>Summary</h2>', '<table><thead><tr><th>Kind</th><th>Count</th></tr></thead><tbody>')
  const rows: Array<[string, number]> = [['unwanted access points', s.unwanted], ['drift', s.drift], ['stale', s.stale], ['critical flows blocked', s['critical-flow-blocked']], ['expired', s.expired], ['devices unaudited', s['device-unaudited']], ['unaudited rules', s['unaudited-rules']], ['suppressions expired', s['suppression-expired']], ['total', s.total], ['suppressed', s.suppressed]]
  for (const [k, v] of rows) body.push(`<tr><td>${esc(k)}</td><td class="num">${v}</td></tr>`)
  body.push('</tbody></table>', '<h3>Devices</h3>', '<table><thead><tr><th>Device</th><th>Status</th><th>Config</th></tr></thead><tbody>')
  for (const dev of d.devices) body.push(`<tr><td><code>${esc(dev.id)}</code></td><td>${esc(dev.status)}</td><td>${dev.file ? loc(o, {file: dev.file}) : ''}</td></tr>`)
  body.push('</tbody></table>', '</section>')
  body.push(...findingsSection(d, o))
  body.push('<section id="crosswalk">', '<h2>Framework crosswalk</h2>', '<table><thead><tr><th>Finding kind</th><th>Requirements</th></tr></thead><tbody>', ...ruleCrosswalkRows(), '</tbody></table>')
  body.push(`<p class="muted">SARIF tags: ${esc(FINDING_KINDS.flatMap((r) => crosswalkTags(ruleCrosswalk(r.id))).filter((t, i, a) => a.indexOf(t) === i).join(' '))}</p>`, '</section>')
  body.push(...(await mapSection(o)))
  return page(`irm-audit diff — ${d.inventory}`, body)
}

/**
 * Links of file:line: under `linkBase` (a repository browser URL, `#L<line>` added), else relative to the
 * folder of the report (paths in reports are relative to `cwd`).
 */
export function makeLinker(linkBase: string | undefined, output: string | undefined, cwd: string): Linker {
  if (linkBase) {
    const base = linkBase.endsWith('/') ? linkBase : `${linkBase}/`
    return (file, line) => `${base}${file.split('/').map(encodeURIComponent).join('/')}${line ? `#L${line}` : ''}`
  }
  const from = output ? dirname(resolve(cwd, output)) : cwd
  return (file) => relative(from, resolve(cwd, file)).split(sep).map(encodeURIComponent).join('/')
}
