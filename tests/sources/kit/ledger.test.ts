import {describe, expect, it} from 'vitest'

import {echo, MAX_ECHO, ParseLedger} from '../../../src/sources/kit/ledger.js'

describe('ParseLedger', () => {
  it('one verdict per line, the last wins; stats come from the verdicts', () => {
    const l = new ParseLedger({unvisited: 'unknown command'})
    for (const [n, t] of [[1, 'hostname fw'], [2, 'ntp server 192.0.2.1'], [3, 'frobnicate'], [4, 'access-list x'], [5, 'never visited']] as const) l.see(n, t)
    l.ok(1)
    l.ignored(2, 'time sync, no reach')
    l.unparsed(3, "unknown command 'frobnicate'", 'frobnicate', {code: 'unknown-statement'})
    l.unparsed(4, 'bad ace', '')
    l.ok(4)
    const r = l.finish()
    expect(r.stats).toEqual({lines: 5, understood: 3})
    expect(r.ignored).toBe(1)
    expect(r.unparsed).toEqual([
      {line: 3, code: 'unknown-statement', reason: "unknown command 'frobnicate'", text: 'frobnicate'},
      {line: 5, code: 'unvisited', reason: 'unknown command', text: 'never visited'},
    ])
    expect(r.status).toBe('partially-unrecognized')
  })

  it('without an unvisited reason, lines nobody judged count as understood', () => {
    const l = new ParseLedger()
    l.see(1)
    l.see(1)
    l.see(2)
    expect(l.finish()).toMatchObject({stats: {lines: 2, understood: 2}, unparsed: [], status: 'passed'})
  })

  it('units without lines, and entries that cost several units (an XML element and its children)', () => {
    const l = new ParseLedger()
    l.count(10)
    l.unparsed(4, 'unknown element', '<foo>…</foo>', {path: '/pfsense/foo', cost: 3})
    const r = l.finish()
    expect(r.stats).toEqual({lines: 10, understood: 7})
    expect(r.unparsed).toEqual([{line: 4, reason: 'unknown element', text: '<foo>…</foo>', path: '/pfsense/foo'}])
  })

  it('a file nothing of which is understood has failed; a clean one passed', () => {
    const bad = new ParseLedger({unvisited: 'unknown command'})
    bad.see(1, 'x')
    expect(bad.finish().status).toBe('failed')
    const empty = new ParseLedger()
    expect(empty.finish().status).toBe('passed')
  })

  it('ignored statements come from the parser table', () => {
    const l = new ParseLedger({unvisited: 'unknown command'})
    const table = new Map([['ntp', 'time sync, no reach']])
    l.see(1, 'ntp server x')
    l.see(2, 'frob')
    expect(l.ignoreFrom(table, 'ntp', 1)).toBe(true)
    expect(l.ignoreFrom(table, 'frob', 2)).toBe(false)
    expect(l.verdictOf(1)).toBe('ignored')
    expect(l.finish().stats).toEqual({lines: 2, understood: 1})
  })

  it('echoed text is redacted and capped; entries name their file', () => {
    const l = new ParseLedger({redact: (t) => t.replace(/secret \S+/, 'secret <redacted>'), file: 'inc/a.conf'})
    l.unparsed(1, 'bad', 'key secret hunter2')
    l.unparsed(2, 'long', 'x'.repeat(MAX_ECHO + 50))
    const r = l.finish()
    expect(r.unparsed[0]).toEqual({line: 1, reason: 'bad', text: 'key secret <redacted>', file: 'inc/a.conf'})
    expect(r.unparsed[1].text).toBe(`${'x'.repeat(MAX_ECHO)}…`)
    expect(echo('short')).toBe('short')
  })

  it('doubts not tied to an exposure get the effect of their code', () => {
    const l = new ParseLedger()
    l.doubt(9, 'nat-dead', 'PREROUTING#1: no filter passes the translated traffic')
    l.doubt(2, 'nat-dead', 'PREROUTING#0: no filter passes the translated traffic')
    expect(l.finish().doubts).toEqual([
      {code: 'nat-dead', effect: 'dead', detail: 'PREROUTING#0: no filter passes the translated traffic', line: 2},
      {code: 'nat-dead', effect: 'dead', detail: 'PREROUTING#1: no filter passes the translated traffic', line: 9},
    ])
  })
})

describe('parsers report a per-file status from their ledger', () => {
  it('cisco-asa: passed when every line is understood, partially-unrecognized with an unknown command', async () => {
    const {ciscoAsa} = await import('../../../src/sources/cisco-asa.js')
    const clean = 'ASA Version 9.8(1)\nhostname fw\naccess-list out extended permit tcp any host 192.0.2.10 eq 443\n'
    expect(await ciscoAsa.parse(clean, {file: 'a.cfg'})).toMatchObject({status: 'passed', stats: {lines: 3, understood: 3}})
    const odd = `${clean}frobnicate now\n`
    const r = await ciscoAsa.parse(odd, {file: 'a.cfg'})
    expect(r).toMatchObject({status: 'partially-unrecognized', stats: {lines: 4, understood: 3}})
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([[4, "unknown command 'frobnicate'"]])
  })

  it('wireguard: settings skipped on purpose count as understood (the IGNORED table)', async () => {
    const {wireguard} = await import('../../../src/sources/wireguard.js')
    const r = await wireguard.parse('[Interface]\nAddress = 10.0.0.1/24\nListenPort = 51820\nMTU = 1420\nDNS = 10.0.0.53\n', {file: 'wg0.conf'})
    expect(r).toMatchObject({status: 'passed', stats: {lines: 5, understood: 5}})
  })
})
