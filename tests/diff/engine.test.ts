import {describe, expect, it} from 'vitest'

import {diffFindings} from '../../src/diff/engine.js'
import {composeNat, forwardingFilter} from '../../src/model/nat.js'
import type {LiveConfig} from '../../src/diff/model.js'
import {fortios} from '../../src/sources/fortios.js'
import {iptables} from '../../src/sources/iptables.js'
import type {ParseResult} from '../../src/sources/types.js'
import {ap, flow, input, liveOf, permit} from './helpers.js'

const rules = (fs: Array<{rule: string}>) => fs.map((f) => f.rule)

describe('unwanted-access-point', () => {
  it('flags tcp/3389 from any to a dmz host with no access point, critical, naming file and line', () => {
    const fs = diffFindings(input({live: [liveOf('fw', [permit('any', '192.0.2.10', 'tcp/3389', 12)])]}))
    expect(fs).toHaveLength(1)
    expect(fs[0]).toMatchObject({rule: 'unwanted-access-point', severity: 'critical', id: 'unwanted-access-point:fw:tcp/3389:192.0.2.10/32:any', file: 'live/fw.rules', line: 12, reach: 'internet'})
    // #11: the 0.1 id (no destination) is kept for old suppressions and baselines
    expect(fs[0].legacy_id).toBe('unwanted-access-point:fw:tcp/3389:any')
    expect(fs[0].suggestion).toContain('services: [tcp/3389]')
  })

  it('is silent when an access point covers it exactly, or a broader one does', () => {
    const e = permit('any', '192.0.2.10', 'tcp/443', 12)
    expect(diffFindings(input({accessPoints: [ap('web', 'fw', ['internet'], ['192.0.2.10/32'], ['tcp/443'])], live: [liveOf('fw', [e])]}))).toEqual([])
    expect(diffFindings(input({accessPoints: [ap('web', 'fw', ['any'], ['dmz'], ['tcp/80', 'tcp/443'])], live: [liveOf('fw', [e])]}))).toEqual([])
  })

  it('is silent for internal-only sources (trusted zones)', () => {
    expect(diffFindings(input({live: [liveOf('fw', [permit('10.1.0.0/16', '192.0.2.10', 'tcp/3389', 3)])]}))).toEqual([])
  })

  it('is silent for outbound (egress) rules', () => {
    expect(diffFindings(input({live: [liveOf('fw', [permit('any', 'any', 'tcp/443', 3, {direction: 'outbound'})])]}))).toEqual([])
  })

  it('flags the IPv6 twin of an approved IPv4 opening', () => {
    const a = ap('web', 'fw', ['internet'], ['192.0.2.10/32'], ['tcp/443'])
    const v4 = permit('any', '192.0.2.10', 'tcp/443', 6)
    const fs = diffFindings(input({accessPoints: [a], live: [liveOf('fw', [v4, permit('any', '2001:db8:d::10', 'tcp/443', 7)])]}))
    expect(fs.map((f) => [f.rule, f.severity, f.line])).toEqual([['unwanted-access-point', 'high', 7]])
  })

  it('ranks partner reach below internet and an all-ports rule critical from the internet', () => {
    const partner = diffFindings(input({live: [liveOf('fw', [permit('198.51.100.0/24', '192.0.2.10', 'tcp/8443', 4)])]}))
    expect(partner[0]).toMatchObject({reach: 'partner', severity: 'medium'})
    const all = diffFindings(input({live: [liveOf('fw', [permit('any', '192.0.2.10', 'tcp', 4)])]}))
    expect(all[0].severity).toBe('critical')
  })

  it('accepts the NAT-translated destination as the approved one', () => {
    const e = permit('any', '203.0.113.10', 'tcp/443', 9, {kind: 'nat-forward', translated: {to: (permit('any', '192.0.2.10', 'tcp/443', 0)).to}})
    expect(diffFindings(input({accessPoints: [ap('web', 'fw', ['internet'], ['192.0.2.10/32'], ['tcp/443'])], live: [liveOf('fw', [e])]}))).toEqual([])
  })

  it('merges two rules with one id (same service, destination and source class) into one finding with `also`', () => {
    const fs = diffFindings(input({live: [liveOf('fw', [permit('any', '192.0.2.10', 'tcp/3389', 12), permit('203.0.113.0/24', '192.0.2.10', 'tcp/3389', 14), permit('any', '192.0.2.10', 'tcp/3389', 15)])]}))
    expect(fs.map((f) => f.id)).toEqual(['unwanted-access-point:fw:tcp/3389:192.0.2.10/32:any', 'unwanted-access-point:fw:tcp/3389:192.0.2.10/32:internet'])
    expect(fs[0].also).toEqual([{file: 'live/fw.rules', line: 15}])
  })

  it('#11: two openings to two hosts are two findings, each at its own line', () => {
    const fs = diffFindings(input({live: [liveOf('fw', [permit('any', '192.0.2.10', 'tcp/3389', 12), permit('any', '192.0.2.11', 'tcp/3389', 14)])]}))
    expect(fs.map((f) => [f.id, f.line, f.also])).toEqual([
      ['unwanted-access-point:fw:tcp/3389:192.0.2.10/32:any', 12, undefined],
      ['unwanted-access-point:fw:tcp/3389:192.0.2.11/32:any', 14, undefined],
    ])
    // both had one 0.1 id: an old suppression of it would hide both
    expect(new Set(fs.map((f) => f.legacy_id))).toEqual(new Set(['unwanted-access-point:fw:tcp/3389:any']))
  })

  it('#11: names the destination by zone, by up to 4 CIDRs, else by its zones and a count', () => {
    const id = (to: string) => diffFindings(input({live: [liveOf('fw', [permit('198.51.100.0/24', to, 'tcp/22', 3)])]}))[0].id
    expect(id('dmz')).toBe('unwanted-access-point:fw:tcp/22:dmz:partner-acme')
    expect(id('192.0.2.10,192.0.2.12,192.0.2.14,192.0.2.16')).toBe('unwanted-access-point:fw:tcp/22:192.0.2.10/32,192.0.2.12/32,192.0.2.14/32,192.0.2.16/32:partner-acme')
    expect(id('192.0.2.10,192.0.2.12,192.0.2.14,192.0.2.16,10.1.0.5')).toBe('unwanted-access-point:fw:tcp/22:dmz+lan~5:partner-acme')
  })

  it('#11: the source class names the untrusted zones, and a vendor rule name is appended only when the parser gives one', () => {
    const fs = diffFindings(input({live: [liveOf('fw', [permit('198.51.100.7,203.0.113.9', '192.0.2.10', 'tcp/22', 3, {name: 'sftp-in'})])]}))
    expect(fs[0].id).toBe('unwanted-access-point:fw:tcp/22:192.0.2.10/32:internet+partner-acme:sftp-in')
  })
})

