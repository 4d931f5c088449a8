/**
 * ruleText (the one-line JSON of a cloud rule) skips the redaction chain when jsonMayHoldSecret clears
 * it (issue 19: the chain was 60 µs per rule on a 10^5-rule NSG). The chain must then leave that JSON
 * unchanged: checked on every object and array of the cloud corpus and fixtures, and on generated ones.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {ruleText} from '../../src/sources/cloud-common.js'
import {jsonMayHoldSecret, REDACTED, redactEveryPattern} from '../../src/sources/redact.js'
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
})
