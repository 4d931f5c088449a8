import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import type {ParseReport} from '../../src/report/parse-report.js'
import {parseText} from '../../src/sources/load.js'
import {pfsense} from '../../src/sources/pfsense.js'
import {detectParser} from '../../src/sources/registry.js'
import {CORPUS, corpusFiles, FIXTURES, goldenPath, parseCorpusFile, parseFixture, placeRows, reportText} from '../helpers/sources.js'

const TYPE = 'pfsense'
const find = (r: ParseReport, rule: string, protocol?: string) => r.exposures.filter((e) => e.rule === rule && (!protocol || e.protocol === protocol))

describe('pfsense fixtures', () => {
  it('edge.xml: ordered rules, floating rules, NAT, VPN listeners, management', async () => {
    const r = await parseFixture(TYPE, 'edge.xml')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'edge.xml'))
    expect(r.unparsed).toEqual([])
    expect(r.stats.understood).toBe(r.stats.lines)
    // the port forward through its associated rule: the NAT's line, what arrives (wanip:8080), where it
    // goes, and the rule that passes it; the associated rule is no exposure of its own
    expect(find(r, 'nat rule 1 "web to dmz"')[0]).toMatchObject({kind: 'nat-forward', line: 91, to: ['203.0.113.10/32'], ports: ['8080'], translated: {to: ['172.16.1.20/32'], ports: ['80']}, filter: {line: 162, rule: 'wan rule 1 "NAT web to dmz"'}})
    expect(find(r, 'wan rule 1 "NAT web to dmz"')).toEqual([])
    // rdr pass: the port forward passes its own traffic
    expect(find(r, 'nat rule 2 "partner sftp"').map((e) => e.filter)).toEqual([{line: 105, rule: 'nat rule 2 "partner sftp"'}])
    // the block above removes https/8443 from 198.51.100.10 only
    const admin = find(r, 'wan rule 3 "partners admin"')
    expect(admin.find((e) => e.from.includes('198.51.100.10/32'))?.ports).toEqual(['1-8442', '8444-65535'])
    // reject above the pass: LAN loses telnet
    expect(find(r, 'lan rule 2 "lan out"', 'tcp')[0].ports).toEqual(['1-22', '24-65535'])
    // the disabled rule and the opaque urltable block list nothing
    expect(r.exposures.some((e) => e.rule.includes('old any-any') || e.rule.includes('drop blocklist'))).toBe(false)
    // floating rule on two interfaces, both directions; pass-out gives an outbound exposure
    const ping = find(r, 'floating rule 2 "ping"')
    expect([...new Set(ping.map((e) => e.direction))].sort()).toEqual(['inbound', 'outbound'])
    // WAN has blockpriv: private sources are blocked before any user rule, DMZ keeps every source
    const wanPing = ping.find((e) => e.direction === 'inbound' && e.interfaces?.in?.includes('wan'))!
    expect(wanPing.from).not.toContain('10.0.0.0/8')
    expect(wanPing.from).toContain('11.0.0.0/8')
    expect(ping.find((e) => e.direction === 'inbound' && e.interfaces?.in?.includes('opt1'))?.from).toEqual(['0.0.0.0/0'])
    expect(find(r, 'floating rule 3 "dns out"')[0]).toMatchObject({direction: 'outbound', interfaces: {out: ['wan']}})
    // anti-lockout on LAN with the custom GUI and SSH ports
    expect(find(r, 'lan anti-lockout rule')[0]).toMatchObject({ports: ['2222', '8443'], to: ['10.0.0.1/32']})
    expect(find(r, 'openvpn server 1 "roadwarrior"').map((e) => e.kind).sort()).toEqual(['vpn-listener', 'vpn-route'])
    expect(find(r, 'ipsec phase1 1 "to hq"', 'esp')[0].from).toEqual(['198.51.100.1/32'])
    expect(reportText(r)).not.toContain('PLANTED')
  })

  it('rule-warnings.xml: exact unparsed entries and recall on unknowns', async () => {
    const r = await parseFixture(TYPE, 'rule-warnings.xml')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'rule-warnings.xml'))
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [38, 'alias without a name'],
      [60, "unknown rule element 'frobnicate'"],
      [93, "unknown filter element 'mystery'"],
      [96, 'section <teleporter> not modelled'],
    ])
    expect(r.unparsed[1].path).toBe('/opnsense/filter/rule/frobnicate')
    expect(r.stats).toEqual({lines: 70, understood: 62})
    expect(find(r, 'lan rule 1')[0]).toMatchObject({protocol: 'any', notes: ["unknown protocol 'warp-drive': any protocol shown"]})
    expect(find(r, 'wan rule 2')[0]).toMatchObject({to: ['0.0.0.0/0'], to_sets: ['wanip']})
    // noantilockout: no anti-lockout rule
    expect(find(r, 'lan anti-lockout rule')).toEqual([])
  })

  it('opnsense-automation.xml: MVC rules by sequence, interface groups, 1:1 NAT, mobile IPsec', async () => {
    const r = await parseFixture(TYPE, 'opnsense-automation.xml')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'opnsense-automation.xml'))
    expect(r.unparsed).toEqual([])
    // the sequence-10 block comes first: 203.0.113.0/24 has no ssh
    const ssh = find(r, 'automation rule 2 "ssh to firewall"')[0]
    expect(ssh.to).toEqual(['192.0.2.2/32'])
    expect(ssh.from).not.toContain('0.0.0.0/0')
    expect(ssh.from).toContain('203.0.114.0/23')
    // __opt1_network in an MVC alias is the SRV network
    expect(find(r, 'opt2 rule 1 "users to servers"')[0].to).toEqual(['10.20.0.0/24'])
    // comma-separated MVC source list; icmp on inet6 is icmpv6
    expect(find(r, 'automation rule 3 "ping6"')[0]).toMatchObject({protocol: 'icmpv6', from: ['2001:db8:20::/64', '2001:db8:30::/64'], interfaces: {in: ['opt1', 'opt2']}})
    // the group rule applies on both members
    expect(find(r, 'INSIDE rule 1 "dns"', 'udp')[0].interfaces).toEqual({in: ['opt1', 'opt2']})
    // 1:1 NAT: open as far as the WAN rule to the inside address passes (smtp), from the sources it passes
    expect(find(r, 'nat 1:1 1 "mail server"').map((e) => [e.kind, e.protocol, e.ports, e.to, e.translated, e.filter])).toEqual([
      ['nat-forward', 'tcp', ['25'], ['192.0.2.50/32'], {to: ['10.20.0.50/32']}, {line: 75, rule: 'wan rule 1 "smtp in"'}],
    ])
    expect(find(r, 'ipsec phase1 2 "roadwarriors"', 'esp')[0].from).toEqual(['0.0.0.0/0'])
    expect(find(r, 'openvpn instance remote staff').map((e) => [e.kind, e.protocol, e.ports, e.to])).toEqual([
      ['vpn-listener', 'udp', ['1194'], ['192.0.2.2/32']],
      ['vpn-route', 'any', [], ['10.20.0.0/24']],
    ])
    expect(find(r, 'wireguard wg0')[0]).toMatchObject({kind: 'vpn-listener', protocol: 'udp', ports: ['51820']})
    expect(reportText(r)).not.toContain('PLANTED')
  })
})