describe('access-point-drift', () => {
  it('names the extra sources when the live rule opens to any and the access point to a partner', () => {
    const a = ap('sftp', 'fw', ['partner-acme'], ['192.0.2.20/32'], ['tcp/22'])
    const fs = diffFindings(input({accessPoints: [a], live: [liveOf('fw', [permit('any', '192.0.2.20', 'tcp/22', 20)])]}))
    expect(rules(fs)).toEqual(['access-point-drift'])
    expect(fs[0]).toMatchObject({access_point: 'sftp', severity: 'critical', reach: 'internet'})
    expect(fs[0].excess?.from).toContain('0.0.0.0/5')
    expect(fs[0].excess?.from).not.toContain('198.51.100.0/24')
    expect(fs[0].excess?.ports).toBeUndefined()
    expect(fs[0].message).toContain('extra sources every untrusted IPv4 address (the internet) beyond the approved sources')
  })

  it('names the extra ports when the live rule opens a range', () => {
    const a = ap('web', 'fw', ['internet'], ['192.0.2.10/32'], ['tcp/443'])
    const fs = diffFindings(input({accessPoints: [a], live: [liveOf('fw', [permit('any', '192.0.2.10', 'tcp/440-450', 5)])]}))
    expect(fs[0]).toMatchObject({rule: 'access-point-drift', excess: {ports: ['440-442', '444-450']}})
  })

  it('is drift, naming the untrusted sources, when the access point approves only trusted ones (a bastion) and the rule opens to any', () => {
    const a = ap('admin-ssh', 'fw', ['lan'], ['192.0.2.20/32'], ['tcp/22'])
    const fs = diffFindings(input({accessPoints: [a], live: [liveOf('fw', [permit('any', '192.0.2.20', 'tcp/22', 20)])]}))
    expect(fs.map((f) => [f.rule, f.id, f.access_point, f.severity])).toEqual([['access-point-drift', 'access-point-drift:fw:tcp/22:192.0.2.20/32:any', 'admin-ssh', 'critical']])
    // the extra sources: everything but the trusted zones
    expect(fs[0].excess?.from).toContain('0.0.0.0/5')
    expect(fs[0].excess?.from).not.toContain('10.1.0.0/16')
    expect(fs[0].excess?.from).toContain('10.0.0.0/16')
    expect(fs[0].excess?.ports).toBeUndefined()
  })

  it('is silent for a narrower live rule', () => {
    const a = ap('web', 'fw', ['internet'], ['dmz'], ['tcp/400-500'])
    expect(diffFindings(input({accessPoints: [a], live: [liveOf('fw', [permit('203.0.113.0/24', '192.0.2.10', 'tcp/443', 5)])]}))).toEqual([])
  })
})

