/** Detect the access-log format of a file and read its login events. */
import {IrmError} from '../../core/errors.js'
import {CsvLines, type CsvRow} from '../csv.js'
import {type JsonRecordStats, MAX_RECORD, readJsonRecords} from '../json-records.js'
import {firstLines, type LineStats, MAX_LINE, type ReadLimits, readLineBatches} from '../stream.js'
import {azureSigninLog} from './azure-signin.js'
import {ciscoAsaLog} from './cisco-asa.js'
import {cloudtrailLog} from './cloudtrail.js'
import {fortigateLog} from './fortigate.js'
import {openvpnLog} from './openvpn.js'
import {strongswanLog} from './strongswan.js'
import type {AccessLogFormat, LoginEvent, ParsedEvent} from './types.js'

/** Factories: some formats keep state across lines (strongSwan pairs a failure with the last peer, ASA de-duplicates sessions). */
export const ACCESS_FORMATS: ReadonlyArray<() => AccessLogFormat> = [() => openvpnLog, strongswanLog, ciscoAsaLog, () => fortigateLog, () => cloudtrailLog, () => azureSigninLog]

/** Lines read for format detection. */
export const DETECT_LINES = 200

export async function detectAccessFormat(path: string, display: string, name?: string, limits: ReadLimits = {}): Promise<AccessLogFormat> {
  const all = ACCESS_FORMATS.map((f) => f())
  if (name) {
    const f = all.find((x) => x.name === name)
    if (!f) throw new IrmError('USAGE', `unknown access-log format '${name}'`, {hint: `Use one of: ${all.map((x) => x.name).join(', ')}.`})
    return f
  }
  const head = await firstLines(path, display, DETECT_LINES, limits)
  const best = all.map((f) => ({f, s: f.detect(head)})).sort((a, b) => b.s - a.s)[0]
  if (!best || best.s === 0) {
    throw new IrmError('CONFIG_UNKNOWN_FORMAT', head.length ? 'cannot tell which kind of authentication log this is' : 'the log has no non-blank line in its first 16 MiB', {
      file: display,
      line: 1,
      hint: `Supported: ${all.map((x) => x.name).join(', ')}; name it with FILE:format.`,
    })
  }
  return best.f
}

export interface AccessReadResult {
  events: LoginEvent[]
  skipped: Array<{line: number; reason: string}>
  skippedCount: number
  /** Events of principals that are not users (site-to-site SAs, service principals, managed identities). */
  nonUser: number
}

export async function readAccessLog(path: string, display: string, format: AccessLogFormat, year: number, limits: ReadLimits = {}): Promise<AccessReadResult> {
  const out: AccessReadResult = {events: [], skipped: [], skippedCount: 0, nonUser: 0}
  const skip = (line: number, reason: string) => {
    out.skippedCount++
    if (out.skipped.length < 100) out.skipped.push({line, reason})
  }
  const take = (r: ParsedEvent, line: number) => {
    if (r === null) return
    if (typeof r === 'string') skip(line, r)
    else if (r.nonUser) out.nonUser++
    else out.events.push({...r, file: display})
  }
  const lineStats: LineStats = {tooLong: 0}
  if (format.record) {
    const first = (await firstLines(path, display, 1, limits))[0]?.replace(/^\uFEFF/, '').trimStart()[0]
    if (first === '{' || first === '[' || !format.csv) {
      const stats: JsonRecordStats = {records: 0, tooLong: 0, invalid: []}
      for await (const batch of readJsonRecords(path, display, stats, limits)) {
        for (const rec of batch) {
          if (rec.value && typeof rec.value === 'object' && !Array.isArray(rec.value)) take(format.record(rec.value as Record<string, unknown>, rec.line), rec.line)
        }
      }
      for (const s of stats.invalid) skip(s.line, s.reason)
      if (stats.tooLong) {
        out.skippedCount += stats.tooLong - 1
        skip(1, `${stats.tooLong} record(s) over ${MAX_RECORD / 1024 / 1024} MiB skipped`)
      }
      return out
    }
    // CSV with a header row: each row becomes an object keyed by the header
    const csv = new CsvLines()
    let header: string[] | undefined
    const rows = (list: CsvRow[]) => {
      for (const row of list) {
        if (!header) {
          header = row.fields.map((h) => h.replace(/^\uFEFF/, '').trim())
          continue
        }
        const obj: Record<string, unknown> = {}
        header.forEach((h, i) => {
          if (row.fields[i] !== undefined) obj[h] = row.fields[i]
        })
        take(format.record!(obj, row.line), row.line)
      }
    }
    let last = 0
    for await (const batch of readLineBatches(path, display, lineStats, limits)) {
      for (const l of batch) {
        rows(csv.line(l.text, l.line))
        last = l.line
      }
    }
    rows(csv.end(last))
    for (const e of csv.errors) skip(e.line, e.reason)
  } else {
    for await (const batch of readLineBatches(path, display, lineStats, limits)) {
      for (const {text, line} of batch) take(format.line!(text, line, year), line)
    }
  }
  if (lineStats.tooLong) {
    out.skippedCount += lineStats.tooLong - 1
    skip(lineStats.firstTooLong ?? 1, `${lineStats.tooLong} line(s) over ${MAX_LINE / 1024 / 1024} MiB dropped`)
  }
  return out
}
