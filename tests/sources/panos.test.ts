import {readFileSync} from 'node:fs'
import {basename} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import type {ExposureJson} from '../../src/model/exposure.js'
import {parseText} from '../../src/sources/load.js'
import {parseReport} from '../../src/report/parse-report.js'
import {panos} from '../../src/sources/panos.js'
import {detectParser} from '../../src/sources/registry.js'
import {CORPUS, corpusFiles, FIXTURES, goldenPath, parseCorpusFile, parseFixture, placeRows, reportText} from '../helpers/sources.js'

const TYPE = 'panos'
const rule = (e: ExposureJson[], name: string) => e.filter((x) => x.rule === name)

describe('panos: Panorama with shared rules only', () => {
  it('the shared pre/post rules are read once (the shared context is not also its own device group)', async () => {
    const text = readFileSync(`${FIXTURES}/${TYPE}/panorama-dg.xml`, 'utf8').replace(/<device-group>[^]*<\/device-group>/, '')
    const e = parseReport(await parseText(text, 'shared-only.xml', TYPE)).exposures
    const dns = e.filter((x) => x.rule.endsWith('"shared-dns"'))
    expect(dns.map((x) => [x.rule, x.to.join(), x.ports.join()])).toEqual([['shared shared post-rulebase security rule "shared-dns"', '10.0.0.53/32', '53']])
  })
})

