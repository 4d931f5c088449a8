import {IrmError} from '../../core/errors.js'
import {stageDone} from '../../core/stages.js'
import {readCiscoText, redactCisco} from '../cisco-common.js'
import type {SourceParser} from '../types.js'
import type {Denial} from '../../model/exposure.js'
import {bindingsToAttachments} from '../../model/attach.js'
import {iosDevice} from './device.js'
import {composeNat} from '../../model/nat.js'
import {IOS_NAT, iosExposures} from './exposures.js'
import {IosReader} from './read.js'

// IOS-only spellings; ASA says `access-list NAME extended` and `nameif`
const IOS_WORDS = /^(?:version \d+\.\d+|ip access-list (?:standard|extended) |ip access-group \S+ (?:in|out)|ip nat (?:inside|outside)|ipv6 traffic-filter |zone-member security |zone-pair security |class-map type inspect |line vty |ip route \d|access-list \d+ (?:permit|deny|remark) |ip cef|boot-start-marker|ip address \S+ \S+|ipv6 access-list \S|crypto map \S+ \d+ ipsec-isakmp|vrf definition \S|ip ssh (?:version|time-out|authentication-retries|source-interface))/m
const ASA_ONLY = /^(?:ASA Version |PIX Version |: Saved|[ \t]*nameif |[ \t]*security-level )/m

export const ciscoIos: SourceParser = {
  type: 'cisco-ios',
  description: 'Cisco IOS / IOS-XE running-config (ACLs, zone-based firewall, NAT, vty, IPsec tunnels)',
  detection: "IOS-only commands ('version 15.x', 'ip access-list extended', 'ip access-group … in', 'zone-member security', 'line vty'), and no ASA header or nameif",
  extensions: ['.cfg', '.conf', '.txt', '.ios'],
  detect(head) {
    if (ASA_ONLY.test(head)) return 0.1
    let hits = 0
    for (const l of head.split('\n')) if (IOS_WORDS.test(l.trimStart())) hits++
    return hits >= 3 ? 0.9 : hits > 0 ? 0.5 : 0
  },
  parse(text, {file}) {
    const start = text.trimStart()
    if (/^[[{<]/.test(start)) {
      throw new IrmError('CONFIG_WRONG_FORMAT', 'this is JSON or XML, not an IOS running-config', {file, line: 1, hint: 'Give the output of `show running-config`, or pass the right --type.'})
    }
    const parsed = readCiscoText(text, {multiLineBanners: true, colonComments: false}, redactCisco)
    stageDone('tokenize')
    const config = new IosReader(parsed.ledger).read(parsed.nodes)
    stageDone('model')
    // static NAT opens only what the outside ACL (or the zone-pair) passes
    const denies: Denial[] = []
    const {exposures, doubts} = composeNat(iosExposures(config, redactCisco, denies), IOS_NAT)
    const device = iosDevice(config)
    // ip access-group interfaces and ZBF zone pairs → ingress/egress
    bindingsToAttachments(exposures, device)
    const {unparsed, stats, status} = parsed.ledger.finish()
    stageDone('evaluate')
    return {exposures, unparsed, ...(doubts.length ? {doubts} : {}), ...(denies.length ? {denies} : {}), stats, status, device}
  },
}
