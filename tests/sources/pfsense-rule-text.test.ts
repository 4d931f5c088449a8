/**
 * pfSense rule text skips the redaction chain when its words after a leading `pass` hold no prefilter
 * keyword (issue 19: `pass` is a keyword, for password, so every pass rule of a 10^5-rule config went
 * through the whole chain). The chain must then leave the text unchanged: checked on generated rule
 * texts made of pfSense's own words and keyword-free values, and on the rules of the corpus.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {ruleText} from '../../src/sources/pfsense/rules.js'
import {mayHoldSecret, redactEveryPattern} from '../../src/sources/redact.js'
import {children, dig, parseXml} from '../../src/sources/xml.js'
import {CORPUS, filesUnder, FIXTURES} from '../helpers/sources.js'

describe('pfSense rule text', () => {
  it('gives the chain result for a leading pass followed by keyword-free words', () => {
    const word = fc.oneof(
      fc.constantFrom('quick', 'on', 'wan', 'lan', 'opt1', 'inet', 'inet6', 'inet46', 'proto', 'tcp', 'udp', 'tcp/udp', 'from', 'to', 'any', 'port', '!', 'NET_12', '(self)', 'wanip', '"rule 0"', '"Allow web"', '10.0.0.0/8', '192.0.2.1', '2001:db8::1', '443', '8000:8080', '-', ':', '<', '>', '"', "'"),
      fc.stringMatching(/^[A-Za-z0-9_.:/()<>"'-]{1,12}$/),
    )
    fc.assert(
      fc.property(fc.array(word, {minLength: 1, maxLength: 14}), (words) => {
        const rest = ` ${words.join(' ')}`
        if (mayHoldSecret(rest)) return
        expect(redactEveryPattern(`pass${rest}`)).toBe(`pass${rest}`)
      }),
      {numRuns: 3000, seed: 19},
    )
  })

  it('leaves no text of the corpus and fixture rules that the chain would still change', () => {
    let rules = 0
    for (const root of [CORPUS, FIXTURES]) {
      for (const f of filesUnder(join(root, 'pfsense'))) {
        if (!f.endsWith('.xml')) continue
        let doc
        try {
          doc = parseXml(readFileSync(f, 'utf8'), f)
        } catch {
          continue
        }
        const filter = dig(doc, children(doc, 'pfsense').length ? 'pfsense' : 'opnsense', 'filter')
        for (const el of children(filter, 'rule')) {
          const type = el.children.find((c) => c.name === 'type')?.text || 'pass'
          const text = ruleText(el, type)
          // a secret the shortcut let through would be redacted here
          expect(redactEveryPattern(text), `${f}: ${text}`).toBe(text)
          rules++
        }
      }
    }
    expect(rules).toBeGreaterThan(20)
  })
})