describe('pfsense device model (#14)', () => {
  const FILE = 'zones-device.xml'
  const row = (rule: string, protocol: string, ports: string[], to: string[], ingress: object | null, hostLocal: boolean) =>
    ({rule, protocol, ports, to, ingress, egress: null, host_local: hostLocal})

  it('rules enter by their interface, floating rules by each of theirs; anti-lockout (LAN only) and (self) are host-local', async () => {
    const report = await parseFixture(TYPE, FILE)
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, FILE))
    expect(report.unparsed).toEqual([])
    expect(placeRows(report)).toEqual([
      // the anti-lockout rule: webGUI ports to the LAN address, from LAN only
      row('lan anti-lockout rule', 'tcp', ['80', '443'], ['10.0.0.1/32'], {interfaces: ['lan'], zones: []}, true),
      row('floating rule 1', 'icmp', [], ['172.16.1.20/32'], {interfaces: ['wan', 'opt1'], zones: []}, false),
      row('wan rule 1', 'tcp', ['443'], ['172.16.1.20/32'], {interfaces: ['wan'], zones: []}, false),
      // (self): every address of the firewall
      row('opt1 rule 1', 'udp', ['53'], ['10.0.0.1/32', '172.16.1.1/32', '203.0.113.10/32'], {interfaces: ['opt1'], zones: []}, true),
    ])
  })

  it('describes interfaces, WAN, the default gateway and the management listeners', async () => {
    const r = await parseText(readFileSync(join(FIXTURES, TYPE, FILE), 'utf8'), FILE, TYPE)
    expect(r.device).toEqual({
      interfaces: [
        {name: 'wan', addresses: ['203.0.113.10/28'], wan: true, defaultRoute: true, line: 14},
        {name: 'lan', addresses: ['10.0.0.1/24'], line: 22},
        {name: 'opt1', addresses: ['172.16.1.1/24'], line: 28},
      ],
      ownAddresses: ['10.0.0.1/32', '172.16.1.1/32', '203.0.113.10/32'],
      listeners: [
        {service: 'https', bind: [], line: 8},
        {service: 'http', bind: [], line: 8},
      ],
    })
  })
})

