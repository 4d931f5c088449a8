/**
 * Parser fidelity on configs written elsewhere (issue #17): input decoding, detection, forced types,
 * and each construct's fixture (documented syntax) with its `-warnings` twin (exact unparsed lines).
 */
import {spawnSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import {liveRequests, loadLive} from '../../src/diff/live.js'
import {parseReport} from '../../src/report/parse-report.js'
import {decodeInput, sniffEncoding} from '../../src/sources/input.js'
import {loadConfig, loadConfigs, parseText} from '../../src/sources/load.js'
import {detectParser} from '../../src/sources/registry.js'
import {FIXTURES, parseFixture, ROOT} from '../helpers/sources.js'

const fixture = (type: string, name: string) => readFileSync(join(FIXTURES, type, name), 'utf8')
const lines = (r: {unparsed: Array<{line: number; reason: string}>}) => r.unparsed.map((u) => [u.line, u.reason])

describe('input reader: UTF-8 and UTF-16', () => {
  const text = 'hostname edge\r\n! café\r\n'
  it('decodes UTF-16 LE/BE with a BOM and without one, UTF-8 with and without BOM', () => {
    const le = Buffer.from(text, 'utf16le')
    const be = Buffer.from(le).swap16()
    expect(decodeInput(Buffer.concat([Buffer.from([0xff, 0xfe]), le]), 'x')).toBe(text)
    expect(decodeInput(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), 'x')).toBe(text)
    expect(decodeInput(le, 'x')).toBe(text)
    expect(decodeInput(be, 'x')).toBe(text)
    expect(decodeInput(Buffer.from('\ufeff' + text), 'x')).toBe(text)
    expect(decodeInput(Buffer.from(text), 'x')).toBe(text)
    expect(sniffEncoding(le)).toEqual({encoding: 'utf-16le', bom: 0})
    expect(sniffEncoding(be)).toEqual({encoding: 'utf-16be', bom: 0})
  })

  it('from disk: a UTF-16 LE export without BOM is detected and parsed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irm-u16-'))
    try {
      const path = join(dir, 'edge.cfg')
      writeFileSync(path, Buffer.from(fixture('cisco-asa', 'edge.cfg'), 'utf16le'))
      const r = await loadConfig(path, {displayPath: 'edge.cfg'})
      expect(r.type).toBe('cisco-asa')
      expect(r.unparsed).toEqual((await parseFixture('cisco-asa', 'edge.cfg')).unparsed)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('binary junk and bad UTF-8 are still refused with a line', () => {
    const junk = Buffer.from([0x41, 0x0a, 0x42, 0x00, 0x00, 0x07, 0x00, 0xff, 0x10, 0x00])
    expect(() => decodeInput(junk, 'x')).toThrow(/binary file/)
    try {
      decodeInput(Buffer.from([0x61, 0x0a, 0x62, 0x0a, 0xc3, 0x28]), 'bad.cfg')
      expect.unreachable()
    } catch (e) {
      expect(isIrmError(e) && e.code === 'INPUT_ENCODING' && e.line === 3).toBe(true)
    }
  })

  it('a UTF-16 export (PowerShell `>`) parses like its UTF-8 original', async () => {
    const original = fixture('cisco-asa', 'edge.cfg')
    const utf16 = decodeInput(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(original, 'utf16le')]), 'edge.cfg')
    const a = await parseText(original, 'edge.cfg')
    const b = await parseText(utf16, 'edge.cfg')
    expect(b.type).toBe('cisco-asa')
    expect(b.exposures.length).toBe(a.exposures.length)
    expect(b.unparsed).toEqual(a.unparsed)
  })
})

describe('detection', () => {
  it('IOS without a version line: ipv6 access-list, vrf definition, ip ssh', () => {
    expect(detectParser(fixture('cisco-ios', 'route-map-local-pref.cfg'), 'x').type).toBe('cisco-ios')
    expect(detectParser('crypto map VPN 10 ipsec-isakmp\n set peer 192.0.2.1\n', 'x').type).toBe('cisco-ios')
  })

  it('Junos: a RANCID header, and chassis cluster node groups', () => {
    expect(detectParser('#RANCID-CONTENT-TYPE: juniper\n#\n# Chassis 1\n', 'x').type).toBe('junos')
    expect(detectParser('set groups node0 system host-name fw-a\nset groups node1 system host-name fw-b\n', 'x').type).toBe('junos')
  })
})

