/**
 * #16: the deny that decides a blocked flow, per vendor. Each parser passes the shared evaluator's
 * recorded denies (in evaluation order) through `ParseResult.denies`; the first one that holds the
 * flow's point is the line `critical-flow-blocked` reports (it asks only for blocked traffic). Implicit
 * denies sit at the ACL's binding line and hold the whole ACL's traffic, after the explicit ones.
 */
import {describe, expect, it} from 'vitest'

import type {Denial} from '../../src/model/exposure.js'
import {AddressSet} from '../../src/net/address-set.js'
import {ANY_BOX, type Box, overlapsBox} from '../../src/net/match.js'
import {PortSet, ProtocolSet} from '../../src/net/number-set.js'
import {aws} from '../../src/sources/aws.js'
import {azure} from '../../src/sources/azure.js'
import {ciscoAsa} from '../../src/sources/cisco-asa.js'
import {ciscoIos} from '../../src/sources/cisco-ios.js'
import {fortios} from '../../src/sources/fortios.js'
import {junos} from '../../src/sources/junos.js'
import type {ParseResult} from '../../src/sources/types.js'

const tcp = (from: string, to: string, port: number): Box => ({...ANY_BOX, from: AddressSet.of(from), to: AddressSet.of(to), protocols: ProtocolSet.of(6), ports: PortSet.range(port)})
/** line and rule of the first recorded inbound deny that holds the point */
const deciding = (r: ParseResult, b: Box) => {
  const d = (r.denies ?? []).find((x: Denial) => x.direction === 'inbound' && overlapsBox(x.box, b))
  return d ? [d.line, d.rule] : undefined
}

describe('the deciding deny of a blocked flow', () => {
  it('Cisco ASA: an explicit deny at its line, the implicit deny at the access-group line', () => {
    const r = ciscoAsa.parse(
      [
        'interface GigabitEthernet0/0',
        ' nameif outside',
        ' security-level 0',
        ' ip address 203.0.113.1 255.255.255.0',
        'access-list OUT extended deny tcp host 192.0.2.9 any eq 443',
        'access-list OUT extended permit tcp any any eq 443',
        'access-group OUT in interface outside',
        '',
      ].join('\n'),
      {file: 'asa.cfg'},
    ) as ParseResult
    expect(deciding(r, tcp('192.0.2.9/32', '203.0.113.10/32', 443))).toEqual([5, 'OUT#1'])
    expect(deciding(r, tcp('192.0.2.10/32', '203.0.113.10/32', 22))).toEqual([7, 'OUT implicit deny'])
  })

  it('Cisco IOS: an explicit deny at its line, the implicit deny at the ip access-group line', () => {
    const r = ciscoIos.parse(
      [
        'interface GigabitEthernet0/0',
        ' ip address 203.0.113.1 255.255.255.0',
        ' ip access-group OUT in',
        '!',
        'ip access-list extended OUT',
        ' deny tcp host 192.0.2.9 any eq 443',
        ' permit tcp any any eq 443',
        '',
      ].join('\n'),
      {file: 'ios.cfg'},
    ) as ParseResult
    expect(deciding(r, tcp('192.0.2.9/32', '203.0.113.10/32', 443))).toEqual([6, 'OUT#10'])
    expect(deciding(r, tcp('192.0.2.10/32', '203.0.113.10/32', 22))).toEqual([3, 'OUT implicit deny'])
  })

  it('AWS network ACL: the deny entry at its line', () => {
    const r = aws.parse(
      [
        '[',
        '  {',
        '    "NetworkAclId": "acl-1",',
        '    "Associations": [],',
        '    "Entries": [',
        '      {"CidrBlock": "192.0.2.9/32", "Egress": false, "Protocol": "6", "PortRange": {"From": 443, "To": 443}, "RuleAction": "deny", "RuleNumber": 50},',
        '      {"CidrBlock": "0.0.0.0/0", "Egress": false, "Protocol": "6", "PortRange": {"From": 443, "To": 443}, "RuleAction": "allow", "RuleNumber": 100}',
        '    ]',
        '  }',
        ']',
        '',
      ].join('\n'),
      {file: 'aws.json'},
    ) as ParseResult
    expect(deciding(r, tcp('192.0.2.9/32', '10.0.0.5/32', 443))?.[0]).toBe(6)
    expect(deciding(r, tcp('192.0.2.10/32', '10.0.0.5/32', 443))).toBeUndefined()
  })

  it('Azure NSG: the deny rule at its line, before the allow of lower priority', () => {
    const r = azure.parse(
      [
        '{',
        '  "resources": [',
        '    {',
        '      "type": "Microsoft.Network/networkSecurityGroups",',
        '      "name": "web-nsg",',
        '      "properties": {',
        '        "securityRules": [',
        '          {"name": "AllowHttps", "properties": {"priority": 200, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "*", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "443"}},',
        '          {"name": "DenyBad", "properties": {"priority": 100, "direction": "Inbound", "access": "Deny", "protocol": "Tcp", "sourceAddressPrefix": "192.0.2.9/32", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "443"}}',
        '        ]',
        '      }',
        '    }',
        '  ]',
        '}',
        '',
      ].join('\n'),
      {file: 'arm.json'},
    ) as ParseResult
    expect(deciding(r, tcp('192.0.2.9/32', '10.0.0.5/32', 443))).toEqual([9, 'web-nsg/DenyBad'])
  })
  it('FortiOS: the deny policy at its edit line, above the accept of the same service', () => {
    const r = fortios.parse(
      [
        'config firewall address',
        '    edit "bad"',
        '        set subnet 192.0.2.9 255.255.255.255',
        '    next',
        'end',
        'config firewall policy',
        '    edit 1',
        '        set srcintf "wan1"',
        '        set dstintf "dmz"',
        '        set srcaddr "bad"',
        '        set dstaddr "all"',
        '        set action deny',
        '        set service "HTTPS"',
        '    next',
        '    edit 2',
        '        set srcintf "wan1"',
        '        set dstintf "dmz"',
        '        set srcaddr "all"',
        '        set dstaddr "all"',
        '        set action accept',
        '        set service "HTTPS"',
        '    next',
        'end',
        '',
      ].join('\n'),
      {file: 'fgt.conf'},
    ) as ParseResult
    expect(deciding(r, tcp('192.0.2.9/32', '10.0.0.5/32', 443))).toEqual([7, 'policy 1'])
    expect(deciding(r, tcp('192.0.2.10/32', '10.0.0.5/32', 443))).toBeUndefined()
  })
  it('Junos: the deny policy at its first line; the default deny-all records none (denies carry no zones)', () => {
    const p = 'set security policies from-zone untrust to-zone trust policy'
    const r = junos.parse(
      [
        'set security zones security-zone untrust interfaces ge-0/0/0.0',
        'set security zones security-zone trust interfaces ge-0/0/1.0',
        'set security address-book global address bad 192.0.2.9/32',
        `${p} block match source-address bad`,
        `${p} block match destination-address any`,
        `${p} block match application junos-https`,
        `${p} block then deny`,
        `${p} web match source-address any`,
        `${p} web match destination-address any`,
        `${p} web match application junos-https`,
        `${p} web then permit`,
        'set security policies default-policy deny-all',
        '',
      ].join('\n'),
      {file: 'srx.set'},
    ) as ParseResult
    expect(deciding(r, tcp('192.0.2.9/32', '10.0.0.5/32', 443))?.[0]).toBe(4)
    expect(deciding(r, tcp('192.0.2.10/32', '10.0.0.5/32', 22))).toBeUndefined()
  })
})