describe('pfsense corpus', () => {
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
      if (/<type>pass<\/type>/.test(readFileSync(path, 'utf8'))) expect(r.exposures.length).toBeGreaterThan(0)
      expect(reportText(r)).not.toMatch(/\$2[aby]\$10\$/)
      expect(detectParser(readFileSync(path, 'utf8').slice(0, 65536), path).type).toBe(TYPE)
    })
  }

  it('pfSense 2.3.4 defaults: LAN to any and the anti-lockout rule', async () => {
    const path = join(CORPUS, TYPE, 'pffocus-pfSense-CE-2.3.4-config.xml')
    if (!files.includes(path)) return
    const r = await parseCorpusFile(TYPE, path)
    expect(find(r, 'lan rule 1 "Default allow LAN to any rule"')[0]).toMatchObject({protocol: 'any', from: ['192.168.1.0/24'], to: ['0.0.0.0/0']})
    // LAN IPv6 is track6: the network is dynamic, any shown and named
    expect(find(r, 'lan rule 2 "Default allow LAN IPv6 to any rule"')[0]).toMatchObject({from: ['::/0'], from_sets: ['lan']})
    expect(find(r, 'lan anti-lockout rule')[0]).toMatchObject({ports: ['80', '443'], to: ['192.168.1.1/32']})
  })

  it('opndossier pfSense: port forwards and the (self) DNS block', async () => {
    const path = join(CORPUS, TYPE, 'opndossier-config-pfSense.xml')
    if (!files.includes(path)) return
    const r = await parseCorpusFile(TYPE, path)
    // nat rule 1: wanip tcp/udp 80 → 10.0.2.2:80, its filter rule carries the translation
    expect(find(r, 'nat rule 1 "HTTP to webserver"', 'tcp')[0].translated).toEqual({to: ['10.0.2.2/32'], ports: ['80']})
    expect(find(r, 'nat rule 1 "HTTP to webserver"', 'tcp')[0].filter?.rule).toBe('wan rule 1 "NAT HTTP to webserver"')
    // lan rules 1-2 block DNS to (self): the LAN pass keeps tcp/udp without port 53 to the firewall
    const toSelf = find(r, 'lan rule 3 "Send LAN over MULLVAD2"', 'udp')[0]
    expect(toSelf.ports).toEqual(['1-52', '54-65535'])
  })
})

describe('pfsense detection', () => {
  it('wins on its fixtures', () => {
    for (const name of ['edge.xml', 'rule-warnings.xml', 'opnsense-automation.xml']) {
      const text = readFileSync(join(FIXTURES, TYPE, name), 'utf8')
      expect(detectParser(text.slice(0, 65536), name).type).toBe(TYPE)
    }
  })

  it('scores 0 on other vendors', () => {
    for (const other of ['panos', 'fortios', 'iptables', 'cisco-asa']) {
      for (const path of corpusFiles(other).slice(0, 2)) expect(pfsense.detect(readFileSync(path, 'utf8').slice(0, 65536), path)).toBe(0)
    }
  })
})

describe('pfsense bad input', () => {
  it('another XML with --type pfsense: CONFIG_WRONG_FORMAT', async () => {
    const err = await parseText('<?xml version="1.0"?>\n<config version="10.1"><devices/></config>\n', 'panos.xml', TYPE).catch((e) => e)
    expect(isIrmError(err) && err.code).toBe('CONFIG_WRONG_FORMAT')
  })

  it('truncated XML: CONFIG_SYNTAX with a line', async () => {
    const text = readFileSync(join(FIXTURES, TYPE, 'edge.xml'), 'utf8').slice(0, 3000)
    const err = await parseText(text, 'edge.xml', TYPE).catch((e) => e)
    expect(isIrmError(err) && err.code).toBe('CONFIG_SYNTAX')
    expect(err.line).toBeGreaterThan(1)
  })

  it('a FortiOS file with --type pfsense: CONFIG_WRONG_FORMAT, not an XML error', async () => {
    const err = await parseText('config system global\n    set hostname "fw"\nend\n', 'fw.conf', TYPE).catch((e) => e)
    expect(isIrmError(err) && err.code).toBe('CONFIG_WRONG_FORMAT')
  })

  it('junk: an error, never a crash', async () => {
    const err = await parseText('\u0001\u0002 not xml at all <<<', 'junk.xml', TYPE).catch((e) => e)
    expect(isIrmError(err)).toBe(true)
  })
})
