import fc from 'fast-check'
import ipaddr from 'ipaddr.js'
import {Netmask} from 'netmask'
import {describe, expect, it} from 'vitest'

import {parseCidr, parseIp} from '../../src/net/ip.js'

// The fast IPv4 paths of parseIp/parseCidr must accept and reject exactly what the library checks did.
const octetText = fc.oneof(
  fc.integer({min: 0, max: 255}).map(String),
  fc.constantFrom('256', '999', '00', '010', '1000', '', ' ', '0x1', '-1', '1e2', '٣'),
)
const quadish = fc.array(octetText, {minLength: 1, maxLength: 5}).map((parts) => parts.join('.'))
const masks = fc.oneof(
  fc.integer({min: 0, max: 32}).map((p) => new Netmask(`0.0.0.0/${p}`).mask),
  fc.tuple(fc.integer({min: 0, max: 255}), fc.integer({min: 0, max: 255})).map(([a, b]) => `255.255.${a}.${b}`),
  quadish,
)

function reference(text: string): {value: number; prefix: number} | null {
  // parseCidr trims the whole text and the address part, as it always did
  const [untrimmed, mask] = text.trim().split('/')
  const addr = untrimmed.trim()
  if (!ipaddr.IPv4.isValidFourPartDecimal(addr)) return null
  const b = ipaddr.IPv4.parse(addr).octets
  const value = ((b[0] << 24) >>> 0) + (b[1] << 16) + (b[2] << 8) + b[3]
  if (mask === undefined) return {value, prefix: 32}
  if (/^\d{1,3}$/.test(mask)) {
    const prefix = Number(mask)
    return prefix > 32 ? null : {value: Math.floor(value / 2 ** (32 - prefix)) * 2 ** (32 - prefix), prefix}
  }
  if (!ipaddr.IPv4.isValidFourPartDecimal(mask)) return null
  try {
    const prefix = mask === '0.0.0.0' ? 0 : new Netmask(`0.0.0.0/${mask}`).bitmask
    const size = 2 ** (32 - prefix)
    return {value: Math.floor(value / size) * size, prefix}
  } catch {
    return null
  }
}

describe('IPv4 fast paths', () => {
  it('parseIp accepts and rejects what ipaddr.js four-part check does', () => {
    fc.assert(
      fc.property(quadish, (s) => {
        const expected = ipaddr.IPv4.isValidFourPartDecimal(s) ? ipaddr.IPv4.parse(s).toByteArray().reduce((v, b) => v * 256 + b, 0) : null
        expect(parseIp(s)?.value ?? null).toBe(expected)
      }),
      {numRuns: 3000},
    )
  })

  it('parseCidr with a dotted mask agrees with netmask (contiguous masks only, 0.0.0.0 is any)', () => {
    fc.assert(
      fc.property(quadish, masks, (a, m) => {
        const got = parseCidr(`${a}/${m}`)
        const want = reference(`${a}/${m}`)
        expect(got === null ? null : {value: got.start, prefix: got.prefix}).toEqual(want)
        if (got) expect(got.end).toBe(Number(got.start) + 2 ** (32 - got.prefix) - 1)
      }),
      {numRuns: 10000},
    )
    expect(parseCidr('10.1.2.3/255.255.255.0')).toMatchObject({start: 0x0a010200, end: 0x0a0102ff, prefix: 24, canonical: false, network: '10.1.2.0/24'})
    expect(parseCidr('0.0.0.0/0.0.0.0')).toMatchObject({start: 0, end: 0xffffffff, prefix: 0})
    expect(parseCidr('10.0.0.0/255.0.255.0')).toBeNull()
    expect(parseCidr('255.255.255.255/1')).toMatchObject({start: 0x80000000, end: 0xffffffff})
  })
})
