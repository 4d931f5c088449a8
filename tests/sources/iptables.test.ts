import {readFileSync} from 'node:fs'
import {basename} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import {type ExposureJson, exposureToJson} from '../../src/model/exposure.js'
import {parseText} from '../../src/sources/load.js'
import {iptables, parseIptablesCommands} from '../../src/sources/iptables.js'
import {allParsers} from '../../src/sources/registry.js'
import {CORPUS, corpusFiles, goldenPath, parseCorpusFile, parseFixture, reportText} from '../helpers/sources.js'

const TYPE = 'iptables'

const find = (xs: ExposureJson[], pred: (e: ExposureJson) => boolean) => xs.filter(pred)
const byRule = (xs: ExposureJson[], rule: string) => xs.filter((e) => e.rule === rule)

describe('iptables fixtures', () => {
  it('edge-gateway: v4 + v6 save, raw/nat/filter, user chains, policies', async () => {
    const report = await parseFixture(TYPE, 'edge-gateway.rules')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'edge-gateway.rules'))
    const x = report.exposures
    expect(report.unparsed).toEqual([])
    // DNAT 203.0.113.10:443 -> 10.0.10.5:8443, with the comment as label
    // composed with the FORWARD rules that pass the translated traffic: the policy ACCEPT and FORWARD#3
    const web = byRule(x, 'nat PREROUTING#1 "web portal"')
    expect(web.map((e) => e.filter)).toEqual([{line: 42, rule: 'FORWARD policy ACCEPT'}, {line: 79, rule: 'FORWARD#3'}])
    for (const e of web) {
      expect(e).toMatchObject({kind: 'nat-forward', hook: 'forward', line: 28, to: ['203.0.113.10/32'], ports: ['443'], translated: {to: ['10.0.10.5/32'], ports: ['8443']}})
      // the raw drop of 198.51.100.0/24 on eth0 removes those sources from the eth0 DNAT, except the exempted .7
      expect(e.from).toContain('198.51.100.7/32')
      expect(e.from).not.toContain('198.51.100.0/24')
    }
    // REDIRECT to the proxy port 3128 on eth1: no INPUT rule lets it in
    expect(report.doubts).toEqual([{code: 'nat-dead', effect: 'dead', line: 34, detail: 'nat PREROUTING#4: no input or forward filter rule passes the translated traffic'}])
    // nat ACCEPT of 192.0.2.99 stops the RDP DNAT for that source
    expect(byRule(x, 'nat PREROUTING#3')[0].from).not.toContain('192.0.2.99/32')
    // SNMP: the negated drop leaves only the monitoring subnet
    expect(byRule(x, 'INPUT#9')[0].from).toEqual(['10.0.30.0/24'])
    // shadowed mosh accept and established-only accepts are absent
    expect(byRule(x, 'INPUT#12')).toEqual([])
    expect(byRule(x, 'INPUT#2')).toEqual([])
    // FORWARD policy ACCEPT is a finding, minus the blocklist goto and SMB
    const fwdPolicy = find(x, (e) => e.rule === 'FORWARD policy ACCEPT' && e.protocol === 'tcp')[0]
    expect(fwdPolicy.ports).toEqual(['1-138', '140-444', '446-65535'])
    expect(fwdPolicy.to).not.toContain('10.0.66.0/24')
    // user chain ssh_in: the deny of 10.0.99.0/24 is carved out of the /16
    expect(byRule(x, 'ssh_in#2')[0].from).not.toContain('10.0.0.0/16')
    // the IPv6 table: rules without addresses are IPv6 only
    expect(find(x, (e) => e.protocol === 'icmpv6')[0].from).toEqual(['::/0'])
  })

  it('firewall-script: shell commands, -I/-P/-N, ; joined commands, ip6tables', async () => {
    const report = await parseFixture(TYPE, 'firewall-script.sh')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'firewall-script.sh'))
    const x = report.exposures
    // -I puts the SSH accept first
    expect(byRule(x, 'INPUT#1').map((e) => e.from)).toContainEqual(['198.51.100.0/24'])
    // the port forward on eth0: FORWARD accepts only what comes from wg0 (and no -P FORWARD), so it is dead
    expect(find(x, (e) => e.kind === 'nat-forward')).toEqual([])
    expect(report.doubts?.map((d) => [d.code, d.effect, d.line])).toEqual([['nat-dead', 'dead', 25]])
    expect(find(x, (e) => e.rule === 'INPUT#1' && e.from[0] === '::/0')[0].ports).toEqual(['443'])
    expect(report.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [3, 'not an iptables command'],
      [4, 'not an iptables command'],
      [30, 'shell variable not expanded'],
      [31, 'not an iptables command'],
    ])
  })

  it('options-warnings: exact unparsed lines and reasons, doubts stay on the side of recall, no secrets', async () => {
    const report = await parseFixture(TYPE, 'options-warnings.rules')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'options-warnings.rules'))
    expect(report.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [8, "unknown match module 'geoipx'; unknown option '--src-cc'"],
      [10, "unknown option '--frobnicate'"],
      [13, "-s 'bastion.example.com' is not an address (hostnames are not resolved)"],
      [15, "--dport 'no-such-service' is not a port list"],
      [17, "jump to unknown chain or target 'missing_chain' (read as non-terminating)"],
      [19, "unknown table 'bogus'"],
      [22, 'not an iptables command'],
    ])
    expect(report.stats).toEqual({lines: 16, understood: 9})
    // the opaque DROP (unknown option) does not shadow tcp/25
    expect(byRule(report.exposures, 'INPUT#3')[0].ports).toEqual(['25'])
    expect(byRule(report.exposures, 'INPUT#1')[0].notes?.[0]).toMatch(/geoipx/)
    expect(reportText(report)).not.toMatch(/S3cr3t-PLANTED/)
  })

  it('docker-host: published port DNAT, DOCKER chains, recent-based limiter', async () => {
    const report = await parseFixture(TYPE, 'docker-host.rules')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'docker-host.rules'))
    const x = report.exposures
    expect(report.unparsed).toEqual([])
    expect(byRule(x, 'nat DOCKER#2')[0]).toMatchObject({
      ports: ['8080'],
      translated: {to: ['172.17.0.2/32'], ports: ['80']},
      interfaces: {in: ['!docker0']},
      notes: ['only when destination address type LOCAL'],
    })
    expect(byRule(x, 'DOCKER#1')[0]).toMatchObject({to: ['172.17.0.2/32'], ports: ['80']})
    // the recent-based DROP is a condition: ssh stays open from anywhere
    expect(byRule(x, 'INPUT#5')[0]).toMatchObject({from: ['0.0.0.0/0'], ports: ['22']})
  })

  it('ufw-host: a DROP after RETURNs on address types does not hide the user rules', async () => {
    const report = await parseFixture(TYPE, 'ufw-host.rules')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'ufw-host.rules'))
    expect(byRule(report.exposures, 'ufw-user-input#1')[0]).toMatchObject({protocol: 'tcp', ports: ['22'], from: ['0.0.0.0/0']})
    expect(byRule(report.exposures, 'ufw-user-input#2')[0].from).toEqual(['10.0.0.0/8'])
    expect(report.unparsed).toEqual([])
  })

  it('parseIptablesCommands reads WireGuard-style PostUp commands with their own line numbers', () => {
    const r = parseIptablesCommands([
      {line: 7, text: 'iptables -A FORWARD -i %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE'},
      {line: 8, text: 'ip6tables -A FORWARD -i %i -j ACCEPT'},
    ])
    expect(r.unparsed).toEqual([])
    expect(r.exposures.map((e) => [e.line, e.rule, e.from.toCidrs(), e.interfaces])).toEqual([
      [7, 'FORWARD#1', ['0.0.0.0/0'], {in: ['%i']}],
      [8, 'FORWARD#1', ['::/0'], {in: ['%i']}],
    ])
  })

  it('an ACCEPT inside a mangle user chain ends the mangle table: later mangle DROPs do not hit it', () => {
    const text = [
      '*mangle', ':PREROUTING ACCEPT [0:0]', ':trusted - [0:0]',
      '-A PREROUTING -j trusted', '-A PREROUTING -p tcp --dport 22 -j DROP', '-A trusted -s 10.0.0.0/8 -j ACCEPT', 'COMMIT',
      '*filter', ':INPUT ACCEPT [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT DROP [0:0]', 'COMMIT',
    ].join('\n')
    const r = iptables.parse(text, {file: 'mangle.rules'}) as ReturnType<typeof parseIptablesCommands>
    const ssh = r.exposures.filter((e) => e.protocols.has(6) && e.ports.has(22))
    expect(ssh.map((e) => e.from.toCidrs())).toEqual([['10.0.0.0/8']])
  })

  it('a DNAT is composed with the FORWARD rule that passes it; one no filter rule passes is a nat-dead doubt', () => {
    const text = [
      '*nat', ':PREROUTING ACCEPT [0:0]', '-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 10.9.9.9:80',
      '-A PREROUTING -p tcp --dport 8443 -j DNAT --to-destination 10.9.9.10:443', 'COMMIT',
      '*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]',
      '-A FORWARD -d 10.9.9.10/32 -p tcp --dport 443 -j ACCEPT', 'COMMIT',
    ].join('\n')
    const r = iptables.parse(text, {file: 'nat.rules'}) as ReturnType<typeof parseIptablesCommands>
    const nat = r.exposures.filter((e) => e.kind === 'nat-forward')
    expect(nat.flatMap((e) => exposureToJson(e)).map((e) => [e.rule, e.line, e.hook, e.ports, e.translated, e.filter])).toEqual([
      ['nat PREROUTING#2', 4, 'forward', ['8443'], {to: ['10.9.9.10/32'], ports: ['443']}, {line: 10, rule: 'FORWARD#1'}],
    ])
    expect(r.doubts).toEqual([{code: 'nat-dead', effect: 'dead', line: 3, detail: 'nat PREROUTING#1: no input or forward filter rule passes the translated traffic'}])
  })
})

