/**
 * Cisco ASA remote-access syslog (message forms from Cisco's ASA syslog messages guide). One login per
 * session, whichever message opens it:
 * - 113039 `Group <g> User <u> IP <ip> AnyConnect parent session started.` (brackets optional);
 * - 751025 `Local:ip:port Remote:ip:port Username:u … assigned to session` (IKEv2 remote access);
 * - 713228 `Group = g, Username = u, IP = ip, Assigned private IP address … to remote user` (IKEv1);
 * - 716001 `Group <g> User <u> IP <ip> WebVPN session started.` (clientless).
 * The same user from the same address within SESSION_MS is the same session (AnyConnect over IKEv2 logs
 * both 113039 and 751025). 722022/722051/722037 (tunnels and addresses of a running session) only enrich
 * it: never a login of their own.
 * Failures: 113005 and 113015 `AAA user authentication Rejected : reason = … : user = u : user IP = ip`
 * (without `user IP`, the client of an IKE/SSL message in the 2 minutes before), 716039, and 713905 whose
 * text reports a failed or rejected authentication.
 */
import {parseIp} from '../../net/ip.js'
import {parseLogTime} from './time.js'
import type {AccessLogFormat, ParsedEvent} from './types.js'

// Patterns are anchored (or sticky at a found index): one start per line, so a hostile line stays linear.
const MESSAGE = /%ASA-\d-(\d{6}):? ?/y
const BRACKETED = /^Group <([^>]*)> User <([^>]*)> IP <([^>]*)>/
const PLAIN = /^Group (\S+) User (\S+) IP ([0-9a-fA-F:.]+)/
const IKE_PREFIX = /^Group = ([^,]*), (?:Username|User) = ([^,]*), IP = ([0-9a-fA-F:.]+)/
const ADDRESS = /^[0-9a-fA-F:.]+/
const IKEV2 = /Remote: ?(\S+) Username: ?(\S+)/y
const SSL_CLIENT = /client [^:\s]*:([^/\s]+)\//y

/** The address after the first `marker` in `body`. */
function addressAfter(body: string, marker: string): string | undefined {
  const at = body.indexOf(marker)
  return at < 0 ? undefined : ADDRESS.exec(body.slice(at + marker.length))?.[0]
}

/** `… : user = bob : user IP = …`: the user name, up to the next colon. */
function rejectedUser(body: string): string | undefined {
  const at = body.indexOf('user = ')
  if (at < 0) return undefined
  const end = body.indexOf(':', at)
  return body.slice(at + 'user = '.length, end < 0 ? undefined : end).trim() || undefined
}

function stickyAt(re: RegExp, text: string, marker: string): RegExpExecArray | null {
  const at = text.indexOf(marker)
  if (at < 0) return null
  re.lastIndex = at
  return re.exec(text)
}
const FAILED = /fail|reject|denied|invalid/i
const SESSION_IDS = new Set(['113039', '716001', '751025', '113005', '113015', '716039'])

/** Two session-start messages this close (same user, same address) are one session. */
const SESSION_MS = 60_000
/** A rejection without `user IP` takes the client of an IKE/SSL message at most this old. */
const CLIENT_MS = 120_000

export function ciscoAsaLog(): AccessLogFormat {
  const lastStart = new Map<string, number>()
  // the client of the last IKE/SSL message, for 113005 without `user IP` (only if recent)
  let lastClient: {ip: string; time: number | undefined} | undefined
  const event = (time: number | undefined, user: string, ipText: string, success: boolean, line: number): ParsedEvent => {
    const ip = parseIp(ipText)
    if (!ip) return `unreadable address '${ipText}'`
    if (time === undefined) return 'no readable timestamp'
    return {time, user, ip: ipText, family: ip.family, value: ip.value, service: 'cisco-asa', success, line}
  }
  const login = (time: number | undefined, user: string, ipText: string, line: number): ParsedEvent => {
    const key = `${user}\u0000${ipText}`
    if (time !== undefined) {
      const prev = lastStart.get(key)
      lastStart.set(key, time)
      if (prev !== undefined && time - prev >= 0 && time - prev <= SESSION_MS) return null
    }
    return event(time, user, ipText, true, line)
  }
  return {
    name: 'cisco-asa',
    kind: 'vpn',
    detect(head) {
      return head.some((l) => /%ASA-\d-\d{6}/i.test(l)) ? 1 : 0
    },
    line(text, line, year) {
      const m = stickyAt(MESSAGE, text, '%ASA-')
      if (!m) return null
      const id = m[1]
      // connection messages (302013…) are most of an ASA log: leave them at once
      if (!SESSION_IDS.has(id) && !id.startsWith('713') && !id.startsWith('725')) return null
      const body = text.slice(m.index + m[0].length)
      const time = parseLogTime(text, year)
      const ike = addressAfter(body, 'IP = ')
      if (ike) lastClient = {ip: ike, time}
      const ssl = id.startsWith('725') ? stickyAt(SSL_CLIENT, body, 'client ') : null
      if (ssl) lastClient = {ip: ssl[1], time}
      switch (id) {
        case '113039':
        case '716001': {
          const s = BRACKETED.exec(body) ?? PLAIN.exec(body)
          if (!s) return `unreadable ${id} message`
          lastClient = {ip: s[3], time}
          return login(time, s[2], s[3], line)
        }
        case '751025': {
          const s = stickyAt(IKEV2, body, 'Remote:')
          if (!s) return 'unreadable 751025 message'
          const remote = s[1].replace(/,$/, '')
          // `ip:port`, IPv6 included: the port is after the last colon
          const ipText = remote.slice(0, remote.lastIndexOf(':')).replace(/^\[|\]$/g, '')
          return login(time, s[2].replace(/,$/, ''), ipText, line)
        }
        case '713228': {
          const s = IKE_PREFIX.exec(body)
          if (!s) return null
          return login(time, s[2].trim(), s[3], line)
        }
        case '113005':
        case '113015': {
          const user = rejectedUser(body) ?? '(unknown)'
          const recent = lastClient && time !== undefined && lastClient.time !== undefined && time - lastClient.time >= 0 && time - lastClient.time <= CLIENT_MS ? lastClient.ip : undefined
          const ipText = addressAfter(body, 'user IP = ') ?? recent
          if (!ipText) return `${id} without a client address (no user IP, no IKE/SSL message in the ${CLIENT_MS / 1000} s before it)`
          return event(time, user, ipText, false, line)
        }
        case '716039': {
          const s = BRACKETED.exec(body)
          if (!s) return 'unreadable 716039 message'
          return event(time, s[2], s[3], false, line)
        }
        case '713905': {
          const s = IKE_PREFIX.exec(body)
          if (!s || !FAILED.test(body.slice(s.index + s[0].length))) return null
          return event(time, s[2].trim(), s[3], false, line)
        }
        default:
          return null
      }
    },
  }
}
