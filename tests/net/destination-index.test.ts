import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {AddressSet} from '../../src/net/address-set.js'
import {DestinationIndex} from '../../src/net/destination-index.js'

// destinations that land in every filing class: one /24, several /24s across /16s, one or two /16s,
// too wide (wide bucket), IPv6, mixed families
const sets = fc.constantFrom<string[]>(
  ['10.0.0.7'],
  ['10.0.0.0/30'],
  ['10.0.1.0/24'],
  ['10.0.0.0/23'],
  ['10.0.0.2', '10.1.5.0/24', '192.168.7.7'],
  ['10.1.0.0/16'],
  ['10.1.0.0/16', '192.168.0.0/16'],
  ['10.0.0.0/8'],
  ['10.0.0.0/10'],
  ['0.0.0.0/0'],
  ['2001:db8::/64'],
  ['10.1.5.9', '2001:db8::1'],
  ['172.16.0.0/12'],
  ['10.1.255.255', '10.2.0.0'],
)

describe('DestinationIndex', () => {
  it('returns every item whose destination overlaps the query, in insertion order', () => {
    fc.assert(
      fc.property(fc.array(sets, {maxLength: 40}), fc.array(sets, {minLength: 1, maxLength: 10}), (items, queries) => {
        const index = new DestinationIndex<{id: number; to: AddressSet}>((x) => x.to)
        const all = items.map((texts, id) => ({id, to: AddressSet.of(...texts)}))
        for (const x of all) index.add(x)
        for (const q of queries) {
          const to = AddressSet.of(...q)
          const got = index.candidates(to).map((x) => x.id)
          // a superset of the overlapping items, no duplicates, ascending
          for (const x of all) if (x.to.overlaps(to)) expect(got).toContain(x.id)
          expect([...got].sort((a, b) => a - b)).toEqual(got)
          expect(new Set(got).size).toBe(got.length)
        }
      }),
      {numRuns: 1000},
    )
  })

  it('meets only the nearby items when destinations are hosts', () => {
    const index = new DestinationIndex<AddressSet>((x) => x)
    for (let i = 0; i < 10_000; i++) index.add(AddressSet.fromRange(4, 0x0a000000 + i * 256, 0x0a000000 + i * 256))
    expect(index.candidates(AddressSet.of('10.0.5.0/24'))).toHaveLength(1)
    expect(index.candidates(AddressSet.of('10.0.0.0/16'))).toHaveLength(256)
    expect(index.candidates(AddressSet.of('2001:db8::1'))).toHaveLength(0)
    expect(index.candidates(AddressSet.ANY)).toHaveLength(10_000)
  })
})
