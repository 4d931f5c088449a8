/**
 * strongSwan charon logs (syslog or charon.log): `IKE_SA rw[3] established between
 * 192.0.2.1[moon]...198.51.100.23[carol@example.org]` is a successful login of the remote identity from the
 * remote address; `authentication of 'carol@example.org' with … failed` after `… received packet: from
 * 198.51.100.23[500]` is a failure from that address.
 */
import {parseIp} from '../../net/ip.js'
import {parseLogTime} from './time.js'
import type {AccessLogFormat} from './types.js'

const ESTABLISHED = /IKE_SA \S+ established between (\S+?)\[[^\]]*\]\.\.\.([0-9a-fA-F:.]+)\[([^\]]*)\]/
const RECEIVED = /received packet: from ([0-9a-fA-F:.]+)\[\d+\]/
const AUTH_FAILED = /authentication of '([^']+)' with \S+ failed|EAP method \S+ failed for peer (\S+)/

export function strongswanLog(): AccessLogFormat {
  // the last peer address seen, for failures that name the identity only
  let lastPeer: string | undefined
  return {
    name: 'strongswan',
    kind: 'vpn',
    detect(head) {
      return head.some((l) => /charon(?:-systemd)?(?:\[\d+\])?:|\d{2}\[(?:IKE|NET|CFG|ENC|KNL)\]/.test(l)) ? 1 : 0
    },
    line(text, line, year) {
      const rx = RECEIVED.exec(text)
      if (rx) lastPeer = rx[1]
      const est = ESTABLISHED.exec(text)
      const time = parseLogTime(text, year)
      if (est) {
        const ip = parseIp(est[2])
        if (!ip) return `unreadable address '${est[2]}'`
        if (time === undefined) return 'no readable timestamp'
        // a certificate DN names the user by its CN
        const id = /CN=([^,\]]+)/.exec(est[3])?.[1] ?? est[3]
        return {time, user: id, ip: est[2], family: ip.family, value: ip.value, service: 'strongswan', success: true, line}
      }
      const fail = AUTH_FAILED.exec(text)
      if (fail && lastPeer) {
        const ip = parseIp(lastPeer)
        if (!ip || time === undefined) return null
        return {time, user: fail[1] ?? fail[2], ip: lastPeer, family: ip.family, value: ip.value, service: 'strongswan', success: false, line}
      }
      return null
    },
  }
}
