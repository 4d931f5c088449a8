/**
 * Reach by where traffic enters: per format, an outbound `any` rule, a LAN-only rule, an intrazone
 * default and host management bound to an inside interface give no finding; the same opening bound to
 * the internet-facing interface gives `unwanted-access-point` at its line. The expected findings are
 * written from the configs by hand (lines located by their text); inference, `interface-unmapped`,
 * renamed vendor names and host-local destinations are checked on the same small network.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {diffFindings} from '../../src/diff/engine.js'
import type {ApprovedAccess, DiffZone, Finding, InterfaceZone, LiveConfig} from '../../src/diff/model.js'
import {AddressSet} from '../../src/net/address-set.js'
import {TrustModel} from '../../src/policy/trust.js'
import {parseText} from '../../src/sources/load.js'
import {ROOT} from '../helpers/sources.js'
import {ap, policy} from './helpers.js'

const ZONES: DiffZone[] = [
  {id: 'internet', trust: 'internet', addresses: AddressSet.ANY, catchAll: true},
  {id: 'partner-acme', trust: 'partner', addresses: AddressSet.of('203.0.113.0/24')},
  {id: 'edge', trust: 'dmz', addresses: AddressSet.of('198.51.100.0/28')},
  {id: 'lan', trust: 'internal', addresses: AddressSet.of('10.1.0.0/16')},
  {id: 'dmz', trust: 'dmz', addresses: AddressSet.of('172.16.1.0/24')},
  {id: 'mgmt', trust: 'management', addresses: AddressSet.of('10.99.0.0/24')},
]

interface Setup {
  interfaces?: InterfaceZone[]
  accessPoints?: ApprovedAccess[]
  management?: string[]
  zones?: DiffZone[]
  role?: string
}

async function diff(type: string, text: string, setup: Setup = {}): Promise<Finding[]> {
  const parsed = await parseText(text, 'live/fw.cfg', type)
  expect(parsed.unparsed, 'the fixture is fully understood').toEqual([])
  const live: LiveConfig = {device: 'fw', file: 'live/fw.cfg', type: parsed.type, exposures: parsed.exposures, unparsed: [], stats: parsed.stats, ...(parsed.device ? {model: parsed.device} : {})}
  return diffFindings({
    zones: setup.zones ?? ZONES,
    trust: TrustModel.of(policy, {zones: setup.zones ?? ZONES}),
    devices: [{id: 'fw', zones: ZONES.map((z) => z.id), interfaces: setup.interfaces, ...(setup.role ? {role: setup.role} : {}), ...(setup.management ? {managementAddresses: AddressSet.of(...setup.management)} : {}), source: {file: 'inventory/devices.yaml', line: 3}}],
    accessPoints: setup.accessPoints ?? [],
    flows: [],
    live: [live],
    asOf: '2026-06-01',
    policy,
  })
}

/** 1-based line of the first line of `text` that contains `fragment`. */
function lineOf(text: string, fragment: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(fragment))
  if (i < 0) throw new Error(`fixture has no line with '${fragment}'`)
  return i + 1
}

const brief = (fs: Finding[]) => fs.map((f) => [f.rule, f.severity, f.id, f.line])
const unwanted = (id: string, line: number, severity = 'critical') => ['unwanted-access-point', severity, `unwanted-access-point:fw:${id}`, line]

const webAp = ap('ap-web', 'fw', ['internet'], ['172.16.1.10/32'], ['tcp/443'])

// ---------- Cisco ASA ----------

const ASA = `ASA Version 9.18(3)
hostname fw
interface GigabitEthernet0/0
 nameif outside
 security-level 0
 ip address 198.51.100.2 255.255.255.240
interface GigabitEthernet0/1
 nameif inside
 security-level 100
 ip address 10.1.0.1 255.255.0.0
interface GigabitEthernet0/2
 nameif dmz
 security-level 50
 ip address 172.16.1.1 255.255.255.0
access-list outside_in extended permit tcp any host 172.16.1.10 eq https
access-list dmz_in extended permit tcp any host 10.1.0.5 eq 3389
access-group outside_in in interface outside
access-group dmz_in in interface dmz
route outside 0.0.0.0 0.0.0.0 198.51.100.1 1
icmp deny any outside
ssh 0.0.0.0 0.0.0.0 inside
`
const ASA_MAP: InterfaceZone[] = [
  {name: 'outside', zone: 'internet'},
  {name: 'inside', zone: 'lan'},
  {name: 'dmz', zone: 'dmz'},
]

