import {readFileSync} from 'node:fs'
import {basename} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import type {ExposureJson} from '../../src/model/exposure.js'
import {parseText} from '../../src/sources/load.js'
import {junos} from '../../src/sources/junos.js'
import {detectParser} from '../../src/sources/registry.js'
import {ParseLedger} from '../../src/sources/kit/ledger.js'
import {buildConfig} from '../../src/sources/junos/build.js'
import {readJunos} from '../../src/sources/junos/read.js'
import {CORPUS, corpusFiles, FIXTURES, goldenPath, parseCorpusFile, parseFixture, placeRows, reportText} from '../helpers/sources.js'

const TYPE = 'junos'

const find = (exposures: ExposureJson[], pred: (e: ExposureJson) => boolean) => exposures.filter(pred)

describe('junos fixtures', () => {
  it('srx-edge.set: zone policies, NAT, IKE, host-inbound', async () => {
    const report = await parseFixture(TYPE, 'srx-edge.set')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'srx-edge.set'))
    const e = report.exposures
    // web apps (junos-http, junos-https, app-8443) to the nested dmz-servers set, blocked-hosts removed by the deny above
    const web = find(e, (x) => x.rule === 'from-zone untrust to-zone dmz policy allow-web')
    expect(web).toHaveLength(1)
    expect(web[0].ports).toEqual(['80', '443', '8443'])
    expect(web[0].to).toEqual(['172.16.10.10/32', '172.16.10.25/32'])
    expect(web[0].from).not.toContain('0.0.0.0/0')
    // the rdp permit below deny-rest is shadowed, the deactivated telnet policy is gone
    expect(find(e, (x) => x.rule.includes('late-rdp'))).toHaveLength(0)
    expect(find(e, (x) => x.rule.includes('legacy-telnet'))).toHaveLength(0)
    // destination NAT keeps the pre-NAT destination and the translation; allow-web passes tcp/8443 to the
    // translated address (the policy matches after NAT, toward the post-NAT zone dmz)
    const dnat = find(e, (x) => x.kind === 'nat-forward' && x.protocol === 'tcp' && x.to[0] === '203.0.113.10/32')
    expect(dnat.map((x) => [x.ports.join(), x.translated, x.filter])).toEqual([['443', {to: ['172.16.10.10/32'], ports: ['8443']}, {line: 78, rule: 'from-zone untrust to-zone dmz policy allow-web'}]])
    // the static NAT of the mail host is open on the ports allow-web passes to its real address
    expect(find(e, (x) => x.kind === 'nat-forward' && x.to[0] === '203.0.113.25/32').map((x) => [x.ports.join(), x.filter?.line])).toEqual([['80,443,8443', 78]])
    // the dynamic IKE gateway listens for anyone on the untrust address
    expect(find(e, (x) => x.rule === 'ike gateway mobile' && x.protocol === 'udp')[0].from).toEqual(['0.0.0.0/0', '::/0'])
    // trust allows all host-inbound services except telnet
    expect(find(e, (x) => x.rule.includes('security-zone trust') && x.ports.includes('23'))).toHaveLength(0)
    // host-inbound ike on the untrust unit passes its input filter: IPv4 only from 198.51.100.0/24, IPv6 unfiltered
    const ike = find(e, (x) => x.rule === 'security-zone untrust host-inbound-traffic system-services ike')
    expect([...new Set(ike.map((x) => x.from[0]))].sort()).toEqual(['198.51.100.0/24', '::/0'])
    // a discontiguous wildcard-address widens to its covering prefix
    expect(find(e, (x) => x.rule.endsWith('policy partner-ssh'))[0].from).toEqual(['10.0.0.0/8', '198.51.100.16/28'])
    expect(report.stats).toEqual({lines: 106, understood: 106})
    expect(reportText(report)).not.toContain('PLANTED')
  })

  it('mx-border.conf: hierarchical filters, lo0 protection, inactive term', async () => {
    const report = await parseFixture(TYPE, 'mx-border.conf')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'mx-border.conf'))
    const e = report.exposures
    // the inactive FTP term is not a permit
    expect(find(e, (x) => x.rule.includes('OLD-FTP'))).toHaveLength(0)
    // the discard with a condition we do not model (tcp-established) does not shadow the SMB permit
    expect(find(e, (x) => x.rule === 'filter EDGE-IN term SMB-PARTNER')[0].from).toEqual(['203.0.113.0/24'])
    // ssh over IPv4 reaches the router only from the NOC prefix-list (and BGP peers' source port 179)
    const ssh4 = find(e, (x) => x.rule === 'system services ssh' && x.from.some((f) => f.includes('.')))
    expect(ssh4.map((x) => x.from[0]).sort()).toEqual(['10.20.0.0/24', '198.51.100.1/32'])
    expect(report.unparsed).toEqual([])
    expect(reportText(report)).not.toContain('PLANTED')
  })

  it('srx-cluster.conf: hierarchical SRX, applied node group, zone address books', async () => {
    const report = await parseFixture(TYPE, 'srx-cluster.conf')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'srx-cluster.conf'))
    const e = report.exposures
    // fxp0's address comes from the applied group node0; the functional zone lists ssh and https there
    expect(find(e, (x) => x.rule === 'functional-zone management host-inbound-traffic system-services ssh')[0].to).toEqual(['192.168.10.11/32'])
    // predefined set junos-cifs (139, 445) plus junos-http/https, to the nested zone address-set; the inactive policy is gone
    const web = find(e, (x) => x.rule === 'from-zone internet to-zone servers policy web')
    expect(web[0]).toMatchObject({protocol: 'tcp', ports: ['80', '139', '443', '445'], to: ['10.30.0.21/32', '10.30.0.22/32', '10.30.0.128/25']})
    expect(find(e, (x) => x.rule.includes('legacy-sql'))).toHaveLength(0)
    // ping on an IPv4-only interface: no ICMPv6 row
    expect(find(e, (x) => x.rule.includes('security-zone internet') && x.protocol === 'icmpv6')).toHaveLength(0)
    // static NAT 198.51.100.70:443 → 10.30.0.130:8443: policy web passes 80,139,443,445 to the real host, not 8443
    expect(find(e, (x) => x.kind === 'nat-forward')).toHaveLength(0)
    expect(report.doubts).toEqual([{code: 'nat-dead', effect: 'dead', line: 160, detail: 'nat static rule-set internet-statics rule app-vip: no security policy passes the translated traffic'}])
    expect(report.stats).toEqual({lines: 44, understood: 44})
    expect(reportText(report)).not.toContain('PLANTED')
  })

  it('statements-warnings.set: exact unparsed lines and reasons', async () => {
    const report = await parseFixture(TYPE, 'statements-warnings.set')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'statements-warnings.set'))
    expect(report.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [7, "unknown top-level statement 'frobnicate'"],
      [9, "'ten.0.0.1/24' is not an interface address"],
      [11, "application option 'color' not modelled"],
      [14, "policy match 'flavour' not modelled"],
      [20, "not a set command ('show')"],
      [22, "ike 'frobnicate' not modelled"],
    ])
    // #13: codes, not sentences
    expect(report.unparsed.map((u) => u.code)).toEqual(['unknown-statement', 'bad-value', 'unsupported', 'unsupported', 'unknown-statement', 'unsupported'])
    expect(report.stats).toEqual({lines: 14, understood: 8})
    // an allow with a condition we do not model stays, with a note
    expect(report.exposures.find((x) => x.rule.endsWith('policy p1'))?.notes?.[0]).toContain('flavour')
    expect(reportText(report)).not.toContain('PLANTED')
  })
})