describe('stale-access-point', () => {
  it('flags an access point no live rule provides, on an audited device only', () => {
    const a = ap('old-vpn', 'fw', ['internet'], ['192.0.2.30/32'], ['udp/1194'])
    const unrelated = permit('10.1.0.0/16', '192.0.2.99', 'tcp/22', 1)
    expect(rules(diffFindings(input({accessPoints: [a], live: [liveOf('fw', [unrelated])]})))).toEqual(['stale-access-point'])
    // #11: without a config the device is not audited (a finding of its own), so nothing is called stale
    expect(rules(diffFindings(input({accessPoints: [a], live: []})))).toEqual(['device-unaudited'])
  })

  it('is silent when a live rule provides part of it (partial overlap), even from trusted sources', () => {
    const a = ap('admin', 'fw', ['lan'], ['192.0.2.0/24'], ['tcp/22'])
    expect(diffFindings(input({accessPoints: [a], live: [liveOf('fw', [permit('10.1.2.0/24', '192.0.2.5', 'tcp/22', 5)])]}))).toEqual([])
  })
})

describe('critical-flow-blocked', () => {
  const f = flow('payroll', ['lan'], ['dmz'], ['tcp/443'])

  it('flags a flow no live rule of the path device permits', () => {
    const fs = diffFindings(input({flows: [f], live: [liveOf('fw', [permit('10.1.0.0/16', '192.0.2.10', 'tcp/22', 3)])]}))
    expect(fs.map((x) => [x.rule, x.device, x.flow])).toEqual([['critical-flow-blocked', 'fw', 'payroll']])
  })

  it('says "partly" when only part of the flow is permitted', () => {
    const fs = diffFindings(input({flows: [f], live: [liveOf('fw', [permit('10.1.0.0/17', '192.0.2.0/24', 'tcp/443', 3)])]}))
    expect(fs[0].message).toContain('partly blocked')
    expect(fs[0].excess?.boxes?.flatMap((b) => b.from)).toEqual(['10.1.128.0/17', '2001:db8:1::/48'])
  })

  it('counts only inbound/forward filter permits: a default OUTPUT ACCEPT or a NAT record alone permits nothing', () => {
    const output = permit('any', 'any', 'any', 2, {direction: 'outbound', hook: 'output', rule: 'OUTPUT policy ACCEPT'})
    const nat = permit('any', '192.0.2.0/24', 'tcp/443', 7, {kind: 'nat-forward', translated: {to: permit('any', '192.0.2.10', 'tcp/443', 0).to}})
    const fs = diffFindings(input({flows: [f], live: [liveOf('fw', [output, nat])]}))
    expect(fs.filter((x) => x.rule === 'critical-flow-blocked').map((x) => [x.flow, x.message.includes('partly')])).toEqual([['payroll', false]])
  })

  it('an egress flow (to the internet zone) may be permitted by an egress rule', () => {
    const out = flow('updates', ['lan'], ['internet'], ['tcp/443'])
    const egress = permit('lan', 'any', 'tcp/443', 4, {direction: 'outbound'})
    expect(diffFindings(input({flows: [out], live: [liveOf('fw', [egress])]})).filter((x) => x.rule === 'critical-flow-blocked')).toEqual([])
    // the same rule does not carry an inbound flow
    expect(diffFindings(input({flows: [f], live: [liveOf('fw', [permit('lan', 'any', 'tcp/443', 4, {direction: 'outbound'})])]})).map((x) => x.rule)).toContain('critical-flow-blocked')
  })

  it('is silent when permitted, and when the device is not audited', () => {
    expect(diffFindings(input({flows: [f], live: [liveOf('fw', [permit('lan', 'any', 'any', 1)])]}))).toEqual([])
    expect(diffFindings(input({flows: [f], live: []}))).toEqual([])
  })
})

