import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import type {ExposureJson} from '../../src/model/exposure.js'
import {ciscoAsa} from '../../src/sources/cisco-asa.js'
import {ciscoIos} from '../../src/sources/cisco-ios.js'
import {parseText} from '../../src/sources/load.js'
import {parseReport} from '../../src/report/parse-report.js'
import {CORPUS, corpusFiles, goldenPath, parseCorpusFile, parseFixture, reportText} from '../helpers/sources.js'
import {growth} from '../helpers/growth.js'

const TYPE = 'cisco-ios'
const find = (xs: ExposureJson[], pred: (e: ExposureJson) => boolean) => xs.filter(pred)

describe('cisco-ios fixtures', () => {
  it('branch-zbf.cfg: ACLs, zone-based firewall, NAT, vty/http/snmp, IPsec and GRE', async () => {
    const r = await parseFixture(TYPE, 'branch-zbf.cfg')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'branch-zbf.cfg'))
    const e = r.exposures
    // deny telnet above the range: 22,24-25 remain; the established entry and the shadowed seq 60 give nothing
    expect(find(e, (x) => x.rule === 'PARTNER-IN#30')[0].ports).toEqual(['22', '24-25'])
    expect(find(e, (x) => x.rule === 'PARTNER-IN#20' || x.rule === 'PARTNER-IN#60')).toHaveLength(0)
    // zone-pair OUTSIDE→INSIDE: only the web ports to the web servers
    const webIn = find(e, (x) => x.rule === 'zone-pair OUT-IN class CM-WEB-IN')
    expect(webIn.map((x) => x.ports.join())).toEqual(['443', '80', '8080-8081'])
    expect(webIn[0].to).toEqual(['10.20.1.10/31'])
    // self zone: ssh from the admins to the router's addresses
    const self = find(e, (x) => x.rule === 'zone-pair OUT-SELF class CM-ADMIN-SSH')
    expect(self).toHaveLength(1)
    expect(self[0].to).toContain('203.0.113.2/32')
    // port forward: outside tcp/8443 → 10.20.1.10:443
    const pf = find(e, (x) => x.kind === 'nat-forward' && x.ports.join() === '8443')[0]
    expect(pf.to).toEqual(['203.0.113.2/32'])
    expect(pf.translated).toEqual({to: ['10.20.1.10/32'], ports: ['443']})
    // passed by the zone-based firewall, which inspects after NAT: its class names the real host 10.20.1.10
    expect(pf.filter).toEqual({line: 64, rule: 'zone-pair OUT-IN class CM-WEB-IN'})
    // unfiltered guest port
    expect(find(e, (x) => x.rule === 'unfiltered GigabitEthernet0/0/2')).toHaveLength(1)
    // vty 0 4: ssh only, sources from access-list 10 minus the denied host
    const vty = find(e, (x) => x.rule === 'line vty 0 4' && x.from[0] !== '::/0')[0]
    expect(vty.ports).toEqual(['22'])
    expect(vty.from).not.toContain('10.20.9.99/32')
    // IPsec peer and the GRE far end
    expect(find(e, (x) => x.kind === 'vpn-listener' && x.protocol === 'esp')[0].from).toEqual(['198.51.100.1/32'])
    expect(find(e, (x) => x.kind === 'vpn-listener' && x.protocol === 'gre')[0].from).toEqual(['198.51.100.77/32'])
    // shut interface gives nothing
    expect(find(e, (x) => !!x.interfaces?.in?.includes('GigabitEthernet0/0/4'))).toHaveLength(0)
    expect(r.unparsed).toEqual([])
    expect(reportText(r)).not.toMatch(/S3cr3t-PLANTED/)
  })

  it('acl-warnings.cfg: exact unparsed lines and reasons; unknown deny does not shadow', async () => {
    const r = await parseFixture(TYPE, 'acl-warnings.cfg')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'acl-warnings.cfg'))
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [10, "network group 'NO-SUCH-GROUP' is not defined"],
      [15, "unknown port 'not-a-port'"],
      [17, "service group 'NO-SUCH-SVC' is not defined"],
      [20, "unknown access-list option 'frobnicate'"],
      [22, "address '10.0.0.0' needs a wildcard mask"],
      [27, "unknown command 'frobnicate'"],
      [29, 'lock-and-key (dynamic) entries are not supported'],
    ])
    expect(find(r.exposures, (x) => x.to.join() === '192.0.2.10/32' && x.ports.join() === '22')).toHaveLength(1)
    expect(find(r.exposures, (x) => x.to.join() === '192.0.2.11/32')[0].notes?.join()).toMatch(/unknown option 'frobnicate'/)
    expect(find(r.exposures, (x) => x.to.join() === '192.0.2.12/32')[0].from_sets).toEqual(['NO-SUCH-GROUP'])
    expect(r.stats.lines - r.stats.understood).toBe(7)
  })
})