describe('a wrongly forced type', () => {
  it('junos on an IOS config (route-map `set` lines) exits 2 naming cisco-ios', async () => {
    const err = await parseText(fixture('cisco-ios', 'route-map-local-pref.cfg'), 'pe.cfg', 'junos').catch((e: unknown) => e)
    expect(isIrmError(err) && err.code).toBe('CONFIG_WRONG_FORMAT')
    expect(isIrmError(err) && err.exitCode).toBe(2)
    expect(String((err as Error).message)).toMatch(/looks like cisco-ios/)
    expect(isIrmError(err) && err.hint).toMatch(/--type cisco-ios/)
  })

  it('a forced type that understands the file stands, even when detection would pick another', async () => {
    const r = await parseText(fixture('cisco-ios', 'route-map-local-pref.cfg'), 'pe.cfg', 'cisco-ios')
    expect(r.type).toBe('cisco-ios')
  })
})

describe('openvpn: client-cert-not-required', () => {
  it('is the old spelling of verify-client-cert none: the listener carries the doubt', async () => {
    const r = await parseFixture('openvpn', 'client-cert-not-required.conf')
    expect(r.unparsed).toEqual([])
    const listener = r.exposures.find((e) => e.kind === 'vpn-listener')
    expect(listener).toMatchObject({protocol: 'udp', ports: ['1194']})
    expect(listener?.notes).toContain('client-cert-not-required: clients may connect without a certificate')
  })

  it('warnings: a stray argument', async () => {
    const r = await parseFixture('openvpn', 'client-cert-not-required-warnings.conf')
    expect(lines(r)).toEqual([[6, 'client-cert-not-required takes no argument']])
  })
})

describe('iptables: dccp, ipcomp, SYNPROXY options, recent --mask', () => {
  it('reads every option; dccp has ports, ipcomp is protocol 108', async () => {
    const r = await parseFixture('iptables', 'synproxy-dccp.rules')
    expect(r.unparsed).toEqual([])
    expect(r.stats).toEqual({lines: 17, understood: 17})
    const input = r.exposures.filter((e) => e.rule.startsWith('INPUT'))
    expect(input.map((e) => [e.rule, e.protocol, e.from, e.ports])).toEqual([
      ['INPUT#3', '33', ['0.0.0.0/0'], ['5004']],
      ['INPUT#4', '108', ['198.51.100.7/32'], []],
      // the recent --update drop only hits repeat offenders: ssh stays open
      ['INPUT#7', 'tcp', ['0.0.0.0/0'], ['22']],
    ])
    expect(input[0].notes).toEqual(['only when dccp packet types REQUEST'])
  })

  it('warnings: exact unparsed lines', async () => {
    const r = await parseFixture('iptables', 'synproxy-dccp-warnings.rules')
    expect(lines(r)).toEqual([
      [6, "unknown option '--window'"],
      [7, "--dport '70000' is not a port list"],
      [8, "protocol 'ipcomp2' unknown"],
    ])
    expect(r.exposures.find((e) => e.line === 9)).toMatchObject({protocol: '33', ports: ['5004']})
  })
})

