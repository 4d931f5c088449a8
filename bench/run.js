#!/usr/bin/env node
/**
 * `npm run bench` — parse and diff benchmarks on generated configs and inventories.
 * Prints one table: parse time (wall and CPU), throughput, peak RSS, the floor (a raw line split of the
 * same file in Node) and the ratio to it, and the growth factor per doubling of the input.
 * Ratios and growth use CPU time (user + system of the child): on a shared machine wall time measures
 * the neighbours. `--quick` runs 2·10^3 and 4·10^3 rules, one run each (CI: proves the runner works and
 * shows gross non-linearity in seconds). `--sizes 10000,100000` picks sizes, `--only iptables,diff`
 * picks rows, `--timeout 600` limits each cell (seconds). Each cell runs in its own child process (so peak RSS is its own), with a time limit.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, statSync, writeFileSync} from 'node:fs'
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
const quick = args.includes('--quick')
const sizesArg = args.indexOf('--sizes')
const sizes = sizesArg >= 0 ? args[sizesArg + 1].split(',').map(Number) : quick ? [2_000, 4_000] : [10_000, 100_000, 1_000_000]
// one cell may not run longer than this (a quadratic regression shows as 'timeout', not a hung CI job)
const timeoutArg = args.indexOf('--timeout')
const CELL_TIMEOUT_MS = timeoutArg >= 0 ? Number(args[timeoutArg + 1]) * 1000 : quick ? 120_000 : 1_800_000
const only = args.indexOf('--only') >= 0 ? args[args.indexOf('--only') + 1].split(',') : null

const FORMATS = [
  {type: 'iptables', ext: 'rules', gen: gen.iptables, sizes},
  {type: 'cisco-asa', ext: 'cfg', gen: gen.ciscoAsa, sizes},
  {type: 'panos', ext: 'xml', gen: gen.panosXml, sizes},
  {type: 'fortios', ext: 'conf', gen: gen.fortios, sizes: sizes.filter((s) => s <= 100_000)},
]

function measure(...argv) {
  const txt = execFileSync(process.execPath, ['--max-old-space-size=4096', join(here, 'measure.js'), ...argv], {encoding: 'utf8', maxBuffer: 1 << 20, timeout: CELL_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe']})
  return JSON.parse(txt.trim().split('\n').pop())
}

const best = (runs) => runs.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a))
const mb = (b) => `${(b / 1048576).toFixed(0)} MB`
/** Growth of the time per doubling of the input, from two sizes (1.0 = constant, 2.0 = linear, 4.0 = quadratic). */
const growth = (prev, n, ms) => (prev ? Math.pow(ms / prev.ms, Math.log(2) / Math.log(n / prev.n)).toFixed(2) : '-')
const failure = (e) => (e.code === 'ETIMEDOUT' || e.signal === 'SIGTERM' ? 'timeout' : /heap out of memory/i.test(String(e.stderr)) ? 'out of memory' : 'failed')
/** Targets of issue 7; each miss is listed under the table. */
const misses = []
const check = (ok, text) => {
  if (!ok) misses.push(text)
}
const rows = [['input', 'rules', 'size', 'wall ms', 'cpu ms', 'rules/s (cpu)', 'peak RSS', 'floor cpu ms', 'ratio (cpu)', 'growth/2x']]

