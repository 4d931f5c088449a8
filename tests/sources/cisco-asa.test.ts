import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import type {ExposureJson} from '../../src/model/exposure.js'
import {parseReport} from '../../src/report/parse-report.js'
import {parseText} from '../../src/sources/load.js'
import {ciscoAsa} from '../../src/sources/cisco-asa.js'
import {ciscoIos} from '../../src/sources/cisco-ios.js'
import {CORPUS, corpusFiles, goldenPath, parseCorpusFile, parseFixture, reportText} from '../helpers/sources.js'

const TYPE = 'cisco-asa'
const find = (xs: ExposureJson[], pred: (e: ExposureJson) => boolean) => xs.filter(pred)

describe('cisco-asa fixtures', () => {
  it('edge.cfg: ACLs, object NAT, twice NAT, management and VPN listeners', async () => {
    const r = await parseFixture(TYPE, 'edge.cfg')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'edge.cfg'))
    const e = r.exposures
    // object-group of ports on the real (post-8.3) address of the web server
    expect(find(e, (x) => x.rule === 'outside_in#2' && x.to.join() === '172.16.10.10/32' && x.ports.join() === '80,443,8080-8081')).toHaveLength(1)
    // deny tcp/23 above shadows telnet: the range rule keeps 24-25, the last rule is gone
    expect(find(e, (x) => x.rule === 'outside_in#3')[0].ports).toEqual(['24-25'])
    expect(find(e, (x) => x.rule === 'outside_in#10')).toHaveLength(0)
    // inactive ACE: no tcp/3306 anywhere
    expect(find(e, (x) => x.ports.includes('3306'))).toHaveLength(0)
    // nat-forward: public address → real, with the port translation
    const bastion = find(e, (x) => x.kind === 'nat-forward' && x.to.join() === '203.0.113.11/32')[0]
    expect(bastion.translated).toEqual({to: ['172.16.10.22/32'], ports: ['22']})
    expect(bastion.ports).toEqual(['2222'])
    // the web server's NAT is open as far as outside_in passes its real address (8.3+), each piece naming its ACE
    const byAce = (x: ExposureJson) => `${String(x.filter?.line).padStart(4, '0')} ${x.protocol}`
    expect(find(e, (x) => x.kind === 'nat-forward' && x.line === 58).sort((a, b) => (byAce(a) < byAce(b) ? -1 : 1)).map((x) => [x.protocol, x.ports.join(), x.filter?.rule])).toEqual([
      ['tcp', '80,443,8080-8081', 'outside_in#2'],
      ['tcp', '24-25', 'outside_in#3'],
      ['udp', '161', 'outside_in#5'],
      ['esp', '', 'outside_in#8'],
      ['gre', '', 'outside_in#8'],
      ['tcp', '8443', 'outside_in#9'],
    ])
    // twice NAT to the app (tcp/443 real) and the pure destination NAT: outside_in passes no tcp/443 to 10.1.20.5
    expect(r.doubts?.map((d) => [d.code, d.line])).toEqual([['nat-dead', 138], ['nat-dead', 142]])
    // VPN listeners and management on the interface addresses
    expect(find(e, (x) => x.kind === 'vpn-listener' && x.protocol === 'udp' && x.ports.join() === '500,4500')[0].from).toEqual(['192.0.2.200/32'])
    expect(find(e, (x) => x.rule === 'http inside')[0].ports).toEqual(['8443'])
    expect(find(e, (x) => x.rule === 'http outside')[0].from).toEqual(['0.0.0.0/0'])
    // the default route makes the security-level permit toward outside reach any IPv4 address
    expect(find(e, (x) => x.rule === 'security-level inside->outside')[0].to[0]).toBe('0.0.0.0/0')
    expect(find(e, (x) => x.rule === 'crypto ikev2 client-services outside')[0].ports).toEqual(['443'])
    expect(find(e, (x) => x.rule.startsWith('security-level inside->outside'))[0].notes?.[0]).toMatch(/security-level default permit/)
    // shut interface contributes nothing
    expect(find(e, (x) => !!x.interfaces?.in?.includes('mgmt'))).toHaveLength(0)
    expect(r.unparsed).toEqual([])
    expect(reportText(r)).not.toMatch(/S3cr3t-PLANTED/)
  })

  it('acl-warnings.cfg: exact unparsed lines and reasons; unknown deny does not shadow', async () => {
    const r = await parseFixture(TYPE, 'acl-warnings.cfg')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'acl-warnings.cfg'))
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [10, "network object 'no-such-object' is not defined"],
      [14, 'port-object needs a group typed tcp, udp or tcp-udp'],
      [16, "unknown port 'not-a-port'"],
      [18, "object or group 'no-such-group' is not defined"],
      [21, "unknown access-list option 'frobnicate'"],
      [26, "unknown command 'frobnicate'"],
      [28, "NAT object 'ghost-real' is not defined"],
    ])
    expect(find(r.exposures, (x) => x.to.join() === '198.51.100.10/32' && x.ports.join() === '22')).toHaveLength(1)
    expect(find(r.exposures, (x) => x.to.join() === '198.51.100.11/32')[0].notes?.join()).toMatch(/unknown option 'frobnicate'/)
    expect(find(r.exposures, (x) => x.to.join() === '198.51.100.12/32')[0].from_sets).toEqual(['no-such-object'])
    expect(r.stats.lines - r.stats.understood).toBe(7)
  })
})

