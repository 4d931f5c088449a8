/**
 * AWS CloudTrail: a log file `{"Records": [...]}` (as delivered to S3: one minified line, gzipped), an
 * array, or one event per line (CloudTrail Lake / Athena exports), read record by record (json-records.ts). ConsoleLogin, AssumeRole*, GetSessionToken and
 * GetFederationToken are logins; `responseElements.ConsoleLogin: "Failure"` or an `errorCode` is a failure.
 * Calls made by AWS services (`sourceIPAddress: "ec2.amazonaws.com"`) have no address and are skipped.
 */
import {parseIp} from '../../net/ip.js'
import type {AccessLogFormat, ParsedEvent} from './types.js'

const LOGINS = new Set(['ConsoleLogin', 'AssumeRole', 'AssumeRoleWithSAML', 'AssumeRoleWithWebIdentity', 'GetSessionToken', 'GetFederationToken', 'SwitchRole'])

type Rec = Record<string, any>

function toEvent(r: Rec, line: number): ParsedEvent {
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

export const cloudtrailLog: AccessLogFormat = {
  name: 'cloudtrail',
  kind: 'cloud',
  detect(head) {
    const h = head.join('\n')
    return /"eventName"/i.test(h) && /"eventSource"|"Records"|"userIdentity"/i.test(h) ? 1 : 0
  },
  record: toEvent,
}
