import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import {parseText} from '../../src/sources/load.js'
import {fortios} from '../../src/sources/fortios.js'
import {detectParser} from '../../src/sources/registry.js'
import {CORPUS, corpusFiles, FIXTURES, goldenPath, parseCorpusFile, parseFixture, placeRows, reportText} from '../helpers/sources.js'
import type {ParseReport} from '../../src/report/parse-report.js'

const TYPE = 'fortios'
const find = (r: ParseReport, rule: string, protocol?: string, port?: string) =>
  r.exposures.filter((e) => e.rule === rule && (!protocol || e.protocol === protocol) && (!port || e.ports.includes(port)))

describe('fortios fixtures', () => {
  it('branch.conf: policies in table order, VIPs, management, VPN listeners', async () => {
    const r = await parseFixture(TYPE, 'branch.conf')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'branch.conf'))
    expect(r.unparsed).toEqual([])
    expect(r.stats.understood).toBe(r.stats.lines)
    // VIP through the policy naming it: the VIP's line, the external address and port, the mapped ones in
    // translated, the policy in filter
    const web = find(r, 'vip vip-web', 'tcp')
    expect(web.map((e) => [e.kind, e.line, e.to, e.ports, e.translated, e.filter])).toEqual([['nat-forward', 131, ['203.0.113.3/32'], ['443'], {to: ['172.16.10.10/32'], ports: ['8443']}, {line: 160, rule: 'policy 10'}]])
    expect(find(r, 'policy 10')).toEqual([])
    // the VIP group member through policy 4 (dstaddr the vipgrp)
    expect(find(r, 'vip vip-rdp').map((e) => [e.ports, e.filter?.rule])).toEqual([[['3389'], 'policy 4']])
    // exclude-member and the deny above remove 198.51.100.15 from the partners' SSH
    const ssh = find(r, 'policy 3', 'tcp', '22')[0]
    expect(ssh.from).not.toContain('198.51.100.15/32')
    expect(ssh.from).toContain('198.51.100.14/32')
    // disabled policy 5 and the opaque geography deny 6 shadow nothing, list nothing
    expect(find(r, 'policy 5')).toEqual([])
    // a disabled VIP and a down interface expose nothing
    expect(r.exposures.filter((e) => e.rule === 'vip vip-old' || e.rule === 'policy 13' || e.rule.startsWith('interface port9'))).toEqual([])
    expect(find(r, 'policy 6')).toEqual([])
    // local-in deny removes ssh on wan1; https on the custom admin port is limited to trusted hosts
    expect(find(r, 'interface wan1 allowaccess ssh')).toEqual([])
    expect(find(r, 'interface wan1 allowaccess https')[0]).toMatchObject({ports: ['8443'], from: ['10.10.0.0/16', '192.0.2.0/24'], to: ['203.0.113.2/32']})
    expect(find(r, 'ssl-vpn')[0]).toMatchObject({kind: 'vpn-listener', protocol: 'tcp', ports: ['10443'], from: ['0.0.0.0/0']})
    expect(find(r, 'ipsec to-hq').map((e) => e.protocol).sort()).toEqual(['esp', 'udp', 'udp'])
    expect(find(r, 'ipsec to-hq')[0].from).toEqual(['198.51.100.1/32'])
    expect(reportText(r)).not.toMatch(/PLANTED|BEGIN (ENCRYPTED )?PRIVATE|MIIF/)
  })

  it('vdom.conf: global and VDOM sections, VIP bypasses a deny without match-vip', async () => {
    const r = await parseFixture(TYPE, 'vdom.conf')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'vdom.conf'))
    expect(r.unparsed).toEqual([])
    expect(find(r, 'vdom root policy 1')).toHaveLength(1)
    expect(find(r, 'vdom dmz-vdom vip smtp-in')[0]).toMatchObject({to: ['198.51.100.25/32'], ports: ['25'], filter: {line: 123, rule: 'vdom dmz-vdom policy 2'}})
    expect(find(r, 'vdom dmz-vdom policy 3')).toEqual([])
    expect(find(r, 'interface mgmt allowaccess ssh')[0].ports).toEqual(['2222'])
    expect(find(r, 'interface port2 allowaccess https')[0].notes?.[0]).toMatch(/dynamic/)
    expect(find(r, 'vdom dmz-vdom zone dmz-zone intrazone')[0]).toMatchObject({protocol: 'any', interfaces: {in: ['dmz-zone'], out: ['dmz-zone']}})
    expect(reportText(r)).not.toContain('PLANTED')
  })

  it('policy-warnings.conf: exact unparsed entries, opaque deny, recall on unknowns', async () => {
    const r = await parseFixture(TYPE, 'policy-warnings.conf')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'policy-warnings.conf'))
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [6, "unknown allowaccess 'bogus-access'"],
      [13, "unknown setting 'frobnicate' in 'config firewall address'"],
      [29, "unknown setting 'mystery-match' in 'config firewall policy'"],
      [42, "section 'config system fancy-new-feature' not modelled"],
      [47, "unknown command 'this'"],
      [48, "'config' not closed (file truncated?)"],
      [49, "'edit' not closed (file truncated?)"],
    ])
    expect(r.stats).toEqual({lines: 42, understood: 34})
    // the deny with an unknown condition does not shadow the allow below
    expect(find(r, 'policy 2')[0]).toMatchObject({protocol: 'any', notes: expect.arrayContaining(["service 'NO-SUCH-SERVICE' is not defined"])})
  })
})