describe('cisco-asa legacy (pre-8.3)', () => {
  it('legacy-pix.cfg: static/global/nat (if) forms, PIX 6 ACL syntax, conduit reported', async () => {
    const r = await parseFixture(TYPE, 'legacy-pix.cfg')
    await expect(JSON.stringify(r, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'legacy-pix.cfg'))
    const statics = find(r.exposures, (x) => x.kind === 'nat-forward')
    // before 8.3 the ACL names the mapped address: smtp and domain to the mail server, 3389 on the interface
    expect(statics.map((x) => [x.to.join(), x.translated?.to?.join(), x.protocol, x.ports.join(), x.filter?.line])).toEqual([
      ['198.51.100.25/32', '10.0.0.25/32', 'tcp', '25', 21],
      ['198.51.100.25/32', '10.0.0.25/32', 'udp', '53', 24],
      ['198.51.100.2/32', '10.0.0.40/32', 'tcp', '3389', 22],
    ])
    expect(statics[0].from).toEqual(['0.0.0.0/0'])
    // `access-list X permit …` without `extended`
    expect(find(r.exposures, (x) => x.rule === 'outside_access_in#3')[0].ports).toEqual(['53'])
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([[40, "PIX 6 'conduit' access rules are not supported; convert them to access-lists"]])
  })
})

describe('cisco-asa global ACL', () => {
  const cfg = [
    'ASA Version 9.14(1)',
    'interface GigabitEthernet0/0',
    ' nameif outside',
    ' security-level 0',
    ' ip address 192.0.2.1 255.255.255.0',
    'interface GigabitEthernet0/1',
    ' nameif dmz',
    ' security-level 50',
    ' ip address 172.16.0.1 255.255.255.0',
    'access-list outside_in extended deny tcp any any eq 22',
    'access-list GLOBAL extended permit tcp any host 172.16.0.10 eq 22',
    'access-list GLOBAL extended permit tcp any host 172.16.0.10 eq 443',
    'access-group outside_in in interface outside',
    'access-group GLOBAL global',
  ].join('\n')
  it('interface rules come first, then global rules, then the implicit deny', async () => {
    const r = parseReport(await parseText(cfg, 'global.cfg', TYPE))
    const filters = r.exposures.filter((x) => x.rule.startsWith('GLOBAL'))
    // outside: its own deny tcp/22 shadows the global ssh permit
    expect(filters.filter((x) => x.interfaces?.in?.includes('outside')).map((x) => x.ports.join())).toEqual(['443'])
    // dmz has no ACL of its own: the global rules apply as they are, no security-level default
    expect(filters.filter((x) => x.interfaces?.in?.includes('dmz')).map((x) => x.ports.join())).toEqual(['22', '443'])
    expect(r.exposures.filter((x) => x.rule.startsWith('security-level'))).toHaveLength(0)
  })
})

