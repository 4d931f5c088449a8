/**
 * FortiGate event logs (key=value, as sent to syslog or exported): subtype "vpn" SSL-VPN events with
 * `action="tunnel-up"` or `"ssl-web-pass"`/`"ssl-login-pass"` are logins, `"ssl-login-fail"` failures;
 * `remip` is the client, `user` the account. `eventtime` (ns or µs) wins over `date`/`time`.
 */
import {parseIp} from '../../net/ip.js'
import {parseLogTime} from './time.js'
import type {AccessLogFormat} from './types.js'

const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95
const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13)

/**
 * `key=value key="quoted \" value"`, read in one pass (no pattern tried from every position: a hostile
 * line of quotes and equal signs stays linear).
 */
export function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  const n = text.length
  // past this position there is no closing quote: later quoted values need not look again
  let noQuoteFrom = n + 1
  let i = 0
  while (i < n) {
    const eq = text.indexOf('=', i)
    if (eq < 0) break
    let k = eq
    while (k > i && isWord(text.charCodeAt(k - 1))) k--
    const key = text.slice(k, eq)
    let j = eq + 1
    let value: string | undefined
    if (text[j] === '"' && j + 1 < noQuoteFrom) {
      let e = j + 1
      while (e < n && text.charCodeAt(e) !== 34) e += text.charCodeAt(e) === 92 ? 2 : 1
      if (e < n) {
        value = text.slice(j + 1, e)
        j = e + 1
      } else noQuoteFrom = j + 1
    }
    if (value === undefined) {
      let e = j
      while (e < n && !isSpace(text.charCodeAt(e))) e++
      value = text.slice(j, e)
      j = e
    }
    if (key && (value !== '' || text[eq + 1] === '"')) out[key] = value
    i = Math.max(j, eq + 1)
  }
  return out
}

const SUCCESS = new Set(['tunnel-up', 'ssl-web-pass', 'ssl-login-pass', 'ssl-new-con'])

export const fortigateLog: AccessLogFormat = {
  name: 'fortigate',
  kind: 'vpn',
  detect(head) {
    return head.some((l) => /\blogid="?\d{10}"?/i.test(l) && /\btype="?event"?/i.test(l)) ? 1 : 0
  },
  line(text, line, year) {
    if (!/subtype="?vpn"?/.test(text)) return null
    const kv = keyValues(text)
    const action = kv.action ?? ''
    const success = SUCCESS.has(action)
    if (!success && !action.includes('fail')) return null
    if (action === 'ssl-new-con' && !kv.user) return null
    const ipText = kv.remip
    const ip = ipText ? parseIp(ipText) : null
    if (!ip) return `unreadable remip '${ipText ?? ''}'`
    let time: number | undefined
    const et = Number(kv.eventtime)
    if (Number.isFinite(et) && et > 0) time = et > 1e17 ? Math.floor(et / 1e6) : et > 1e14 ? Math.floor(et / 1e3) : et
    time ??= parseLogTime(`${kv.date ?? ''} ${kv.time ?? ''}`, year)
    if (time === undefined) return 'no readable timestamp'
    return {time, user: kv.user ?? '(unknown)', ip: ipText!, family: ip.family, value: ip.value, service: 'fortigate', success, line}
  },
}
