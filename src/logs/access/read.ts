/** Detect the access-log format of a file and read its login events. */
import {IrmError} from '../../core/errors.js'
import {firstLines, readLines} from '../stream.js'
import {azureSigninLog} from './azure-signin.js'
import {ciscoAsaLog} from './cisco-asa.js'
import {cloudtrailLog} from './cloudtrail.js'
import {fortigateLog} from './fortigate.js'
import {openvpnLog} from './openvpn.js'
import {strongswanLog} from './strongswan.js'
import type {AccessLogFormat, LoginEvent} from './types.js'

/** Factories: some formats keep state across lines (strongSwan pairs a failure with the last peer). */
export const ACCESS_FORMATS: ReadonlyArray<() => AccessLogFormat> = [() => openvpnLog, strongswanLog, () => ciscoAsaLog, () => fortigateLog, () => cloudtrailLog, () => azureSigninLog]

export const MAX_DOCUMENT_BYTES = 512 * 1024 * 1024

export async function detectAccessFormat(path: string, display: string, name?: string): Promise<AccessLogFormat> {
  const all = ACCESS_FORMATS.map((f) => f())
  if (name) {
    const f = all.find((x) => x.name === name)
    if (!f) throw new IrmError('USAGE', `unknown access-log format '${name}'`, {hint: `Use one of: ${all.map((x) => x.name).join(', ')}.`})
    return f
  }
  const head = await firstLines(path, display, 20)
  const best = all.map((f) => ({f, s: f.detect(head)})).sort((a, b) => b.s - a.s)[0]
  if (!best || best.s === 0) {
    throw new IrmError('CONFIG_UNKNOWN_FORMAT', 'cannot tell which kind of authentication log this is', {
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
}

export async function readAccessLog(path: string, display: string, format: AccessLogFormat, year: number): Promise<AccessReadResult> {
  const out: AccessReadResult = {events: [], skipped: [], skippedCount: 0}
  const skip = (line: number, reason: string) => {
    out.skippedCount++
    if (out.skipped.length < 100) out.skipped.push({line, reason})
  }
  if (format.document) {
    const parts: string[] = []
    let size = 0
    for await (const l of readLines(path, display)) {
      size += l.text.length + 1
      if (size > MAX_DOCUMENT_BYTES) throw new IrmError('INPUT_TOO_LARGE', 'the JSON log is over 512 MB', {file: display, hint: 'Split the export by day.'})
      parts.push(l.text)
    }
    const r = format.document(parts.join('\n'))
    for (const e of r.events) out.events.push({...e, file: display})
    for (const s of r.skipped) skip(s.line, s.reason)
    return out
  }
  for await (const {text, line} of readLines(path, display)) {
    const r = format.line!(text, line, year)
    if (r === null) continue
    if (typeof r === 'string') skip(line, r)
    else out.events.push({...r, file: display})
  }
  return out
}