describe('cisco-asa: non-contiguous masks', () => {
  it('exact up to 4,096 ranges, else the covering range with a broader doubt', async () => {
    const r = await parseFixture('cisco-asa', 'noncontiguous-mask.cfg')
    expect(r.unparsed).toEqual([])
    const acl = (n: number) => r.exposures.find((e) => e.rule === `outside_in#${n}`)!
    expect(acl(1)).toMatchObject({from: ['128.168.0.0/25', '192.168.0.0/25'], to: ['198.51.100.10/32'], ports: ['22']})
    expect(acl(1).notes).toBeUndefined()
    expect(acl(2).from).toEqual(Array.from({length: 256}, (_, k) => `10.${k}.5.0/24`))
    expect(acl(3).from[0]).toBe('0.0.0.0/1')
    expect(acl(3).from.at(-1)).toBe('170.170.170.170/32')
    expect(acl(3).notes).toEqual(['non-contiguous mask 0.0.0.0 85.85.85.85 has too many combinations: read as the covering range 0.0.0.0-170.170.170.170 (broader)'])
    expect(acl(4).notes).toEqual(acl(3).notes)
    expect(acl(4).from).toEqual(acl(3).from)
    expect(acl(5).from).toEqual(acl(2).from)
    expect(acl(5).notes).toBeUndefined()
  })

  it('warnings: a bad mask is reported; a broad deny hides nothing', async () => {
    const r = await parseFixture('cisco-asa', 'noncontiguous-mask-warnings.cfg')
    expect(lines(r)).toEqual([[10, "cannot read address '10.0.0.0 255.0.300.0'"]])
    expect(r.exposures.find((e) => e.rule === 'outside_in#2')).toMatchObject({from: ['0.0.0.0/0', '::/0'], ports: ['443']})
  })
})

describe('cisco-ios (NX-OS spelling): object-group ip address / ip port / protocol, addrgroup, portgroup', () => {
  it('expands every group where the ACE names it', async () => {
    const r = await parseFixture('cisco-ios', 'nxos-object-groups.cfg')
    expect(r.unparsed).toEqual([])
    const web = ['192.0.2.10/32', '192.0.2.32/27', '198.51.100.0/28']
    const ace = (seq: number) => r.exposures.filter((e) => e.rule === `EDGE-IN#${seq}`)
    expect(ace(10)).toMatchObject([{protocol: 'tcp', from: ['0.0.0.0/0'], to: web, ports: ['443', '8080-8081']}])
    expect(ace(20)).toMatchObject([{protocol: 'tcp', to: ['192.0.2.99/32'], ports: ['22'], source_ports: ['443', '8080-8081']}])
    expect(ace(30).map((e) => [e.protocol, e.from.join(), e.to.join()])).toEqual([
      ['esp', '203.0.113.1/32', web.join()],
      ['gre', '203.0.113.1/32', web.join()],
    ])
  })

  it('warnings: exact unparsed lines', async () => {
    const r = await parseFixture('cisco-ios', 'nxos-object-groups-warnings.cfg')
    expect(lines(r)).toEqual([
      [7, "cannot read network group entry '192.0.2.300/28'"],
      [10, "cannot read port group entry 'between'"],
      [13, "unknown protocol 'frob'"],
      [16, "port group 'NO-SUCH-PORTS' is not defined"],
    ])
    expect(r.exposures.map((e) => [e.rule, e.protocol, e.to.join(), e.ports.join()])).toEqual([
      ['EDGE-IN#20', 'tcp', '192.0.2.10/32', '443'],
      ['EDGE-IN#30', 'esp', '192.0.2.10/32', ''],
    ])
  })
})

describe('fortios: table edits of a CLI script replayed in order', () => {
  it('move before/after, delete, rename, clone', async () => {
    const r = await parseFixture('fortios', 'rule-order.conf')
    expect(r.unparsed).toEqual([])
    // allow-ssh moved above block-ssh: ssh is open; old-allow-all deleted; 2 renamed 20; 21 a clone serving http
    expect(r.exposures.map((e) => [e.rule, e.line, e.protocol, e.to.join(), e.ports.join()])).toEqual([
      ['policy 20', 26, 'tcp', '10.0.0.80/32', '443'],
      ['policy 3', 36, 'tcp', '10.0.0.80/32', '22'],
      ['policy 21', 62, 'tcp', '10.0.0.80/32', '80'],
    ])
  })

  it('the moves decide: without them block-ssh would hide allow-ssh', async () => {
    const text = fixture('fortios', 'rule-order.conf').replace('    move 3 before 1\n', '')
    const r = await parseText(text, 'x.conf', 'fortios')
    expect(r.exposures.some((e) => e.rule === 'policy 3')).toBe(false)
  })

  it('warnings: exact unparsed lines', async () => {
    const r = await parseFixture('fortios', 'rule-order-warnings.conf')
    expect(lines(r)).toEqual([
      [26, "move: no entry '9' in 'config firewall policy'"],
      [27, 'move needs ENTRY before|after ENTRY'],
      [28, "clone: entry '2' already exists in 'config firewall policy'"],
      [29, 'rename needs ENTRY to NAME'],
      [30, "delete: no entry '7' in 'config firewall policy'"],
      [32, "'delete' outside a config block"],
    ])
    expect(r.exposures.map((e) => e.rule)).toEqual(['policy 1', 'policy 2'])
  })
})