describe('panos fixtures', () => {
  it('edge-vsys.xml: rules, NAT, GlobalProtect, management', async () => {
    const report = await parseFixture(TYPE, 'edge-vsys.xml')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'edge-vsys.xml'))
    const e = report.exposures
    // application-default resolves ssl + web-browsing; the drop above removes bad-actors
    const web = rule(e, 'vsys1 security rule "web-in"')
    expect(web[0].ports).toEqual(['80', '443'])
    expect(web[0].to).toEqual(['172.16.30.10/31'])
    expect(web[0].from).not.toContain('0.0.0.0/0')
    // disabled and shadowed rules are absent
    expect(rule(e, 'vsys1 security rule "old-telnet"')).toHaveLength(0)
    expect(rule(e, 'vsys1 security rule "late-syslog"')).toHaveLength(0)
    // intrazone default overridden to deny: no intrazone permits
    expect(e.filter((x) => x.rule.includes('intrazone-default'))).toHaveLength(0)
    // destination NAT and bi-directional static NAT: PAN-OS security rules match the PRE-NAT address, and
    // web-in names the real servers (dmz-all), so neither NAT is passed: dead, not exposures
    expect(rule(e, 'vsys1 nat rule "dnat-web"')).toHaveLength(0)
    expect(rule(e, 'vsys1 nat rule "static-web02"')).toHaveLength(0)
    expect(report.doubts?.map((d) => [d.code, d.effect, d.line])).toEqual([['nat-dead', 'dead', 177], ['nat-dead', 'dead', 184]])
    // fqdn and dynamic groups stay named sets
    expect(rule(e, 'vsys1 security rule "to-saas"')[0].to_sets).toEqual(['saas-api (fqdn api.example.net)'])
    // GlobalProtect portal on the untrust address
    expect(rule(e, 'vsys1 global-protect-portal "gp-portal"')[0]).toMatchObject({kind: 'vpn-listener', to: ['203.0.113.2/32'], ports: ['443']})
    // IKE: the fixed peer to the outside address (an address object), and the dynamic peer from anywhere
    expect(rule(e, 'ike gateway "branch"').find((x) => x.protocol === 'udp')).toMatchObject({from: ['198.51.100.1/32'], to: ['203.0.113.2/32'], ports: ['500', '4500'], from_zones: ['untrust']})
    expect(rule(e, 'ike gateway "dialup"').find((x) => x.protocol === 'esp')?.from).toEqual(['0.0.0.0/0'])
    expect(report.unparsed).toEqual([])
    expect(reportText(report)).not.toContain('PLANTED')
  })

  it('panorama-dg.xml: shared pre/post rules around a device group', async () => {
    const report = await parseFixture(TYPE, 'panorama-dg.xml')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'panorama-dg.xml'))
    const e = report.exposures
    // the shared pre-rule deny of tcp/445 shadows the device-group allow of smb; https to the v6 server stays
    const web = rule(e, 'device-group branches pre-rulebase security rule "dg-web-in"')
    expect(web.map((x) => x.ports)).toEqual([['443']])
    expect(web[0].to).toEqual(['2001:db8:80::10/128'])
    // the shared post-rule comes after the device-group post-rules
    expect(rule(e, 'device-group branches shared post-rulebase security rule "shared-dns"')[0].to).toEqual(['10.0.0.53/32'])
    expect(report.unparsed).toEqual([])
  })

  it('branch.set: set form with [ ] lists, quoted names, negation', async () => {
    const report = await parseFixture(TYPE, 'branch.set')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'branch.set'))
    const e = report.exposures
    const vendor = rule(e, 'vsys1 security rule "vendor-in"')
    expect(vendor.map((x) => `${x.protocol}/${x.ports.join(',')}`).sort()).toEqual(['tcp/139,445', 'udp/30000-30100'])
    expect(vendor[0].to).toEqual(['10.50.0.20/32'])
    // https disabled on the MGT port, ssh still on
    expect(e.filter((x) => x.rule.startsWith('deviceconfig system management')).map((x) => x.rule)).not.toContain('deviceconfig system management https')
    expect(rule(e, 'vsys1 security rule "ping-in"')[0].from).not.toContain('10.50.0.0/24')
    expect(report.stats).toEqual({lines: 34, understood: 34})
    expect(reportText(report)).not.toContain('PLANTED')
  })

  it('dc-show-config.brace.conf: brace form, IPv6, fqdn IKE peer, interzone rule-type', async () => {
    const report = await parseFixture(TYPE, 'dc-show-config.brace.conf')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'dc-show-config.brace.conf'))
    const e = report.exposures
    expect(rule(e, 'vsys1 security rule "apps-in"')[0]).toMatchObject({ports: ['443', '8443'], to: ['10.40.0.0/24', '2001:db8:40::/64']})
    // rule-type interzone: edge to apps only, never edge to edge
    expect(rule(e, 'vsys1 security rule "edge-ssh"').map((x) => x.to_zones)).toEqual([['apps']])
    // an fqdn peer stays a named set; the listener is on both address families of the interface
    const ike = rule(e, 'ike gateway "partner"').filter((x) => x.protocol === 'udp')
    expect(ike.map((x) => x.to[0]).sort()).toEqual(['192.0.2.10/32', '2001:db8:3::10/128'])
    expect(ike[0].from_sets).toEqual(['vpn.partner.example (fqdn)'])
    expect(report.stats).toEqual({lines: 32, understood: 32})
    expect(reportText(report)).not.toContain('PLANTED')
  })

  it('rules-warnings.set: exact unparsed entries and reasons', async () => {
    const report = await parseFixture(TYPE, 'rules-warnings.set')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'rules-warnings.set'))
    expect(report.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [7, "'frobnicate' not modelled (under r1)"],
      [11, "rule action 'teleport' not understood; treated as deny that shadows nothing"],
      [13, "'wormhole' not modelled (under vsys1)"],
      [15, "not a set command ('show')"],
      [17, "'unknown-thing' not modelled (under vsys1)"],
    ])
    // #13: codes, not sentences
    expect(report.unparsed.map((u) => u.code)).toEqual(['unsupported', 'bad-value', 'unsupported', 'unknown-statement', 'unsupported'])
    expect(report.stats).toEqual({lines: 10, understood: 5})
    expect(rule(report.exposures, 'vsys1 security rule "r2"')[0].notes).toEqual(['service no-such-svc unknown; taken as any'])
    expect(reportText(report)).not.toContain('PLANTED')
  })
})