describe('access-point-expired, device-unaudited, unaudited-rules', () => {
  it('flags review_by before as-of and not on the day itself', () => {
    const past = ap('tmp', 'fw', ['lan'], ['dmz'], ['tcp/22'], {reviewBy: '2026-05-31'})
    const today = ap('tmp2', 'fw', ['lan'], ['dmz'], ['tcp/22'], {reviewBy: '2026-06-01'})
    const live = [liveOf('fw', [permit('lan', 'dmz', 'tcp/22', 1)])]
    expect(rules(diffFindings(input({accessPoints: [past, today], live})))).toEqual(['access-point-expired'])
  })

  it('turns an unreadable config and unparsed lines into findings', () => {
    const broken = {device: 'fw', file: 'live/missing.cfg', error: 'cannot read the config: ENOENT'}
    const partial = {...liveOf('fw2', []), unparsed: [{line: 7, reason: 'unknown', text: 'x'}, {line: 3, reason: 'unknown', text: 'y'}], stats: {lines: 9, understood: 7}}
    const fs = diffFindings(input({live: [broken, partial]}))
    expect(fs.map((x) => [x.rule, x.severity, x.line])).toEqual([
      ['device-unaudited', 'medium', undefined],
      ['unaudited-rules', 'medium', 3],
    ])
  })

  const web = ap('web', 'fw', ['internet'], ['192.0.2.10/32'], ['tcp/443'])
  const device = (extra = {}) => ({id: 'fw', zones: [], source: {file: 'inventory/devices.yaml', line: 4}, ...extra})

  it('#11: a device with an internet access point and no config is high; without one, the policy severity', () => {
    const fs = diffFindings(input({devices: [device()], accessPoints: [web], live: []}))
    expect(fs.map((f) => [f.id, f.severity, f.file, f.line])).toEqual([['device-unaudited:fw', 'high', 'inventory/devices.yaml', 4]])
    const lan = ap('admin', 'fw', ['lan'], ['dmz'], ['tcp/22'])
    expect(diffFindings(input({devices: [device()], accessPoints: [lan], live: []})).map((f) => f.severity)).toEqual(['medium'])
    // a device with neither access points nor config (a switch) has nothing to audit
    expect(diffFindings(input({devices: [device()], live: []}))).toEqual([])
  })

  it('#11: an empty export or a file with no rule of its type is not audited, and its access points are not called stale', () => {
    const empty = {...liveOf('fw', []), stats: {lines: 0, understood: 0}}
    const fs = diffFindings(input({devices: [device()], accessPoints: [web], live: [empty]}))
    expect(fs.map((f) => [f.rule, f.severity, f.file])).toEqual([['device-unaudited', 'high', 'live/fw.rules']])
    expect(fs[0].message).toContain('its iptables config is empty')
  })

  it('#11: devices[].audit makes it info until review_by, then raises it again', () => {
    const manual = device({audit: {reason: 'F5, reviewed by hand', reviewBy: '2026-06-30'}})
    const now = diffFindings(input({devices: [manual], accessPoints: [web], live: []}))
    expect(now.map((f) => [f.rule, f.severity])).toEqual([['device-unaudited', 'info']])
    expect(now[0].message).toContain('audited by hand until 2026-06-30 (F5, reviewed by hand)')
    const later = diffFindings(input({devices: [manual], accessPoints: [web], live: [], asOf: '2026-07-01'}))
    expect(later.map((f) => [f.rule, f.severity])).toEqual([['device-unaudited', 'high']])
    expect(later[0].message).toContain('its manual audit was to be renewed by 2026-06-30')
  })

  it('#11: a device the baseline audited must stay audited: no config, or gone from the inventory, is a finding (manual does not lower it)', () => {
    const manual = device({audit: {reason: 'by hand', reviewBy: '2027-01-01'}})
    const fs = diffFindings(input({devices: [manual], live: [], baseline: {audited: ['fw', 'old-fw'], internet: ['old-fw']}}))
    expect(fs.map((f) => [f.id, f.severity])).toEqual([['device-unaudited:old-fw', 'high'], ['device-unaudited:fw', 'medium']])
    expect(fs[0].message).toContain('no longer in the inventory')
  })
})