describe('panos: set-form rule moves replayed in order', () => {
  it('move top, before, after, bottom', async () => {
    const r = await parseFixture('panos', 'rule-order.set')
    expect(r.unparsed).toEqual([])
    expect(r.stats).toEqual({lines: 17, understood: 17})
    // final order: allow-ssh, allow-web, block-ssh, deny-all, catch-all, allow-dns
    const rules = r.exposures.filter((e) => e.rule.includes('security rule')).map((e) => [e.rule, e.protocol, e.ports.join()])
    expect(rules).toEqual([
      ['vsys1 security rule "allow-ssh"', 'tcp', '22'],
      ['vsys1 security rule "allow-web"', 'tcp', '443'],
    ])
  })

  it('without the moves the same rules give the opposite answer', async () => {
    const text = fixture('panos', 'rule-order.set').replace(/^move .*$/gm, '')
    const r = await parseText(text, 'x.set', 'panos')
    const names = [...new Set(r.exposures.filter((e) => e.rule.includes('security rule')).map((e) => e.rule))]
    expect(names).toEqual(['vsys1 security rule "allow-dns"', 'vsys1 security rule "catch-all"'])
  })

  it('warnings: exact unparsed lines; `!` comments are comments', async () => {
    const r = await parseFixture('panos', 'rule-order-warnings.set')
    expect(lines(r)).toEqual([
      [7, "move: no 'no-such-rule' under 'rulebase security rules'"],
      [8, "move: no 'no-such-rule' under 'rulebase security rules'"],
      [9, 'move needs PATH NAME top|bottom|before NAME|after NAME'],
      [10, 'move needs PATH NAME top|bottom|before NAME|after NAME'],
    ])
  })
})

describe('junos: apply-groups at every level, apply-groups-except, wildcards; insert', () => {
  it('inherits where applied, nowhere else', async () => {
    const r = await parseFixture('junos', 'apply-groups.set')
    expect(r.unparsed).toEqual([])
    expect(r.stats).toEqual({lines: 21, understood: 21})
    expect(r.exposures.map((e) => [e.line, e.rule, e.protocol, e.to.join(), e.ports.join()])).toEqual([
      // top-level ZONE-DEFAULTS: ping in every zone (<*>) except untrust (apply-groups-except)
      [4, 'security-zone trust host-inbound-traffic system-services ping', 'icmp', '10.0.0.1/32', ''],
      // the WAN-UNIT address reached ge-0/0/0 only (applied at that interface); MGMT's telnet stayed out (applied under system)
      [17, 'security-zone untrust host-inbound-traffic system-services ssh', 'tcp', '203.0.113.2/32', '22'],
      // insert … before: allow-ssh now precedes deny-ssh
      [22, 'from-zone untrust to-zone trust policy allow-ssh', 'tcp', '10.0.0.80/32', '22'],
    ])
  })

  it('without the insert, deny-ssh hides allow-ssh', async () => {
    const r = await parseText(fixture('junos', 'apply-groups.set').replace(/^insert .*$/m, ''), 'x.set', 'junos')
    expect(r.exposures.some((e) => e.rule.endsWith('policy allow-ssh'))).toBe(false)
  })

  it('warnings: exact unparsed lines (an inherited statement is reported at its group line)', async () => {
    const r = await parseFixture('junos', 'apply-groups-warnings.set')
    expect(lines(r)).toEqual([
      [3, "system service 'frobnicate' not modelled"],
      [7, "insert: no 'nope' under 'security policies from-zone untrust to-zone trust policy'"],
      [8, 'insert needs PATH NAME before|after KEYWORD NAME'],
    ])
  })
})

