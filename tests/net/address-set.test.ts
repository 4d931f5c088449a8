import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {AddressSet} from '../../src/net/address-set.js'
import {parseCidr, rangeToCidrs, wildcardToCidr} from '../../src/net/ip.js'

// Brute-force model: small IPv4 sets inside 10.0.0.0/24 as sets of last octets.
const octets = fc.uniqueArray(fc.integer({min: 0, max: 255}), {maxLength: 40})
const toSet = (xs: number[]) => AddressSet.unionAll(xs.map((x) => AddressSet.of(`10.0.0.${x}`)))
const model = (s: AddressSet): number[] => {
  const out: number[] = []
  for (let i = 0; i < s.v4.length; i += 2) for (let v = s.v4[i]; v <= s.v4[i + 1]; v++) out.push(v & 255)
  return out.sort((a, b) => a - b)
}
const sorted = (xs: Iterable<number>) => [...xs].sort((a, b) => a - b)

describe('AddressSet algebra agrees with a brute-force model', () => {
  it('union, intersection, difference, covers, overlaps', () => {
    fc.assert(
      fc.property(octets, octets, (a, b) => {
        const A = toSet(a)
        const B = toSet(b)
        const sa = new Set(a)
        const sb = new Set(b)
        expect(model(A.union(B))).toEqual(sorted(new Set([...a, ...b])))
        expect(model(A.intersect(B))).toEqual(sorted(a.filter((x) => sb.has(x))))
        expect(model(A.subtract(B))).toEqual(sorted(a.filter((x) => !sb.has(x))))
        expect(A.covers(B)).toBe(b.every((x) => sa.has(x)))
        expect(A.overlaps(B)).toBe(b.some((x) => sa.has(x)))
      }),
      {numRuns: 300},
    )
  })

  it('toCidrs round-trips and is minimal-aligned', () => {
    fc.assert(
      fc.property(octets, (a) => {
        const A = toSet(a)
        expect(AddressSet.unionAll(A.toCidrs().map((c) => AddressSet.of(c))).equals(A)).toBe(true)
        for (const c of A.toCidrs()) expect(parseCidr(c)!.canonical).toBe(true)
      }),
      {numRuns: 200},
    )
  })
})

describe('AddressSet parsing', () => {
  it('reads CIDRs, hosts, ranges and any, in both families', () => {
    expect(AddressSet.of('10.0.0.0/8').toCidrs()).toEqual(['10.0.0.0/8'])
    expect(AddressSet.of('192.0.2.7').toCidrs()).toEqual(['192.0.2.7/32'])
    expect(AddressSet.of('10.0.0.1-10.0.0.6').toCidrs()).toEqual(['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32'])
    expect(AddressSet.of('2001:db8::/32').toCidrs()).toEqual(['2001:db8::/32'])
    expect(AddressSet.of('any').toCidrs()).toEqual(['0.0.0.0/0', '::/0'])
    expect(AddressSet.of('10.0.0.0/255.255.255.0').toCidrs()).toEqual(['10.0.0.0/24'])
  })

  it('rejects loose and invalid forms', () => {
    for (const bad of ['010.0.0.1/8', '10.0.0.256', '10.0.0.0/33', 'fe80::1%eth0', '2001:db8::/129', 'host', '10.0.0.9-10.0.0.1', '10.0.0.1-2001:db8::1']) {
      expect(AddressSet.parse(bad), bad).toBeNull()
    }
  })

  it('keeps IPv4 and IPv6 apart', () => {
    const s = AddressSet.of('10.0.0.0/8', '2001:db8::/32')
    expect(s.only(4).toCidrs()).toEqual(['10.0.0.0/8'])
    expect(s.only(6).toCidrs()).toEqual(['2001:db8::/32'])
    expect(AddressSet.ANY.subtract(AddressSet.ANY4).equals(AddressSet.ANY6)).toBe(true)
  })

  it('subtracts a host from any as a minimal CIDR list', () => {
    const s = AddressSet.ANY4.subtract(AddressSet.of('0.0.0.1'))
    expect(s.toCidrs()).toHaveLength(32)
    expect(s.covers(AddressSet.of('0.0.0.1'))).toBe(false)
    expect(s.covers(AddressSet.of('255.255.255.255'))).toBe(true)
  })
})

describe('ip helpers', () => {
  it('flags host bits and names the network that was meant', () => {
    const c = parseCidr('10.0.0.1/8')!
    expect(c.canonical).toBe(false)
    expect(c.network).toBe('10.0.0.0/8')
    expect(parseCidr('2001:db8::1/32')!.network).toBe('2001:db8::/32')
  })

  it('reads contiguous wildcard masks and refuses the rest', () => {
    expect(wildcardToCidr('10.1.0.0', '0.0.255.255')!.network).toBe('10.1.0.0/16')
    expect(wildcardToCidr('10.1.1.1', '0.0.0.0')!.network).toBe('10.1.1.1/32')
    expect(wildcardToCidr('0.0.0.0', '255.255.255.255')!.network).toBe('0.0.0.0/0')
    expect(wildcardToCidr('10.0.0.0', '0.255.0.255')).toBeNull()
  })

  it('splits IPv6 ranges into aligned prefixes', () => {
    const p = parseCidr('2001:db8::/126')!
    expect(rangeToCidrs(6, p.start, BigInt(p.end) + 1n)).toEqual(['2001:db8::/126', '2001:db8::4/128'])
  })
})

describe('AddressSet.parseIpv4 (the fast path of big rule bases)', () => {
  it('reads a dotted quad or CIDR as parse does, and leaves every other text to parse', () => {
    const octet = fc.oneof(fc.integer({min: 0, max: 300}).map(String), fc.constantFrom('010', '00', '', 'a', '255'))
    const text = fc.tuple(octet, octet, octet, octet, fc.oneof(fc.constant(''), fc.integer({min: 0, max: 40}).map((n) => `/${n}`), fc.constantFrom('/', '/033', '/0', '/255.0.0.0', '/8x', ' ', '-10.0.0.1')))
      .map(([a, b, c, d, rest]) => `${a}.${b}.${c}.${d}${rest}`)
    fc.assert(
      fc.property(fc.oneof(text, fc.constantFrom('0.0.0.0/0', '1.2.3.4/0', 'any', '::1', '10.0.0.1', '10.0.0.1/32')), (t) => {
        const quick = AddressSet.parseIpv4(t)
        if (quick === undefined) return
        expect(quick.equals(AddressSet.parse(t)!)).toBe(true)
        if (t === '0.0.0.0/0') expect(quick).toBe(AddressSet.ANY4)
      }),
      {numRuns: 5000},
    )
    expect(AddressSet.parseIpv4('10.1.2.3/8')!.toCidrs()).toEqual(['10.0.0.0/8'])
    expect(AddressSet.parseIpv4('10.1.2.3/255.0.0.0')).toBeUndefined()
  })
})