describe('iptables-restore blocks', () => {
  // iptables-restore (without --noflush) flushes a table each time a block starts it: checked against
  // the kernel in tests/kernel/restore-blocks.test.ts
  it('a later block of the same table replaces the earlier one: its lines are ignored, one dead doubt says so', () => {
    const text = [
      '# Generated by iptables-save v1.8.9', '*filter', ':INPUT DROP [0:0]', ':ADMIN - [0:0]',
      '-A INPUT -p tcp --dport 22 -j ACCEPT', '-A INPUT -j ADMIN', '-A ADMIN -p tcp --dport 8443 -j ACCEPT', 'COMMIT',
      '*filter', ':INPUT DROP [0:0]', '-A INPUT -s 10.0.0.0/8 -p tcp --dport 443 -j ACCEPT', 'COMMIT',
    ].join('\n')
    const r = iptables.parse(text, {file: 'twice.rules'}) as ReturnType<typeof parseIptablesCommands>
    expect(r.exposures.flatMap(exposureToJson).map((e) => [e.rule, e.line, e.ports])).toEqual([['INPUT#1', 11, ['443']]])
    expect(r.doubts?.map((d) => [d.code, d.effect, d.line])).toEqual([['replaced-block', 'dead', 2]])
    expect(r.unparsed).toEqual([])
    expect(r.stats).toEqual({lines: 11, understood: 11})
  })

  it('v4 and v6 blocks of the same table, and script commands, add up', () => {
    const text = [
      '# Generated by iptables-save v1.8.9', '*filter', ':INPUT DROP [0:0]', '-A INPUT -p tcp --dport 22 -j ACCEPT', 'COMMIT',
      '# Generated by ip6tables-save v1.8.9', '*filter', ':INPUT DROP [0:0]', '-A INPUT -p tcp --dport 443 -j ACCEPT', 'COMMIT',
      'iptables -A INPUT -p tcp --dport 25 -j ACCEPT',
    ].join('\n')
    const r = iptables.parse(text, {file: 'both.rules'}) as ReturnType<typeof parseIptablesCommands>
    expect(r.exposures.flatMap(exposureToJson).map((e) => e.ports[0]).sort()).toEqual(['22', '25', '443'])
    expect(r.doubts ?? []).toEqual([])
  })
})

