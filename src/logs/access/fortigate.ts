/**
 * FortiGate event logs (key=value, as sent to syslog or exported): subtype "vpn" SSL-VPN events with
 * `action="tunnel-up"` or `"ssl-web-pass"`/`"ssl-login-pass"` are logins, `"ssl-login-fail"` failures;
 * `remip` is the client, `user` the account. `eventtime` (ns or µs) wins over `date`/`time`.
 */
import {parseIp} from '../../net/ip.js'
import {parseLogTime} from './time.js'
import type {AccessLogFormat} from './types.js'

const KV = /(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g

export function keyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const m of text.matchAll(KV)) out[m[1]] = m[2].startsWith('"') ? m[2].slice(1, -1) : m[2]
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