describe('cisco-asa: reach by interface', () => {
  it('inside without ACL (security-level default permit), a dmz-only rule and ssh on inside: no finding', async () => {
    expect(await diff('cisco-asa', ASA, {interfaces: ASA_MAP, accessPoints: [webAp]})).toEqual([])
  })

  it('the same openings on outside: unwanted-access-point at their lines', async () => {
    const cfg = ASA.replace('access-group outside_in', 'access-list outside_in extended permit tcp any host 172.16.1.20 eq 3389\naccess-group outside_in') + 'ssh 0.0.0.0 0.0.0.0 outside\n'
    expect(brief(await diff('cisco-asa', cfg, {interfaces: ASA_MAP, accessPoints: [webAp]}))).toEqual([
      unwanted('tcp/22:198.51.100.2/32:any', lineOf(cfg, 'ssh 0.0.0.0 0.0.0.0 outside')),
      unwanted('tcp/3389:172.16.1.20/32:any:outside_in', lineOf(cfg, 'host 172.16.1.20 eq 3389')),
    ])
  })

  it('removing the inside access-group adds no finding (address-only reach reported the default permit)', async () => {
    const withAcl = ASA.replace('access-group outside_in', 'access-list inside_in extended permit ip any any\naccess-group inside_in in interface inside\naccess-group outside_in')
    expect(await diff('cisco-asa', withAcl, {interfaces: ASA_MAP, accessPoints: [webAp]})).toEqual([])
    expect(await diff('cisco-asa', ASA, {interfaces: ASA_MAP, accessPoints: [webAp]})).toEqual([])
  })

  it('renamed nameifs (inside → x1, outside → zz) mapped the same way give the same findings', async () => {
    const cfg = ASA + 'ssh 0.0.0.0 0.0.0.0 outside\n'
    const renamed = cfg.replace(/\binside\b/g, 'x1').replace(/\boutside\b/g, 'zz').replace(/\boutside_in\b/g, 'zz_in')
    const map: InterfaceZone[] = [{name: 'zz', zone: 'internet'}, {name: 'x1', zone: 'lan'}, {name: 'dmz', zone: 'dmz'}]
    const a = await diff('cisco-asa', cfg, {interfaces: ASA_MAP, accessPoints: [webAp]})
    const b = await diff('cisco-asa', renamed, {interfaces: map, accessPoints: [webAp]})
    expect(brief(b)).toEqual(brief(a))
    expect(brief(a)).toEqual([unwanted('tcp/22:198.51.100.2/32:any', lineOf(cfg, 'ssh 0.0.0.0 0.0.0.0 outside'))])
  })

  it('infers without inventory entries: default route → internet, subnets → lan and dmz', async () => {
    const cfg = ASA + 'ssh 0.0.0.0 0.0.0.0 outside\n'
    expect(brief(await diff('cisco-asa', cfg, {accessPoints: [webAp]}))).toEqual([unwanted('tcp/22:198.51.100.2/32:any', lineOf(cfg, 'ssh 0.0.0.0 0.0.0.0 outside'))])
  })

  it('infers security level 0 as the internet side when no default route is configured', async () => {
    const cfg = ASA.replace('route outside 0.0.0.0 0.0.0.0 198.51.100.1 1\n', '') + 'ssh 0.0.0.0 0.0.0.0 outside\n'
    expect(brief(await diff('cisco-asa', cfg, {accessPoints: [webAp]}))).toEqual([unwanted('tcp/22:198.51.100.2/32:any', lineOf(cfg, 'ssh 0.0.0.0 0.0.0.0 outside'))])
  })

  it('never infers from a public (edge) subnet: interface-unmapped names the zones that would fit, reach falls back to addresses', async () => {
    const cfg = ASA.replace('access-list outside_in', 'interface GigabitEthernet0/3\n nameif pub\n security-level 40\n ip address 198.51.100.5 255.255.255.248\naccess-list pub_in extended permit tcp any host 172.16.1.30 eq 8080\naccess-group pub_in in interface pub\nicmp deny any pub\naccess-list outside_in')
    const fs = await diff('cisco-asa', cfg, {accessPoints: [webAp]})
    expect(brief(fs)).toEqual([
      unwanted('tcp/8080:172.16.1.30/32:any:pub_in', lineOf(cfg, 'eq 8080'), 'high'),
      ['interface-unmapped', 'medium', 'interface-unmapped:fw:pub', lineOf(cfg, 'interface GigabitEthernet0/3')],
    ])
    expect(fs[1].message).toContain('interface pub with 198.51.100.5/29')
    expect(fs[1].message).toContain('zones that would fit: edge')
  })
})

// ---------- Cisco IOS ----------

const IOS = `version 17.9
hostname r1
interface GigabitEthernet0/0
 ip address 198.51.100.2 255.255.255.240
 ip access-group OUTSIDE-IN in
interface GigabitEthernet0/1
 ip address 10.1.0.1 255.255.0.0
ip access-list extended OUTSIDE-IN
 permit tcp any host 172.16.1.10 eq 443
 deny ip any any
ip route 0.0.0.0 0.0.0.0 198.51.100.1
`

describe('cisco-ios: reach by interface', () => {
  it('a LAN interface without ACL: no finding (inferred: default route → internet, subnet → lan)', async () => {
    expect(await diff('cisco-ios', IOS, {accessPoints: [webAp]})).toEqual([])
  })

  it('a permit for tcp/3389 on the internet-facing ACL: unwanted at its line', async () => {
    const cfg = IOS.replace(' deny ip any any', ' permit tcp any host 10.1.0.20 eq 3389\n deny ip any any')
    expect(brief(await diff('cisco-ios', cfg, {accessPoints: [webAp]}))).toEqual([unwanted('tcp/3389:10.1.0.20/32:any:OUTSIDE-IN', lineOf(cfg, 'eq 3389'))])
  })

  const ZBF = `version 17.9
hostname r1
zone security in
zone security out
class-map type inspect match-any ALL
 match protocol tcp
class-map type inspect match-all RDP
 match access-group name RDP-HOSTS
ip access-list extended RDP-HOSTS
 permit tcp any host 10.1.0.20 eq 3389
policy-map type inspect IN-OUT
 class type inspect ALL
  inspect
policy-map type inspect OUT-IN
 class type inspect RDP
  inspect
zone-pair security in-out source in destination out
 service-policy type inspect IN-OUT
zone-pair security out-in source out destination in
 service-policy type inspect OUT-IN
interface GigabitEthernet0/0
 ip address 198.51.100.2 255.255.255.240
 zone-member security out
interface GigabitEthernet0/1
 ip address 10.1.0.1 255.255.0.0
 zone-member security in
`

  it('ZBF: outbound in→out is silent, out→in RDP is unwanted at the zone-pair; the vendor zones map through the inventory', async () => {
    const map: InterfaceZone[] = [{vendorZone: 'out', zone: 'internet'}, {vendorZone: 'in', zone: 'lan'}]
    const fs = await diff('cisco-ios', ZBF, {interfaces: map})
    expect(fs.map((f) => [f.rule, f.id])).toEqual([['unwanted-access-point', 'unwanted-access-point:fw:tcp/3389:10.1.0.20/32:any']])
    // renamed zones, same mapping: same findings
    const renamed = ZBF.replace(/\bin\b(?!-)/g, 'x1').replace(/\bout\b(?!-)/g, 'zz')
    const again = await diff('cisco-ios', renamed, {interfaces: [{vendorZone: 'zz', zone: 'internet'}, {vendorZone: 'x1', zone: 'lan'}]})
    expect(again.map((f) => [f.rule, f.id, f.line])).toEqual(fs.map((f) => [f.rule, f.id, f.line]))
  })
})