describe('iptables corpus', () => {
  const files = corpusFiles(TYPE)
  if (files.length === 0) it.skip(`no corpus at ${CORPUS}/${TYPE}`, () => {})
  for (const path of files) {
    it(`parses ${basename(path)}`, async () => {
      const report = await parseCorpusFile(TYPE, path)
      expect(report.stats.understood).toBeLessThanOrEqual(report.stats.lines)
      for (const u of report.unparsed) {
        expect(u.line).toBeGreaterThan(0)
        expect(u.reason).not.toBe('')
      }
      expect(report.exposures.length).toBeGreaterThan(0)
      expect(iptables.detect(readFileSync(path, 'utf8').slice(0, 65536), path)).toBeGreaterThan(0.5)
    })
  }

  it('verified exposures', async () => {
    if (files.length === 0) return
    const hank = await parseCorpusFile(TYPE, `${CORPUS}/${TYPE}/hank-boringtun-vps.rules.v4`)
    // -A INPUT -p udp -m udp --dport 13200 -j ACCEPT (WireGuard listener) under INPUT DROP
    expect(byRule(hank.exposures, 'INPUT#1')[0]).toMatchObject({protocol: 'udp', ports: ['13200'], from: ['0.0.0.0/0']})
    // -A FORWARD -i wg0 -j ACCEPT
    expect(byRule(hank.exposures, 'FORWARD#3')[0].interfaces).toEqual({in: ['wg0']})
    const company = await parseCorpusFile(TYPE, `${CORPUS}/${TYPE}/iptsem-medium-sized-company.iptables-save`)
    // -A PREROUTING -i ppp0 -p tcp -m tcp --dport 4081 -j DNAT --to-destination 172.16.2.34
    expect(byRule(company.exposures, 'nat PREROUTING#1')[0]).toMatchObject({kind: 'nat-forward', ports: ['4081'], translated: {to: ['172.16.2.34/32']}})
    // -A TCP -p tcp -m tcp --dport 7122 -j ACCEPT, reached from INPUT via -j TCP
    expect(byRule(company.exposures, 'TCP#3')[0].ports).toEqual(['7122'])
    // mangle-only dump (no filter table): mangle PREROUTING's ACCEPTs under its DROP policy decide
    const z2 = await parseCorpusFile(TYPE, `${CORPUS}/${TYPE}/batfish-z2-firewall.v4`)
    expect(byRule(z2.exposures, 'mangle PREROUTING#6')[0]).toMatchObject({to: ['10.0.8.10/32'], ports: ['80']})
    expect(z2.exposures.every((e) => e.notes?.some((n) => n.startsWith('no filter table')))).toBe(true)
    const nas = await parseCorpusFile(TYPE, `${CORPUS}/${TYPE}/iptsem-synology-ds414.ip6tables-save`)
    // an ip6tables dump: every exposure is IPv6 only
    for (const e of nas.exposures) for (const a of [...e.from, ...e.to]) expect(a).toContain(':')
  })
})