describe('nftables: NAT maps and concatenations', () => {
  it('concatenated DNAT maps (named and anonymous), port maps, numgen/jhash load balancing, tuple sets', async () => {
    const r = await parseFixture('nftables', 'nat-maps.nft')
    expect(r.unparsed.map((u) => u.line)).toEqual([45])
    const row = (e: (typeof r.exposures)[number]) => [e.line, e.protocol, e.from.join(), e.to.join(), e.ports.join(), e.translated?.to?.join() ?? '', e.translated?.ports?.join() ?? '']
    expect(r.exposures.filter((e) => e.kind === 'nat-forward').map(row)).toEqual([
      [20, 'tcp', '0.0.0.0/0', '203.0.113.10/32', '443', '10.0.0.10/32', '8443'],
      [20, 'tcp', '0.0.0.0/0', '203.0.113.10/32', '80', '10.0.0.10/32', '8080'],
      [21, 'tcp', '0.0.0.0/0', '203.0.113.11/32', '25', '10.0.0.25/32', '25'],
      [22, 'tcp', '0.0.0.0/0', '0.0.0.0/0', '8080', '10.0.0.20/32', ''],
      [22, 'tcp', '0.0.0.0/0', '0.0.0.0/0', '8443', '10.0.0.21/32', ''],
      [23, 'tcp', '0.0.0.0/0', '0.0.0.0/0', '5000', '10.0.0.51/32', ''],
      [23, 'tcp', '0.0.0.0/0', '0.0.0.0/0', '5000', '10.0.0.52/32', ''],
      [24, 'udp', '0.0.0.0/0', '0.0.0.0/0', '5060', '10.0.0.61/32', ''],
      [24, 'udp', '0.0.0.0/0', '0.0.0.0/0', '5060', '10.0.0.62/32', ''],
    ])
    expect(r.exposures.find((e) => e.line === 23)?.notes).toContain('load-balanced (numgen inc mod 2): one of 2 backends')
    expect(r.exposures.filter((e) => e.line === 43 || e.line === 44).map(row)).toEqual([
      [43, 'tcp', '198.51.100.7/32', '0.0.0.0/0', '22', '', ''],
      [43, 'tcp', '198.51.100.8/32', '0.0.0.0/0', '2222', '', ''],
      [44, 'tcp', '192.0.2.1/32', '0.0.0.0/0', '25', '', ''],
      [44, 'tcp', '192.0.2.2/32', '0.0.0.0/0', '587', '', ''],
    ])
  })

  it('nft -j: the same concatenations and maps read from JSON give the same permits', async () => {
    const j = await parseFixture('nftables', 'nat-maps.json')
    const t = await parseFixture('nftables', 'nat-maps.nft')
    expect(j.unparsed).toEqual([])
    const rows = (r: typeof j, rules: string[]) =>
      r.exposures.filter((e) => rules.includes(e.rule)).map((e) => [e.rule, e.protocol, e.from.join(), e.to.join(), e.ports.join(), e.translated?.to?.join() ?? '', e.translated?.ports?.join() ?? ''])
    expect(rows(j, ['ip nat prerouting#1', 'ip nat prerouting#2'])).toEqual(rows(t, ['ip nat prerouting#1', 'ip nat prerouting#4']).map((r) => [r[0] === 'ip nat prerouting#4' ? 'ip nat prerouting#2' : r[0], ...r.slice(1)]))
    expect(rows(j, ['inet filter input#2', 'inet filter input#3'])).toEqual(rows(t, ['inet filter input#3', 'inet filter input#4']).map((r) => [r[0] === 'inet filter input#3' ? 'inet filter input#2' : 'inet filter input#3', ...r.slice(1)]))
  })

  it('warnings: exact unparsed lines; mark/helper/secmark set are not reach', async () => {
    const r = await parseFixture('nftables', 'nat-maps-warnings.nft')
    expect(lines(r)).toEqual([
      [10, "map key '203.0.113.10' does not fit 'ip daddr . tcp dport'"],
      [11, "unknown map '@missing'"],
      [21, "negated concatenated match on 'ip saddr . tcp dport'"],
      [22, "unknown set '@nosuchset'"],
    ])
    // the negated tuple drop is opaque: the allow below it still opens ssh from 198.51.100.7
    expect(r.exposures.find((e) => e.line === 23)).toMatchObject({from: ['198.51.100.7/32'], ports: ['22']})
  })
})

