/**
 * AWS CloudTrail: a log file `{"Records": [...]}` (as delivered to S3, gzipped or not), an array, or one
 * event per line (CloudTrail Lake / Athena exports). ConsoleLogin, AssumeRole*, GetSessionToken and
 * GetFederationToken are logins; `responseElements.ConsoleLogin: "Failure"` or an `errorCode` is a failure.
 * Calls made by AWS services (`sourceIPAddress: "ec2.amazonaws.com"`) have no address and are skipped.
 */
import {parseIp} from '../../net/ip.js'
import type {AccessLogFormat, LoginEvent} from './types.js'

const LOGINS = new Set(['ConsoleLogin', 'AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetSessionToken', 'GetFederationToken', 'SwitchRole'])

type Rec = Record<string, any>

function toEvent(r: Rec, line: number): Omit<LoginEvent, 'file'> | string | null {
  if (!LOGINS.has(r.eventName)) return null
  const ipText = String(r.sourceIPAddress ?? '')
  const ip = parseIp(ipText)
  if (!ip) return null
  const time = Date.parse(r.eventTime)
  if (Number.isNaN(time)) return 'no readable eventTime'
  const id = r.userIdentity ?? {}
  const user = String(id.userName ?? id.sessionContext?.sessionIssuer?.userName ?? id.arn ?? id.principalId ?? '(unknown)')
  const success = !r.errorCode && r.responseElements?.ConsoleLogin !== 'Failure'
  return {time, user, ip: ipText, family: ip.family, value: ip.value, service: 'cloudtrail', success, line}
}

/** Line of each top-level record: the line where `"eventVersion"`/`"eventTime"` of the n-th record sits. */
function recordLines(text: string, count: number): number[] {
  const lines: number[] = []
  let line = 1
  let depth = 0
  let inString = false
  let recordsDepth = -1
  for (let i = 0; i < text.length && lines.length < count; i++) {
    const c = text[i]
    if (c === '\n') line++
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
      continue
    }
    if (c === '"') inString = true
    else if (c === '[') {
      depth++
      if (recordsDepth < 0) recordsDepth = depth
    } else if (c === ']') depth--
    else if (c === '{') {
      if (depth === recordsDepth) lines.push(line)
      depth++
    } else if (c === '}') depth--
  }
  return lines
}

export const cloudtrailLog: AccessLogFormat = {
  name: 'cloudtrail',
  kind: 'cloud',
  detect(head) {
    const h = head.join('\n')
    return /"eventName"/.test(h) && /"eventSource"|"Records"|"userIdentity"/.test(h) ? 1 : 0
  },
  document(text) {
    const skipped: Array<{line: number; reason: string}> = []
    const events: Array<Omit<LoginEvent, 'file'>> = []
    const trimmed = text.trimStart()
    let records: Rec[] | undefined
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        const doc = JSON.parse(text)
        records = Array.isArray(doc) ? doc : Array.isArray(doc.Records) ? doc.Records : undefined
      } catch {
        records = undefined
      }
    }
    if (records) {
      const lines = recordLines(text, records.length)
      records.forEach((r, i) => {
        const e = toEvent(r, lines[i] ?? 1)
        if (typeof e === 'string') skipped.push({line: lines[i] ?? 1, reason: e})
        else if (e) events.push(e)
      })
      return {events, skipped}
    }
    // one JSON event per line
    text.split('\n').forEach((l, i) => {
      if (!l.trim()) return
      try {
        const e = toEvent(JSON.parse(l), i + 1)
        if (typeof e === 'string') skipped.push({line: i + 1, reason: e})
        else if (e) events.push(e)
      } catch {
        skipped.push({line: i + 1, reason: 'not valid JSON'})
      }
    })
    return {events, skipped}
  },
}

export {recordLines}
