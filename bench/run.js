#!/usr/bin/env node
/**
 * `npm run bench` — parse, diff and start-up benchmarks on generated configs, the real corpus files
 * concatenated to 10^5 rules, and inventories. Prints one table, every row against its target (issue
 * 19), then the "missed" lines. Each cell runs in its own child process (so peak RSS is its own), with
 * a time limit. Ratios use CPU time (user + system of the child): on a shared machine wall time
 * measures the neighbours.
 *
 * Options: `--quick` (2·10^3 rules, one run: CI), `--sizes 10000,100000` (every format at these sizes),
 * `--only iptables,diff,corpus,native,devices,help` (rows), `--stages` (per-stage CPU budget of each
 * parse: read, tokenize, vendor model, evaluate, serialise), `--timeout SECONDS` (per cell).
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import * as gen from './generate.js'

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, 'out')
mkdirSync(out, {recursive: true})
if (!existsSync(join(here, '../dist/sources/load.js'))) {
  console.error('dist/ is missing: run `npm run build` (npm ci does it) first')
  process.exit(2)
}

const args = process.argv.slice(2)
const opt = (name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined)
const quick = args.includes('--quick')
const showStages = args.includes('--stages')
const sizesArg = opt('--sizes')?.split(',').map(Number)
// one cell may not run longer than this (a quadratic regression shows as 'timeout', not a hung CI job)
const CELL_TIMEOUT_MS = opt('--timeout') ? Number(opt('--timeout')) * 1000 : quick ? 120_000 : 1_800_000
const only = opt('--only')?.split(',') ?? null
const wanted = (name) => !only || only.includes(name)

const GB = 1 << 30
const MB = 1 << 20
// targets of issue 19: iptables at 2·10^5 ≤ 3× the floor and 500 MB, 10^6 ≤ 1.5 GB; every other parser at 10^5 ≤ 10× and 1 GB
const parseTarget = (type, n) =>
  type === 'iptables' ? (n >= 1_000_000 ? {ratio: null, rss: 1.5 * GB} : {ratio: 3, rss: 500 * MB}) : {ratio: 10, rss: GB}
const defaultSizes = (type) => (quick ? [2_000] : type === 'iptables' ? [200_000, 1_000_000] : [100_000])

const FORMATS = [
  {type: 'iptables', ext: 'rules', gen: gen.iptables},
  {type: 'nftables', ext: 'nft', gen: gen.nftables},
  {type: 'cisco-asa', ext: 'cfg', gen: gen.ciscoAsa},
  {type: 'cisco-ios', ext: 'ios', gen: gen.ciscoIos},
  {type: 'junos', name: 'junos-set', ext: 'set', gen: gen.junosSet},
  {type: 'junos', name: 'junos-hier', ext: 'conf', gen: gen.junosHier},
  {type: 'panos', ext: 'xml', gen: gen.panosXml},
  {type: 'fortios', ext: 'conf', gen: gen.fortios},
  {type: 'pfsense', ext: 'xml', gen: gen.pfsense},
  {type: 'aws', ext: 'json', gen: gen.aws},
  {type: 'azure', ext: 'json', gen: gen.azure},
  {type: 'gcp', ext: 'json', gen: gen.gcp},
]
// VPN formats (OpenVPN, WireGuard, strongSwan) describe a handful of listeners and tunnels, not rule
// bases: 10^5 of them is no real config, so they have no row.

function measure(...argv) {
  const txt = execFileSync(process.execPath, ['--max-old-space-size=4096', join(here, 'measure.js'), ...argv], {encoding: 'utf8', maxBuffer: 1 << 20, timeout: CELL_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe']})
  return JSON.parse(txt.trim().split('\n').pop())
}

const best = (runs) => runs.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a))
const mb = (b) => `${(b / MB).toFixed(0)} MB`
const fmtMb = (b) => (b >= GB ? `${(b / GB).toFixed(1)} GB` : mb(b))
/** Growth of the time per doubling of the input, from two sizes (1.0 = constant, 2.0 = linear, 4.0 = quadratic). */
const growth = (prev, n, ms) => (prev ? Math.pow(ms / prev.ms, Math.log(2) / Math.log(n / prev.n)).toFixed(2) : '-')
const failure = (e) => (e.code === 'ETIMEDOUT' || e.signal === 'SIGTERM' ? 'timeout' : /heap out of memory/i.test(String(e.stderr)) ? 'out of memory' : 'failed')
const misses = []
const HEAD = ['input', 'rules', 'size', 'wall ms', 'cpu ms', 'peak RSS', 'floor cpu ms', 'ratio', 'growth/2x', 'target', 'result']
const rows = [HEAD]
const stageRows = [['input', 'rules', 'read', 'tokenize', 'model', 'evaluate', 'serialise', 'total cpu ms']]
/** One row; `checks` are [ok, target text, miss text] triples: the row says met/missed, misses are listed. */
const row = (cells, checks) => {
  const failed = checks.filter(([ok]) => !ok)
  for (const [, , miss] of failed) misses.push(miss)
  rows.push([...cells, checks.map(([, t]) => t).join(', ') || '-', checks.length ? (failed.length ? 'missed' : 'met') : '-'])
}

