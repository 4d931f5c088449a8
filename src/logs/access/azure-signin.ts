/**
 * Azure (Entra ID) sign-in logs, read record by record:
 * - the portal's JSON download (an array) and Microsoft Graph (`{"value": [...]}`: createdDateTime,
 *   userPrincipalName, ipAddress, status.errorCode, location with geoCoordinates);
 * - Log Analytics `SigninLogs` exports and diagnostic-setting records (TimeGenerated, UserPrincipalName,
 *   IPAddress, ResultType, LocationDetails; `properties` unwrapped);
 * - the portal's CSV download (columns `Date (UTC)`, `User`, `Username`, `IP address`, `Location`
 *   "City, State, CC", `Status`, `Sign-in error code`) and Log Analytics results exported to CSV
 *   (`TimeGenerated [UTC]`, `UserPrincipalName`, `IPAddress`, `ResultType`), quoted fields read by csv-parse.
 * errorCode/ResultType 0 (or Status "Success") is a success. The location Azure resolved is kept.
 * Sign-ins of service principals and managed identities (Graph `signInEventTypes`, the
 * `AADServicePrincipalSignInLogs`/`AADManagedIdentitySignInLogs` categories, CSV columns `Service principal
 * ID`/`Managed identity ID`, no user name) are counted apart: they are not a person logging in.
 */
import {parseIp} from '../../net/ip.js'
import type {AccessLogFormat, ParsedEvent} from './types.js'

type Rec = Record<string, any>

/** Case- and space-insensitive field lookup over the JSON and CSV spellings. */
function field(p: Rec, keys: readonly string[]): unknown {
  for (const k of keys) if (p[k] !== undefined && p[k] !== '') return p[k]
  return undefined
}

const TIME = ['createdDateTime', 'TimeGenerated', 'TimeGenerated [UTC]', 'time', 'Date (UTC)', 'Date']
const IP = ['ipAddress', 'IPAddress', 'callerIpAddress', 'IP address', 'IP Address']
const USER = ['userPrincipalName', 'UserPrincipalName', 'Username', 'User principal name', 'userDisplayName', 'User']
const NON_USER = ['servicePrincipalId', 'ServicePrincipalId', 'Service principal ID', 'servicePrincipalName', 'ServicePrincipalName', 'Service principal name', 'Managed identity ID', 'Managed Identity ID']

function nonUserKind(p: Rec, user: unknown): string | undefined {
  const types = p.signInEventTypes
  if (Array.isArray(types) && types.length > 0 && types.every((t) => t === 'servicePrincipal' || t === 'managedIdentity')) return String(types[0])
  const category = String(p.category ?? p.Category ?? p.Type ?? '')
  if (/ServicePrincipalSignIn/i.test(category)) return 'servicePrincipal'
  if (/ManagedIdentitySignIn/i.test(category)) return 'managedIdentity'
  if (user === undefined && field(p, NON_USER) !== undefined) return 'servicePrincipal'
  return undefined
}

function toEvent(r: Rec, line: number): ParsedEvent {
  const p: Rec = r.properties && typeof r.properties === 'object' ? {...r, ...r.properties} : r
  const ipText = String(field(p, IP) ?? '').trim()
  const ip = parseIp(ipText)
  if (!ip) return ipText ? `unreadable address '${ipText}'` : null
  const stamp = String(field(p, TIME) ?? '')
  // the portal writes `2026-11-02T09:12:01Z` or `11/2/2026, 9:12:01 AM` (UTC either way)
  const time = Date.parse(/[zZ]$|[+-]\d\d:\d\d$/.test(stamp) || !/\d:\d\d/.test(stamp) ? stamp : `${stamp.replace(',', '')} UTC`)
  if (Number.isNaN(time)) return 'no readable sign-in time'
  const userField = field(p, USER)
  const user = String(userField ?? field(p, NON_USER) ?? '(unknown)')
  const status = p.status
  let success: boolean
  if (status && typeof status === 'object') success = String(status.errorCode ?? 0) === '0'
  else if (typeof status === 'string' && status !== '') success = /^success/i.test(status)
  else success = String(field(p, ['ResultType', 'resultType', 'Sign-in error code']) ?? 0) === '0'
  const e: Exclude<ParsedEvent, string | null> = {time, user, ip: ipText, family: ip.family, value: ip.value, service: 'azure-signin', success, line}
  const loc: Rec = p.location && typeof p.location === 'object' ? p.location : p.LocationDetails && typeof p.LocationDetails === 'object' ? p.LocationDetails : {}
  const geo: Rec = loc.geoCoordinates ?? {}
  // the CSV's Location is "City, State, CC"; Log Analytics' Location is the country code
  const locText = typeof p.Location === 'string' ? p.Location.split(',').pop()!.trim() : undefined
  const country = loc.countryOrRegion ?? (locText && /^[A-Za-z]{2}$/.test(locText) ? locText : undefined)
  if (country) e.country = String(country).toUpperCase()
  if (typeof geo.latitude === 'number' && typeof geo.longitude === 'number') {
    e.latitude = geo.latitude
    e.longitude = geo.longitude
  }
  const kind = nonUserKind(p, userField)
  if (kind) e.nonUser = kind
  return e
}

export const azureSigninLog: AccessLogFormat = {
  name: 'azure-signin',
  kind: 'cloud',
  csv: true,
  detect(head) {
    const h = head.join('\n')
    if (/"userPrincipalName"|"servicePrincipalId"/i.test(h) && /"createdDateTime"|"TimeGenerated"|"ipAddress"/i.test(h)) return 1
    // the portal's CSV header, or a Log Analytics query exported to CSV
    const first = (head[0] ?? '').replace(/^\uFEFF/, '')
    if (/(^|,)"?Date \(UTC\)"?(,|$)/i.test(first) && /(^|,)"?IP address"?(,|$)/i.test(first)) return 1
    return /(^|,)"?TimeGenerated( \[UTC\])?"?(,|$)/.test(first) && /(^|,)"?IPAddress"?(,|$)/.test(first) ? 1 : 0
  },
  record: toEvent,
}
