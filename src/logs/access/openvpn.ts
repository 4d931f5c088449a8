/**
 * OpenVPN server logs and status files.
 * - log: `… 198.51.100.23:51234 [alice] Peer Connection Initiated with [AF_INET]198.51.100.23:51234`
 *   (success; the bracket is the certificate common name or the auth username), `… TLS Auth Error: Auth
 *   Username/Password verification failed for peer` and `… 198.51.100.23:51234 TLS Error: TLS handshake
 *   failed` (failures), with ISO, ctime or syslog stamps;
 * - status file (status-version 1, 2 and 3): `CLIENT_LIST,alice,198.51.100.23:51234,…,2026-11-02 09:12:01,…`
 *   and the v1 `alice,198.51.100.23:51234,bytes,bytes,Mon Nov  2 09:12:01 2026` rows.
 */
import {parseIp} from '../../net/ip.js'
import {parseLogTime} from './time.js'
import type {AccessLogFormat, LoginEvent} from './types.js'

// Lines are found by their phrase and cut with indexOf, never searched by a pattern from every position.
const PEER_PHRASE = ' Peer Connection Initiated with '
// the peer of a failure is `IP:port` or `[IPv6]:port`, optionally prefixed by `common-name/`
const PEER_TOKEN = /^(?:([^\s/]+)\/)?((?:\d{1,3}\.){3}\d{1,3}|\[[0-9a-fA-F:.]+\]):(\d+)$/
const FAILURES = ['TLS Auth Error', 'TLS Error: TLS handshake failed']

/** `… 198.51.100.23:51234 [alice] Peer Connection Initiated with [AF_INET]198.51.100.23:51234`. */
function peerLine(text: string): {user: string; ip: string} | undefined {
  const at = text.indexOf(PEER_PHRASE)
  if (at < 0) return undefined
  const head = text.slice(0, at)
  if (!head.endsWith(']')) return undefined
  const user = head.slice(head.lastIndexOf('[') + 1, -1)
  let rest = text.slice(at + PEER_PHRASE.length)
  if (rest.startsWith('[AF_INET6]')) rest = rest.slice('[AF_INET6]'.length)
  else if (rest.startsWith('[AF_INET]')) rest = rest.slice('[AF_INET]'.length)
  const space = rest.search(/\s/)
  const token = space < 0 ? rest : rest.slice(0, space)
  const colon = token.lastIndexOf(':')
  return user && colon > 0 ? {user, ip: token.slice(0, colon)} : undefined
}

/** `[cn/]IP:port TLS Auth Error…`, `… TLS Error: TLS handshake failed`, `… verification failed`. */
function failLine(text: string): {cn?: string; ip: string} | undefined {
  const verification = text.lastIndexOf('verification failed')
  const tokens = text.split(' ')
  let pos = 0
  for (const [i, t] of tokens.entries()) {
    const m = t.length < 80 ? PEER_TOKEN.exec(t) : null
    if (m) {
      const after = text.slice(pos + t.length + 1, pos + t.length + 1 + 40)
      if (FAILURES.some((f) => after.startsWith(f)) || (verification > pos && i + 1 < tokens.length)) return {cn: m[1], ip: m[2]}
    }
    pos += t.length + 1
  }
  return undefined
}
const USER_FAIL = /(?:user|username) '([^']+)'/i
const STATUS_V23 = /^CLIENT_LIST[,\t]/i
const STATUS = /^(?:OpenVPN CLIENT LIST|TITLE[,\t]OpenVPN)/i
// what a server log shows first: the version banner, the verb-4 parameter dump, the start-up sequence
const MARKERS = /openvpn|Peer Connection Initiated|MULTI_sva|MULTI: multi_init called|TLS: Initial packet from|Current Parameter Settings:|Initialization Sequence Completed|library versions: OpenSSL/i
const STATUS_V1 = /^([^,]+),(\[?[0-9a-fA-F:.]+\]?):(\d+),(\d+),(\d+),(.+)$/

function ipOf(text: string) {
  const p = parseIp(text.replace(/^\[|\]$/g, '').replace(/^::ffff:/, ''))
  return p ?? undefined
}

function event(time: number | undefined, user: string, ipText: string, success: boolean, line: number): Omit<LoginEvent, 'file'> | string {
  const ip = ipOf(ipText)
  if (!ip) return `unreadable address '${ipText}'`
  if (time === undefined) return 'no readable timestamp'
  return {time, user, ip: ipText.replace(/^\[|\]$/g, ''), family: ip.family, value: ip.value, service: 'openvpn', success, line}
}

export const openvpnLog: AccessLogFormat = {
  name: 'openvpn',
  kind: 'vpn',
  detect(head) {
    if (head.some((l) => STATUS.test(l) || STATUS_V23.test(l))) return 1
    return head.some((l) => MARKERS.test(l)) ? 0.9 : 0
  },
  line(text, line, year) {
    if (STATUS_V23.test(text)) {
      const f = text.split(/[,\t]/)
      // CLIENT_LIST,Common Name,Real Address,Virtual Address,Virtual IPv6,Bytes Received,Bytes Sent,Connected Since,Connected Since (time_t),Username,…
      const real = f[2] ?? ''
      const ipText = real.replace(/:\d+$/, '')
      const epoch = Number(f[8])
      const time = Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : parseLogTime(f[7] ?? '', year)
      const user = f[9] && f[9] !== 'UNDEF' ? f[9] : f[1]
      return event(time, user, ipText, true, line)
    }
    const peer = peerLine(text)
    if (peer) return event(parseLogTime(text, year), peer.user, peer.ip, true, line)
    const fail = failLine(text)
    if (fail) {
      const user = USER_FAIL.exec(text)?.[1] ?? fail.cn ?? '(unknown)'
      return event(parseLogTime(text, year), user, fail.ip, false, line)
    }
    const v1 = STATUS_V1.exec(text)
    if (v1 && ipOf(v1[2])) return event(parseLogTime(v1[6], year), v1[1], v1[2], true, line)
    return null
  },
}