describe('severity details', () => {
  it('ranks an ICMP-only opening from the internet medium (policy `icmp`)', () => {
    const fs = diffFindings(input({live: [liveOf('fw', [permit('any', '192.0.2.1', 'icmp', 8)])]}))
    expect(fs.map((f) => [f.rule, f.severity])).toEqual([['unwanted-access-point', 'medium']])
  })

  it("carries the parser's doubts into the message", () => {
    const e = permit('any', '192.0.2.10', 'tcp/8080', 9, {fromSets: ['ipset:blocklist'], notes: ["unknown match 'foo' ignored"]})
    expect(diffFindings(input({live: [liveOf('fw', [e])]}))[0].message).toMatch(/\(parser: sources include unexpanded ipset:blocklist; unknown match 'foo' ignored\)$/)
  })
})

describe('trusted-only access points', () => {
  // issue 16 reversed the earlier choice (unwanted, naming the entry as the nearest): the access point
  // does approve this rule's traffic, from fewer sources, which is drift
  it('a rule opened to any where the access point approves the internal zone only is drift from that entry', () => {
    const a = ap('admin', 'fw', ['lan'], ['192.0.2.10/32'], ['tcp/22'])
    const fs = diffFindings(input({accessPoints: [a], live: [liveOf('fw', [permit('any', '192.0.2.10', 'tcp/22', 4)])]}))
    expect(fs.map((f) => [f.rule, f.access_point, f.access_points, f.severity])).toEqual([['access-point-drift', 'admin', ['admin'], 'critical']])
  })

  it('another service to the same host from the trusted entry is still unwanted, naming the entry as the nearest', () => {
    const a = ap('admin', 'fw', ['lan'], ['192.0.2.10/32'], ['tcp/22'])
    const fs = diffFindings(input({accessPoints: [a], live: [liveOf('fw', [permit('any', '192.0.2.10', 'tcp/3389', 4)])]}))
    expect(fs.map((f) => [f.rule, f.access_point, f.access_points])).toEqual([
      ['unwanted-access-point', null, ['admin']],
      ['stale-access-point', 'admin', undefined],
    ])
  })
})

describe('NAT', () => {
  const nat = (line: number) => permit('any', '203.0.113.10', 'any', line, {kind: 'nat-forward', translated: {to: permit('any', '192.0.2.10', 'any', 0).to}})

  it('a static NAT composed with the filter rule behind it is as open as that rule (ASA object NAT + ACL)', () => {
    const acl = permit('any', '192.0.2.10', 'tcp/443', 12)
    const composed = composeNat([nat(30), acl], {filterWords: 'ACL entry', candidate: forwardingFilter}).exposures
    const a = ap('web', 'fw', ['internet'], ['203.0.113.10/32'], ['tcp/443'])
    expect(diffFindings(input({accessPoints: [a], live: [liveOf('fw', composed)]}))).toEqual([])
    // undeclared: one finding at the NAT line (tcp/443 only), the ACL in `also`; the ACL alone says nothing more
    const fs = diffFindings(input({live: [liveOf('fw', composed)]}))
    expect(fs.map((f) => [f.rule, f.service, f.line, f.also])).toEqual([['unwanted-access-point', 'tcp/443', 30, [{file: 'live/fw.rules', line: 12}]]])
  })

  it('a NAT with no filter rule for its address is checked as it stands; an egress rule does not gate it', () => {
    const egress = permit('any', 'any', 'any', 2, {direction: 'outbound'})
    const fs = diffFindings(input({live: [liveOf('fw', [egress, nat(30)])]}))
    expect(fs.map((f) => [f.rule, f.severity, f.line])).toEqual([['unwanted-access-point', 'critical', 30]])
  })
})

