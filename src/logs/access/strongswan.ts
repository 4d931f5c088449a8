/**
 * strongSwan charon logs (syslog or a charon filelog): `IKE_SA rw[3] established between
 * 192.0.2.1[moon]...198.51.100.23[carol@example.org]` is a successful login of the remote identity from the
 * remote address; `authentication of 'carol@example.org' with … failed` after `… received packet: from
 * 198.51.100.23[500]` is a failure from that address. Filelog timestamps follow its `time_format`
 * (`%b %e %T`, `%d %b %T`, `%F %T`, with `time_add_ms`; see time.ts); formats without a year take --year.
 * Only user identities are logins: an e-mail/EAP/XAuth identity or a certificate whose CN is not a host
 * name. An SA whose remote identity is a gateway (an address, a host name, a DN whose CN is a host name,
 * `%any`) is a site-to-site tunnel, counted apart; an address or `%any` identity authenticated by EAP or
 * XAuth takes the EAP/XAuth identity.
 */
import {parseIp} from '../../net/ip.js'
import {parseLogTime} from './time.js'
import type {AccessLogFormat} from './types.js'

// sticky at the `IKE_SA ` before ` established between `: one start per line
const ESTABLISHED = /IKE_SA (\S+) established between ([^[\s]+)\[([^\]]*)\]\.\.\.([0-9a-fA-F:.]+)\[([^\]]*)\]/y
const RECEIVED = /received packet: from ([0-9a-fA-F:.]+)\[\d+\]/
const AUTH_FAILED = /authentication of '([^']+)' with \S+ failed|EAP method \S+ failed for peer (\S+)/
const AUTH_OK = /(?:XAuth )?authentication of '([^']+)' (?:with EAP )?successful/
const HOST = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/

/** The user an identity names, or undefined when it names a gateway. */
function userOf(id: string): string | undefined {
  const raw = id.trim()
  if (raw === '' || raw === '%any' || parseIp(raw)) return undefined
  if (raw.includes('=')) {
    // a certificate DN names the user by its CN; a CN that is a host name or an address is a gateway
    const cn = /CN=([^,]+)/.exec(raw)?.[1]?.trim()
    if (!cn) return undefined
    return cn.includes('@') || (!HOST.test(cn) && !parseIp(cn)) ? cn : undefined
  }
  if (raw.startsWith('@')) return undefined
  if (raw.includes('@')) return raw
  return HOST.test(raw) ? undefined : raw
}

export function strongswanLog(): AccessLogFormat {
  // the last peer address seen, for failures that name the identity only
  let lastPeer: string | undefined
  // EAP/XAuth identities authenticated per peer address
  const eap = new Map<string, string>()
  return {
    name: 'strongswan',
    kind: 'vpn',
    detect(head) {
      return head.some((l) => /charon(?:-systemd)?(?:\[\d+\])?:|\d{2}\[(?:IKE|NET|CFG|ENC|KNL)\]/i.test(l)) ? 1 : 0
    },
    line(text, line, year) {
      const rx = RECEIVED.exec(text)
      if (rx) lastPeer = rx[1]
      const ok = AUTH_OK.exec(text)
      if (ok && lastPeer) {
        if (eap.size > 10_000) eap.clear()
        eap.set(lastPeer, ok[1])
      }
      const phrase = text.indexOf(' established between ')
      const start = phrase < 0 ? -1 : text.lastIndexOf('IKE_SA ', phrase)
      ESTABLISHED.lastIndex = Math.max(start, 0)
      const est = start < 0 ? null : ESTABLISHED.exec(text)
      if (est) {
        const ipText = est[4]
        const ip = parseIp(ipText)
        if (!ip) return `unreadable address '${ipText}'`
        const time = parseLogTime(text, year)
        if (time === undefined) return 'no readable timestamp (set time_format in the filelog section of strongswan.conf)'
        const id = est[5].trim()
        const user = userOf(id) ?? (id === '%any' || parseIp(id) ? eap.get(ipText) : undefined)
        const e = {time, user: user ?? est[5], ip: ipText, family: ip.family, value: ip.value, service: 'strongswan' as const, success: true, line}
        return user ? e : {...e, nonUser: 'site-to-site'}
      }
      const fail = AUTH_FAILED.exec(text)
      if (fail && lastPeer) {
        const ip = parseIp(lastPeer)
        const time = parseLogTime(text, year)
        if (!ip) return null
        if (time === undefined) return 'no readable timestamp (set time_format in the filelog section of strongswan.conf)'
        const id = fail[1] ?? fail[2]
        const e = {time, user: id, ip: lastPeer, family: ip.family, value: ip.value, service: 'strongswan' as const, success: false, line}
        // an EAP failure is a user's; a failed certificate/PSK authentication of a gateway identity is not
        return fail[2] !== undefined || userOf(id) ? e : {...e, nonUser: 'site-to-site'}
      }
      return null
    },
  }
}
