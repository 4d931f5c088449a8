import {describe, expect, it} from 'vitest'

import {evaluateZonePairs, mergeSorted} from '../../src/model/zone-pairs.js'
import {ANY_BOX} from '../../src/net/match.js'
import {PortSet, ProtocolSet} from '../../src/net/number-set.js'

interface Pol {
  name: string
  from: string[]
  to: string[]
  action: 'allow' | 'deny'
  port: number
}

const tcp = (port: number) => ({...ANY_BOX, protocols: ProtocolSet.of(6), ports: PortSet.range(port)})
const run = (policies: Pol[], allPairs = false, zones: string[] = [], wildcard?: string | null) =>
  evaluateZonePairs({
    zones,
    policies,
    zonesOf: (p) => ({from: p.from, to: p.to}),
    rulesFor: (p) => [{match: tcp(p.port), action: p.action, meta: p.name}],
    allPairs,
    ...(wildcard !== undefined ? {wildcard} : {}),
  }).map((r) => ({pair: `${r.from}>${r.to}`, permits: r.permits.map((p) => `${p.meta}:${p.box.ports.toStrings().join(',')}`)}))

describe('evaluateZonePairs', () => {
  it('without a wildcard (IOS ZBF) a zone named `any` is a zone like another', () => {
    const policies: Pol[] = [
      {name: 'in', from: ['any'], to: ['dmz'], action: 'allow', port: 443},
      {name: 'out', from: ['inside'], to: ['outside'], action: 'allow', port: 80},
    ]
    expect(run(policies, false, [], null)).toEqual([
      {pair: 'any>dmz', permits: ['in:443']},
      {pair: 'inside>outside', permits: ['out:80']},
    ])
    // with the default wildcard, `any` reaches dmz from every zone
    expect(run(policies).map((r) => r.pair)).toEqual(['dmz>dmz', 'inside>dmz', 'inside>outside', 'outside>dmz'])
  })

  it('evaluates only the named pairs, in pair order, each with its policies in order', () => {
    expect(
      run([
        {name: 'deny22', from: ['untrust'], to: ['dmz'], action: 'deny', port: 22},
        {name: 'web', from: ['untrust'], to: ['dmz'], action: 'allow', port: 443},
        {name: 'ssh', from: ['untrust'], to: ['dmz'], action: 'allow', port: 22},
        {name: 'mgmt', from: ['trust'], to: ['self'], action: 'allow', port: 22},
      ]),
    ).toEqual([
      {pair: 'trust>self', permits: ['mgmt:22']},
      {pair: 'untrust>dmz', permits: ['web:443']},
    ])
  })

  it('`any` (or no zone) applies to every zone; a policy for another pair does not apply', () => {
    expect(
      run(
        [
          {name: 'dmz-only-deny', from: ['a'], to: ['b'], action: 'deny', port: 80},
          {name: 'global', from: ['any'], to: [], action: 'allow', port: 80},
        ],
        true,
        ['b', 'a'],
      ),
    ).toEqual([
      {pair: 'a>a', permits: ['global:80']},
      {pair: 'a>b', permits: []},
      {pair: 'b>a', permits: ['global:80']},
      {pair: 'b>b', permits: ['global:80']},
    ])
  })

  it('a zone name holding a NUL (a damaged file) stays one name, in (from, to) order', () => {
    // CI fuzzing found this: pairs were keyed `from\0to` and split again, so `b\0x` became zone `b`
    expect(
      run([
        {name: 'n', from: ['a'], to: ['b\u0000x'], action: 'allow', port: 22},
        {name: 'm', from: ['a\u0000b'], to: ['x'], action: 'allow', port: 80},
        {name: 'o', from: ['a'], to: ['b'], action: 'allow', port: 443},
      ]),
    ).toEqual([
      {pair: 'a>b', permits: ['o:443']},
      {pair: 'a>b\u0000x', permits: ['n:22']},
      {pair: 'a\u0000b>x', permits: ['m:80']},
    ])
  })

  it('mergeSorted merges ascending lists without repeats', () => {
    expect(mergeSorted([1, 4, 6], [2, 4, 9])).toEqual([1, 2, 4, 6, 9])
    expect(mergeSorted([], [3])).toEqual([3])
  })
})