describe('cisco-ios remote access', () => {
  it('remote-access.cfg: dynamic crypto map, dynamic VTI, SSL VPN gateway, NVI NAT, reflexive ACL', async () => {
    const r = await parseFixture(TYPE, 'remote-access.cfg')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'remote-access.cfg'))
    const e = r.exposures
    // dynamic map and dynamic VTI: IKE from anyone to the WAN address
    for (const rule of ['crypto map VPN', 'Virtual-Template1 tunnel']) {
      const ike = find(e, (x) => x.rule === rule && x.protocol === 'udp')[0]
      expect([ike.from, ike.to, ike.ports]).toEqual([['0.0.0.0/0', '::/0'], ['192.0.2.10/32'], ['500', '4500']])
    }
    expect(find(e, (x) => x.rule === 'webvpn gateway SSLGW')[0].ports).toEqual(['443'])
    expect(find(e, (x) => x.kind === 'nat-forward')[0].translated?.to).toEqual(['10.30.0.80/32'])
    // the reflexive entries admit replies only: nothing inbound from `evaluate`
    expect(find(e, (x) => x.rule.startsWith('WAN-IN') && x.ports.join() === '1-65535')).toHaveLength(0)
    expect(find(e, (x) => x.rule === 'unfiltered Serial0/1/0')).toHaveLength(1)
    // transport input all: ssh and telnet, from the access-class only
    expect(find(e, (x) => x.rule === 'line vty 0 15').map((x) => [x.from.join(), x.ports.join()])).toEqual([['10.30.5.0/24', '22-23']])
    expect(r.unparsed).toEqual([])
    expect(reportText(r)).not.toMatch(/PLANTED/)
  })
})

describe('cisco-ios corpus', () => {
  const files = corpusFiles(TYPE)
  if (!files.length) it.skip(`no corpus at ${CORPUS}`, () => {})
  for (const f of files) {
    it(`parses ${f.slice(CORPUS.length + 1)}`, async () => {
      const r = await parseCorpusFile(TYPE, f)
      expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
      for (const u of r.unparsed) {
        expect(u.line).toBeGreaterThan(0)
        expect(u.reason).not.toBe('')
      }
      if (/\n\s*(\d+\s+)?permit /.test(readFileSync(f, 'utf8'))) expect(r.exposures.length).toBeGreaterThan(0)
      expect(reportText(r)).not.toMatch(/QMP5tKPP5qk95Y1Eee9c|tYrysT4iT0|SoMeThaNGwIErd|107D3D232342041E3A|LN7ONybETL5LJZF1/)
    })
  }

  it('reads the exposures verified by hand', async () => {
    if (!files.length) return
    const border = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'batfish-example-as2border1.cfg'))
    // OUTSIDE_TO_INSIDE: deny 2.0.0.0/8 and host 2.128.1.101, then permit ip any any
    const perm = find(border.exposures, (x) => x.rule === 'OUTSIDE_TO_INSIDE#30')[0]
    expect(perm.interfaces?.in).toEqual(['GigabitEthernet0/0'])
    expect(perm.from).not.toContain('2.0.0.0/8')
    expect(perm.to).not.toContain('2.128.1.101/32')
    const lhr = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'batfish-hybrid-cloud-lhr-border-02.cfg'))
    // Tunnel1: IPsec to 52.27.166.152 from the border address 172.16.1.2
    expect(find(lhr.exposures, (x) => x.kind === 'vpn-listener' && x.from.join() === '52.27.166.152/32' && x.protocol === 'udp')[0].to).toEqual(['172.16.1.2/32'])
    // vty 0 2 telnet only, vty 3 5 ssh only, no access-class
    expect(find(lhr.exposures, (x) => x.rule === 'line vty 0 2')[0].ports).toEqual(['23'])
    const soho = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'ciscoconfparse-sample_01.ios'))
    // ip nat inside source static tcp 172.16.1.5 22 interface Dialer1 1415
    const pf = find(soho.exposures, (x) => x.kind === 'nat-forward')[0]
    expect(pf.ports).toEqual(['1415'])
    expect(pf.translated).toEqual({to: ['172.16.1.5/32'], ports: ['22']})
    // the inbound ACL on Dialer1 is checked before NAT: it names the public port 1415
    expect(pf.filter?.rule).toBe('EXT_IN#10')
    // EXT_IN on Dialer1: tcp/1415 from any
    expect(find(soho.exposures, (x) => x.rule === 'EXT_IN#10' && x.ports.join() === '1415')).toHaveLength(1)
    const zbf = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'pybatfish-example-filters-current-firewall.cfg'))
    // zone-pair z2-to-admin class-z2-ldap-tcp-ldap: z2 (101.164.8.0/22) → ldap host tcp/389
    const ldap = find(zbf.exposures, (x) => x.rule === 'zone-pair z2-to-admin class class-z2-ldap-tcp-ldap')[0]
    expect([ldap.from, ldap.to, ldap.ports]).toEqual([['101.164.8.0/22'], ['101.164.101.246/32'], ['389']])
  })
})

