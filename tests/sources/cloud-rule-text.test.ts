/**
 * ruleText (the one-line JSON of a cloud rule) skips the redaction chain when jsonMayHoldSecret clears
 * it (issue 19: the chain was 60 µs per rule on a 10^5-rule NSG). The chain must then leave that JSON
 * unchanged: checked on every object and array of the cloud corpus and fixtures, and on generated ones.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {PULUMI_SECRET_SIG, ruleText} from '../../src/sources/cloud-common.js'
import {jsonMayHoldSecret, REDACTED, redactEveryPattern, redactLine} from '../../src/sources/redact.js'
import {CORPUS, filesUnder, FIXTURES} from '../helpers/sources.js'

const CLOUD = ['aws', 'azure', 'gcp', 'pulumi']


function* nodes(v: unknown): Generator<object> {
  if (v === null || typeof v !== 'object') return
  yield v
  for (const c of Array.isArray(v) ? v : Object.values(v)) yield* nodes(c)
}

describe('ruleText redaction shortcut', () => {
  it('gives the pattern chain result on every object of the cloud corpus and fixtures', () => {
    let cleared = 0
    for (const root of [CORPUS, FIXTURES]) {
      for (const type of CLOUD) {
        for (const f of filesUnder(join(root, type))) {
          if (!f.endsWith('.json')) continue
          let doc: unknown
          try {
            doc = JSON.parse(readFileSync(f, 'utf8'))
          } catch {
            continue
          }
          for (const n of nodes(doc)) {
            const json = JSON.stringify(n)
            if (jsonMayHoldSecret(json)) continue
            cleared++
            expect(redactEveryPattern(json), `${f}: ${json}`).toBe(json)
          }
        }
      }
    }
    // the shortcut is taken, or this test checks nothing
    expect(cleared).toBeGreaterThan(50)
  })

  it('still redacts secrets in values and never clears a bare key body', () => {
    expect(ruleText({description: 'admin password hunter2 here'})).not.toContain('hunter2')
    expect(ruleText({url: 'https://user:s3cret@example.com/x'})).not.toContain('s3cret')
    expect(jsonMayHoldSecret(JSON.stringify('MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx'))).toBe(true)
    expect(ruleText({name: 'rule-1', priority: 100, access: 'Allow'})).toBe('{"name":"rule-1","priority":100,"access":"Allow"}')
  })

  it('holds on generated rule objects', () => {
    const word = fc.constantFrom('Allow', 'Deny', 'Tcp', '10.0.0.0/8', '*', 'rule', 'x=y', '$1$abc$def', 'aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ=', '22', 'web tier', 'https://a:b@c', 'key', REDACTED)
    const value = fc.oneof(word, fc.string({maxLength: 20}), fc.integer(), fc.array(word, {maxLength: 3}))
    const rule = fc.dictionary(fc.constantFrom('name', 'protocol', 'access', 'priority', 'sourceAddressPrefix', 'description', 'tags', 'x'), value, {maxKeys: 6})
    fc.assert(
      fc.property(rule, (r) => {
        const json = JSON.stringify(r)
        if (!jsonMayHoldSecret(json)) expect(redactEveryPattern(json)).toBe(json)
      }),
      {numRuns: 2000, seed: 19},
    )
  })
  it('reads a rule string by string as the replacer and the whole-text prefilter would', () => {
    // the shortcut of ruleText: the replacer only when a key or a Pulumi secret needs it, and the
    // keyword test per string instead of over the whole text (escapes and control characters included)
    const SECRET_KEY = /pre_?shared|psk|password|passphrase|secret|private_?key|token|ciphertext|plaintext|customergatewayconfiguration|sharedkey|auth_?key/i
    const reference = (v: unknown): string => {
      const json = JSON.stringify(v ?? null, (key, x: unknown) => {
        if (key && SECRET_KEY.test(key)) return REDACTED
        if (x !== null && typeof x === 'object' && !Array.isArray(x) && PULUMI_SECRET_SIG in x) return REDACTED
        if (key === '__defaults' || key === '__meta') return undefined
        return x
      })
      const text = !jsonMayHoldSecret(json) ? json : redactLine(json)
      return text.length > 400 ? `${text.slice(0, 399)}…` : text
    }
    const word = fc.constantFrom('Allow', 'x\u001bearer', 'e\nc', 'p\u0000ass', 'a"b', 'c\\d', '\ud800', 'pass', 'Key', 'x=y', 'https://a', '-----', 'ascii-text', '10.0.0.0/8', '*', 'rule 1')
    const key = fc.constantFrom('name', 'password', 'psk', '__meta', '__defaults', 'token', 'Auth', 'sig', 'x\u001bearer', 'a"b', PULUMI_SECRET_SIG, 'properties')
    const leaf = fc.oneof(word, fc.string({maxLength: 12}), fc.string({unit: 'binary', maxLength: 6}), fc.integer(), fc.boolean(), fc.constant(null), fc.double())
    const tree = fc.letrec((tie) => ({
      node: fc.oneof({depthSize: 'small'}, leaf, fc.array(tie('node'), {maxLength: 3}), fc.dictionary(fc.oneof(key, fc.string({maxLength: 8})), tie('node'), {maxKeys: 4})),
    })).node
    fc.assert(
      fc.property(tree, (v) => {
        expect(ruleText(v as never)).toBe(reference(v))
      }),
      {numRuns: 3000, seed: 19},
    )
  })
})