describe('panos device model (#14)', () => {
  const FILE = 'zones-device.set'
  const untrust = {interfaces: ['ethernet1/1'], zones: ['untrust']}
  const trust = {interfaces: ['ethernet1/2', 'ethernet1/3'], zones: ['trust']}
  const any = ['0.0.0.0/0', '::/0']
  const row = (rule: string, protocol: string, ports: string[], to: string[], ingress: object, egress: object | null, hostLocal: boolean) =>
    ({rule, protocol, ports, to, ingress, egress, host_local: hostLocal})

  it('zones enter and leave by their interfaces; intrazone-default stays in its zone; management is host-local', async () => {
    const report = await parseFixture(TYPE, FILE)
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, FILE))
    expect(report.unparsed).toEqual([])
    expect(placeRows(report)).toEqual([
      // the MGT port: its own address, ping disabled
      row('deviceconfig system management https', 'tcp', ['443'], ['192.168.1.1/32'], {interfaces: ['management'], zones: []}, null, true),
      row('deviceconfig system management ssh', 'tcp', ['22'], ['192.168.1.1/32'], {interfaces: ['management'], zones: []}, null, true),
      // the profile on ethernet1/2 only, to that interface's address
      row('interface-management-profile ssh-only ssh on ethernet1/2', 'tcp', ['22'], ['10.20.0.1/32'], {interfaces: ['ethernet1/2'], zones: ['trust']}, null, true),
      // intrazone-default allow: ingress = egress = the zone; interzone-default deny lists nothing
      row('vsys1 intrazone-default (trust to trust)', 'any', [], any, trust, trust, false),
      row('vsys1 intrazone-default (untrust to untrust)', 'any', [], any, untrust, untrust, false),
      row('vsys1 security rule "web"', 'tcp', ['443'], ['10.30.0.10/32'], untrust, trust, false),
      row('vsys1 global-protect-portal "gp-portal"', 'tcp', ['443'], ['203.0.113.2/32'], untrust, null, false),
    ])
  })

  it('describes interfaces, zones, the MGT port, the default route and the listeners', async () => {
    const r = await parseText(readFileSync(`${FIXTURES}/panos/${FILE}`, 'utf8'), FILE, TYPE)
    expect(r.device).toEqual({
      interfaces: [
        {name: 'ethernet1/1', addresses: ['203.0.113.2/29'], vendorZone: 'untrust', defaultRoute: true, line: 9},
        {name: 'ethernet1/2', addresses: ['10.20.0.1/24'], vendorZone: 'trust', line: 10},
        {name: 'ethernet1/3', addresses: ['10.30.0.1/24'], vendorZone: 'trust', line: 11},
        {name: 'management', addresses: ['192.168.1.1/24'], line: 5},
      ],
      ownAddresses: ['10.20.0.1/32', '10.30.0.1/32', '192.168.1.1/32', '203.0.113.2/32'],
      listeners: [
        {service: 'globalprotect-portal', bind: ['203.0.113.2/32'], line: 24},
        {service: 'https', bind: ['192.168.1.1/32'], line: 5},
        {service: 'ssh', bind: ['192.168.1.1/32'], line: 5},
      ],
    })
  })

  it('edge-vsys.xml: an interface address given as an address object is the interface\'s', async () => {
    const r = await parseText(readFileSync(`${FIXTURES}/panos/edge-vsys.xml`, 'utf8'), 'edge-vsys.xml', TYPE)
    expect(r.device?.ownAddresses).toContain('203.0.113.2/32')
    expect(r.device?.interfaces.flatMap((i) => i.addresses)).toContain('203.0.113.2/24')
  })
})

describe('panos corpus', () => {
  const files = corpusFiles(TYPE)
  if (files.length === 0) it.skip('corpus folder absent', () => {})
  for (const file of files) {
    it(`${basename(file)} parses`, async () => {
      const report = await parseCorpusFile(TYPE, file)
      expect(report.stats.understood).toBeLessThanOrEqual(report.stats.lines)
      for (const u of report.unparsed) {
        expect(u.line).toBeGreaterThan(0)
        expect(u.reason).not.toBe('')
      }
      if (/action>allow|action allow/.test(readFileSync(file, 'utf8'))) expect(report.exposures.length).toBeGreaterThan(0)
      expect(reportText(report)).not.toMatch(/\$1\$yN22/)
    })
  }

  it.runIf(files.length > 0)('verified exposures', async () => {
    const rules = await parseCorpusFile(TYPE, `${CORPUS}/panos/batfish-security-rules.set`)
    // BLOCK_TCP_1234 to z3 shadows PERMIT for z3 (not in its to-list anyway); z2/z4 get tcp/1234; the disabled deny is ignored
    const permit = rule(rules.exposures, 'vsys1 security rule "PERMIT_TCP_1234"')
    expect(new Set(permit.map((x) => x.to_zones?.[0]))).toEqual(new Set(['z2', 'z4']))
    expect(permit.every((x) => x.protocol === 'tcp' && x.ports[0] === '1234')).toBe(true)
    const dnat = await parseCorpusFile(TYPE, `${CORPUS}/panos/batfish-destination-nat.brace.conf`)
    // DEST_NAT_NEVER_REACHED is consumed by the first rule (NAT is first-match)
    expect(rule(dnat.exposures, 'vsys1 nat rule "DEST_NAT_NEVER_REACHED"')).toHaveLength(0)
    expect(rule(dnat.exposures, 'vsys1 nat rule "DEST_NAT_NAME2"')[0].translated).toEqual({to: ['1.1.1.99/32'], ports: ['1234']})
    // passed by PERMIT_ALL (line 106), where it enters by its from zone OUTSIDE
    expect(rule(dnat.exposures, 'vsys1 nat rule "DEST_NAT_NAME2"')[0].filter).toEqual({line: 106, rule: 'vsys1 security rule "PERMIT_ALL"'})
    const skillet = await parseCorpusFile(TYPE, `${CORPUS}/panos/iron-skillet-panos-full-mgmt-static.xml`)
    expect(rule(skillet.exposures, 'deviceconfig system management ssh')[0].to).toEqual(['192.0.2.6/32'])
  })
})

