/**
 * #16: the deny that decides a blocked flow, per vendor. Each parser passes the shared evaluator's
 * recorded denies (in evaluation order) through `ParseResult.denies`; the first one that holds the
 * flow's point is the line `critical-flow-blocked` reports (it asks only for blocked traffic). Implicit
 * denies sit at the ACL's binding line and hold the whole ACL's traffic, after the explicit ones.
 */
import {describe, expect, it} from 'vitest'

import {diffFindings} from '../../src/diff/engine.js'
import type {CriticalFlow, LiveConfig} from '../../src/diff/model.js'
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
import {panos} from '../../src/sources/panos.js'
import type {ParseResult} from '../../src/sources/types.js'
import {flow, input} from '../diff/helpers.js'

const JP = 'set security policies from-zone untrust to-zone trust policy'
/** An SRX: untrust, trust, dmz; two deny policies above a permit, then deny-all (line 17). */
const JUNOS = [
  'set security zones security-zone untrust interfaces ge-0/0/0.0',
  'set security zones security-zone trust interfaces ge-0/0/1.0',
  'set security zones security-zone dmz interfaces ge-0/0/2.0',
  'set security address-book global address bad 203.0.113.9/32',
  `${JP} block match source-address bad`,
  `${JP} block match destination-address any`,
  `${JP} block match application junos-https`,
  `${JP} block then deny`,
  `${JP} no-ssh match source-address any`,
  `${JP} no-ssh match destination-address any`,
  `${JP} no-ssh match application junos-ssh`,
  `${JP} no-ssh then deny`,
  `${JP} web match source-address any`,
  `${JP} web match destination-address any`,
  `${JP} web match application junos-https`,
  `${JP} web then permit`,
  'set security policies default-policy deny-all',
  '',
].join('\n')
const SRX_ZONES = [{vendorZone: 'untrust', zone: 'internet'}, {vendorZone: 'trust', zone: 'lan'}, {vendorZone: 'dmz', zone: 'dmz'}]

const PANOS = [
  'set zone untrust network layer3 ethernet1/1',
  'set zone trust network layer3 ethernet1/2',
  'set address bad ip-netmask 203.0.113.9',
  'set rulebase security rules block-bad from untrust to trust source bad destination any application any service service-https action deny',
  'set rulebase security rules web from untrust to trust source any destination any application any service service-https action allow',
  '',
].join('\n')

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
  it('Junos: each deny policy and the default deny-all at its line, scoped to its zone pair', () => {
    const r = junos.parse(JUNOS, {file: 'srx.set'}) as ParseResult
    const at = (b: Box, from: string, to: string) =>
      (r.denies ?? []).filter((x) => overlapsBox(x.box, b) && x.fromZones?.[0] === from && x.toZones?.[0] === to).map((x) => [x.line, x.rule, x.fromZones, x.toZones])
    expect(at(tcp('203.0.113.9/32', '10.1.0.5/32', 443), 'untrust', 'trust')).toEqual([
      [5, 'from-zone untrust to-zone trust policy block', ['untrust'], ['trust']],
      [17, 'default-policy deny-all (untrust to trust)', ['untrust'], ['trust']],
    ])
    // a pair no policy names records the deny-all too
    expect(at(tcp('192.0.2.9/32', '10.1.0.5/32', 22), 'dmz', 'trust')).toEqual([[17, 'default-policy deny-all (dmz to trust)', ['dmz'], ['trust']]])
    // without a default-policy statement the implicit deny-all has no line: nothing is recorded for it
    const bare = junos.parse(JUNOS.replace('set security policies default-policy deny-all\n', ''), {file: 'srx.set'}) as ParseResult
    expect((bare.denies ?? []).map((x) => x.line)).not.toContain(17)
    expect((bare.denies ?? []).some((x) => x.fromZones?.[0] === 'dmz')).toBe(false)
  })

  it('Junos in the diff: a zone pair\'s deny is named for a flow between that pair, never for another pair', () => {
    const blocked = (text: string, f: CriticalFlow, interfaces = SRX_ZONES) => {
      const r = junos.parse(text, {file: 'srx.set'}) as ParseResult
      const live: LiveConfig = {device: 'srx', file: 'srx.set', type: 'junos', exposures: r.exposures, unparsed: [], stats: r.stats, model: r.device, denies: r.denies}
      const devices = [{id: 'srx', zones: ['internet', 'lan', 'dmz'], interfaces, source: {file: 'inventory/devices.yaml', line: 3}}]
      return diffFindings(input({devices, flows: [f], live: [live]})).filter((x) => x.rule === 'critical-flow-blocked').map((x) => [x.file, x.line])
    }
    const ssh = flow('ssh', ['internet'], ['lan'], ['tcp/22'], {via: ['srx']})
    const dmzSsh = flow('dmz-ssh', ['dmz'], ['lan'], ['tcp/22'], {via: ['srx']})
    const bad = flow('bad', ['203.0.113.9/32'], ['lan'], ['tcp/443'], {via: ['srx'], fromZones: ['internet']})
    // untrust → trust: its deny policies (no-ssh line 9, block line 5)
    expect(blocked(JUNOS, ssh)).toEqual([['srx.set', 9]])
    expect(blocked(JUNOS, bad)).toEqual([['srx.set', 5]])
    // dmz → trust: not the untrust → trust no-ssh (its box holds the flow), but that pair's deny-all
    expect(blocked(JUNOS, dmzSsh)).toEqual([['srx.set', 17]])
    // no default-policy statement: nothing recorded for dmz → trust, the flow's own line
    expect(blocked(JUNOS.replace('set security policies default-policy deny-all\n', ''), dmzSsh)).toEqual([['inventory/flows.yaml', 5]])
    // vendor zones not mapped: no zone-scoped deny is named, the flow's own line is
    expect(blocked(JUNOS, ssh, [])).toEqual([['inventory/flows.yaml', 5]])
  })

  it('PAN-OS: an explicit deny rule at its line for its zone pair, then the interzone default', () => {
    const r = panos.parse(PANOS, {file: 'pa.set'}) as ParseResult
    const at = (b: Box) => (r.denies ?? []).filter((x) => overlapsBox(x.box, b) && x.fromZones?.[0] === 'untrust' && x.toZones?.[0] === 'trust').map((x) => [x.line, x.rule])
    expect(at(tcp('203.0.113.9/32', '10.1.0.5/32', 443))[0]).toEqual([4, 'vsys1 security rule "block-bad"'])
    // what no rule passes between the pair: the interzone default (no default-security-rules: the rulebase line)
    expect(at(tcp('203.0.113.10/32', '10.1.0.5/32', 22))).toEqual([[4, 'vsys1 interzone-default (untrust to trust)']])
  })
})