// ---------- iptables ----------

const IPT = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -i eth1 -p tcp -m tcp --dport 22 -j ACCEPT
-A FORWARD -i eth1 -o eth0 -j ACCEPT
-A FORWARD -i eth1 -o eth2 -j ACCEPT
-A FORWARD -i eth0 -o eth2 -d 172.16.1.10/32 -p tcp -m tcp --dport 443 -j ACCEPT
COMMIT
`
const IPT_MAP: InterfaceZone[] = [
  {name: 'eth0', zone: 'internet'},
  {name: 'eth1', zone: 'lan'},
  {name: 'eth2', zone: 'dmz'},
]

describe('iptables: reach by -i/-o', () => {
  it('LAN → internet, LAN → DMZ and ssh on the LAN side: no finding', async () => {
    expect(await diff('iptables', IPT, {interfaces: IPT_MAP, accessPoints: [webAp]})).toEqual([])
  })

  it('ssh to the host and RDP forwarded from eth0: unwanted at their lines; the host is its management address', async () => {
    const cfg = IPT.replace('COMMIT', '-A INPUT -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT\n-A FORWARD -i eth0 -p tcp -m tcp --dport 3389 -j ACCEPT\nCOMMIT')
    const fs = await diff('iptables', cfg, {interfaces: IPT_MAP, accessPoints: [webAp], management: ['10.99.0.1']})
    expect(brief(fs)).toEqual([
      unwanted('tcp/22:0.0.0.0/0:any', lineOf(cfg, '-A INPUT -i eth0')),
      unwanted('tcp/3389:0.0.0.0/0:any', lineOf(cfg, '--dport 3389')),
    ])
    expect(fs[0].message).toContain('to 10.99.0.1/32')
    // without management_addresses the destination is the device itself, never "any"
    const bare = await diff('iptables', cfg, {interfaces: IPT_MAP, accessPoints: [webAp]})
    expect(bare[0].message).toContain('to the device itself')
  })

  it('a rule to the internet side only (-o eth0) from eth0 opens nothing of ours', async () => {
    const cfg = IPT.replace('COMMIT', '-A FORWARD -i eth0 -o eth0 -j ACCEPT\nCOMMIT')
    expect(await diff('iptables', cfg, {interfaces: IPT_MAP, accessPoints: [webAp]})).toEqual([])
  })

  it('an interface nobody maps: decided by addresses, and reported once', async () => {
    const cfg = IPT.replace('COMMIT', '-A FORWARD -i eth9 -p tcp -m tcp --dport 3389 -j ACCEPT\nCOMMIT')
    expect(brief(await diff('iptables', cfg, {interfaces: IPT_MAP, accessPoints: [webAp]}))).toEqual([
      unwanted('tcp/3389:0.0.0.0/0:any', lineOf(cfg, '-i eth9')),
      ['interface-unmapped', 'medium', 'interface-unmapped:fw:eth9', lineOf(cfg, '-i eth9')],
    ])
  })
})

// ---------- nftables ----------

const NFT = `table inet filter {
  chain input {
    type filter hook input priority 0; policy drop;
    iifname "lo" accept
    iifname "lan" tcp dport 22 accept
  }
  chain forward {
    type filter hook forward priority 0; policy drop;
    iifname "lan" accept
    iifname "wan" oifname "dmz" ip daddr 172.16.1.10 tcp dport 443 accept
  }
}
`
const NFT_MAP: InterfaceZone[] = [
  {name: 'wan', zone: 'internet'},
  {name: 'lan', zone: 'lan'},
  {name: 'dmz', zone: 'dmz'},
]

describe('nftables: reach by iifname/oifname', () => {
  it('iifname "lan" accept and ssh from lan: no finding', async () => {
    expect(await diff('nftables', NFT, {interfaces: NFT_MAP, accessPoints: [webAp]})).toEqual([])
  })

  it('the same from wan: unwanted at its lines', async () => {
    const cfg = NFT.replace('iifname "lan" tcp dport 22 accept', 'iifname "lan" tcp dport 22 accept\n    iifname "wan" tcp dport 22 accept').replace(
      '    iifname "lan" accept',
      '    iifname "lan" accept\n    iifname "wan" tcp dport 3389 accept',
    )
    // an inet table is read per family: one finding per family, in the engine's code-unit order of ids ('0' < ':')
    const ssh = lineOf(cfg, 'iifname "wan" tcp dport 22')
    const rdp = lineOf(cfg, 'iifname "wan" tcp dport 3389')
    expect(brief(await diff('nftables', cfg, {interfaces: NFT_MAP, accessPoints: [webAp]}))).toEqual([
      unwanted('tcp/22:0.0.0.0/0:any', ssh),
      unwanted('tcp/22:::/0:any', ssh),
      unwanted('tcp/3389:0.0.0.0/0:any', rdp),
      unwanted('tcp/3389:::/0:any', rdp),
    ])
  })
})

describe('parse --inventory --device', () => {
  it('fills inventory_zones of ingress and egress as the diff maps them; [] without the flags', async () => {
    const {parseReport} = await import('../../src/report/parse-report.js')
    const {attachmentZones} = await import('../../src/diff/attachment-zones.js')
    const text = readFileSync(join(ROOT, 'inventory/live/fw-edge-1.asa.cfg'), 'utf8')
    const loaded = await parseText(text, 'fw-edge-1.asa.cfg')
    const zonesOf = await attachmentZones(join(ROOT, 'inventory'), 'fw-edge-1', loaded.device)
    const rows = parseReport(loaded, zonesOf).exposures
    const web = rows.find((e) => e.rule === 'outside_in#1')!
    expect(web.ingress).toEqual({interfaces: ['outside'], zones: [], inventory_zones: ['internet']})
    // object NAT (dmz,outside): enters on outside, leaves on dmz
    const nat = rows.find((e) => e.rule === 'object WEB-REAL nat')!
    expect([nat.ingress, nat.egress]).toEqual([
      {interfaces: ['outside'], zones: [], inventory_zones: ['internet']},
      {interfaces: ['dmz'], zones: [], inventory_zones: ['paris-dmz']},
    ])
    // host-local: ssh on mgmt targets the device's own address on that interface set
    const ssh = rows.find((e) => e.rule === 'ssh mgmt')!
    expect([ssh.host_local, ssh.to, ssh.ingress?.inventory_zones]).toEqual([true, ['10.99.10.1/32'], ['paris-mgmt']])
    expect(parseReport(loaded).exposures.find((e) => e.rule === 'outside_in#1')!.ingress!.inventory_zones).toEqual([])
  })
})

// ---------- PAN-OS (vendor zones) ----------

const PANOS = `set deviceconfig system hostname pa
set network interface ethernet ethernet1/1 layer3 ip 198.51.100.2/28
set network interface ethernet ethernet1/2 layer3 ip 10.1.0.1/16
set network interface ethernet ethernet1/3 layer3 ip 172.16.1.1/24
set network interface ethernet ethernet1/2 layer3 interface-management-profile ssh-only
set network profiles interface-management-profile ssh-only ssh yes
set network virtual-router default interface [ ethernet1/1 ethernet1/2 ethernet1/3 ]
set network virtual-router default routing-table ip static-route default destination 0.0.0.0/0
set network virtual-router default routing-table ip static-route default nexthop ip-address 198.51.100.1
set zone untrust network layer3 ethernet1/1
set zone trust network layer3 ethernet1/2
set zone dmz network layer3 ethernet1/3
set rulebase security rules web from untrust to dmz source any destination 172.16.1.10 application any service service-https action allow
set rulebase security rules outbound from trust to untrust source any destination any application any service any action allow
`
const PANOS_MAP: InterfaceZone[] = [
  {vendorZone: 'untrust', zone: 'internet'},
  {vendorZone: 'trust', zone: 'lan'},
  {vendorZone: 'dmz', zone: 'dmz'},
]

describe('panos: reach by vendor zone', () => {
  it('outbound any, the intrazone defaults (untrust → untrust too) and ssh on a trust interface: no finding', async () => {
    expect(await diff('panos', PANOS, {interfaces: PANOS_MAP, accessPoints: [webAp]})).toEqual([])
  })

  const RDP = PANOS + 'set service tcp-3389 protocol tcp port 3389\nset rulebase security rules rdp from untrust to trust source any destination 10.1.0.20 application any service tcp-3389 action allow\n'

  it('an untrust → trust RDP rule from any: one critical unwanted-access-point at its line', async () => {
    expect(brief(await diff('panos', RDP, {interfaces: PANOS_MAP, accessPoints: [webAp]}))).toEqual([unwanted('tcp/3389:10.1.0.20/32:any:rdp', lineOf(RDP, 'rules rdp'))])
  })

  it('renamed zones (untrust → zz, trust → x1) mapped the same way: the same findings', async () => {
    const renamed = RDP.replace(/\buntrust\b/g, 'zz').replace(/\btrust\b/g, 'x1')
    const map: InterfaceZone[] = [{vendorZone: 'zz', zone: 'internet'}, {vendorZone: 'x1', zone: 'lan'}, {vendorZone: 'dmz', zone: 'dmz'}]
    expect(brief(await diff('panos', renamed, {interfaces: map, accessPoints: [webAp]}))).toEqual([unwanted('tcp/3389:10.1.0.20/32:any:rdp', lineOf(RDP, 'rules rdp'))])
  })

  it('inferred from the device model without inventory entries: the same findings', async () => {
    expect(brief(await diff('panos', RDP, {accessPoints: [webAp]}))).toEqual([unwanted('tcp/3389:10.1.0.20/32:any:rdp', lineOf(RDP, 'rules rdp'))])
  })
})

// ---------- cloud references ----------

describe('zones[].cloud_refs', () => {
  const text = readFileSync(join(ROOT, 'tests/fixtures/sources/azure/arm-template.json'), 'utf8')
  const rulesWithFindings = (fs: Finding[]) => [...new Set(fs.map((f) => f.exposure?.rule))].sort()

  it('Azure: VirtualNetwork unresolved stays "any" and the finding names it with rule and line; AzureLoadBalancer is never outside', async () => {
    const fs = await diff('azure', text)
    // AllowHttp (any → tcp/80,443), AllowAdminFromParameter (partner /24 → ssh) and the two VirtualNetwork rules
    expect(rulesWithFindings(fs)).toEqual(['app-nsg/AllowAdminFromParameter', 'app-nsg/AllowHttp', 'app-nsg/AllowIcmpFromVnet', 'app-nsg/AllowVnetInBound'])
    const vnet = fs.find((f) => f.exposure?.rule === 'app-nsg/AllowVnetInBound')!
    expect(vnet.message).toContain('sources include unexpanded VirtualNetwork')
    expect(vnet.message).toContain(`live/fw.cfg:${vnet.line}`)
  })

  it('Azure: VirtualNetwork@vnet on the lan zone resolves the service tag: the VNet rules are silent', async () => {
    const zones = ZONES.map((z) => (z.id === 'lan' ? {...z, cloudRefs: ['VirtualNetwork@app-vnet']} : z))
    expect(rulesWithFindings(await diff('azure', text, {zones}))).toEqual(['app-nsg/AllowAdminFromParameter', 'app-nsg/AllowHttp'])
  })
})

// ---------- Junos (vendor zones) ----------

const JUNOS = `set system host-name srx
set interfaces ge-0/0/0 unit 0 family inet address 198.51.100.2/28
set interfaces ge-0/0/1 unit 0 family inet address 10.1.0.1/16
set interfaces ge-0/0/2 unit 0 family inet address 172.16.1.1/24
set routing-options static route 0.0.0.0/0 next-hop 198.51.100.1
set security zones security-zone untrust interfaces ge-0/0/0.0
set security zones security-zone trust interfaces ge-0/0/1.0
set security zones security-zone trust host-inbound-traffic system-services ssh
set security zones security-zone dmz interfaces ge-0/0/2.0
set security policies from-zone untrust to-zone dmz policy web match source-address any
set security policies from-zone untrust to-zone dmz policy web match destination-address any
set security policies from-zone untrust to-zone dmz policy web match application junos-https
set security policies from-zone untrust to-zone dmz policy web then permit
set security policies from-zone trust to-zone untrust policy out match source-address any
set security policies from-zone trust to-zone untrust policy out match destination-address any
set security policies from-zone trust to-zone untrust policy out match application any
set security policies from-zone trust to-zone untrust policy out then permit
`
const dmzWeb = ap('ap-dmz-web', 'fw', ['internet'], ['172.16.1.0/24'], ['tcp/443'])

describe('junos: reach by security zone', () => {
  const map: InterfaceZone[] = [{vendorZone: 'untrust', zone: 'internet'}, {vendorZone: 'trust', zone: 'lan'}, {vendorZone: 'dmz', zone: 'dmz'}]

  it('trust → untrust from any (plain outbound) and ssh to the device from trust: no finding', async () => {
    expect(await diff('junos', JUNOS, {interfaces: map, accessPoints: [dmzWeb]})).toEqual([])
  })

  it('an untrust → trust policy for RDP from any: one critical unwanted-access-point at the policy', async () => {
    const cfg =
      JUNOS +
      'set applications application rdp protocol tcp destination-port 3389\n' +
      'set security policies from-zone untrust to-zone trust policy rdp match source-address any\n' +
      'set security policies from-zone untrust to-zone trust policy rdp match destination-address any\n' +
      'set security policies from-zone untrust to-zone trust policy rdp match application rdp\n' +
      'set security policies from-zone untrust to-zone trust policy rdp then permit\n'
    const fs = await diff('junos', cfg, {interfaces: map, accessPoints: [dmzWeb]})
    expect(fs.map((f) => [f.rule, f.severity, f.service, f.line])).toEqual([['unwanted-access-point', 'critical', 'tcp/3389', lineOf(cfg, 'policy rdp match source-address')]])
    // the trust side only: the policy's destinations are narrowed to the zone mapped to its egress
    expect(fs[0].message).toContain('reachable from the internet')
  })
})

// ---------- FortiOS (srcintf / allowaccess) ----------

const FORTI = `config system interface
    edit "wan1"
        set ip 198.51.100.2 255.255.255.240
        set type physical
        set role wan
    next
    edit "internal"
        set ip 10.1.0.1 255.255.0.0
        set allowaccess ping https ssh
        set type hard-switch
        set role lan
    next
