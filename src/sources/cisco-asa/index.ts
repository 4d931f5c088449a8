import {IrmError} from '../../core/errors.js'
import {stageDone} from '../../core/stages.js'
import {readCiscoText, redactCisco} from '../cisco-common.js'
import type {SourceParser} from '../types.js'
import type {Denial} from '../../model/exposure.js'
import {bindingsToAttachments} from '../../model/attach.js'
import {asaDevice} from './device.js'
import {composeNat} from '../../model/nat.js'
import {asaExposures, asaNatOrder} from './exposures.js'
import {AsaReader} from './read.js'

const HEADER = /^(?:: Saved|: Serial Number|ASA Version |PIX Version |FWSM Version |: Hardware:)/m
// commands only an ASA/PIX writes; IOS says `ip access-list` and `ip address A M` without nameif
const ASA_WORDS = /^(?:nameif |security-level |access-list \S+ (?:line \d+ )?extended |access-group \S+ (?:in|out) interface |object network |same-security-traffic |webvpn$)/m
// IOS-only spellings: a file with these is not an ASA config
const IOS_WORDS = /^(?:ip access-list |ip access-group |zone-member security |line vty |version \d)/m

export const ciscoAsa: SourceParser = {
  type: 'cisco-asa',
  description: 'Cisco ASA / PIX running-config (show running-config)',
  detection: "an 'ASA Version' or ': Saved' header, or ASA-only commands (nameif, security-level, 'access-list NAME extended', 'access-group NAME in interface')",
  extensions: ['.cfg', '.conf', '.txt', '.asa'],
  detect(head) {
    if (HEADER.test(head)) return 1
    if (IOS_WORDS.test(head.replace(/^\s+/gm, ''))) return 0.1
    const lines = head.split('\n')
    let hits = 0
    for (const l of lines) if (ASA_WORDS.test(l.trimStart())) hits++
    return hits >= 3 ? 0.8 : hits > 0 ? 0.5 : 0
  },
  parse(text, {file}) {
    if (/^[[{<]/.test(text.trimStart())) {
      throw new IrmError('CONFIG_WRONG_FORMAT', 'this is JSON or XML, not an ASA running-config', {file, line: 1, hint: 'Give the output of `show running-config`, or pass the right --type.'})
    }
    const parsed = readCiscoText(text, {multiLineBanners: false, colonComments: true}, redactCisco)
    stageDone('tokenize')
    const config = new AsaReader(parsed.ledger).read(parsed.nodes)
    stageDone('model')
    // static NAT opens only what the interface's ACL passes
    const denies: Denial[] = []
    const {exposures, doubts} = composeNat(asaExposures(config, redactCisco, denies), asaNatOrder(config))
    const device = asaDevice(config)
    // access-group interfaces, nameifs of NAT and management lines → ingress/egress
    bindingsToAttachments(exposures, device)
    const {unparsed, stats, status} = parsed.ledger.finish()
    stageDone('evaluate')
    return {exposures, unparsed, ...(doubts.length ? {doubts} : {}), ...(denies.length ? {denies} : {}), stats, status, device}
  },
}