describe('cisco-asa corpus', () => {
  const files = corpusFiles(TYPE)
  // files whose permits cannot become exposures, with the reason
  const NO_EXPOSURES: Record<string, string> = {
    'batfish-unit-asa_nat.cfg': 'syntax-coverage file: every NAT names objects that are not defined in it',
  }
  if (!files.length) it.skip(`no corpus at ${CORPUS}`, () => {})
  for (const f of files) {
    it(`parses ${f.slice(CORPUS.length + 1)}`, async () => {
      const r = await parseCorpusFile(TYPE, f)
      expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
      for (const u of r.unparsed) {
        expect(u.line).toBeGreaterThan(0)
        expect(u.reason).not.toBe('')
      }
      const known = NO_EXPOSURES[f.split('/').pop() ?? '']
      // a static NAT no ACL passes is a nat-dead doubt, not an exposure
      if (!known && /(access-list .* permit|nat .*static)/.test(readFileSync(f, 'utf8'))) expect(r.exposures.length + (r.doubts?.length ?? 0)).toBeGreaterThan(0)
    })
  }

  it('reads the exposures verified by hand', async () => {
    if (!files.length) return
    const filters = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'batfish-asa-filters.cfg'))
    // access-group FILTER_IN4 in interface name4: tcp/123 from any
    expect(find(filters.exposures, (x) => x.rule === 'FILTER_IN4#1' && x.interfaces?.in?.[0] === 'name4' && x.ports.join() === '123')).toHaveLength(1)
    // FILTER_OUT5 is an egress filter
    expect(find(filters.exposures, (x) => x.rule === 'FILTER_OUT5#1')[0].direction).toBe('outbound')
    const nat = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'batfish-asa-nat-object-static.cfg'))
    // object source-real-2 (2.2.2.0/29) static to source-mapped-2 (192.168.2.0/29), mapped side inside:
    // inside (level 100) has no ACL, so the security-level permit toward outside (its real side) passes it
    const fwd = find(nat.exposures, (x) => x.kind === 'nat-forward' && x.to.join() === '192.168.2.0/29')[0]
    expect(fwd.translated?.to).toEqual(['2.2.2.0/29'])
    expect(fwd.interfaces?.in).toEqual(['inside'])
    expect(fwd.filter).toEqual({line: 6, rule: 'security-level inside->outside'})
    // the others arrive on a level-0 interface without an ACL (or leave by no route): dead
    expect(nat.doubts?.map((d) => [d.code, d.effect, d.line])).toEqual([['nat-dead', 'dead', 34], ['nat-dead', 'dead', 38], ['nat-dead', 'dead', 40]])
    const twice = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'batfish-asa-nat-twice-static.cfg'))
    // no interface and no ACL in the file: every twice NAT is dead (tests/sources/nat-order.test.ts has the peer)
    expect(twice.doubts?.map((d) => d.line)).toEqual([36, 37, 38, 42, 43, 44])
    const groups = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'batfish-unit-asa_object_groups.cfg'))
    expect(groups.exposures[0].to).toEqual(['192.168.126.64/32'])
  })
})

describe('cisco-asa detection', () => {
  it('scores its own files highest', () => {
    for (const f of [...corpusFiles(TYPE), join(__dirname, '../fixtures/sources/cisco-asa/edge.cfg')]) {
      const head = readFileSync(f, 'utf8').slice(0, 65536)
      expect(ciscoAsa.detect(head, f)).toBeGreaterThan(ciscoIos.detect(head, f))
    }
  })
  it('scores other vendors low', () => {
    for (const dir of ['cisco-ios', 'iptables', 'junos', 'fortios']) {
      for (const f of corpusFiles(dir).slice(0, 3)) {
        expect(ciscoAsa.detect(readFileSync(f, 'utf8').slice(0, 65536), f)).toBeLessThan(0.5)
      }
    }
  })
})