end
config firewall address
    edit "lan-net"
        set subnet 10.1.0.0 255.255.0.0
    next
end
config firewall policy
    edit 10
        set name "lan-out"
        set srcintf "internal"
        set dstintf "wan1"
        set action accept
        set srcaddr "all"
        set dstaddr "all"
        set schedule "always"
        set service "ALL"
        set nat enable
    next
end
`

describe('fortios: reach by srcintf and allowaccess', () => {
  const map: InterfaceZone[] = [{name: 'wan1', zone: 'internet'}, {name: 'internal', zone: 'lan'}]

  it('an outbound policy from all and allowaccess on the internal port: no finding', async () => {
    expect(await diff('fortios', FORTI, {interfaces: map})).toEqual([])
  })

  it('an RDP policy from all on wan1: one critical unwanted-access-point at its edit line', async () => {
    const cfg = FORTI.replace(
      'config firewall policy\n',
      'config firewall policy\n    edit 5\n        set name "rdp-in"\n        set srcintf "wan1"\n        set dstintf "internal"\n        set action accept\n        set srcaddr "all"\n        set dstaddr "lan-net"\n        set schedule "always"\n        set service "RDP"\n    next\n',
    )
    const fs = await diff('fortios', cfg, {interfaces: map})
    expect(fs.map((f) => [f.rule, f.severity, f.service, f.line])).toEqual([['unwanted-access-point', 'critical', 'tcp/3389', lineOf(cfg, 'edit 5')]])
  })
})

// ---------- pfSense / OPNsense (interface rules, anti-lockout) ----------

// Ground truth, written before running: wan → internet (explicit, or inferred: WAN-type and default
// gateway), lan → lan, opt1 → dmz. Silent: the default "allow LAN to any" (outbound any), a LAN-only
// RDP rule from any, the anti-lockout rule (webGUI https/443 and ssh/22 on LAN, host-local), the WAN
// https rule to the approved web server. With the same RDP rule on wan: one critical
// unwanted-access-point tcp/3389 at that <rule>.
const PFSENSE = `<?xml version="1.0"?>
<pfsense>
	<version>23.3</version>
	<system>
		<hostname>fw</hostname>
		<domain>example.net</domain>
		<webgui>
			<protocol>https</protocol>
		</webgui>
		<ssh>
			<enable>enabled</enable>
		</ssh>
	</system>
	<interfaces>
		<wan>
			<enable/>
			<if>igb0</if>
			<ipaddr>198.51.100.2</ipaddr>
			<subnet>28</subnet>
			<gateway>WAN_GW</gateway>
		</wan>
		<lan>
			<enable/>
			<if>igb1</if>
			<ipaddr>10.1.0.1</ipaddr>
			<subnet>16</subnet>
		</lan>
		<opt1>
			<enable/>
			<if>igb2</if>
			<descr><![CDATA[DMZ]]></descr>
			<ipaddr>172.16.1.1</ipaddr>
			<subnet>24</subnet>
		</opt1>
	</interfaces>
	<gateways>
		<gateway_item>
			<interface>wan</interface>
			<gateway>198.51.100.1</gateway>
			<name>WAN_GW</name>
			<ipprotocol>inet</ipprotocol>
		</gateway_item>
		<defaultgw4>WAN_GW</defaultgw4>
	</gateways>
	<filter>
		<rule>
			<type>pass</type>
			<interface>wan</interface>
			<ipprotocol>inet</ipprotocol>
			<protocol>tcp</protocol>
			<source><any/></source>
			<destination>
				<address>172.16.1.10</address>
				<port>443</port>
			</destination>
			<descr><![CDATA[web to dmz]]></descr>
		</rule>
		<rule>
			<type>pass</type>
			<interface>lan</interface>
			<ipprotocol>inet</ipprotocol>
			<source><network>lan</network></source>
			<destination><any/></destination>
			<descr><![CDATA[Default allow LAN to any rule]]></descr>
		</rule>
		<rule>
			<type>pass</type>
			<interface>lan</interface>
			<ipprotocol>inet</ipprotocol>
			<protocol>tcp</protocol>
			<source><any/></source>
			<destination>
				<address>10.1.0.20</address>
				<port>3389</port>
			</destination>
			<descr><![CDATA[rdp lan]]></descr>
		</rule>
	</filter>