describe('egress access points', () => {
  it('an internet-breakout access point from a trusted zone does not turn an unwanted inbound rule into drift', () => {
    const breakout = ap('breakout', 'fw', ['lan'], ['any'], ['tcp/443'], {kind: 'direct-internet'})
    const fs = diffFindings(input({accessPoints: [breakout], live: [liveOf('fw', [permit('any', '192.0.2.1', 'tcp/443', 9), permit('lan', 'any', 'tcp/443', 10)])]}))
    expect(fs.map((f) => [f.rule, f.access_point])).toEqual([['unwanted-access-point', null]])
  })
})

describe('FortiOS multi-service policies (one finding per policy)', () => {
  const conf = [
    'config firewall address',
    '    edit "web"',
    '        set subnet 192.0.2.10 255.255.255.255',
    '    next',
    'end',
    'config firewall policy',
    '    edit 7',
    '        set name "web-in"',
    '        set srcintf "wan1"',
    '        set dstintf "dmz"',
    '        set action accept',
    '        set srcaddr "all"',
    '        set dstaddr "web"',
    '        set schedule "always"',
    '        set service "HTTPS" "RDP"',
    '    next',
    'end',
  ].join('\n')
  const live = async (): Promise<LiveConfig> => {
    const r = await fortios.parse(conf + '\n', {file: 'live/fgt.conf'})
    return {device: 'fgt', file: 'live/fgt.conf', type: 'fortios', exposures: r.exposures.map((e) => ({...e, file: 'live/fgt.conf'})), unparsed: r.unparsed, stats: r.stats}
  }
  // its ports mapped as an inventory maps them (unmapped, each would add an interface-unmapped finding)
  const devices = [{id: 'fgt', zones: ['internet', 'dmz'], interfaces: [{name: 'wan1', zone: 'internet'}, {name: 'dmz', zone: 'dmz'}], source: {file: 'inventory/devices.yaml', line: 3}}]

  it('an access point for one of its services makes the policy drift, the other services its excess', async () => {
    const web = ap('web', 'fgt', ['internet'], ['192.0.2.10/32'], ['tcp/443'])
    const fs = diffFindings(input({devices, accessPoints: [web], live: [await live()]}))
    expect(fs.map((f) => [f.rule, f.id, f.service, f.line, f.access_point])).toEqual([['access-point-drift', 'access-point-drift:fgt:tcp/443,3389:192.0.2.10/32:any:7', 'tcp/443,3389', 7, 'web']])
    expect(fs[0].exposures?.map((x) => [x.protocol, x.ports])).toEqual([['tcp', ['443']], ['tcp', ['3389']]])
    expect(fs[0].exposure).toEqual(fs[0].exposures?.[0])
    expect(fs[0].excess).toEqual({ports: ['3389']})
  })

  it('without an access point the policy is one unwanted finding listing every service', async () => {
    const fs = diffFindings(input({devices, live: [await live()]}))
    expect(fs.map((f) => [f.rule, f.service, f.line, f.exposures?.length])).toEqual([['unwanted-access-point', 'tcp/443,3389', 7, 2]])
  })
})

