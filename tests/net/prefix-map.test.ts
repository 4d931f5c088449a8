import {describe, expect, it} from 'vitest'

import {parseIp} from '../../src/net/ip.js'
import {parseIpv4Fast, PrefixMap} from '../../src/net/prefix-map.js'

describe('PrefixMap', () => {
  const m = new PrefixMap<string>()
  m.add('10.0.0.0/8', 'corp')
  m.add('10.20.0.0/16', 'lyon')
  m.add('10.20.5.0/24', 'lyon-pci')
  m.add('0.0.0.0/0', 'internet')
  m.add('2001:db8::/32', 'v6-corp')
  m.add('2001:db8:20::/48', 'v6-lyon')
  const look = (ip: string) => {
    const p = parseIp(ip)!
    return m.lookup(p.family, p.value)
  }

  it('answers the longest matching prefix', () => {
    expect(look('10.20.5.9')).toBe('lyon-pci')
    expect(look('10.20.6.9')).toBe('lyon')
    expect(look('10.1.1.1')).toBe('corp')
    expect(look('198.51.100.7')).toBe('internet')
    expect(look('2001:db8:20::1')).toBe('v6-lyon')
    expect(look('2001:db8:21::1')).toBe('v6-corp')
    expect(look('2001:db9::1')).toBeUndefined()
    expect(m.size).toBe(6)
  })

  it('refuses what is not a CIDR', () => {
    expect(m.add('10.0.0.0/33', 'x')).toBe(false)
    expect(m.add('lyon', 'x')).toBe(false)
  })
})

describe('parseIpv4Fast', () => {
  it('agrees with the strict parser', () => {
    for (const s of ['0.0.0.0', '255.255.255.255', '10.20.30.40', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1..2.3', '', 'a.b.c.d', '00.1.2.3', '1.2.3.04']) {
      const strict = parseIp(s)
      expect(parseIpv4Fast(s), s).toBe(strict && strict.family === 4 ? strict.value : undefined)
    }
  })
})