describe('fortios device model (#14)', () => {
  const FILE = 'zones-device.conf'
  const wan1 = {interfaces: ['wan1'], zones: []}
  const lan = {interfaces: ['internal1', 'internal2'], zones: ['lan-zone']}
  const dmz = {interfaces: ['dmz'], zones: []}
  const row = (rule: string, protocol: string, ports: string[], to: string[], ingress: object | null, egress: object | null, hostLocal: boolean) =>
    ({rule, protocol, ports, to, ingress, egress, host_local: hostLocal})

  it('srcintf/dstintf name interfaces or zones (any names none); allowaccess and local-in are host-local', async () => {
    const report = await parseFixture(TYPE, FILE)
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, FILE))
    expect(report.unparsed).toEqual([])
    const own = ['10.10.0.1/32', '10.20.0.1/32', '172.16.0.1/32', '203.0.113.2/32']
    expect(placeRows(report)).toEqual([
      // allowaccess: that interface's address
      row('interface wan1 allowaccess https', 'tcp', ['443'], ['203.0.113.2/32'], wan1, null, true),
      row('interface wan1 allowaccess ping', 'icmp', [], ['203.0.113.2/32'], wan1, null, true),
      row('interface internal1 allowaccess ssh', 'tcp', ['22'], ['10.10.0.1/32'], {interfaces: ['internal1'], zones: ['lan-zone']}, null, true),
      // intrazone allow: ingress = egress = the zone
      row('zone lan-zone intrazone', 'any', [], ['0.0.0.0/0', '::/0'], lan, lan, false),
      // the VIP through policy 2 (which names it): enters by the VIP's extintf, leaves by the policy's dstintf
      row('vip vip-web', 'tcp', ['8443'], ['203.0.113.3/32'], wan1, dmz, false),
      row('policy 1', 'tcp', ['443'], ['0.0.0.0/0'], lan, wan1, false),
      // srcintf any: no ingress
      row('policy 3', 'tcp', ['53'], ['0.0.0.0/0'], null, dmz, false),
      row('policy 3', 'udp', ['53'], ['0.0.0.0/0'], null, dmz, false),
      // local-in dstaddr all: the device's own addresses
      row('local-in-policy 1', 'tcp', ['22'], own, wan1, null, true),
    ])
  })

  it('describes interfaces, role wan, the zone, the default route and the listeners', async () => {
    const r = await parseText(readFileSync(join(FIXTURES, TYPE, FILE), 'utf8'), FILE, TYPE)
    expect(r.device).toEqual({
      interfaces: [
        {name: 'wan1', addresses: ['203.0.113.2/29'], wan: true, defaultRoute: true, line: 9},
        {name: 'internal1', addresses: ['10.10.0.1/24'], vendorZone: 'lan-zone', line: 14},
        {name: 'internal2', addresses: ['10.20.0.1/24'], vendorZone: 'lan-zone', line: 19},
        {name: 'dmz', addresses: ['172.16.0.1/24'], line: 23},
      ],
      ownAddresses: ['10.10.0.1/32', '10.20.0.1/32', '172.16.0.1/32', '203.0.113.2/32'],
      listeners: [
        {service: 'ping', bind: ['203.0.113.2/32'], line: 11},
        {service: 'https', bind: ['203.0.113.2/32'], line: 11},
        {service: 'ssh', bind: ['10.10.0.1/32'], line: 16},
      ],
    })
  })
})

