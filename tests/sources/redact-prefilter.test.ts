/**
 * The keyword prefilter of redactLine (issue 19): a line it clears skips the pattern chain, so the
 * chain must leave every such line unchanged. Checked on every line of the corpus and the fixtures,
 * and on generated lines mixing config words, secret keywords and odd characters.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {hasPrefilterWord, mayHoldSecret, PREFILTER_WORDS, REDACTED, redactEveryPattern, redactLine} from '../../src/sources/redact.js'
import {CORPUS, filesUnder, FIXTURES} from '../helpers/sources.js'


describe('redactLine keyword prefilter', () => {
  it('gives the pattern chain result on every corpus and fixture line', () => {
    let lines = 0
    let skipped = 0
    for (const dir of [CORPUS, FIXTURES]) {
      for (const f of filesUnder(dir)) {
        for (const line of readFileSync(f, 'utf8').split(/\r?\n/)) {
          lines++
          if (!mayHoldSecret(line)) skipped++
          expect(redactLine(line), `${f}: ${line}`).toBe(redactEveryPattern(line))
        }
      }
    }
    expect(lines).toBeGreaterThan(1000)
    // the point of the prefilter: most lines skip the chain
    expect(skipped).toBeGreaterThan(lines / 4)
  })

  it('gives the pattern chain result on generated lines', () => {
    const words = [
      'permit', 'tcp', 'any', 'host', '10.0.0.1', '-A', 'INPUT', '-j', 'ACCEPT', 'set', 'edit', 'psk', 'key', 'Key', 'KEY',
      'password', 'secret', '7', '0', 'md5', 'auth', 'sha', 'priv', 'aes', '128', 'snmp-server', 'community', 'ENC', '$9$abc',
      '$1$salt$hash', ':', 'PSK', 'RSA', '"x"', "'y'", '=', ';', '{', '}', '#', '<key>', '</key>', 'https://u:p@h', 'Bearer',
      'sig=abc', 'AccountKey=zz', '-----BEGIN RSA PRIVATE KEY-----', 'YWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU2Nzg=',
      'standby', 'authentication', 'text', 'nhrp', 'wpa-psk', 'ascii', 'pin', 'token', 'ping', 'hash', 'pre-shared-key',
    ]
    const line = fc
      .array(fc.oneof(fc.constantFrom(...words), fc.string({maxLength: 12}), fc.stringMatching(/^[A-Za-z0-9+/]{40,48}=?$/)), {maxLength: 14})
      .chain((ws) => fc.constantFrom(' ', '\t', '  ').map((sep) => ws.join(sep)))
    fc.assert(
      fc.property(line, (l) => {
        expect(redactLine(l)).toBe(redactEveryPattern(l))
      }),
      {numRuns: 3000},
    )
  })

  it('clears rule lines without a keyword and still redacts a keyword line', () => {
    const rule = '-A svc_3 -s 172.16.0.0/24 -d 10.3.1.2/32 -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW -j ACCEPT'
    expect(mayHoldSecret(rule)).toBe(false)
    expect(redactLine(rule)).toBe(rule)
    expect(mayHoldSecret('ip daddr 10.0.0.1 tcp dport 443 accept')).toBe(false)
    expect(redactLine('username admin secret 5 hunter2')).toBe(`username admin secret ${REDACTED}`)
    // a one-word line may be a key body: never cleared
    expect(mayHoldSecret('MIIEowIBAAKCAQEA1234abcd')).toBe(true)
  })

  it('scans as the regex of its words (flag i) and the one-word test as /\\S[ \\t]+\\S/ would', () => {
    const words = new RegExp(PREFILTER_WORDS.map((w) => w.replace(/[$/]/g, '\\$&')).join('|'), 'i')
    const innerBlank = /\S[ \t]+\S/
    // the words cut and in other cases, ASCII look-alikes beyond ASCII (ſ, K, ı: /i does not fold them to
    // ASCII), blanks, other white space and line ends
    const piece = fc.oneof(
      fc.constantFrom(...PREFILTER_WORDS).chain((w) => fc.tuple(fc.nat(w.length), fc.boolean()).map(([cut, up]) => (up ? w.toUpperCase() : w).slice(cut))),
      fc.constantFrom(' ', '\t', '\r', '\n', '\u00a0', '\u2028', '\ufeff', 'ſ', '\u212a', 'ı', 'İ', 'é', '/', ':', '-', 'a', 'S', '1'),
      fc.string({maxLength: 4}),
    )
    fc.assert(
      fc.property(fc.array(piece, {maxLength: 16}).map((ps) => ps.join('')), (l) => {
        expect(hasPrefilterWord(l)).toBe(words.test(l))
        expect(mayHoldSecret(l)).toBe(words.test(l) || !innerBlank.test(l))
      }),
      {numRuns: 20000},
    )
    for (const w of PREFILTER_WORDS) {
      expect(hasPrefilterWord(`-A x ${w.toUpperCase()} y`)).toBe(true)
      // cut by a blank: as the regex says (only the one-character words still match)
      const cut = `${w.slice(0, -1)} ${w.slice(-1)}`
      expect(hasPrefilterWord(cut)).toBe(words.test(cut))
    }
    expect(hasPrefilterWord('-A INPUT -p tcp --dport 22 -j ACCEPT')).toBe(false)
    expect(hasPrefilterWord('s\u212aey')).toBe(false)
  })
})