describe('cisco-asa: what a later command replaces', () => {
  const base = ['ASA Version 9.12(4)', 'interface GigabitEthernet0/0', ' nameif outside', ' security-level 0', ' ip address 192.0.2.1 255.255.255.0', 'interface GigabitEthernet0/1', ' nameif inside', ' security-level 100', ' ip address 10.0.0.1 255.255.255.0']
  const parse = (lines: string[]) => parseText([...base, ...lines].join('\n'), 'r.cfg', TYPE)

  it('an interface holds one ACL per direction: the later access-group replaces the earlier (Cisco ASA CLI guide)', async () => {
    const r = await parse([
      'access-list OLD extended permit tcp any any eq 23',
      'access-list NEW extended permit tcp any any eq 22',
      'access-group OLD out interface inside',
      'access-group NEW out interface inside',
      'access-group NEW out interface inside',
      // refused by the ASA (no such ACL): the binding in force stays NEW
      'access-group MISSING out interface inside',
    ])
    const out = r.exposures.filter((e) => e.direction === 'outbound' && e.rule !== undefined && /^(OLD|NEW)#/.test(e.rule))
    expect(out.map((e) => [e.rule, e.ports.toStrings().join()])).toEqual([['NEW#1', '22']])
    expect(r.unparsed.map((u) => [u.line, u.code])).toEqual([[15, 'undefined-reference']])
    expect(r.stats.understood).toBe(r.stats.lines - 1)
  })

  it('an object holds one NAT: the last `nat` under the object is the one in force', async () => {
    const r = await parse([
      'object network WEB',
      ' host 10.0.0.10',
      ' nat (inside,outside) static 203.0.113.10',
      'object network WEB',
      ' nat (inside,outside) static 203.0.113.20',
      'access-list IN extended permit tcp any host 10.0.0.10 eq 443',
      'access-group IN in interface outside',
    ])
    const nat = r.exposures.filter((e) => e.kind === 'nat-forward')
    expect(nat.map((e) => [e.line, e.to.toCidrs().join()])).toEqual([[14, '203.0.113.20/32']])
  })

  it('a NAT rule word for word the same as an earlier one never translates: one forward, from the first line', async () => {
    const twice = 'nat (inside,outside) source static WEB WEB-PUB'
    const r = await parse([
      'object network WEB',
      ' host 10.0.0.10',
      'object network WEB-PUB',
      ' host 203.0.113.10',
      twice,
      'access-list IN extended permit tcp any host 10.0.0.10 eq 443',
      'access-list IN extended permit tcp any host 10.0.0.10 eq 443',
      'access-group IN in interface outside',
      twice,
    ])
    const nat = r.exposures.filter((e) => e.kind === 'nat-forward')
    // both ACEs pass it (each allow is its own access point); the repeated NAT line adds nothing
    expect(nat.map((e) => [e.line, e.filter?.rule])).toEqual([[14, 'IN#1'], [14, 'IN#2']])
    expect(r.unparsed).toEqual([])
    expect(r.stats.understood).toBe(r.stats.lines)
  })
})

describe('cisco-asa bad input', () => {
  it('truncated config: no throw, partial lines reported', async () => {
    const text = readFileSync(join(__dirname, '../fixtures/sources/cisco-asa/edge.cfg'), 'utf8')
    const r = await parseText(text.slice(0, text.indexOf('access-list outside_in extended permit tcp any object web-srv') + 40), 'cut.cfg', TYPE)
    expect(r.unparsed.length).toBeGreaterThan(0)
  })
  it('another vendor file with --type cisco-asa: refused naming the better type, never a crash', async () => {
    const f = corpusFiles('iptables')[0]
    if (!f) return
    // a forced type that understands almost nothing of what detection calls iptables: refused, naming it
    const err = await parseText(readFileSync(f, 'utf8'), 'x', TYPE).catch((e: unknown) => e)
    expect(isIrmError(err) && err.code === 'CONFIG_WRONG_FORMAT' && err.message).toMatch(/looks like iptables/)
  })
  it('JSON is refused with an IrmError', async () => {
    await expect(parseText('{"a": 1}', 'x.json', TYPE)).rejects.toSatisfy(isIrmError)
  })
  it('binary-ish junk does not throw', async () => {
    const junk = Array.from({length: 2000}, (_, i) => String.fromCharCode(1 + ((i * 7919) % 250))).join('')
    const r = await parseText(junk, 'junk', TYPE)
    expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
  })
  it('10^4 ACEs parse quickly', async () => {
    const lines = ['ASA Version 9.12', 'interface G0/0', ' nameif outside', ' security-level 0', ' ip address 192.0.2.1 255.255.255.0']
    for (let i = 0; i < 10000; i++) lines.push(`access-list big extended ${i % 3 ? 'permit' : 'deny'} tcp any host 10.${(i >> 8) & 255}.${i & 255}.1 eq ${1 + (i % 1000)}`)
    lines.push('access-group big in interface outside')
    const t = Date.now()
    const r = await parseText(lines.join('\n'), 'big.cfg', TYPE)
    expect(r.exposures.length).toBeGreaterThan(1000)
    expect(Date.now() - t).toBeLessThan(30000)
  })
})

describe('cisco-asa secrets', () => {
  it('secrets.cfg: nothing planted comes out, even from echoed unparsed lines', async () => {
    const r = await parseFixture(TYPE, 'secrets.cfg')
    expect(r.unparsed.map((u) => u.line)).toEqual([28, 29, 30, 31, 32, 33])
    expect(reportText(r)).not.toMatch(/PLANTED/)
    expect(find(r.exposures, (x) => x.rule === 'snmp outside')[0].text).toBe('snmp-server host outside 192.0.2.9 community <redacted>')
  })
})