function progress(text) {
  // on a terminal only: CI logs get the table alone
  if (process.stderr.isTTY) process.stderr.write(`${text}\n`)
}

/** One parse cell: floors (read+split, frozen; read+split+tokenize+JSON, issue 19's), the parse, its stages. */
function parseRow(label, type, n, file, prev) {
  const reps = quick || n >= 100_000 ? 1 : 3
  const floor = best(Array.from({length: 3}, () => measure('floor', file)))
  const floorTok = best(Array.from({length: 3}, () => measure('floor-tok', file)))
  const target = parseTarget(type, n)
  let parse
  try {
    parse = best(Array.from({length: reps}, () => measure('parse', file, type)))
  } catch (e) {
    row([label, String(n), mb(statSync(file).size), failure(e), '-', '-', floorTok.cpuMs.toFixed(0), '-', '-'], [[false, 'completes', `${label} ${n}: ${failure(e)}`]])
    return null
  }
  const ratio = parse.cpuMs / floorTok.cpuMs
  const checks = []
  if (target.ratio) checks.push([ratio <= target.ratio, `≤ ${target.ratio}x`, `${label} ${n}: parse ${ratio.toFixed(1)}x the floor (target ${target.ratio}x)`])
  checks.push([parse.rss <= target.rss, `≤ ${fmtMb(target.rss)}`, `${label} ${n}: peak RSS ${fmtMb(parse.rss)} (target ${fmtMb(target.rss)})`])
  if (prev) checks.push([parse.cpuMs / prev.ms <= Math.pow(2.3, Math.log2(n / prev.n)), 'growth ≤ 2.3', `${label} ${n}: growth ${growth(prev, n, parse.cpuMs)} per doubling (linear is 2)`])
  row(
    [label, String(n), mb(statSync(file).size), parse.ms.toFixed(0), parse.cpuMs.toFixed(0), fmtMb(parse.rss), `${floorTok.cpuMs.toFixed(0)} (split ${floor.cpuMs.toFixed(0)})`, `${ratio.toFixed(1)} (${(parse.cpuMs / floor.cpuMs).toFixed(0)})`, growth(prev, n, parse.cpuMs)],
    checks,
  )
  const s = parse.stages ?? {}
  const cell = (k) => (s[k] === undefined ? '-' : s[k].toFixed(0))
  // a parser that marks no stage of its own has its whole parse under `evaluate` (parseText's mark)
  stageRows.push([label, String(n), cell('read'), cell('tokenize'), cell('model'), cell('evaluate'), cell('serialise'), parse.cpuMs.toFixed(0)])
  progress(`${label} ${n}: ${parse.cpuMs.toFixed(0)} ms cpu`)
  return parse
}

for (const f of FORMATS) {
  const label = f.name ?? f.type
  if (!wanted(label) && !wanted(f.type)) continue
  let prev = null
  for (const n of sizesArg ?? defaultSizes(f.type)) {
    const file = join(out, `${label}-${n}.${f.ext}`)
    if (!existsSync(file)) writeFileSync(file, f.gen(n))
    const parse = parseRow(label, f.type, n, file, prev)
    prev = parse ? {n, ms: parse.cpuMs} : null
  }
}