describe('ignored on purpose: out-of-scope lines are understood, near misses are not', () => {
  it('cisco-asa: community-list, as-path, dns-group', async () => {
    const r = await parseFixture('cisco-asa', 'ignored-on-purpose.cfg')
    expect(r.unparsed).toEqual([])
    expect(r.stats).toEqual({lines: 13, understood: 13})
    const w = await parseFixture('cisco-asa', 'ignored-on-purpose-warnings.cfg')
    expect(lines(w)).toEqual([[10, "unknown command 'community-lists'"]])
  })

  it('strongswan: strongswan.conf sections; listener ports are reported', async () => {
    const r = await parseFixture('strongswan', 'strongswan-conf.conf')
    expect(r.unparsed).toEqual([])
    expect(r.exposures.find((e) => e.protocol === 'udp')?.ports).toEqual(['500', '4500'])
    const w = await parseFixture('strongswan', 'strongswan-conf-warnings.conf')
    expect(lines(w)).toEqual([
      [14, 'charon.port moves the IKE listener: not modelled (exposures show 500/4500)'],
      [15, 'charon.port_nat_t moves the IKE listener: not modelled (exposures show 500/4500)'],
      [17, "section 'charonn' not modelled (a strongswan.conf section?): its 2 lines are not read"],
    ])
  })

  it('nftables: ct helper set, secmark set (from a map, from meta), meta mark set … map', async () => {
    const r = await parseFixture('nftables', 'ignored-on-purpose.nft')
    expect(r.unparsed).toEqual([])
    // (#16: a family with no forward/output chain accepts there: those exposures are not this test's subject)
    expect(r.exposures.filter((e) => !e.rule.startsWith('no ')).map((e) => [e.rule, e.ports.join()])).toEqual([
      ['inet filter input#6', '21-22'],
      ['inet filter input#6', '21-22'],
    ])
    const w = await parseFixture('nftables', 'ignored-on-purpose-warnings.nft')
    expect(lines(w)).toEqual([[4, "unknown expression 'mapp'"]])
  })

  it('junos interface bandwidth and PAN-OS `!` comments', async () => {
    expect((await parseFixture('junos', 'apply-groups.set')).unparsed).toEqual([])
    const p = await parseFixture('panos', 'rule-order-warnings.set')
    expect(p.unparsed.some((u) => u.line === 11)).toBe(false)
  })
})

