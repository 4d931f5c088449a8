/**
 * Cisco ASA remote-access syslog: 113039 (AnyConnect parent session started), 722022 (SVC connection
 * established), 716001 (WebVPN session started), 113004 (AAA authentication successful) are logins;
 * 113005 (AAA user authentication Rejected) and 716039 (authentication rejected) are failures.
 */
import {parseIp} from '../../net/ip.js'
import {parseLogTime} from './time.js'
import type {AccessLogFormat} from './types.js'

const SESSION = /%ASA-\d-(113039|722022|716001|722051|722037)\b.*?Group <([^>]*)> User <([^>]*)> IP <([0-9a-fA-F:.]+)>/
const REJECTED = /%ASA-\d-113005\b.*?user = ([^:]+?) : user IP = ([0-9a-fA-F:.]+)/
const WEB_REJECTED = /%ASA-\d-716039\b.*?User <([^>]*)> IP <([0-9a-fA-F:.]+)>/

export const ciscoAsaLog: AccessLogFormat = {
  name: 'cisco-asa',
  kind: 'vpn',
  detect(head) {
    return head.some((l) => /%ASA-\d-\d{6}/.test(l)) ? 1 : 0
  },
  line(text, line, year) {
    let user: string | undefined
    let ipText: string | undefined
    let success = true
    const s = SESSION.exec(text)
    if (s) {
      // 722051/722037 follow 113039 for the same login: count the parent session only
      if (s[1] === '722051' || s[1] === '722037') return null
      user = s[3]
      ipText = s[4]
    } else {
      const r = REJECTED.exec(text) ?? WEB_REJECTED.exec(text)
      if (!r) return null
      user = r[1].trim()
      ipText = r[2]
      success = false
    }
    const ip = parseIp(ipText)
    if (!ip) return `unreadable address '${ipText}'`
    const time = parseLogTime(text, year)
    if (time === undefined) return 'no readable timestamp'
    return {time, user, ip: ipText, family: ip.family, value: ip.value, service: 'cisco-asa', success, line}
  },
}