describe('cisco-ios detection', () => {
  it('scores its own files highest', () => {
    for (const f of [...corpusFiles(TYPE), join(__dirname, '../fixtures/sources/cisco-ios/branch-zbf.cfg')]) {
      const head = readFileSync(f, 'utf8').slice(0, 65536)
      expect(ciscoIos.detect(head, f)).toBeGreaterThan(ciscoAsa.detect(head, f))
      expect(ciscoIos.detect(head, f)).toBeGreaterThanOrEqual(0.9)
    }
  })
  it('scores other vendors low', () => {
    for (const dir of ['cisco-asa', 'iptables', 'junos', 'fortios']) {
      for (const f of corpusFiles(dir).slice(0, 3)) {
        expect(ciscoIos.detect(readFileSync(f, 'utf8').slice(0, 65536), f)).toBeLessThan(0.5)
      }
    }
  })
})

describe('cisco-ios bad input', () => {
  it('truncated config (inside a banner): no throw', async () => {
    const text = readFileSync(join(__dirname, '../fixtures/sources/cisco-ios/branch-zbf.cfg'), 'utf8')
    const r = await parseText(text.slice(0, text.indexOf('Authorised access only') + 10), 'cut.cfg', TYPE)
    expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
  })
  it('an ASA file with --type cisco-ios: refused naming cisco-asa, never a crash', async () => {
    const f = corpusFiles('cisco-asa')[0]
    if (!f) return
    // a forced type that understands almost nothing of what detection calls cisco-asa: refused, naming it
    const err = await parseText(readFileSync(f, 'utf8'), 'x', TYPE).catch((e: unknown) => e)
    expect(isIrmError(err) && err.code === 'CONFIG_WRONG_FORMAT' && err.message).toMatch(/looks like cisco-asa/)
  })
  it('JSON is refused with an IrmError', async () => {
    await expect(parseText('[{"a": 1}]', 'x.json', TYPE)).rejects.toSatisfy(isIrmError)
  })
  it('binary-ish junk does not throw', async () => {
    const junk = Array.from({length: 2000}, (_, i) => String.fromCharCode(1 + ((i * 7919) % 250))).join('')
    const r = await parseText(junk, 'junk', TYPE)
    expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
  })
  it('10^4 ACEs parse quickly', async () => {
    const lines = ['version 15.2', 'interface GigabitEthernet0/0', ' ip address 192.0.2.1 255.255.255.0', ' ip access-group BIG in', 'ip access-list extended BIG']
    for (let i = 0; i < 10000; i++) lines.push(` ${i % 3 ? 'permit' : 'deny'} tcp any host 10.${(i >> 8) & 255}.${i & 255}.1 eq ${1 + (i % 1000)}`)
    const t = Date.now()
    const r = await parseText(lines.join('\n'), 'big.cfg', TYPE)
    expect(r.exposures.length).toBeGreaterThan(1000)
    expect(Date.now() - t).toBeLessThan(30000)
  })

  // CPU time of a parse, best of three after a warm-up (ratios, never absolute timings)
  const cpu = async (text: string, check: (r: Awaited<ReturnType<typeof parseText>>) => void) => {
    const once = async () => {
      const t0 = process.cpuUsage()
      const r = await parseText(text, 'big.cfg', TYPE)
      const u = process.cpuUsage(t0)
      check(r)
      return u.user + u.system
    }
    return once()
  }

  it('N ACL permits below N source drops: four times N costs about four times as much, not sixteen', async () => {
    const acl = (n: number) => {
      const lines = ['interface GigabitEthernet0/0', ' ip address 192.0.2.1 255.255.255.0', ' ip access-group BIG in', 'ip access-list extended BIG']
      for (let i = 0; i < n; i++) lines.push(` deny ip host 10.0.${(i >> 8) & 255}.${i & 255} any`)
      for (let i = 0; i < n; i++) lines.push(` permit tcp any host 192.0.2.${1 + (i % 200)} eq ${1000 + i}`)
      return lines.join('\n')
    }
    const time = (n: number) => cpu(acl(n), (r) => expect(r.exposures).toHaveLength(n))
    // each permit unioned the sources of every drop above it again (16x for 4x N)
    expect(await growth(time, 2000)).toBeLessThan(10)
  })

  it('a zone-based firewall with a static NAT pasted 4k times costs about four times as much as k times', async () => {
    const copy = [
      'interface GigabitEthernet0/0',
      ' ip address 203.0.113.1 255.255.255.0',
      ' ip nat outside',
      ' zone-member security OUTSIDE',
      'interface GigabitEthernet0/1',
      ' ip address 192.168.1.1 255.255.255.0',
      ' ip nat inside',
      ' zone-member security INSIDE',
      'ip access-list extended WEB-IN',
      ' permit tcp any host 192.168.1.10 eq 443',
      ' deny ip host 198.51.100.7 any',
      ' permit tcp any host 192.168.1.11 eq 22',
      'class-map type inspect match-any CM-WEB',
      ' match access-group name WEB-IN',
      'policy-map type inspect PM-OUT-IN',
      ' class type inspect CM-WEB',
      '  inspect',
      ' class class-default',
      '  drop',
      'zone security OUTSIDE',
      'zone security INSIDE',
      'zone-pair security OUT-IN source OUTSIDE destination INSIDE',
      ' service-policy type inspect PM-OUT-IN',
      'ip nat inside source static 192.168.1.10 203.0.113.10',
    ].join('\n')
    const time = (k: number) => cpu(Array.from({length: k}, () => copy).join('\n'), (r) => expect(r.exposures).toHaveLength(4 * k))
    // k copies of the zone-pair each listed k copies of the ACL's permits below the class-default drop,
    // and each of the k NATs met each of those permits (k² compositions, k of them kept)
    expect(await growth(time, 100)).toBeLessThan(10)
  })
})