describe('include: resolved by the loader', () => {
  const INC = 'tests/fixtures/includes'
  const load = (rel: string, options: {type?: string; includeRoot?: string} = {}) =>
    loadConfig(join(ROOT, INC, rel), {...options, displayPath: `${INC}/${rel}`}).then(parseReport)

  it('nftables: relative and absolute (under the root) includes, globs in order; every exposure names its file', async () => {
    const r = await load('nftables/nftables.conf')
    expect(r.type).toBe('nftables')
    expect(r.unparsed).toEqual([])
    expect(r.stats).toEqual({lines: 13, understood: 13})
    const own = r.exposures.filter((e) => !e.rule.startsWith('no '))
    expect(own.map((e) => [e.file, e.line, e.rule, e.ports.join()])).toEqual([
      [`${INC}/nftables/etc/nftables.d/10-filter.nft`, 5, 'inet filter input#2', '22'],
      [`${INC}/nftables/etc/nftables.d/10-filter.nft`, 6, 'inet filter input#3', '80,443'],
      [`${INC}/nftables/etc/nftables.d/20-nat.nft`, 4, 'ip nat prerouting#1', '8080'],
    ])
    // the define from the relative include reached the rule in the absolute one
    expect(own[0].from).toEqual(['198.51.100.0/24'])
    expect(own[1].to).toEqual(['192.0.2.80/32'])
  })

  it('nftables warnings: missing file, leaving the root, a loop; an empty glob is fine', async () => {
    const r = await load('nftables-warnings/nftables.conf', {type: 'nftables'})
    expect(r.unparsed.map((u) => [u.file ?? '', u.line, u.reason])).toEqual([
      ['', 2, `include 'missing.nft': ${INC}/nftables-warnings/missing.nft not found under the include root`],
      ['', 3, "include '../nftables/defines.nft' leaves the include root: not read (set --include-root)"],
      [`${INC}/nftables-warnings/sub/loop.nft`, 1, `include loop: ${INC}/nftables-warnings/sub/loop.nft includes itself: not read again`],
      [`${INC}/nftables-warnings/sub/loop.nft`, 5, "unknown expression 'frobnicate'"],
    ])
  })

  it('strongswan: swanctl include inside a section and at the top', async () => {
    const r = await load('strongswan/swanctl.conf')
    expect(r.type).toBe('strongswan')
    expect(r.unparsed).toEqual([])
    expect(r.exposures.map((e) => [e.file, e.line, e.rule, e.protocol])).toEqual([
      [`${INC}/strongswan/conf.d/gw-gw.conf`, 3, 'gw-gw', 'esp'],
      [`${INC}/strongswan/conf.d/gw-gw.conf`, 3, 'gw-gw', 'udp'],
      [`${INC}/strongswan/conf.d/gw-gw.conf`, 13, 'gw-gw/net-net', 'any'],
    ])
  })

  it('strongswan warnings: ipsec.conf glob under the include root, a missing ipsec.conf.inc; a narrower root refuses the rest', async () => {
    const r = await load('strongswan-warnings/ipsec.conf', {type: 'strongswan'})
    expect(lines(r)).toEqual([[4, `include 'ipsec.conf.inc': ${INC}/strongswan-warnings/ipsec.conf.inc not found under the include root`]])
    expect(r.exposures.find((e) => e.rule === 'site-a' && e.protocol === 'udp')).toMatchObject({file: `${INC}/strongswan-warnings/etc/ipsec.d/site-a.conf`, line: 3})
    const narrow = await load('strongswan-warnings/ipsec.conf', {type: 'strongswan', includeRoot: join(ROOT, INC, 'strongswan-warnings/etc')})
    expect(lines(narrow)).toEqual([[4, "include 'ipsec.conf.inc' leaves the include root: not read (set --include-root)"]])
    expect(narrow.exposures.some((e) => e.rule === 'site-a')).toBe(false)
  })

  it('a symbolic link out of the root is refused; the CLI takes --include-root and names each file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irm-inc-'))
    try {
      mkdirSync(join(dir, 'root'))
      writeFileSync(join(dir, 'secret.nft'), 'table inet leak {\n}\n')
      symlinkSync(join(dir, 'secret.nft'), join(dir, 'root', 'link.nft'))
      writeFileSync(join(dir, 'root', 'main.nft'), 'include "link.nft"\ntable inet filter {\n}\n')
      const r = parseReport(await loadConfig(join(dir, 'root', 'main.nft'), {displayPath: 'root/main.nft'}))
      expect(lines(r)).toEqual([[1, "include 'link.nft': root/link.nft leaves the include root (symbolic link): not read"]])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
    const cli = spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), 'parse', `${INC}/strongswan-warnings/ipsec.conf`, '--type', 'strongswan', '--include-root', `${INC}/strongswan-warnings`, '--format', 'json'], {cwd: ROOT, encoding: 'utf8'})
    expect(cli.status).toBe(0)
    const doc = JSON.parse(cli.stdout) as {exposures: Array<{rule: string; file?: string}>; unparsed: Array<{line: number}>}
    expect(doc.exposures.find((e) => e.rule === 'site-a')?.file).toBe(`${INC}/strongswan-warnings/etc/ipsec.d/site-a.conf`)
    expect(doc.unparsed.map((u) => u.line)).toEqual([4])
  })

  it('a file without include lines reads as before; parseText alone never touches the disk', async () => {
    const r = await parseText('include "/etc/passwd"\ntable inet t {\n}\n', 'x.nft', 'nftables')
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([[1, 'include not followed: parse the included file too']])
  })
})

