/**
 * Azure (Entra ID) sign-in logs: the portal's JSON download (an array), Microsoft Graph
 * (`{"value": [...]}`: createdDateTime, userPrincipalName, ipAddress, status.errorCode, location with
 * geoCoordinates) and Log Analytics `SigninLogs` exports (TimeGenerated, UserPrincipalName, IPAddress,
 * ResultType, LocationDetails). errorCode/ResultType 0 is a success. The location Azure resolved is kept.
 */
import {parseIp} from '../../net/ip.js'
import {recordLines} from './cloudtrail.js'
import type {AccessLogFormat, LoginEvent} from './types.js'

type Rec = Record<string, any>

function toEvent(r: Rec, line: number): Omit<LoginEvent, 'file'> | string | null {
  const p: Rec = r.properties && typeof r.properties === 'object' ? {...r, ...r.properties} : r
  const ipText = String(p.ipAddress ?? p.IPAddress ?? p.callerIpAddress ?? '')
  const ip = parseIp(ipText)
  if (!ip) return ipText ? `unreadable address '${ipText}'` : null
  const time = Date.parse(p.createdDateTime ?? p.TimeGenerated ?? p.time ?? '')
  if (Number.isNaN(time)) return 'no readable createdDateTime'
  const user = String(p.userPrincipalName ?? p.UserPrincipalName ?? p.userDisplayName ?? '(unknown)')
  const code = p.status?.errorCode ?? p.ResultType ?? p.resultType ?? 0
  const loc: Rec = p.location && typeof p.location === 'object' ? p.location : (p.LocationDetails ?? {})
  const geo: Rec = loc.geoCoordinates ?? {}
  const e: Omit<LoginEvent, 'file'> = {time, user, ip: ipText, family: ip.family, value: ip.value, service: 'azure-signin', success: String(code) === '0', line}
  const country = loc.countryOrRegion ?? (typeof p.Location === 'string' ? p.Location : undefined)
  if (country) e.country = String(country).toUpperCase()
  if (typeof geo.latitude === 'number' && typeof geo.longitude === 'number') {
    e.latitude = geo.latitude
    e.longitude = geo.longitude
  }
  return e
}

export const azureSigninLog: AccessLogFormat = {
  name: 'azure-signin',
  kind: 'cloud',
  detect(head) {
    const h = head.join('\n')
    return /"userPrincipalName"|"UserPrincipalName"/.test(h) && /"createdDateTime"|"TimeGenerated"|"ipAddress"|"IPAddress"/.test(h) ? 1 : 0
  },
  document(text) {
    const skipped: Array<{line: number; reason: string}> = []
    const events: Array<Omit<LoginEvent, 'file'>> = []
    let doc: unknown
    try {
      doc = JSON.parse(text)
    } catch {
      // JSON lines
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
    }
    const records: Rec[] = Array.isArray(doc) ? doc : Array.isArray((doc as Rec).value) ? (doc as Rec).value : []
    const lines = recordLines(text, records.length)
    records.forEach((r, i) => {
      const e = toEvent(r, lines[i] ?? 1)
      if (typeof e === 'string') skipped.push({line: lines[i] ?? 1, reason: e})
      else if (e) events.push(e)
    })
    return {events, skipped}
  },
}
