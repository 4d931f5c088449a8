/**
 * ipsec.secrets(5): `[selectors] : TYPE secret` lines (PSK, RSA, ECDSA, EAP, XAUTH, NTLM, P12, PIN…),
 * multi-line values continued on indented lines, and `include`. Nothing here is an exposure; every line
 * is understood or reported, and no line of this file is ever echoed (only `include` paths).
 */
import {inputLines} from '../input.js'
import {emptyDevice} from '../../model/device.js'
import {ParseLedger} from '../kit/ledger.js'
import type {ParseResult} from '../types.js'
import {REDACTED} from '../redact.js'

const TYPES = /^(PSK|RSA|ECDSA|BLISS|PKCS8|P12|PKCS12|EAP|XAUTH|NTLM|PIN|PPK)\b/i

export function parseIpsecSecrets(text: string): ParseResult {
  const ledger = new ParseLedger()
  let inEntry = false
  const lines = inputLines({file: '', text}).map((l) => l.text)
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue
    if (/^include\s+\S+/.test(trimmed) && !/^\s/.test(raw)) {
      ledger.unparsed(i + 1, 'include not followed: parse that file too', trimmed.split(/\s+/).slice(0, 2).join(' '), {code: 'not-followed'})
      inEntry = false
      continue
    }
    // `: PSK "x"` or `id1 id2 : RSA key.pem`; the separator is the first ':' followed by a known type
    const sep = /(?:^|\s):\s*(\S+)/.exec(trimmed)
    if (sep && TYPES.test(sep[1])) {
      ledger.ok(i + 1)
      inEntry = true
    } else if (inEntry && /^\s/.test(raw)) {
      ledger.ok(i + 1) // continuation of a multi-line secret
    } else {
      ledger.unparsed(i + 1, 'not a secrets entry (": TYPE value")', REDACTED, {code: 'malformed'})
      inEntry = false
    }
  }
  // secrets say nothing about the device's interfaces or listeners
  const {unparsed, stats, status} = ledger.finish()
  return {exposures: [], unparsed, stats, status, device: emptyDevice()}
}
