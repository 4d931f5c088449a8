#!/usr/bin/env node
/**
 * `npm run bench` — parse and diff benchmarks on generated configs and inventories.
 * Prints one table: parse time, throughput, peak RSS, the floor (a raw line split of the same file
 * in Node) and the ratio to it, and the growth factor per doubling of the input.
 * `--quick` runs the smallest sizes only (used in CI to prove the runner works).
 * `--sizes 10000,100000` picks sizes. Results are measured in child processes (one per cell).
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
const sizes = sizesArg >= 0 ? args[sizesArg + 1].split(',').map(Number) : quick ? [10_000] : [10_000, 100_000, 1_000_000]
const only = args.indexOf('--only') >= 0 ? args[args.indexOf('--only') + 1].split(',') : null

const FORMATS = [
  {type: 'iptables', ext: 'rules', gen: gen.iptables, sizes},
  {type: 'cisco-asa', ext: 'cfg', gen: gen.ciscoAsa, sizes},
  {type: 'panos', ext: 'xml', gen: gen.panosXml, sizes},
  {type: 'fortios', ext: 'conf', gen: gen.fortios, sizes: sizes.filter((s) => s <= 100_000)},
]

function measure(...argv) {
  const txt = execFileSync(process.execPath, ['--max-old-space-size=4096', join(here, 'measure.js'), ...argv], {encoding: 'utf8', maxBuffer: 1 << 20})
  return JSON.parse(txt.trim().split('\n').pop())
}

const best = (runs) => runs.reduce((a, b) => (b.ms < a.ms ? b : a))
const mb = (b) => `${(b / 1048576).toFixed(0)} MB`
const rows = [['input', 'rules', 'size', 'parse ms', 'rules/s', 'peak RSS', 'floor ms', 'ratio', 'growth/2x']]

for (const f of FORMATS) {
  if (only && !only.includes(f.type)) continue
  let prev = null
  for (const n of f.sizes) {
    const file = join(out, `${f.type}-${n}.${f.ext}`)
    if (!existsSync(file)) writeFileSync(file, f.gen(n))
    const reps = n >= 1_000_000 ? 1 : 3
    const floor = best(Array.from({length: reps}, () => measure('floor', file)))
    let parse
    try {
      parse = best(Array.from({length: reps}, () => measure('parse', file, f.type)))
    } catch (e) {
      rows.push([f.type, String(n), mb(statSync(file).size), 'failed', '-', '-', floor.ms.toFixed(0), '-', '-'])
      continue
    }
    const growth = prev ? Math.pow(parse.ms / prev.ms, Math.log(2) / Math.log(n / prev.n)).toFixed(2) : '-'
    rows.push([f.type, String(n), mb(statSync(file).size), parse.ms.toFixed(0), Math.round((n / parse.ms) * 1000).toLocaleString('en-US'), mb(parse.rss), floor.ms.toFixed(0), (parse.ms / floor.ms).toFixed(1), growth])
    prev = {n, ms: parse.ms}
  }
}

// diff: inventories of n access points against live exposures 10x larger
if (!only || only.includes('diff')) {
  let prev = null
  for (const n of quick ? [1000] : [1000, 2000, 10_000, 20_000]) {
    if (!existsSync(join(here, '../dist/diff/bench.js'))) break
    const r = measure('diff', String(n))
    const growth = prev ? (r.ms / prev.ms).toFixed(2) : '-'
    rows.push(['diff', `${n} AP / ${r.exposures} exp`, '-', r.ms.toFixed(0), Math.round((r.exposures / r.ms) * 1000).toLocaleString('en-US'), mb(r.rss), '-', '-', growth])
    prev = {n, ms: r.ms}
  }
}

// start-up: irm-audit --help against node -e 0
{
  const time = (argv) => {
    const runs = []
    for (let i = 0; i < 5; i++) {
      const t0 = process.hrtime.bigint()
      execFileSync(process.execPath, argv, {stdio: 'ignore'})
      runs.push(Number(process.hrtime.bigint() - t0) / 1e6)
    }
    return Math.min(...runs)
  }
  const node0 = time(['-e', '0'])
  const help = time([join(here, '../bin/run.js'), '--help'])
  rows.push(['--help', '-', '-', help.toFixed(0), '-', '-', node0.toFixed(0), (help / node0).toFixed(1), '-'])
}

const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '))