// the vendors' own parsers on the same files, when the Debian packages are installed (in a fresh
// network namespace: nothing touches the host's ruleset)
if (wanted('native') && !quick) {
  const native = [
    {label: 'iptables-restore --test', file: `iptables-${200_000}.rules`, argv: ['iptables-restore', '--test']},
    {label: 'nft -c -f', file: `nftables-${100_000}.nft`, argv: ['nft', '-c', '-f']},
  ]
  for (const x of native) {
    const file = join(out, x.file)
    if (!existsSync(file)) continue
    const bin = spawnSync('sh', ['-c', `command -v ${x.argv[0]}`], {encoding: 'utf8'}).stdout.trim()
    if (!bin || !existsSync('/usr/bin/time')) continue
    const isRestore = x.argv[0] === 'iptables-restore'
    const cmd = isRestore ? [...x.argv, file] : [...x.argv, file]
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', 'unshare', '-n', ...cmd], {encoding: 'utf8', timeout: CELL_TIMEOUT_MS})
    const m = /([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '')
    if (r.status !== 0 || !m) {
      rows.push([x.label, '-', mb(statSync(file).size), 'failed', '-', '-', '-', '-', '-', '-', (r.stderr ?? '').trim().split('\n')[0].slice(0, 40)])
      continue
    }
    rows.push([x.label, x.file.replace(/\D+/g, ''), mb(statSync(file).size), (Number(m[1]) * 1000).toFixed(0), ((Number(m[2]) + Number(m[3])) * 1000).toFixed(0), mb(Number(m[4]) * 1024), '-', '-', '-', 'reference', '-'])
  }
}

// the real corpus files of each line format, concatenated until they hold 10^5 rules
const CORPUS = '/work/shared/corpus'
const corpusRoot = process.env.IRM_CORPUS ?? (existsSync(CORPUS) ? CORPUS : join(here, '../../shared/corpus'))
const CORPUS_FORMATS = [
  {type: 'iptables', rule: /^(\[\d+:\d+\] )?-A /, files: /\.(rules|v4|v6|iptables|txt|save)$|iptables/},
  {type: 'nftables', rule: /\b(accept|drop|reject|jump|goto|dnat|redirect)\b/, files: /\.nft$/},
  {type: 'cisco-asa', rule: /^access-list /, files: /./},
  {type: 'cisco-ios', rule: /^\s*(\d+\s+)?(permit|deny)\s/, files: /./},
  {type: 'junos', rule: /\bthen (permit|deny|reject|accept|discard)\b/, files: /\.set$/},
  {type: 'fortios', rule: /^\s*edit /, files: /./},
]
if (wanted('corpus') && existsSync(corpusRoot)) {
  for (const c of CORPUS_FORMATS) {
    if (only && !only.includes('corpus') && !only.includes(c.type)) continue
    const dir = join(corpusRoot, c.type)
    if (!existsSync(dir)) continue
    const texts = readdirSync(dir).filter((f) => c.files.test(f)).sort().map((f) => readFileSync(join(dir, f), 'utf8'))
    const per = texts.map((t) => t.split('\n').filter((l) => c.rule.test(l)).length)
    const total = per.reduce((a, b) => a + b, 0)
    if (!total) continue
    const goal = quick ? 2_000 : 100_000
    const parts = []
    let rules = 0
    while (rules < goal) {
      for (const [k, t] of texts.entries()) {
        parts.push(t.endsWith('\n') ? t : `${t}\n`)
        rules += per[k]
      }
    }
    const file = join(out, `corpus-${c.type}-${goal}.txt`)
    if (!existsSync(file)) writeFileSync(file, parts.join(''))
    parseRow(`corpus ${c.type}`, c.type, rules, file, null)
  }
}

// diff: inventories of n access points against live exposures 10x larger (both double together)
if (wanted('diff') && existsSync(join(here, '../dist/diff/bench.js'))) {
  let prev = null
  for (const n of quick ? [500, 1000] : [5_000, 10_000, 20_000]) {
    let r
    try {
      r = best(Array.from({length: quick || n >= 10_000 ? 1 : 3}, () => measure('diff', String(n))))
    } catch (e) {
      row(['diff', `${n} AP`, '-', failure(e), '-', '-', '-', '-', '-'], [[false, 'completes', `diff ${n}: ${failure(e)}`]])
      prev = null
      continue
    }
    const checks = []
    if (n === 10_000) checks.push([r.cpuMs <= 2000, '≤ 2 s', `diff ${n} AP / ${r.exposures} exposures: ${(r.cpuMs / 1000).toFixed(1)} s (target 2 s)`])
    if (prev) checks.push([r.cpuMs / prev.ms <= 2.3, 'growth ≤ 2.3', `diff ${n}: growth ${growth(prev, n, r.cpuMs)} per doubling (target 2.3)`])
    row(['diff', `${n} AP / ${r.exposures} exp`, '-', r.ms.toFixed(0), r.cpuMs.toFixed(0), mb(r.rss), '-', '-', growth(prev, n, r.cpuMs)], checks)
    prev = {n, ms: r.cpuMs}
    progress(`diff ${n}: ${r.cpuMs.toFixed(0)} ms cpu`)
  }
}

// many devices: `irm-audit diff` on a generated inventory of D devices × R iptables rules (wall time:
// the workers share the machine's cores, which is the point). Both the command as CI runs it (its
// default text report) and the JSON document carry the target; the JSON adds the reach section, bounded
// to the devices within MAX_REACH_EXPOSURES (src/paths/findings.ts), so it also has an RSS target.
if (wanted('devices') && existsSync(join(here, '../dist/commands/diff.js'))) {
  const [devices, rules] = quick ? [10, 200] : [500, 2_000]
  const dir = join(out, `inventory-${devices}x${rules}`)
  if (!existsSync(join(dir, 'devices.yaml'))) gen.writeInventory(dir, devices, rules)
  for (const format of ['text', 'json']) {
    const label = `diff ${devices} devices${format === 'text' ? '' : ` (${format})`}`
    const t0 = process.hrtime.bigint()
    const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', process.execPath, join(here, '../bin/run.js'), 'diff', '--inventory', dir, '--format', format, '--output', join(out, `diff-${devices}x${rules}.${format === 'json' ? 'json' : 'txt'}`)], {encoding: 'utf8', timeout: CELL_TIMEOUT_MS})
    const wall = Number(process.hrtime.bigint() - t0) / 1e6
    const m = /([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr ?? '')
    const target = !quick
    if (!m || (r.status !== 0 && r.status !== 1)) {
      row([label, `${devices}x${rules}`, '-', 'failed', '-', '-', '-', '-', '-'], target ? [[false, 'completes', `${label} failed: ${(r.stderr ?? '').trim().split('\n')[0]}`]] : [])
    } else {
      const rss = Number(m[4]) * 1024
      const checks = [[wall <= 60_000, '≤ 60 s wall', `${label} × ${rules} rules: ${(wall / 1000).toFixed(0)} s (target 60 s)`]]
      if (format === 'json') checks.push([rss <= GB, '≤ 1 GB', `${label} × ${rules} rules: ${mb(rss)} peak RSS (target 1 GB)`])
      row([label, `${devices}x${rules}`, '-', wall.toFixed(0), ((Number(m[2]) + Number(m[3])) * 1000).toFixed(0), mb(rss), '-', '-', '-'], target ? checks : [])
    }
  }
}

// start-up: irm-audit --help against node -e 0
if (wanted('help')) {
  // best of 5 wall times, and the child's CPU time from bash's `times` (children user + system) when bash exists
  const seconds = (t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t)
    return m ? Number(m[1]) * 60 + Number(m[2]) : NaN
  }
  const time = (argv) => {
    const wall = []
    const cpu = []
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint()
      execFileSync(process.execPath, argv, {stdio: 'ignore'})
      wall.push(Number(process.hrtime.bigint() - t0) / 1e6)
      try {
        const times = execFileSync('bash', ['-c', '"$0" "$@" >/dev/null 2>&1; times', process.execPath, ...argv], {encoding: 'utf8'})
        const [user, sys] = times.trim().split('\n')[1].split(/\s+/).map(seconds)
        cpu.push((user + sys) * 1000)
      } catch {
        cpu.push(NaN)
      }
    }
    return {ms: Math.min(...wall), cpuMs: Math.min(...cpu)}
  }
  const node0 = time(['-e', '0'])
  const help = time([join(here, '../bin/run.js'), '--help'])
  rows.push(['node -e 0', '-', '-', node0.ms.toFixed(0), node0.cpuMs.toFixed(0), '-', '-', '-', '-', '-', '-'])
  row(['--help', '-', '-', help.ms.toFixed(0), help.cpuMs.toFixed(0), '-', '-', `${(help.cpuMs / node0.cpuMs).toFixed(1)} (wall ${(help.ms / node0.ms).toFixed(1)})`, '-'], [[help.cpuMs <= 3 * node0.cpuMs, '≤ 3x node -e 0', `--help: ${(help.cpuMs / node0.cpuMs).toFixed(1)}x node -e 0 (target 3x)`]])
}

const print = (table) => {
  const widths = table[0].map((_, i) => Math.max(...table.map((r) => r[i].length)))
  for (const r of table) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '))
}
// issue #20: reach across chained devices (bench/reach.js), 200 devices and 10^5 exposures in ≤ 10 s CPU
if (wanted('reach')) {
  const {benchReach} = await import('./reach.js')
  const r = await benchReach()
  row(['reach --from internet', String(r.exposures), `${r.devices} dev`, r.ms.toFixed(0), r.cpuMs.toFixed(0), mb(r.rss), '-', '-', '-'], [[r.cpuMs <= 10_000, '≤ 10 s', `reach --from internet: ${(r.cpuMs / 1000).toFixed(1)} s CPU for ${r.devices} devices, ${r.exposures} exposures (target 10 s)`]])
}

print(rows)
if (showStages && stageRows.length > 1) {
  console.log('\nCPU ms per stage (a parser that marks no stage of its own shows its whole parse under evaluate):')
  print(stageRows)
}
console.log(misses.length ? `\nTargets missed (CPU time; see bench/README.md for the causes):\n${misses.map((m) => `  - missed: ${m}`).join('\n')}` : '\nEvery target met.')
