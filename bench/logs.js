#!/usr/bin/env node
/**
 * `npm run bench:logs` — streaming analysis of generated logs (issue #8): VPC Flow Logs of 10^6 records
 * (10^7 with --full) through `irm-audit traffic`'s analyzer, and 10^5 VPN logins through the access-log
 * analysis. Prints records/s and peak RSS: memory must stay flat as the record count grows.
 */
import {execFileSync} from 'node:child_process'
import {createWriteStream, existsSync, mkdirSync, statSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {rng} from './generate.js'

const here = dirname(fileURLToPath(import.meta.url))
const out = join(here, 'out')
mkdirSync(out, {recursive: true})
const full = process.argv.includes('--full')
const quick = process.argv.includes('--quick')

async function writeLines(path, n, line) {
  const ws = createWriteStream(path)
  for (let i = 0; i < n; i++) {
    if (!ws.write(line(i))) await new Promise((r) => ws.once('drain', r))
  }
  await new Promise((r) => ws.end(r))
}

const t0 = Date.UTC(2026, 10, 2) / 1000
async function flowFile(n) {
  const path = join(out, `vpc-flow-${n}.log`)
  if (existsSync(path)) return path
  const r = rng(7)
  await writeLines(path, n + 1, (i) => {
    if (i === 0) return 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n'
    const src = `10.${Math.floor(r() * 40)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`
    const dst = `10.${Math.floor(r() * 40)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`
    const t = t0 + Math.floor((i / n) * 7 * 86400)
    return `2 123456789012 eni-0a1b2c3d ${src} ${dst} ${40000 + (i % 20000)} ${[443, 22, 5432, 8080, 53][i % 5]} 6 10 ${1000 + (i % 9000)} ${t} ${t + 60} ${i % 50 === 0 ? 'REJECT' : 'ACCEPT'} OK\n`
  })
  return path
}

async function loginFile(n) {
  const path = join(out, `anyconnect-${n}.log`)
  if (existsSync(path)) return path
  const r = rng(8)
  const months = ['Nov']
  await writeLines(path, n, (i) => {
    const t = new Date((t0 + Math.floor((i / n) * 20 * 86400)) * 1000)
    const hh = String(t.getUTCHours()).padStart(2, '0')
    const mm = String(t.getUTCMinutes()).padStart(2, '0')
    const user = `user${i % 500}`
    const ip = `192.0.2.${Math.floor(r() * 256)}`
    return `${months[0]} ${String(t.getUTCDate()).padStart(2, '0')} 2026 ${hh}:${mm}:00 fw : %ASA-6-113039: Group <GP> User <${user}> IP <${ip}> AnyConnect parent session started.\n`
  })
  return path
}

function measure(kind, file) {
  const script = `
    const {performance} = await import('node:perf_hooks')
    const t = performance.now()
    const {loadInventory} = await import('../dist/inventory/load.js')
    const loaded = await loadInventory(${JSON.stringify(join(here, '../inventory'))})
    const mod = ${kind === 'traffic' ? "await import('../dist/logs/flows/run.js')" : "await import('../dist/logs/access/run.js')"}
    const r = ${kind === 'traffic'
      ? `await mod.runTraffic({inventoryDir: '', files: [${JSON.stringify(file)}], displayBase: process.cwd(), loaded})`
      : `await mod.runAccessLogs({inventoryDir: '', files: [${JSON.stringify(file)}], displayBase: process.cwd(), loaded, year: 2026})`}
    console.log(JSON.stringify({ms: performance.now() - t, records: ${kind === 'traffic' ? 'r.records' : 'r.events.total'}, findings: r.findings.length, rss: process.resourceUsage().maxRSS * 1024}))`
  const txt = execFileSync(process.execPath, ['--input-type=module', '-e', script], {cwd: here, encoding: 'utf8', maxBuffer: 1 << 20})
  return JSON.parse(txt.trim().split('\n').pop())
}

const rows = [['input', 'records', 'size', 'ms', 'records/s', 'peak RSS', 'findings']]
const sizes = quick ? [100_000] : full ? [1_000_000, 10_000_000] : [1_000_000]
for (const n of sizes) {
  const f = await flowFile(n)
  const m = measure('traffic', f)
  rows.push(['traffic (VPC flow)', String(m.records), `${(statSync(f).size / 1048576).toFixed(0)} MB`, m.ms.toFixed(0), Math.round((m.records / m.ms) * 1000).toLocaleString('en-US'), `${(m.rss / 1048576).toFixed(0)} MB`, String(m.findings)])
}
{
  const f = await loginFile(quick ? 10_000 : 100_000)
  const m = measure('access', f)
  rows.push(['access-logs (ASA)', String(m.records), `${(statSync(f).size / 1048576).toFixed(0)} MB`, m.ms.toFixed(0), Math.round((m.records / m.ms) * 1000).toLocaleString('en-US'), `${(m.rss / 1048576).toFixed(0)} MB`, String(m.findings)])
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join('  '))
