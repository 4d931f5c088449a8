/**
 * ipsec.secrets(5): `[selectors] : TYPE secret` lines (PSK, RSA, ECDSA, EAP, XAUTH, NTLM, P12, PIN…),
 * multi-line values continued on indented lines, and `include`. Nothing here is an exposure; every line
 * is understood or reported, and no line of this file is ever echoed (only `include` paths).
 */
import {emptyDevice} from '../../model/device.js'
import type {ParseResult, Unparsed} from '../types.js'
import {REDACTED} from '../redact.js'

const TYPES = /^(PSK|RSA|ECDSA|BLISS|PKCS8|P12|PKCS12|EAP|XAUTH|NTLM|PIN|PPK)\b/i

export function parseIpsecSecrets(text: string): ParseResult {
  const unparsed: Unparsed[] = []
  let count = 0
  let understood = 0
  let inEntry = false
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    count++
    if (/^include\s+\S+/.test(trimmed) && !/^\s/.test(raw)) {
      unparsed.push({line: i + 1, reason: 'include not followed: parse that file too', text: trimmed.split(/\s+/).slice(0, 2).join(' ')})
      inEntry = false
      continue
    }
    // `: PSK "x"` or `id1 id2 : RSA key.pem`; the separator is the first ':' followed by a known type
    const sep = /(?:^|\s):\s*(\S+)/.exec(trimmed)
    if (sep && TYPES.test(sep[1])) {
      understood++
      inEntry = true
    } else if (inEntry && /^\s/.test(raw)) {
      understood++ // continuation of a multi-line secret
    } else {
      unparsed.push({line: i + 1, reason: 'not a secrets entry (": TYPE value")', text: REDACTED})
      inEntry = false
    }
  }
  // secrets say nothing about the device's interfaces or listeners
  return {exposures: [], unparsed, stats: {lines: count, understood}, device: emptyDevice()}
}
