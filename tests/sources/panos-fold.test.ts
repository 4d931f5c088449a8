import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {exposureToJson} from '../../src/model/exposure.js'
import {parsePanos} from '../../src/sources/panos/index.js'
import {corpusFiles, FIXTURES} from '../helpers/sources.js'

// #19: the XML reader folds security rules and address objects into the vendor model as the stream
// closes them, and drops their subtree. Folding must not change a count, a line, a reason or an exposure.
const xmlFiles = [
  ...['edge-vsys.xml', 'panorama-dg.xml', 'fold-warnings.xml'].map((f) => join(FIXTURES, 'panos', f)),
  ...corpusFiles('panos').filter((f) => f.endsWith('.xml')),
]

describe('panos XML read while streaming', () => {
  it.each(xmlFiles)('%s: folded and whole-tree reads agree', (file) => {
    const text = readFileSync(file, 'utf8')
    const folded = parsePanos(text, file)
    const whole = parsePanos(text, file, false)
    expect(folded.stats).toEqual(whole.stats)
    expect(folded.unparsed).toEqual(whole.unparsed)
    expect(folded.exposures.flatMap((e) => exposureToJson(e))).toEqual(whole.exposures.flatMap((e) => exposureToJson(e)))
    expect(folded.device).toEqual(whole.device)
  })

  it('fold-warnings.xml: what a folded rule reported stays reported, at its line', () => {
    const file = join(FIXTURES, 'panos', 'fold-warnings.xml')
    const r = parsePanos(readFileSync(file, 'utf8'), file)
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [27, "'frobnicate' not modelled (under r1)"],
      [31, "rule action 'teleport' not understood; treated as deny that shadows nothing"],
    ])
    expect(r.unparsed[0].path).toBe("/config/devices/entry[@name='localhost.localdomain']/vsys/entry[@name='vsys1']/rulebase/security/rules/entry[@name='r1']/frobnicate")
    // every element but the two reported is understood (the template's rule included: ignored on purpose)
    expect(r.stats.understood).toBe(r.stats.lines - 2)
    const r1 = r.exposures.filter((e) => e.rule === 'vsys1 security rule "r1"')
    expect(r1.map((e) => [e.to.toCidrs(), e.notes])).toEqual([[['192.0.2.10/32'], ['match frobnicate not modelled; exposure may be narrower']]])
    // r2 (unknown action) shadows nothing, r3 is disabled, the template's rule is not this firewall's
    expect(r.exposures.filter((e) => /"(r2|r3|tpl-rule)"/.test(e.rule))).toEqual([])
  })

  it('a rule name repeated after its entry was read stays a rule of its own (PAN-OS refuses it at commit)', () => {
    const rule = (name: string, dst: string) =>
      `<entry name="${name}"><from><member>a</member></from><to><member>b</member></to><source><member>any</member></source><destination><member>${dst}</member></destination><application><member>any</member></application><service><member>any</member></service><action>allow</action></entry>`
    const text = `<config><devices><entry name="localhost.localdomain"><vsys><entry name="vsys1"><zone><entry name="a"/><entry name="b"/></zone><rulebase><security><rules>${rule('dup', '192.0.2.1')}${rule('dup', '192.0.2.2')}</rules></security></rulebase></entry></vsys></entry></devices></config>`
    const r = parsePanos(text, 'dup.xml')
    expect(r.exposures.filter((e) => e.rule === 'vsys1 security rule "dup"').map((e) => e.to.toCidrs())).toEqual([['192.0.2.1/32'], ['192.0.2.2/32']])
    expect(r.unparsed).toEqual([])
    expect(r.stats.understood).toBe(r.stats.lines)
  })
})
