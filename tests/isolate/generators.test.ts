/**
 * Every generator against its documented-syntax fixture (written by hand from the vendor's docs before the
 * generator): the same request, the exact commands and undo commands.
 */
import {describe, expect, it} from 'vitest'

import {iptablesGenerator} from '../../src/isolate/vendors/iptables.js'
import {nftablesGenerator} from '../../src/isolate/vendors/nftables.js'
import {isRefusal, type IsolationGenerator, type IsolationRequest, type IsolationRules} from '../../src/isolate/types.js'
import {labRequest, lines} from './request.js'

function rules(g: IsolationGenerator, r: IsolationRequest): IsolationRules {
  const out = g.generate(r)
  if (isRefusal(out)) throw new Error(out.refused)
  return out
}

describe('iptables', () => {
  const out = rules(iptablesGenerator, labRequest([{interface: 'lan0'}]))
  it('inserts numbered rules at the top of INPUT, FORWARD and OUTPUT, kept traffic first', () => {
    expect(out.apply).toEqual(lines('iptables.apply.txt'))
    expect(out.apply[0]).toMatch(/^iptables -I INPUT 1 -s 192\.0\.2\.50\/32 .* -j ACCEPT$/)
  })
  it('undoes each rule by its spec', () => expect(out.undo).toEqual(lines('iptables.undo.txt')))
  it('refuses a catch-all zone it cannot bind to an interface', () => {
    expect(iptablesGenerator.generate({...labRequest([]), addresses: []})).toEqual({refused: expect.stringContaining('catch-all')})
  })
})

describe('nftables', () => {
  const out = rules(nftablesGenerator, labRequest([{interface: 'lan0'}], 'nftables.cfg'))
  it('inserts into the base chains of the ruleset, last rule first', () => expect(out.apply).toEqual(lines('nftables.apply.txt')))
  it('undoes by comment and handle', () => expect(out.undo).toEqual(lines('nftables.undo.txt')))
  it('says the output hook has no chain', () => expect(out.notes).toContain('no filter base chain on the output hook in the ruleset: that hook accepts everything and is not cut'))
  it('refuses without a ruleset', () => expect(isRefusal(nftablesGenerator.generate(labRequest([{interface: 'lan0'}])))).toBe(true))
})