for (const f of FORMATS) {
  if (only && !only.includes(f.type)) continue
  let prev = null
  for (const n of f.sizes) {
    const file = join(out, `${f.type}-${n}.${f.ext}`)
    if (!existsSync(file)) writeFileSync(file, f.gen(n))
    const reps = quick || n >= 100_000 ? 1 : 3
    const floor = best(Array.from({length: 3}, () => measure('floor', file)))
    let parse
    try {
      parse = best(Array.from({length: reps}, () => measure('parse', file, f.type)))
    } catch (e) {
      check(false, `${f.type} ${n}: ${failure(e)}`)
      rows.push([f.type, String(n), mb(statSync(file).size), failure(e), '-', '-', '-', floor.cpuMs.toFixed(0), '-', '-'])
      prev = null
      continue
    }
    rows.push([f.type, String(n), mb(statSync(file).size), parse.ms.toFixed(0), parse.cpuMs.toFixed(0), Math.round((n / parse.cpuMs) * 1000).toLocaleString('en-US'), mb(parse.rss), floor.cpuMs.toFixed(1), (parse.cpuMs / floor.cpuMs).toFixed(0), growth(prev, n, parse.cpuMs)])
    check(parse.cpuMs <= 3 * floor.cpuMs, `${f.type} ${n}: parse ${(parse.cpuMs / floor.cpuMs).toFixed(0)}x the floor (target 3x)`)
    if (prev) check(parse.cpuMs / prev.ms <= Math.pow(2.3, Math.log2(n / prev.n)), `${f.type} ${n}: growth ${growth(prev, n, parse.cpuMs)} per doubling (linear is 2)`)
    if (n >= 1_000_000) check(parse.rss <= 1 << 30, `${f.type} ${n}: peak RSS ${mb(parse.rss)} (target 1 GB)`)
    prev = {n, ms: parse.cpuMs}
    progress(`${f.type} ${n}: ${parse.cpuMs.toFixed(0)} ms cpu`)
  }
}

// diff: inventories of n access points against live exposures 10x larger (both double together)
if ((!only || only.includes('diff')) && existsSync(join(here, '../dist/diff/bench.js'))) {
  let prev = null
  for (const n of quick ? [500, 1000] : [1000, 2000, 4000, 10_000]) {
    let r
    try {
      r = best(Array.from({length: quick || n >= 10_000 ? 1 : 3}, () => measure('diff', String(n))))
    } catch (e) {
      rows.push(['diff', `${n} AP`, '-', failure(e), '-', '-', '-', '-', '-', '-'])
      prev = null
      continue
    }
    rows.push(['diff', `${n} AP / ${r.exposures} exp`, '-', r.ms.toFixed(0), r.cpuMs.toFixed(0), Math.round((r.exposures / r.cpuMs) * 1000).toLocaleString('en-US'), mb(r.rss), '-', '-', growth(prev, n, r.cpuMs)])
    if (prev) check(r.cpuMs / prev.ms <= Math.pow(2.3, Math.log2(n / prev.n)), `diff ${n}: growth ${growth(prev, n, r.cpuMs)} per doubling (target 2.3)`)
    prev = {n, ms: r.cpuMs}
    progress(`diff ${n}: ${r.cpuMs.toFixed(0)} ms cpu`)
  }
}

// start-up: irm-audit --help against node -e 0
{
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
  check(help.cpuMs <= 3 * node0.cpuMs, `--help: ${(help.cpuMs / node0.cpuMs).toFixed(1)}x node -e 0 (target 3x)`)
  rows.push(['node -e 0', '-', '-', node0.ms.toFixed(0), node0.cpuMs.toFixed(0), '-', '-', '-', '-', '-'])
  rows.push(['--help', '-', '-', help.ms.toFixed(0), help.cpuMs.toFixed(0), '-', '-', '-', `${(help.cpuMs / node0.cpuMs).toFixed(1)} (wall ${(help.ms / node0.ms).toFixed(1)})`, '-'])
}

function progress(text) {
  // on a terminal only: CI logs get the table alone
  if (process.stderr.isTTY) process.stderr.write(`${text}\n`)
}

// issue #20: reach across chained devices (bench/reach.js), 200 devices and 10^5 exposures in ≤ 10 s CPU
if (!only || only.includes('reach')) {
  const {benchReach} = await import('./reach.js')
  const r = await benchReach()
  check(r.cpuMs <= 10_000, `reach --from internet: ${(r.cpuMs / 1000).toFixed(1)} s CPU for ${r.devices} devices, ${r.exposures} exposures (target 10 s)`)
  rows.push(['reach', String(r.exposures), `${r.devices} dev`, r.ms.toFixed(0), r.cpuMs.toFixed(0), '-', mb(r.rss), '-', '-', '-'])
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '))
console.log(misses.length ? `\nTargets missed (CPU time; see bench/README.md for the causes):\n${misses.map((m) => `  - ${m}`).join('\n')}` : '\nEvery target met.')