describe('iptables detection and bad input', () => {
  it('wins on its fixtures and corpus, stays out of other vendors', () => {
    for (const f of ['edge-gateway.rules', 'firewall-script.sh', 'options-warnings.rules']) {
      const head = readFileSync(`tests/fixtures/sources/iptables/${f}`, 'utf8')
      const scores = allParsers().map((p) => [p.type, p.detect(head, f)] as const)
      const best = scores.reduce((a, b) => (b[1] > a[1] ? b : a))
      expect(best[0]).toBe(TYPE)
    }
    for (const other of ['nftables', 'cisco-asa', 'junos']) {
      for (const path of corpusFiles(other).slice(0, 3)) {
        expect(iptables.detect(readFileSync(path, 'utf8').slice(0, 65536), path)).toBe(0)
      }
    }
  })

  it('iptables -S output (policies and rules without table headers) is read and detected', () => {
    const text = '-P INPUT DROP\n-P FORWARD DROP\n-P OUTPUT ACCEPT\n-N ssh\n-A INPUT -i lo -j ACCEPT\n-A INPUT -p tcp -m tcp --dport 22 -j ssh\n-A ssh -s 10.0.0.0/8 -j ACCEPT\n'
    expect(iptables.detect(text, 'rules.txt')).toBeGreaterThan(0.8)
    const r = iptables.parse(text, {file: 'rules.txt'}) as ReturnType<typeof parseIptablesCommands>
    expect(r.unparsed).toEqual([])
    expect(r.exposures.map((e) => e.rule).sort()).toEqual(['INPUT#1', 'OUTPUT policy ACCEPT', 'ssh#1'])
  })

  it('another vendor given as iptables is a clear IrmError', async () => {
    const asa = corpusFiles('cisco-asa')[0]
    const text = asa ? readFileSync(asa, 'utf8') : 'ASA Version 9.8\nhostname fw\ninterface Gi0/0\n'
    await expect(parseText(text, 'asa.cfg', TYPE)).rejects.toSatisfy((e) => isIrmError(e) && e.code === 'CONFIG_WRONG_FORMAT')
  })

  it('truncated save output and junk never throw past the parser', async () => {
    const truncated = '*filter\n:INPUT DROP [0:0]\n-A INPUT -p tcp --dport 22 -j ACC'
    const r = await parseText(truncated, 't.rules', TYPE)
    expect(r.exposures).toEqual([])
    expect(r.unparsed.map((u) => u.line)).toEqual([3])
    const junk = '*filter\n\u0001\u0002\u00ff-A INPUT -s \u0003 -j\n-A INPUT -p tcp --dport 99999 -j ACCEPT\n-A'
    const j = await parseText(junk, 'j.rules', TYPE)
    expect(j.unparsed.length).toBeGreaterThan(0)
  })

  it('parses 2·10^4 rules linearly (10^5 measured in the report)', () => {
    const lines = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]']
    for (let i = 0; i < 20_000; i++) {
      const a = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
      lines.push(i % 100 === 0 ? `-A FORWARD -s ${a}/32 -j DROP` : `-A FORWARD -s ${a}/32 -d 192.0.2.${i % 250}/32 -p tcp -m tcp --dport ${1 + (i % 60000)} -j ACCEPT`)
    }
    lines.push('COMMIT')
    const t0 = Date.now()
    const r = iptables.parse(lines.join('\n'), {file: 'big.rules'}) as ReturnType<typeof parseIptablesCommands>
    const ms = Date.now() - t0
    expect(r.exposures.length).toBe(19_801) // + OUTPUT policy ACCEPT
    expect(ms).toBeLessThan(20_000)
    console.log(`iptables: 2·10^4 rules in ${ms} ms`)
  }, 60_000)
})