describe('cisco-ios secrets', () => {
  it('secrets.cfg: nothing planted comes out, even from echoed unparsed lines', async () => {
    const r = await parseFixture(TYPE, 'secrets.cfg')
    expect(r.unparsed.map((u) => u.line)).toEqual([23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33])
    expect(reportText(r)).not.toMatch(/PLANTED/)
    expect(find(r.exposures, (x) => x.rule === 'snmp-server community')[0].text).toBe('snmp-server community <redacted>')
  })
})

describe('cisco-ios: what a later command replaces', () => {
  it('a community holds one entry: entering it again replaces its ACL (and the secret stays out of the report)', async () => {
    const text = [
      'version 15.2',
      'interface GigabitEthernet0/0',
      ' ip address 192.0.2.1 255.255.255.0',
      'access-list 10 permit 10.1.0.0 0.0.255.255',
      'access-list 20 permit 10.2.0.0 0.0.255.255',
      'snmp-server community PLANTED-C1 RO 10',
      'snmp-server community PLANTED-C2 RO 10',
      'snmp-server community PLANTED-C1 RW 20',
    ].join('\n')
    const r = parseReport(await parseText(text, 'r.cfg', TYPE))
    const snmp = r.exposures.filter((e) => e.rule === 'snmp-server community')
    expect(snmp.map((e) => [e.line, e.from.join()])).toEqual([
      [7, '10.1.0.0/16'],
      [8, '10.2.0.0/16'],
    ])
    expect(r.stats.understood).toBe(r.stats.lines)
    expect(reportText(r)).not.toMatch(/PLANTED/)
  })

  it('a zone-pair entered again is the same zone-pair: its policy is walked once (a service-policy not named again stays)', async () => {
    const zbf = [
      'version 15.2',
      'zone security in',
      'zone security out',
      'interface GigabitEthernet0/0',
      ' ip address 192.0.2.1 255.255.255.0',
      ' zone-member security out',
      'interface GigabitEthernet0/1',
      ' ip address 10.0.0.1 255.255.255.0',
      ' zone-member security in',
      'ip access-list extended WEB',
      ' permit tcp any host 10.0.0.10 eq 443',
      'class-map type inspect match-all C-WEB',
      ' match access-group name WEB',
      'policy-map type inspect P-OUT-IN',
      ' class type inspect C-WEB',
      '  inspect',
      'zone-pair security OUT-IN source out destination in',
      ' service-policy type inspect P-OUT-IN',
      'zone-pair security OUT-IN source out destination in',
      ' service-policy type inspect P-OUT-IN',
      'zone-pair security OUT-IN source out destination in',
      ' description no service-policy: the one above stays',
    ].join('\n')
    const r = parseReport(await parseText(zbf, 'z.cfg', TYPE))
    const web = r.exposures.filter((e) => e.rule?.startsWith('zone-pair OUT-IN'))
    expect(web.map((e) => [e.line, e.to.join(), e.ports.join()])).toEqual([[15, '10.0.0.10/32', '443']])
    expect(r.stats.understood).toBe(r.stats.lines)
  })
})