describe('junos device model (#14)', () => {
  const FILE = 'zones-device.set'
  const untrust = {interfaces: ['ge-0/0/0.0'], zones: ['untrust']}
  const trust = {interfaces: ['ge-0/0/1.0', 'ge-0/0/2.0'], zones: ['trust']}

  it('zone policies enter by their from-zone and leave by their to-zone; host-inbound targets the unit', async () => {
    const report = await parseFixture(TYPE, FILE)
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, FILE))
    expect(report.unparsed).toEqual([])
    const row = (rule: string, protocol: string, ports: string[], to: string[], ingress: object, egress: object | null, hostLocal: boolean) =>
      ({rule, protocol, ports, to, ingress, egress, host_local: hostLocal})
    const any = ['0.0.0.0/0', '::/0']
    expect(placeRows(report)).toEqual([
      row('security-zone untrust host-inbound-traffic system-services ike', 'udp', ['4500'], ['203.0.113.2/32'], untrust, null, true),
      row('security-zone untrust host-inbound-traffic system-services ike', 'udp', ['500'], ['203.0.113.2/32'], untrust, null, true),
      // the zone's ssh on ge-0/0/1.0 only: ge-0/0/2.0's own list (https) replaces it
      row('security-zone trust host-inbound-traffic system-services ssh', 'tcp', ['22'], ['10.1.0.1/32'], {interfaces: ['ge-0/0/1.0'], zones: ['trust']}, null, true),
      row('security-zone trust host-inbound-traffic system-services https', 'tcp', ['443'], ['10.2.0.1/32'], {interfaces: ['ge-0/0/2.0'], zones: ['trust']}, null, true),
      row('from-zone untrust to-zone dmz policy web', 'tcp', ['443'], any, untrust, {interfaces: ['ge-0/0/3.0'], zones: ['dmz']}, false),
      row('global policy dns', 'udp', ['53'], any, trust, untrust, false),
      // junos-host is the device: its own addresses, host-local
      row('from-zone trust to-zone junos-host policy ping', 'icmp', [], ['10.1.0.1/32', '10.2.0.1/32', '10.3.0.1/32', '203.0.113.2/32'], trust, {interfaces: [], zones: ['junos-host']}, true),
    ])
  })

  it('describes units, zones, the default route and the listeners', async () => {
    const r = await parseText(readFileSync(`${FIXTURES}/junos/${FILE}`, 'utf8'), FILE, TYPE)
    expect(r.device).toEqual({
      interfaces: [
        {name: 'ge-0/0/0.0', addresses: ['203.0.113.2/29'], vendorZone: 'untrust', defaultRoute: true, line: 8},
        {name: 'ge-0/0/1.0', addresses: ['10.1.0.1/24'], vendorZone: 'trust', line: 9},
        {name: 'ge-0/0/2.0', addresses: ['10.2.0.1/24'], vendorZone: 'trust', line: 10},
        {name: 'ge-0/0/3.0', addresses: ['10.3.0.1/24'], vendorZone: 'dmz', line: 11},
      ],
      ownAddresses: ['10.1.0.1/32', '10.2.0.1/32', '10.3.0.1/32', '203.0.113.2/32'],
      listeners: [
        {service: 'ssh', bind: [], line: 5},
        {service: 'https', bind: ['10.2.0.1/32'], line: 6},
      ],
    })
  })

  it('srx-edge.set: an input filter on a unit is its ingress, the IKE gateway listens on its external interface', async () => {
    const report = await parseFixture(TYPE, 'srx-edge.set')
    const filter = report.exposures.filter((x) => x.rule.startsWith('filter UNTRUST-IN'))
    expect(filter.length).toBeGreaterThan(0)
    for (const x of filter) expect(x.ingress).toEqual({interfaces: ['ge-0/0/0.0'], zones: ['untrust'], inventory_zones: []})
    const ike = report.exposures.filter((x) => x.rule === 'ike gateway mobile')
    for (const x of ike) expect(x.ingress?.interfaces).toEqual(['ge-0/0/0.0'])
  })
})

