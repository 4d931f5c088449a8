/** rangeToCidrs computes each block from alignment and span (issue 19): same blocks as growing them one bit at a time. */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {formatIp, rangeToCidrs} from '../../src/net/ip.js'

/** The block-by-block reader rangeToCidrs replaced: the oracle. */
function grown(family: 4 | 6, start: bigint, end: bigint): string[] {
  const width = family === 4 ? 32n : 128n
  const out: string[] = []
  let s = start
  while (s <= end) {
    let bits = 0n
    while (bits < width && (s & ((1n << (bits + 1n)) - 1n)) === 0n && s + (1n << (bits + 1n)) - 1n <= end) bits++
    out.push(`${formatIp(family, family === 4 ? Number(s) : s)}/${width - bits}`)
    s += 1n << bits
  }
  return out
}

describe('rangeToCidrs', () => {
  it('covers the edges exactly', () => {
    expect(rangeToCidrs(4, 0, 2 ** 32 - 1)).toEqual(['0.0.0.0/0'])
    expect(rangeToCidrs(6, 0n, (1n << 128n) - 1n)).toEqual(['::/0'])
    expect(rangeToCidrs(4, 2 ** 31, 2 ** 32 - 1)).toEqual(['128.0.0.0/1'])
    expect(rangeToCidrs(4, 0x0a000001, 0x0a000006)).toEqual(['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32'])
    expect(rangeToCidrs(4, 2 ** 32 - 1, 2 ** 32 - 1)).toEqual(['255.255.255.255/32'])
  })

  it('gives the blocks grown one bit at a time (IPv4)', () => {
    fc.assert(
      fc.property(fc.nat({max: 2 ** 32 - 1}), fc.nat({max: 2 ** 32 - 1}), (a, b) => {
        const [s, e] = a <= b ? [a, b] : [b, a]
        expect(rangeToCidrs(4, s, e)).toEqual(grown(4, BigInt(s), BigInt(e)))
      }),
      {numRuns: 2000},
    )
  })

  it('gives the blocks grown one bit at a time (IPv6)', () => {
    const v6 = fc.bigInt({min: 0n, max: (1n << 128n) - 1n})
    const near = fc.tuple(v6, fc.bigInt({min: 0n, max: 1n << 70n})).map(([s, d]) => [s, s + d > (1n << 128n) - 1n ? (1n << 128n) - 1n : s + d] as const)
    fc.assert(
      fc.property(fc.oneof(fc.tuple(v6, v6).map(([a, b]) => (a <= b ? ([a, b] as const) : ([b, a] as const))), near), ([s, e]) => {
        expect(rangeToCidrs(6, s, e)).toEqual(grown(6, s, e))
      }),
      {numRuns: 300},
    )
  })
})