describe('netfilter NAT composed with the filter (DNAT + FORWARD)', () => {
  const gw = (forward: string[]): LiveConfig => {
    const text = [
      '*nat', ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -d 203.0.113.10/32 -p tcp --dport 8080 -j DNAT --to-destination 192.0.2.10:80', 'COMMIT',
      '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...forward, 'COMMIT', '',
    ].join('\n')
    const r = iptables.parse(text, {file: 'live/gw.rules'}) as ParseResult
    return {device: 'gw', file: 'live/gw.rules', type: 'iptables', exposures: r.exposures.map((e) => ({...e, file: 'live/gw.rules'})), unparsed: [], stats: r.stats, denies: r.denies, nats: r.nats}
  }
  const pf = ap('pf', 'gw', ['internet'], ['203.0.113.10/32'], ['tcp/8080'])
  const accept = '-A FORWARD -d 192.0.2.10/32 -p tcp --dport 80 -j ACCEPT'

  it('a declared port forward the FORWARD rule passes: no finding', () => {
    expect(diffFindings(input({accessPoints: [pf], live: [gw([accept])]}))).toEqual([])
  })

  it('removing the FORWARD rule makes the declared port forward stale, and the dead DNAT is not unwanted', () => {
    expect(diffFindings(input({accessPoints: [pf], live: [gw([])]})).map((f) => [f.rule, f.access_point])).toEqual([['stale-access-point', 'pf']])
    expect(diffFindings(input({live: [gw([])]}))).toEqual([])
  })

  it('a critical flow to the public address is blocked when FORWARD drops the translated traffic, permitted when it passes', () => {
    const web = flow('shop', ['203.0.113.0/24'], ['203.0.113.10/32'], ['tcp/8080'], {via: ['gw']})
    const blocked = (fwd: string[]) => diffFindings(input({accessPoints: [pf], flows: [web], live: [gw(fwd)]})).filter((x) => x.rule === 'critical-flow-blocked')
    expect(blocked([]).map((x) => [x.flow, x.device])).toEqual([['shop', 'gw']])
    expect(blocked([accept])).toEqual([])
  })

  it('#16: the blocked flow is reported at the deciding rule: the FORWARD policy line, or the DROP rule above the accept', () => {
    const web = flow('shop', ['203.0.113.0/24'], ['203.0.113.10/32'], ['tcp/8080'], {via: ['gw']})
    const at = (fwd: string[]) => diffFindings(input({accessPoints: [pf], flows: [web], live: [gw(fwd)]})).filter((x) => x.rule === 'critical-flow-blocked').map((x) => [x.file, x.line, x.inventory])
    // line 7 is `:FORWARD DROP [0:0]`: nothing passes the translated traffic, the policy decides
    expect(at([])).toEqual([['live/gw.rules', 7, {file: 'inventory/flows.yaml', line: 5}]])
    // a DROP of the inside host (line 9, seen after DNAT) above the accept decides it
    expect(at(['-A FORWARD -d 192.0.2.10/32 -j DROP', accept])).toEqual([['live/gw.rules', 9, {file: 'inventory/flows.yaml', line: 5}]])
    // a drop of another host does not decide it: the policy does
    expect(at(['-A FORWARD -d 192.0.2.99/32 -j DROP'])).toEqual([['live/gw.rules', 7, {file: 'inventory/flows.yaml', line: 5}]])
  })

  it('#16: an egress flow is decided by the forwarding rules, never by the device\'s own OUTPUT policy', () => {
    // lan → internet through gw: OUTPUT ACCEPT (line 8) permits nothing of it; FORWARD DROP (line 7) decides
    const out = flow('updates', ['lan'], ['internet'], ['tcp/443'], {via: ['gw']})
    const fs = diffFindings(input({flows: [out], live: [gw([])]})).filter((x) => x.rule === 'critical-flow-blocked')
    expect(fs.map((x) => [x.line, x.message.includes('(FORWARD policy DROP)')])).toEqual([[7, true]])
  })

  it('an undeclared port forward is one finding at the NAT line, the FORWARD rule in `also`', () => {
    const fs = diffFindings(input({live: [gw([accept])]}))
    expect(fs.map((f) => [f.rule, f.service, f.line, f.also])).toEqual([['unwanted-access-point', 'tcp/8080', 3, [{file: 'live/gw.rules', line: 9}]]])
    expect(fs[0].exposure).toMatchObject({kind: 'nat-forward', translated: {to: ['192.0.2.10/32'], ports: ['80']}, filter: {line: 9, rule: 'FORWARD#1'}})
  })
})