describe('junos corpus', () => {
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
      if (/then permit|then accept|permit-all/.test(readFileSync(file, 'utf8'))) expect(report.exposures.length).toBeGreaterThan(0)
      expect(reportText(report)).not.toMatch(/\$9\$|\$1\$/)
    })
  }

  it.runIf(files.length > 0)('verified exposures', async () => {
    const srx = await parseCorpusFile(TYPE, `${CORPUS}/junos/batfish-srx-testbed-junos-srx-2.set`)
    // IKE peer 10.12.0.1 to ge-0/0/0.0's address, PSK redacted
    expect(srx.exposures.find((x) => x.rule === 'ike gateway gateway-1' && x.protocol === 'udp')).toMatchObject({from: ['10.12.0.1/32'], to: ['10.12.0.2/32'], ports: ['500', '4500']})
    // telnet is in host-inbound but `system services` has no telnet: nothing listens
    expect(srx.exposures.filter((x) => x.ports.includes('23'))).toHaveLength(0)
    const combined = await parseCorpusFile(TYPE, `${CORPUS}/junos/batfish-firewall-combined-policies.set`)
    // default permit-all minus the global deny of 1.2.3.0/29
    const dflt = combined.exposures.find((x) => x.rule === 'default-policy permit-all (untrust to trust)')
    expect(dflt?.from).not.toContain('1.2.3.0/29')
    expect(dflt?.from).toContain('1.2.3.8/29')
    const srxConf = await parseCorpusFile(TYPE, `${CORPUS}/junos/aerleon-sample_srx.conf`)
    expect(srxConf.exposures.find((x) => x.rule === 'from-zone Untrust to-zone DMZ policy test-tcp' && x.protocol === 'tcp')?.to).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'])
  })
})