</pfsense>
`
const PF_MAP: InterfaceZone[] = [
  {name: 'wan', zone: 'internet'},
  {name: 'lan', zone: 'lan'},
  {name: 'opt1', zone: 'dmz'},
]

describe('pfsense: reach by interface rules', () => {
  const onWan = PFSENSE.replace('</filter>', `	<rule>
			<type>pass</type>
			<interface>wan</interface>
			<ipprotocol>inet</ipprotocol>
			<protocol>tcp</protocol>
			<source><any/></source>
			<destination>
				<address>10.1.0.20</address>
				<port>3389</port>
			</destination>
			<descr><![CDATA[rdp wan]]></descr>
		</rule>
	</filter>`)
  /** The <rule> element that holds `descr`. */
  const ruleLine = (text: string, descr: string) => {
    const lines = text.split('\n')
    for (let i = lineOf(text, descr) - 1; i >= 0; i--) if (lines[i].includes('<rule>')) return i + 1
    throw new Error(`no <rule> before '${descr}'`)
  }

  it('allow LAN to any, an RDP rule on lan and the anti-lockout rule: no finding', async () => {
    expect(await diff('pfsense', PFSENSE, {interfaces: PF_MAP, accessPoints: [webAp]})).toEqual([])
  })

  it('the same RDP rule on wan: one critical unwanted-access-point at its <rule>', async () => {
    const fs = await diff('pfsense', onWan, {interfaces: PF_MAP, accessPoints: [webAp]})
    expect(fs.map((f) => [f.rule, f.severity, f.service, f.line])).toEqual([['unwanted-access-point', 'critical', 'tcp/3389', ruleLine(onWan, 'rdp wan')]])
    expect(fs[0].id).toContain('10.1.0.20/32')
  })

  it('inferred without inventory entries (wan: WAN-type with the default gateway; lan, opt1: subnets): the same findings', async () => {
    expect(await diff('pfsense', PFSENSE, {accessPoints: [webAp]})).toEqual([])
    const fs = await diff('pfsense', onWan, {accessPoints: [webAp]})
    expect(fs.map((f) => [f.rule, f.service, f.line])).toEqual([['unwanted-access-point', 'tcp/3389', ruleLine(onWan, 'rdp wan')]])
  })

  it('the anti-lockout rule moved to wan (no lan interface) is reported as management from the internet', async () => {
    // without a lan, pfSense puts the anti-lockout rule on wan: one rule for the webGUI (https/443, and
    // 80 for its http redirect, not disabled here) and ssh/22 to the firewall from any
    const noLan = PFSENSE.replace(/\t\t<lan>[\s\S]*?<\/lan>\n/, '').replace(/\t\t<rule>\n\t\t\t<type>pass<\/type>\n\t\t\t<interface>lan<\/interface>[\s\S]*?<\/rule>\n/g, '')
    const fs = await diff('pfsense', noLan, {interfaces: PF_MAP, accessPoints: [webAp]})
    expect(fs.map((f) => [f.rule, f.severity, f.service])).toEqual([['unwanted-access-point', 'critical', 'tcp/22,80,443']])
    expect(fs[0].exposure?.rule).toBe('wan anti-lockout rule')
  })
})

// ---------- AWS (security groups at their ENIs, cloud_refs) ----------

// describe-security-groups + describe-network-interfaces, merged as the parser reads them. eni-web holds a
// public address, eni-app only a private one. Ground truth, written before running, with the ENIs mapped
// (eni-web → internet, eni-app → lan): silent are the egress-any rules, RDP from the LAN CIDR, ssh from the
// mgmt group, https from the corp prefix list (all at eni-app), https from any at eni-web (approved); the
// rdp group's 0.0.0.0/0 tcp/3389 is silent at eni-app and one critical unwanted-access-point at its
// permission's line when the group is attached to eni-web instead.
const AWS_SGS = (rdpAt: string) => `{
  "SecurityGroups": [
    {
      "GroupId": "sg-0aa11bb22cc33dd01",
      "GroupName": "web",
      "OwnerId": "111122223333",
      "VpcId": "vpc-0123456789abcdef0",
      "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
      ],
      "IpPermissionsEgress": [
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
      ]
    },
    {
      "GroupId": "sg-0aa11bb22cc33dd02",
      "GroupName": "app",
      "OwnerId": "111122223333",
      "VpcId": "vpc-0123456789abcdef0",
      "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "10.1.0.0/16", "Description": "lan"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []},
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": [{"GroupId": "sg-0aa11bb22cc33dd09", "UserId": "111122223333"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [{"PrefixListId": "pl-0bb22cc33dd44ee55"}], "UserIdGroupPairs": []}
      ],
      "IpPermissionsEgress": [
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
      ]
    },
    {
      "GroupId": "sg-0aa11bb22cc33dd03",
      "GroupName": "rdp",
      "OwnerId": "111122223333",
      "VpcId": "vpc-0123456789abcdef0",
      "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389, "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "rdp anywhere"}], "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}
      ],
      "IpPermissionsEgress": []
    }
  ],
  "NetworkInterfaces": [
    {
      "NetworkInterfaceId": "eni-0web",
      "Groups": [{"GroupId": "sg-0aa11bb22cc33dd01", "GroupName": "web"}${rdpAt === 'eni-0web' ? ', {"GroupId": "sg-0aa11bb22cc33dd03", "GroupName": "rdp"}' : ''}],
      "PrivateIpAddress": "172.16.1.10",
      "Association": {"PublicIp": "198.51.100.10"},
      "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "172.16.1.10", "Association": {"PublicIp": "198.51.100.10"}}]
    },
    {
      "NetworkInterfaceId": "eni-0app",
      "Groups": [{"GroupId": "sg-0aa11bb22cc33dd02", "GroupName": "app"}${rdpAt === 'eni-0app' ? ', {"GroupId": "sg-0aa11bb22cc33dd03", "GroupName": "rdp"}' : ''}],
      "PrivateIpAddress": "10.1.0.20",
      "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.1.0.20"}]
    }
  ]
}
`

describe('aws: reach by the ENIs a security group is attached to, and cloud_refs', () => {
  const awsWeb = ap('ap-web', 'fw', ['internet'], ['172.16.1.10/32', '198.51.100.10/32'], ['tcp/443'])
  const map: InterfaceZone[] = [{name: 'eni-0web', zone: 'internet'}, {name: 'eni-0app', zone: 'lan'}]
  const refs = (byZone: Record<string, string[]>) => ZONES.map((z) => (byZone[z.id] ? {...z, cloudRefs: byZone[z.id]} : z))
  const resolved = refs({lan: ['pl-0bb22cc33dd44ee55'], mgmt: ['sg-0aa11bb22cc33dd09']})

  it('egress any, RDP from the LAN, ssh from the mgmt group, the corp prefix list, and 0.0.0.0/0 RDP at the private ENI: no finding', async () => {
    expect(await diff('aws', AWS_SGS('eni-0app'), {interfaces: map, role: 'cloud-account', zones: resolved, accessPoints: [awsWeb]})).toEqual([])
  })

  it('the rdp group attached to the public ENI: one critical unwanted-access-point at its permission', async () => {
    const cfg = AWS_SGS('eni-0web')
    const fs = await diff('aws', cfg, {interfaces: map, role: 'cloud-account', zones: resolved, accessPoints: [awsWeb]})
    expect(fs.map((f) => [f.rule, f.severity, f.service, f.line, f.exposure?.rule])).toEqual([['unwanted-access-point', 'critical', 'tcp/3389', lineOf(cfg, 'rdp anywhere'), 'sg-0aa11bb22cc33dd03 (rdp) ingress#1']])
  })

  // ENIs unmapped (a cloud account infers nothing): sources decide, so the rdp group's 0.0.0.0/0 at the
  // private ENI is reported by its addresses, as before (recall never drops)
  const cfg = AWS_SGS('eni-0app')
  const rdp = ['unwanted-access-point', 'tcp/3389', lineOf(cfg, 'rdp anywhere'), 'sg-0aa11bb22cc33dd03 (rdp) ingress#1']

  it('ENIs unmapped: the prefix list resolved by cloud_refs is silent, unresolved it is reported with rule and line', async () => {
    expect((await diff('aws', cfg, {role: 'cloud-account', zones: resolved, accessPoints: [awsWeb]})).map((f) => [f.rule, f.service, f.line, f.exposure?.rule])).toEqual([rdp])
    const fs = await diff('aws', cfg, {role: 'cloud-account', zones: refs({mgmt: ['sg-0aa11bb22cc33dd09']}), accessPoints: [awsWeb]})
    expect(fs.map((f) => [f.rule, f.service, f.line, f.exposure?.rule])).toEqual([rdp, ['unwanted-access-point', 'tcp/443', lineOf(cfg, 'pl-0bb22cc33dd44ee55'), 'sg-0aa11bb22cc33dd02 (app) ingress#3']])
    expect(fs[1].message).toContain('sources include unexpanded pl-0bb22cc33dd44ee55')
    expect(fs[1].message).toContain(`live/fw.cfg:${fs[1].line}`)
  })

  it('a source group that cloud_refs puts in an untrusted zone (a partner account over peering) is reported', async () => {
    const peered = cfg.replace('{"GroupId": "sg-0aa11bb22cc33dd09", "UserId": "111122223333"}', '{"GroupId": "sg-0aa11bb22cc33dd09", "UserId": "444455556666", "VpcPeeringConnectionId": "pcx-0a1b2c3d"}')
    const fs = await diff('aws', peered, {role: 'cloud-account', zones: refs({lan: ['pl-0bb22cc33dd44ee55'], 'partner-acme': ['sg-0aa11bb22cc33dd09']}), accessPoints: [awsWeb]})
    expect(fs.map((f) => [f.rule, f.service, f.line, f.exposure?.rule])).toEqual([rdp, ['unwanted-access-point', 'tcp/22', lineOf(peered, 'sg-0aa11bb22cc33dd09'), 'sg-0aa11bb22cc33dd02 (app) ingress#2']])
    // the same group in the mgmt zone: silent
    expect((await diff('aws', peered, {role: 'cloud-account', zones: refs({lan: ['pl-0bb22cc33dd44ee55'], mgmt: ['sg-0aa11bb22cc33dd09']}), accessPoints: [awsWeb]})).map((f) => f.service)).toEqual(['tcp/3389'])
  })
})

// ---------- GCP (target tags, source tags, cloud_refs) ----------

// gcloud compute firewall-rules list --format=json. Ground truth, written before running: silent are the
// egress-any rule (and the implied allow-egress), RDP from the LAN range to instances tagged internal,
// ssh from instances tagged bastion once cloud_refs puts tag:bastion in mgmt; the 0.0.0.0/0 tcp/3389 rule
// to instances tagged rdp (unmapped in a cloud account: sources decide) is one critical
// unwanted-access-point at its line, and silent when its target tag is mapped to the lan zone.
const GCP_VPC = 'https://www.googleapis.com/compute/v1/projects/acme-prod/global/networks/prod-vpc'
const GCP = `[
  {"kind": "compute#firewall", "name": "prod-allow-egress", "network": "${GCP_VPC}", "priority": 1000, "direction": "EGRESS", "destinationRanges": ["0.0.0.0/0"], "allowed": [{"IPProtocol": "all"}], "disabled": false},
  {"kind": "compute#firewall", "name": "prod-allow-lan-rdp", "network": "${GCP_VPC}", "priority": 1000, "direction": "INGRESS", "sourceRanges": ["10.1.0.0/16"], "targetTags": ["internal"], "allowed": [{"IPProtocol": "tcp", "ports": ["3389"]}], "disabled": false},
  {"kind": "compute#firewall", "name": "prod-allow-ssh-bastion", "network": "${GCP_VPC}", "priority": 1000, "direction": "INGRESS", "sourceTags": ["bastion"], "targetTags": ["internal"], "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}], "disabled": false},
  {"kind": "compute#firewall", "name": "prod-allow-rdp-any", "network": "${GCP_VPC}", "priority": 1000, "direction": "INGRESS", "sourceRanges": ["0.0.0.0/0"], "targetTags": ["rdp"], "allowed": [{"IPProtocol": "tcp", "ports": ["3389"]}], "disabled": false}
]
`

describe('gcp: reach by target tags, and tag: sources through cloud_refs', () => {
  const refs = (byZone: Record<string, string[]>) => ZONES.map((z) => (byZone[z.id] ? {...z, cloudRefs: byZone[z.id]} : z))
  const short = (fs: Finding[]) => fs.map((f) => [f.rule, f.severity, f.service, f.line, f.exposure?.rule])
  const rdp = ['unwanted-access-point', 'critical', 'tcp/3389', lineOf(GCP, 'prod-allow-rdp-any'), 'prod-allow-rdp-any']

  it('egress any, RDP from the LAN to internal, ssh from tag:bastion (mgmt): silent; 0.0.0.0/0 RDP: one finding at its line', async () => {
    expect(short(await diff('gcp', GCP, {role: 'cloud-account', zones: refs({mgmt: ['tag:bastion']})}))).toEqual([rdp])
  })

  it('the RDP rule whose target tag the inventory maps to the lan zone: no finding', async () => {
    expect(await diff('gcp', GCP, {role: 'cloud-account', zones: refs({mgmt: ['tag:bastion']}), interfaces: [{name: 'tag:rdp', zone: 'lan'}]})).toEqual([])
  })

  it('tag:bastion resolved to an untrusted zone (a partner) is reported at its rule', async () => {
    const fs = await diff('gcp', GCP, {role: 'cloud-account', zones: refs({'partner-acme': ['tag:bastion']})})
    // findings come most severe first: the RDP from anywhere, then ssh from the partner's instances
    expect(fs.map((f) => [f.rule, f.service, f.line, f.exposure?.rule])).toEqual([
      ['unwanted-access-point', 'tcp/3389', lineOf(GCP, 'prod-allow-rdp-any'), 'prod-allow-rdp-any'],
      ['unwanted-access-point', 'tcp/22', lineOf(GCP, 'prod-allow-ssh-bastion'), 'prod-allow-ssh-bastion'],
    ])
  })
})
