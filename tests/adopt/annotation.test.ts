/**
 * The small pieces of a drafted access point: the justification read from a rule's text (every
 * annotation spelling the table knows, and none), the services a rule passes, one-line comments.
 */
import {describe, expect, it} from 'vitest'

import {ruleAnnotation} from '../../src/adopt/annotation.js'
import {servicesOf} from '../../src/adopt/live.js'
import {oneLine, renderItem} from '../../src/adopt/render.js'
import {buildExposure} from '../../src/model/build.js'
import {AddressSet} from '../../src/net/address-set.js'
import {PortSet, ProtocolSet} from '../../src/net/number-set.js'

const rule = (protocols: ProtocolSet, ports: PortSet = PortSet.ALL) =>
  buildExposure({kind: 'filter', box: {from: AddressSet.ANY, to: AddressSet.of('192.0.2.10/32'), protocols, ports}, line: 1, rule: 'r'})

describe('a rule comment as the justification', () => {
  it.each([
    ['iptables, quoted', '-A FORWARD -d 192.0.2.10/32 -p tcp -m tcp --dport 443 -m comment --comment "web: front \\"A\\"" -j ACCEPT', 'web: front "A"'],
    ['iptables, one word', '-A FORWARD -p tcp -m comment --comment web-front -j ACCEPT', 'web-front'],
    ['nftables', 'tcp dport 443 accept comment "public website"', 'public website'],
    ['FortiOS', 'edit 10; set name web; set comments "published by CHG-1"; set srcintf wan1', 'published by CHG-1'],
    ['cloud JSON', '{"protocol":"tcp","fromPort":443,"description":"tracking API over HTTPS"}', 'tracking API over HTTPS'],
    ['Junos', 'term web { description "public site"; }', 'public site'],
  ])('%s', (_, text, expected) => {
    expect(ruleAnnotation({text})).toBe(expected)
  })

  it('none when the text carries no annotation, or an empty one', () => {
    expect(ruleAnnotation({text: 'access-list outside_in extended permit tcp any object WEB eq https'})).toBeUndefined()
    expect(ruleAnnotation({text: '-A INPUT -m comment --comment "" -j ACCEPT'})).toBeUndefined()
    expect(ruleAnnotation({})).toBeUndefined()
  })
})

describe('the services a rule passes', () => {
  it('one entry per protocol and port range, in protocol order', () => {
    expect(servicesOf([rule(ProtocolSet.of(17), PortSet.range(500)), rule(ProtocolSet.of(6), PortSet.fromRanges([[80, 80], [8000, 8080]]))])).toEqual(['tcp/80', 'tcp/8000-8080', 'udp/500'])
  })

  it('a protocol without ports, every port, a protocol the grammar has no name for, and any', () => {
    expect(servicesOf([rule(ProtocolSet.of(1)), rule(ProtocolSet.of(6)), rule(ProtocolSet.of(89)), rule(ProtocolSet.of(50))])).toEqual(['icmp', 'tcp', 'esp', '89'])
    expect(servicesOf([rule(ProtocolSet.ALL)])).toEqual(['any'])
    // almost every protocol (a policy ACCEPT with a few denies above) reads as any
    expect(servicesOf([rule(ProtocolSet.ALL.subtract(ProtocolSet.of(6)))])).toEqual(['any'])
  })
})

describe('comments stay comments', () => {
  it('a line break in a quoted text cannot end the comment', () => {
    expect(oneLine('a\nb\r\nc\u2028d')).toBe('a b c d')
    const text = renderItem({id: 'x'}, '  ', ['from rule "evil\nkey: value"'])
    expect(text).toBe('  # from rule "evil key: value"\n  - id: x\n')
  })
})