describe('panos detection', () => {
  it('wins on its fixtures and corpus files', () => {
    const paths = [...corpusFiles(TYPE), ...['edge-vsys.xml', 'branch.set', 'panorama-dg.xml', 'dc-show-config.brace.conf'].map((f) => `tests/fixtures/sources/panos/${f}`)]
    for (const p of paths) expect(detectParser(readFileSync(p, 'utf8').slice(0, 65536), p).type, p).toBe(TYPE)
  })

  it('scores other vendors low', () => {
    for (const dir of ['junos', 'pfsense', 'cisco-asa', 'fortios']) {
      for (const f of corpusFiles(dir)) expect(panos.detect(readFileSync(f, 'utf8').slice(0, 65536), f), f).toBeLessThan(0.5)
    }
  })
})

describe('panos bad input', () => {
  it('truncated XML is a clear IrmError with a line', async () => {
    const text = readFileSync('tests/fixtures/sources/panos/edge-vsys.xml', 'utf8').slice(0, 3000)
    await expect(parseText(text, 'cut.xml', TYPE)).rejects.toMatchObject({code: 'CONFIG_SYNTAX'})
  })

  it('truncated brace form reports the open block, no throw', async () => {
    const text = readFileSync('tests/fixtures/sources/panos/dc-show-config.brace.conf', 'utf8').slice(0, 1200)
    const r = await parseText(text, 'cut.conf', TYPE)
    expect(r.unparsed.some((u) => /not closed|cut off/.test(u.reason))).toBe(true)
  })

  it('XML that is not a PAN-OS config', async () => {
    await expect(parseText('<pfsense><system/></pfsense>', 'x.xml', TYPE)).rejects.toMatchObject({code: 'CONFIG_WRONG_FORMAT'})
  })

  it('another vendor or junk given as panos: unparsed lines or IrmError, never a crash', async () => {
    for (const text of [corpusFiles('junos')[0] ? readFileSync(corpusFiles('junos')[0], 'utf8') : 'set system host-name x', '\u0001\u0002 {{{ ]]] "\n']) {
      try {
        const r = await parseText(text, 'other', TYPE)
        expect(r.unparsed.length).toBeGreaterThan(0)
      } catch (e) {
        expect(isIrmError(e)).toBe(true)
      }
    }
  })

  it('20k rules over 4 zones parse in linear time', () => {
    const lines = ['set zone a network layer3 ethernet1/1', 'set zone b network layer3 ethernet1/2']
    for (let i = 0; i < 20_000; i++) {
      lines.push(`set address h${i} ip-netmask 10.${(i >> 8) & 255}.${i & 255}.1`)
      lines.push(`set rulebase security rules r${i} from a to b source any destination h${i} application any service service-https action allow`)
    }
    const start = Date.now()
    const r = panos.parse(lines.join('\n'), {file: 'big.set'}) as {exposures: unknown[]}
    expect(r.exposures.length).toBeGreaterThan(1000)
    expect(Date.now() - start).toBeLessThan(45_000)
  })
})