describe('fortios corpus', () => {
  const files = corpusFiles(TYPE)
  if (files.length === 0) it.skip(`no corpus at ${CORPUS}/${TYPE}`, () => {})
  for (const path of files) {
    it(`parses ${path.slice(CORPUS.length + 1)}`, async () => {
      const r = await parseCorpusFile(TYPE, path)
      expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
      for (const u of r.unparsed) {
        expect(u.line).toBeGreaterThan(0)
        expect(u.reason).not.toBe('')
      }
      if (/set action accept/.test(readFileSync(path, 'utf8'))) expect(r.exposures.length).toBeGreaterThan(0)
      expect(reportText(r)).not.toMatch(/ENC [A-Za-z0-9+/]{20}/)
      expect(detectParser(readFileSync(path, 'utf8').slice(0, 65536), path).type).toBe(TYPE)
    })
  }

  it('acidjunk 5.2: management on port1, IPsec peer, fqdn policy', async () => {
    const path = join(CORPUS, TYPE, 'acidjunk-fgvm64-5.2-vdom-root.conf')
    if (!files.includes(path)) return
    const r = await parseCorpusFile(TYPE, path)
    // port1: set allowaccess ping https ssh http telnet on 172.16.19.2/24
    expect(find(r, 'interface port1 allowaccess telnet')[0]).toMatchObject({protocol: 'tcp', ports: ['23'], to: ['172.16.19.2/32']})
    expect(find(r, 'ipsec VPN test', 'udp', '500')[0].from).toEqual(['10.10.20.10/32'])
    // policy 1: google-play → android are fqdn objects: any, named in the sets
    expect(find(r, 'policy 1', 'tcp', '443')[0]).toMatchObject({from_sets: ['google-play'], to_sets: ['android']})
    // policy 2 has no action: deny by default, nothing listed
    expect(find(r, 'policy 2')).toEqual([])
    expect(reportText(r)).not.toContain('dmFyLxaw')
  })

  it('batfish firewall_policy: table order, default deny, append', async () => {
    const path = join(CORPUS, TYPE, 'batfish-firewall_policy.conf')
    if (!files.includes(path)) return
    const r = await parseCorpusFile(TYPE, path)
    // policy 4294967294 has no action (deny) and comes before policy 1 in the table
    expect(find(r, 'policy 4294967294')).toEqual([])
    // policy 1 (appended interfaces/addresses/services) keeps tcp/11 for both subnets
    expect(find(r, 'policy 1', 'tcp', '11')[0].from).toEqual(['10.0.1.0/24', '10.0.2.0/24'])
    expect(find(r, 'policy 2')[0]).toMatchObject({protocol: 'any', from: ['0.0.0.0/0']})
  })
})

describe('fortios detection', () => {
  it('wins on its fixtures', () => {
    for (const name of ['branch.conf', 'vdom.conf']) {
      const text = readFileSync(join(FIXTURES, TYPE, name), 'utf8')
      expect(detectParser(text.slice(0, 65536), name).type).toBe(TYPE)
    }
  })

  it('detects "show full-configuration" output without the #config-version header', () => {
    const text = readFileSync(join(FIXTURES, TYPE, 'branch.conf'), 'utf8').replace(/^#.*\n/gm, '')
    expect(fortios.detect(text, 'show.txt')).toBeGreaterThan(0.5)
  })

  it('scores 0 on other vendors', () => {
    for (const other of ['iptables', 'cisco-asa', 'pfsense', 'junos', 'panos']) {
      for (const path of corpusFiles(other).slice(0, 2)) {
        expect(fortios.detect(readFileSync(path, 'utf8').slice(0, 65536), path)).toBe(0)
      }
    }
  })
})

describe('fortios bad input', () => {
  it('another vendor with --type fortios: a clear IrmError', async () => {
    const asa = ': Saved\nASA Version 9.8(2)\nhostname fw\naccess-list out extended permit tcp any any eq 22\n'
    const err = await parseText(asa, 'asa.cfg', TYPE).catch((e) => e)
    expect(isIrmError(err)).toBe(true)
    expect(err.code).toBe('CONFIG_WRONG_FORMAT')
  })

  it('junk and unbalanced blocks become unparsed lines, never a crash', async () => {
    const junk = 'config firewall policy\n\u0001\u0002 edit\nend\nend\nnext\nset x "unterminated\nconfig\n'
    const r = await parseText(junk, 'junk.conf', TYPE)
    expect(r.unparsed.length).toBeGreaterThan(0)
    expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
  })

  it('parses 10 000 policies (1% deny) in a few seconds', async () => {
    const lines = ['config firewall address']
    for (let i = 0; i < 2000; i++) lines.push(`edit "h${i}"`, `set subnet 10.${i >> 8}.${i & 255}.1 255.255.255.255`, 'next')
    lines.push('end', 'config firewall policy')
    for (let i = 0; i < 10000; i++) {
      lines.push(`edit ${i + 1}`, 'set srcintf "port1"', 'set dstintf "port2"', `set srcaddr "${i % 3 ? 'all' : `h${i % 2000}`}"`, `set dstaddr "h${(i * 7) % 2000}"`, `set action ${i % 100 ? 'accept' : 'deny'}`, 'set service "HTTPS"', 'next')
    }
    lines.push('end')
    const start = Date.now()
    const r = fortios.parse(lines.join('\n'), {file: 'big.conf'})
    expect('exposures' in r && r.exposures.length).toBeGreaterThan(1000)
    expect(Date.now() - start).toBeLessThan(15000)
  })
})
