import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {PortSet, ProtocolSet} from '../../src/net/number-set.js'
import {parseProtocol, protocolName} from '../../src/net/protocol.js'
import {servicePort} from '../../src/net/services.js'

const ports = fc.uniqueArray(fc.integer({min: 1, max: 64}), {maxLength: 20})
const toSet = (xs: number[]) => PortSet.fromRanges(xs.map((x) => [x, x]))

describe('PortSet agrees with a brute-force model', () => {
  it('union, intersection, difference, covers', () => {
    fc.assert(
      fc.property(ports, ports, (a, b) => {
        const A = toSet(a)
        const B = toSet(b)
        const sb = new Set(b)
        const sortNum = (xs: number[]) => [...new Set(xs)].sort((x, y) => x - y)
        expect(A.union(B).values()).toEqual(sortNum([...a, ...b]))
        expect(A.intersect(B).values()).toEqual(sortNum(a.filter((x) => sb.has(x))))
        expect(A.subtract(B).values()).toEqual(sortNum(a.filter((x) => !sb.has(x))))
        expect(A.covers(B)).toBe(b.every((x) => a.includes(x)))
      }),
      {numRuns: 300},
    )
  })
})

describe('PortSet parsing', () => {
  it('reads single ports, ranges in both spellings and lists', () => {
    expect(PortSet.parse('22')!.toStrings()).toEqual(['22'])
    expect(PortSet.parse('8000-8080')!.toStrings()).toEqual(['8000-8080'])
    expect(PortSet.parse('8000:8080')!.toStrings()).toEqual(['8000-8080'])
    expect(PortSet.parse('80,443,81-82')!.toStrings()).toEqual(['80-82', '443'])
    expect(PortSet.parse('0-65535')!.isAll()).toBe(true)
  })

  it('refuses out-of-range and reversed ranges', () => {
    for (const bad of ['65536', '80-20', 'http', '', '1-2-3']) expect(PortSet.parse(bad), bad).toBeNull()
  })
})

describe('protocols', () => {
  it('normalises every spelling of the same protocol', () => {
    for (const t of ['tcp', 'TCP', '6']) expect(parseProtocol(t)!.values()).toEqual([6])
    for (const t of ['any', 'all', '-1', '*', 'ip']) expect(parseProtocol(t)!.isAll()).toBe(true)
    for (const t of ['icmpv6', 'ipv6-icmp', '58', 'icmp6']) expect(parseProtocol(t)!.values()).toEqual([58])
    expect(parseProtocol('256')).toBeNull()
    expect(parseProtocol('bogus')).toBeNull()
    expect(protocolName(17)).toBe('udp')
    expect(protocolName(89)).toBe('89')
    expect(ProtocolSet.of(6, 17).toStrings()).toEqual(['6', '17'])
  })

  it('knows common service names', () => {
    expect(servicePort('ssh')).toBe(22)
    expect(servicePort('www')).toBe(80)
    expect(servicePort('ms-wbt-server')).toBe(3389)
    expect(servicePort('443')).toBe(443)
    expect(servicePort('nonsense')).toBeUndefined()
  })
})