describe('junos detection', () => {
  it('wins on its fixtures and corpus files', () => {
    const paths = [...corpusFiles(TYPE), ...['srx-edge.set', 'mx-border.conf', 'srx-cluster.conf'].map((f) => `tests/fixtures/sources/junos/${f}`)]
    for (const p of paths) expect(detectParser(readFileSync(p, 'utf8').slice(0, 65536), p).type, p).toBe(TYPE)
  })

  it('scores other vendors low', () => {
    for (const dir of ['panos', 'cisco-asa', 'fortios', 'iptables']) {
      for (const f of corpusFiles(dir)) expect(junos.detect(readFileSync(f, 'utf8').slice(0, 65536), f), f).toBeLessThan(0.5)
    }
  })
})

describe('junos bad input', () => {
  it('truncated hierarchy reports the open block, no throw', async () => {
    const text = readFileSync('tests/fixtures/sources/junos/mx-border.conf', 'utf8').slice(0, 1500)
    const r = await parseText(text, 'cut.conf', TYPE)
    expect(r.unparsed.some((u) => /not closed|cut off/.test(u.reason))).toBe(true)
  })

  it('another vendor given as junos: unparsed lines or a clear IrmError', async () => {
    const files = corpusFiles('cisco-asa')
    if (files.length === 0) return
    try {
      const r = await parseText(readFileSync(files[0], 'utf8'), 'asa.cfg', TYPE)
      expect(r.unparsed.length).toBeGreaterThan(0)
    } catch (e) {
      expect(isIrmError(e)).toBe(true)
    }
  })

  it('binary-ish junk does not crash', async () => {
    const junk = 'set \u0001\u0002 {{{ ;;; ]]] "unterminated\n\u00ff\u00fe } } }\n'
    try {
      const r = await parseText(junk, 'junk', TYPE)
      expect(r.unparsed.length).toBeGreaterThan(0)
    } catch (e) {
      expect(isIrmError(e)).toBe(true)
    }
  })

  it('parses 50k policies (150k lines) in linear time', () => {
    const lines: string[] = ['set security zones security-zone a interfaces ge-0/0/0.0', 'set security zones security-zone b interfaces ge-0/0/1.0']
    for (let i = 0; i < 50_000; i++) {
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
      lines.push(`set security policies from-zone a to-zone b policy p${i} match source-address any destination-address h${i} application junos-https`)
      lines.push(`set security policies from-zone a to-zone b policy p${i} then permit`)
      lines.push(`set security address-book global address h${i} ${ip}/32`)
    }
    const start = Date.now()
    const r = junos.parse(lines.join('\n'), {file: 'big.set'}) as ReturnType<typeof junos.parse> & {exposures: unknown[]}
    expect(r.exposures.length).toBeGreaterThan(1000)
    // generous: the CI machine is shared; locally this takes a few seconds
    expect(Date.now() - start).toBeLessThan(45_000)
  })
})

describe('junos ledger (#13)', () => {
  it('every statement gets one verdict: skipped on purpose (IGNORED), modelled, or not understood with a code', () => {
    const text = ['set system ntp server 192.0.2.1', 'set interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24', 'set interfaces ge-0/0/0 mtu 9000', 'set frobnicate mode on', 'set security zones security-zone trust interfaces ge-0/0/0.0'].join('\n')
    const read = readJunos(text, 'fw.set')
    expect(read.statements.map((s) => s.line)).toEqual([1, 2, 3, 4, 5])
    const ledger = new ParseLedger()
    ledger.total(read.count)
    const {unparsed} = buildConfig(read.statements, ledger)
    expect([1, 2, 3, 4, 5].map((id) => ledger.verdictOf(id))).toEqual(['ignored', 'ok', 'ignored', 'unparsed', 'ok'])
    expect(unparsed.map((u) => [u.line, u.code])).toEqual([[4, 'unknown-statement']])
    expect(ledger.finish()).toMatchObject({ignored: 2, stats: {lines: 5, understood: 4}, status: 'partially-unrecognized'})
  })

  it('reads the hierarchical form line by line: a quoted string and a comment may span lines', () => {
    const text = ['system {', '    /* a comment', '       over two lines */', '    host-name "fw', 'one";', '}', 'interfaces { ge-0/0/0 { unit 0 { family inet { address 192.0.2.1/24; } } } }'].join('\n')
    const read = readJunos(text, 'fw.conf')
    expect(read.form).toBe('hierarchy')
    expect(read.problems).toEqual([])
    expect(read.statements.map((s) => [s.words.join(' '), s.line])).toEqual([
      ['system host-name fw\none', 4],
      ['interfaces ge-0/0/0 unit 0 family inet address 192.0.2.1/24', 7],
    ])
    expect(read.statements[0].text).toBe('host-name "fw')
  })
})
