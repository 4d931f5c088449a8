/**
 * Child process of the benchmark runner: one measurement, so peak RSS belongs to it alone.
 * Usage: node bench/measure.js floor|parse FILE [TYPE]
 * Prints one JSON line: {ms, cpuMs, rss, …}. CPU time (user + system) tells the algorithm from a busy machine.
 */
import {readFileSync} from 'node:fs'
import {performance} from 'node:perf_hooks'

const [mode, file, type] = process.argv.slice(2)

const cpuMs = (since) => {
  const u = process.cpuUsage(since)
  return (u.user + u.system) / 1000
}

if (mode === 'floor') {
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const text = readFileSync(file, 'utf8')
  const lines = text.split('\n')
  let n = 0
  for (const l of lines) if (l.length) n++
  const ms = performance.now() - t0
  console.log(JSON.stringify({ms, cpuMs: cpuMs(c0), rss: process.resourceUsage().maxRSS * 1024, lines: n}))
} else if (mode === 'parse') {
  const {parseText} = await import('../dist/sources/load.js')
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const text = readFileSync(file, 'utf8')
  const r = await parseText(text, file, type)
  const ms = performance.now() - t0
  console.log(JSON.stringify({ms, cpuMs: cpuMs(c0), rss: process.resourceUsage().maxRSS * 1024, exposures: r.exposures.length, unparsed: r.unparsed.length}))
} else if (mode === 'diff') {
  const {benchDiff} = await import('../dist/diff/bench.js')
  const n = Number(file)
  const res = await benchDiff(n)
  console.log(JSON.stringify({...res, rss: process.resourceUsage().maxRSS * 1024}))
} else {
  console.error(`unknown mode ${mode}`)
  process.exit(2)
}