describe('gcp: hierarchical firewall policies', () => {
  const FALL = 'falls through the firewall policy to VPC firewall rules that are not in this input: effect unknown'

  it('a policy exported alone is detected; its allow is an exposure; what falls through is a doubt', async () => {
    const r = await parseFixture('gcp', 'hierarchical-policy.json', true)
    expect(r.type).toBe('gcp')
    expect(r.unparsed).toEqual([])
    expect(r.exposures.find((e) => e.rule === 'org-baseline priority 200')).toMatchObject({from: ['0.0.0.0/0'], protocol: 'tcp', ports: ['22']})
    const fall = r.exposures.filter((e) => e.rule === 'org-baseline fall-through')
    expect(fall.length).toBeGreaterThan(0)
    for (const e of fall) expect(e.notes).toEqual([FALL])
    // telnet is denied by the policy before anything else: not even a doubt
    const tcp4 = fall.find((e) => e.direction === 'inbound' && e.protocol === 'tcp' && e.from.includes('0.0.0.0/0'))
    expect(tcp4?.ports).toEqual(['1-22', '24-65535'])
  })

  it('policy + VPC rules of one device: the policy first, goto_next hands over, the VPC rules decide', async () => {
    const dir = join(FIXTURES, 'gcp')
    const r = parseReport(
      await loadConfigs([join(dir, 'hierarchical-policy.json'), join(dir, 'hierarchical-vpc-rules.json')], {
        displayPaths: ['live/org-policy.json', 'live/prod-rules.json'],
      }),
    )
    expect(r.type).toBe('gcp')
    expect(r.unparsed).toEqual([])
    const inbound = r.exposures.filter((e) => e.direction === 'inbound').map((e) => [e.file ?? r.file, e.rule, e.protocol, e.from.join(), e.ports.join()])
    expect(inbound).toEqual([
      ['live/org-policy.json', 'org-baseline priority 200', 'tcp', '0.0.0.0/0', '22'],
      // 443 via the explicit goto_next, 8080 via the default one; 23 is denied by the policy first
      ['live/prod-rules.json', 'web-in', 'tcp', '0.0.0.0/0', '443,8080'],
    ])
    expect(r.exposures.some((e) => e.notes?.includes(FALL))).toBe(false)
  })

  it('warnings: exact unparsed lines; a doubtful allow stays, an unknown action hides nothing', async () => {
    const r = await parseFixture('gcp', 'hierarchical-policy-warnings.json')
    expect(lines(r)).toEqual([
      [7, "not an address or CIDR: '10.300.0.0/16'"],
      [13, "unknown action 'teleport'"],
    ])
    expect(r.exposures.find((e) => e.rule === 'folder-broken priority 100')).toMatchObject({ports: ['22'], notes: ['part of this rule was not understood; exposure may be broader or narrower']})
  })
})

describe('diff: devices[].config as a list of files', () => {
  it('one live config per device, read together; a forced wrong type becomes an error naming the better type', async () => {
    const dir = join(FIXTURES, 'gcp')
    const devices = [
      {id: 'gcp-prod', config: ['hierarchical-policy.json', 'hierarchical-vpc-rules.json']},
      {id: 'gcp-wrong', config: 'hierarchical-vpc-rules.json', format: 'junos'},
    ]
    const live = await loadLive(liveRequests(devices, dir, []), dir, dir)
    expect(live.map((l) => [l.device, l.file, 'error' in l ? 'error' : l.type])).toEqual([
      ['gcp-prod', 'hierarchical-policy.json', 'gcp'],
      ['gcp-wrong', 'hierarchical-vpc-rules.json', 'error'],
    ])
    expect('error' in live[1] && live[1].error).toMatch(/it looks like gcp/)
    const prod = live[0]
    expect('exposures' in prod && prod.exposures.find((e) => e.rule === 'web-in')?.file).toBe('hierarchical-vpc-rules.json')
  })
})
