/**
 * Child process of the benchmark runner: one measurement, so peak RSS belongs to it alone.
 * Usage: node bench/measure.js floor|floor-tok|parse FILE [TYPE], or diff N
 * Prints one JSON line: {ms, cpuMs, rss, …}. CPU time (user + system) tells the algorithm from a busy machine.
 */
import {closeSync, openSync, readFileSync, writeSync} from 'node:fs'
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
} else if (mode === 'floor-tok') {
  // the issue-19 floor: read, split, tokenize (blank-separated words), JSON-print one array per line.
  // Printed as the parse prints its report: UTF-8 to /dev/null in chunks of about 64 K code units
  // (session 5; until then the arrays were only stringified, never written: see bench/README.md).
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const text = readFileSync(file, 'utf8')
  const sink = openSync('/dev/null', 'w')
  let bytes = 0
  let n = 0
  let parts = []
  let pending = 0
  for (const l of text.split('\n')) {
    if (!l.length) continue
    n++
    const json = JSON.stringify(l.split(/[ \t]+/))
    parts.push(json)
    pending += json.length + 1
    if (pending >= 65536) {
      bytes += writeSync(sink, `${parts.join('\n')}\n`)
      parts = []
      pending = 0
    }
  }
  if (parts.length) bytes += writeSync(sink, `${parts.join('\n')}\n`)
  closeSync(sink)
  const ms = performance.now() - t0
  console.log(JSON.stringify({ms, cpuMs: cpuMs(c0), rss: process.resourceUsage().maxRSS * 1024, lines: n, bytes}))
} else if (mode === 'parse') {
  // what `irm-audit parse --format json FILE` does: read, parse, stream the JSON report in chunks, here
  // to /dev/null (encoded to UTF-8 and written as stdout would be; `bytes` counts what was written)
  const {parseText, decodeText} = await import('../dist/sources/load.js')
  const {parseReportJson} = await import('../dist/report/parse-report.js')
  const {endWithNewline} = await import('../dist/report/output.js')
  const {recordStages} = await import('../dist/core/stages.js')
  const stages = {}
  let last = process.cpuUsage()
  const mark = (stage) => {
    const now = process.cpuUsage()
    stages[stage] = (stages[stage] ?? 0) + (now.user - last.user + now.system - last.system) / 1000
    last = now
  }
  recordStages(mark)
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  last = c0
  const text = decodeText(readFileSync(file), file)
  mark('read')
  const r = await parseText(text, file, type)
  const sink = openSync('/dev/null', 'w')
  let bytes = 0
  for (const chunk of endWithNewline(parseReportJson(r))) bytes += writeSync(sink, chunk)
  closeSync(sink)
  mark('serialise')
  const ms = performance.now() - t0
  console.log(JSON.stringify({ms, cpuMs: cpuMs(c0), rss: process.resourceUsage().maxRSS * 1024, exposures: r.exposures.length, unparsed: r.unparsed.length, bytes, stages}))
} else if (mode === 'diff') {
  const {benchDiff} = await import('../dist/diff/bench.js')
  const n = Number(file)
  const res = await benchDiff(n)
  console.log(JSON.stringify({...res, rss: process.resourceUsage().maxRSS * 1024}))
} else {
  console.error(`unknown mode ${mode}`)
  process.exit(2)
}
