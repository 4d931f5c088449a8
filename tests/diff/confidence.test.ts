import {describe, expect, it} from 'vitest'

import {confidenceOf} from '../../src/diff/confidence.js'
import {diffFindings} from '../../src/diff/engine.js'
import {addDoubts} from '../../src/model/build.js'
import {note} from '../../src/model/doubts.js'
import {input, liveOf, permit} from './helpers.js'

const narrower = (code: 'unknown-match' | 'unexpanded-set' | 'time-limited') => ({code, effect: 'narrower'})

describe('finding confidence', () => {
  it('high without narrower doubts, medium with one narrower code, low with two or more', () => {
    expect(confidenceOf([])).toBe('high')
    expect(confidenceOf([{code: 'any-peer', effect: 'unknown'}, {code: 'opens-more', effect: 'broader'}])).toBe('high')
    expect(confidenceOf([narrower('unknown-match'), narrower('unknown-match')])).toBe('medium')
    expect(confidenceOf([narrower('unknown-match'), narrower('time-limited')])).toBe('low')
  })

  it('an opening on a rule with an ignored match is a finding of medium confidence', () => {
    const e = permit('any', '192.0.2.10', 'tcp/3389', 12)
    addDoubts(e, [note('unknown-match', "-m foo: ignored; exposure may be broader")])
    const [f] = diffFindings(input({live: [liveOf('fw', [e])]}))
    expect(f).toMatchObject({rule: 'unwanted-access-point', confidence: 'medium'})
    expect(f.exposure?.doubts).toEqual([{code: 'unknown-match', effect: 'narrower', detail: '-m foo: ignored; exposure may be broader', line: 12}])
  })

  it('a clean opening is high; a time-limited rule on an unexpanded set is low', () => {
    const clean = permit('any', '192.0.2.10', 'tcp/3389', 12)
    const doubtful = permit('any', '192.0.2.11', 'tcp/22', 13)
    addDoubts(doubtful, [note('time-limited', 'active only during time-range office'), note('unexpanded-set', 'unexpanded fqdn:x read as any')])
    const fs = diffFindings(input({live: [liveOf('fw', [clean, doubtful])]}))
    expect(fs.map((f) => [f.line, f.confidence]).sort()).toEqual([
      [12, 'high'],
      [13, 'low'],
    ])
  })

  it('a dead exposure is never a finding', () => {
    const e = permit('any', '192.0.2.10', 'tcp/3389', 12)
    addDoubts(e, [note('nat-dead', 'PREROUTING#1: no filter passes the translated traffic')])
    expect(diffFindings(input({live: [liveOf('fw', [e])]}))).toEqual([])
  })
})
