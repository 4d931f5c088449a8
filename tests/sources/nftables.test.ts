import {readFileSync} from 'node:fs'
import {basename} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import type {ExposureJson} from '../../src/model/exposure.js'
import type {ParseReport} from '../../src/report/parse-report.js'
import {parseText} from '../../src/sources/load.js'
import {nftables} from '../../src/sources/nftables.js'
import {allParsers} from '../../src/sources/registry.js'
import {CORPUS, corpusFiles, goldenPath, parseCorpusFile, parseFixture, reportText} from '../helpers/sources.js'

const TYPE = 'nftables'

const byRule = (xs: ExposureJson[], rule: string) => xs.filter((e) => e.rule === rule)
const v4 = (xs: ExposureJson[]) => xs.filter((e) => e.from.some((a) => !a.includes(':')) || e.to.some((a) => !a.includes(':')))
const v6 = (xs: ExposureJson[]) => xs.filter((e) => e.from.some((a) => a.includes(':')))

/** Exposures without their positions and text, for comparing the text and JSON forms of one ruleset. */
function semantic(r: ParseReport): string[] {
  // lines differ between the text and JSON forms: neither the rule's nor its doubts' are compared
  return r.exposures
    .map(({line: _line, text: _text, filter, doubts, ...e}) => JSON.stringify({...e, ...(filter ? {filter: filter.rule} : {}), ...(doubts ? {doubts: doubts.map(({line: _l, ...d}) => d)} : {})}))
    .sort()
}

describe('nftables fixtures', () => {
  it('gateway: defines, sets, maps, vmaps, user chains, NAT, several tables on one hook, ingress', async () => {
    const report = await parseFixture(TYPE, 'gateway.nft')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'gateway.nft'))
    const x = report.exposures
    expect(report.unparsed.map((u) => [u.line, u.reason])).toEqual([[12, 'include not followed: parse the included file too']])
    // ssh from the $ADMINS define
    expect(byRule(x, 'inet filter input#6 "ssh from admins"')[0].from).toEqual(['192.0.2.0/28', '198.51.100.7/32'])
    // the dynamic set stays a named set with a note
    expect(byRule(x, 'inet filter input#7')[0].from_sets).toEqual(['ssh_friends'])
    // telnet is dropped above the 22-23 accept: only 22 is left
    expect(byRule(x, 'inet filter input#9')[0].ports).toEqual(['22'])
    // the blocklist table (another chain on the input hook) removes 198.51.100.0/24, but its own accept of .7 wins
    const icmp = v4(byRule(x, 'inet filter input#4'))[0]
    expect(icmp.from).toContain('198.51.100.7/32')
    expect(icmp.from).not.toContain('198.51.100.0/24')
    // named vmap: 8080 accepted, 8081 absent; inline vmap: 9001 dropped before the 9000-9010 accept
    expect(byRule(x, 'inet filter input#12').map((e) => e.ports)).toContainEqual(['8080'])
    expect(byRule(x, 'inet filter input#13')[0].ports).toEqual(['9000', '9002-9010'])
    // the netdev ingress drop on eth0 removes 192.0.2.128/25 from what arrives on eth0
    const jump = byRule(x, 'ip nat prerouting#1 "jump host"')[0]
    expect(jump).toMatchObject({kind: 'nat-forward', ports: ['2222'], translated: {to: ['10.0.0.22/32'], ports: ['22']}})
    expect(jump.from).not.toContain('192.0.2.128/25')
    expect(byRule(x, 'ip nat prerouting#3').map((e) => [e.ports, e.translated])).toEqual([
      [['8443'], {to: ['10.0.10.6/32']}],
      [['9443'], {to: ['10.0.10.7/32']}],
    ])
    // goto quarantine: only 10.0.99.1 reaches 10.0.66.0/24
    expect(byRule(x, 'inet filter quarantine#1')[0]).toMatchObject({from: ['10.0.99.1/32'], to: ['10.0.66.0/24']})
    // bridge tables are outside the model
    expect(x.some((e) => e.rule.startsWith('bridge'))).toBe(false)
  })

  it('firewalld: zone chains, goto twice, reject at the end of a policy-accept chain', async () => {
    const report = await parseFixture(TYPE, 'firewalld.nft')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'firewalld.nft'))
    const x = report.exposures
    expect(report.unparsed).toEqual([])
    // ssh and cockpit once per family, from anywhere, without the redundant eth0-only copy
    const ssh = byRule(x, 'inet firewalld filter_IN_public_allow#1').map((e) => [e.from, e.ports, e.interfaces])
    expect(ssh).toHaveLength(2)
    expect(ssh).toContainEqual([['0.0.0.0/0'], ['22'], undefined])
    expect(ssh).toContainEqual([['::/0'], ['22'], undefined])
    // the final reject leaves no policy-accept exposure
    expect(x.some((e) => e.rule.includes('policy accept'))).toBe(false)
    expect(byRule(x, 'inet firewalld filter_IN_public_allow#2')[0].to).toEqual(['fe80::/64'])
  })

  it('nft-commands: add/insert commands, sets filled by add element', async () => {
    const report = await parseFixture(TYPE, 'nft-commands.sh')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'nft-commands.sh'))
    expect(report.unparsed).toEqual([])
    expect(byRule(report.exposures, 'inet filter input#1')[0].notes).toEqual(['loopback'])
    expect(byRule(report.exposures, 'inet filter input#4')[0]).toMatchObject({from: ['192.0.2.0/24'], ports: ['443']})
  })

  it('a verdict map of jumps per interface carries the interface into the user chains', () => {
    const text = [
      'table inet f {',
      '  chain input {',
      '    type filter hook input priority 0; policy drop;',
      '    iifname vmap { "eth0" : jump wan_in, "eth1" : jump lan_in }',
      '  }',
      '  chain wan_in {',
      '    tcp dport 443 accept',
      '  }',
      '  chain lan_in {',
      '    accept',
      '  }',
      '}',
    ].join('\n')
    const r = nftables.parse(text, {file: 'vm.nft'}) as Awaited<ReturnType<typeof nftables.parse>>
    expect(r.unparsed).toEqual([])
    // (the forward and output hooks have no chain: the kernel accepts there, see netfilter-semantics.test.ts)
    expect(r.exposures.filter((e) => e.hook === 'input').map((e) => [e.rule, e.interfaces?.in, e.ports.toStrings()])).toEqual([
      ['inet f wan_in#1', ['eth0'], ['443']],
      ['inet f lan_in#1', ['eth1'], ['1-65535']],
      ['inet f wan_in#1', ['eth0'], ['443']],
      ['inet f lan_in#1', ['eth1'], ['1-65535']],
    ])
  })

  it('web-server: the text and JSON forms give the same exposures', async () => {
    const text = await parseFixture(TYPE, 'web-server.nft')
    const json = await parseFixture(TYPE, 'web-server.json')
    await expect(JSON.stringify(text, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'web-server.nft').replace(/\.json$/, '.nft.json'))
    await expect(JSON.stringify(json, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'web-server.json'))
    expect(semantic(json)).toEqual(semantic(text))
    expect(json.unparsed).toEqual([])
    // JSON lines are where each rule object starts
    expect(byRule(json.exposures, 'inet fw input#6')[0].line).toBe(22)
    // the blocked set (prefix and range) is carved out of the web accept
    const web = v4(byRule(text.exposures, 'inet fw input#4'))[0]
    expect(web.from).not.toContain('203.0.113.0/24')
    expect(web.from).toContain('198.51.100.61/32')
    // `ip saddr != 10.0.0.0/8 drop` only applies to IPv4: IPv6 keeps 8000-8100 from anywhere
    expect(v6(byRule(text.exposures, 'inet fw input#10'))[0].from).toEqual(['::/0'])
  })

  it('syntax-warnings: exact unparsed lines and reasons; doubts keep recall; no secrets', async () => {
    const report = await parseFixture(TYPE, 'syntax-warnings.nft')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'syntax-warnings.nft'))
    expect(report.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [6, "unknown expression 'frobnicate'"],
      [8, "negated concatenated match on 'ip saddr . tcp dport'"],
      [11, "unknown set '@nowhere'"],
      [13, "jump to unknown chain 'missing_chain'"],
      [15, "'ip saddr' value 'not-an-address' is not an address"],
      [20, "unknown table item 'widget'"],
      [23, "unknown statement 'frobnicate'"],
      [25, 'include not followed: parse the included file too'],
    ])
    // the opaque drop (concatenation) does not shadow tcp/25
    expect(byRule(report.exposures, 'inet filter input#3').length).toBe(2)
    expect(byRule(report.exposures, 'inet filter input#1')[0].notes?.[0]).toMatch(/frobnicate/)
    expect(reportText(report)).not.toMatch(/S3cr3t-PLANTED/)
  })
})

describe('nftables corpus', () => {
  const files = corpusFiles(TYPE)
  if (files.length === 0) it.skip(`no corpus at ${CORPUS}/${TYPE}`, () => {})
  // rulesets whose chains never see traffic: nat chains without a filter, a map demo without a base chain
  const NO_EXPOSURES = new Set(['nftrs-nat.nft', 'nftrs-nat.json', 'nftrs-setmap.nft', 'nftrs-setmap.json'])
  for (const path of files) {
    it(`parses ${basename(path)}`, async () => {
      const report = await parseCorpusFile(TYPE, path)
      expect(report.stats.understood).toBeLessThanOrEqual(report.stats.lines)
      for (const u of report.unparsed) {
        expect(u.line).toBeGreaterThan(0)
        expect(u.reason).not.toBe('')
      }
      if (!NO_EXPOSURES.has(basename(path))) expect(report.exposures.length).toBeGreaterThan(0)
      expect(nftables.detect(readFileSync(path, 'utf8').slice(0, 65536), path)).toBeGreaterThan(0.5)
    })
  }

  for (const path of files.filter((f) => f.endsWith('.json'))) {
    it(`${basename(path)} and its .nft twin give the same exposures`, async () => {
      const json = await parseCorpusFile(TYPE, path)
      const text = await parseCorpusFile(TYPE, path.replace(/\.json$/, '.nft'))
      expect(semantic(json)).toEqual(semantic(text))
    })
  }

  it('verified exposures', async () => {
    if (files.length === 0) return
    const ws = await parseCorpusFile(TYPE, `${CORPUS}/${TYPE}/nftrs-workstation.nft`)
    // tcp dport 22 counter accept comment "accept SSH", in both the ip and ip6 tables
    expect(ws.exposures.filter((e) => e.rule.endsWith('input#6 "accept SSH"')).map((e) => e.from)).toEqual([['0.0.0.0/0'], ['::/0']])
    const basic = await parseCorpusFile(TYPE, `${CORPUS}/${TYPE}/nftrs-basic.nft`)
    // input policy accept with `iifname "wan0" drop`: the policy exposure stays (the drop is interface-bound)
    expect(byRule(basic.exposures, 'ip filter input policy accept')).toHaveLength(1)
    const init = await parseCorpusFile(TYPE, `${CORPUS}/${TYPE}/nftrs-nftables-init.nft`)
    // tcp dport 21 redirect to 21212
    expect(byRule(init.exposures, 'ip nat prerouting#2')[0]).toMatchObject({kind: 'nat-forward', ports: ['21'], translated: {ports: ['21212']}})
    // the admin chain: $admin define expanded (12.34.56.78/29 is 12.34.56.72/29)
    expect(byRule(init.exposures, 'inet filter admin#1')[0].from).toContain('12.34.56.72/29')
  })
})

describe('nftables detection and bad input', () => {
  it('wins on its fixtures and corpus, stays out of other vendors', () => {
    for (const f of ['gateway.nft', 'web-server.nft', 'web-server.json', 'syntax-warnings.nft', 'firewalld.nft', 'nft-commands.sh']) {
      const head = readFileSync(`tests/fixtures/sources/nftables/${f}`, 'utf8')
      const scores = allParsers().map((p) => [p.type, p.detect(head, f)] as const)
      const best = scores.reduce((a, b) => (b[1] > a[1] ? b : a))
      expect(best[0]).toBe(TYPE)
    }
    for (const other of ['iptables', 'aws', 'junos']) {
      for (const path of corpusFiles(other).slice(0, 3)) {
        expect(nftables.detect(readFileSync(path, 'utf8').slice(0, 65536), path)).toBe(0)
      }
    }
  })

  it('another vendor given as nftables is a clear IrmError', async () => {
    await expect(parseText('*filter\n:INPUT DROP [0:0]\n-A INPUT -j ACCEPT\nCOMMIT\n', 'x.rules', TYPE)).rejects.toSatisfy(
      (e) => isIrmError(e) && e.code === 'CONFIG_WRONG_FORMAT',
    )
    await expect(parseText('{"Resources": {}}', 'x.json', TYPE)).rejects.toSatisfy((e) => isIrmError(e) && e.code === 'CONFIG_WRONG_FORMAT')
  })

  it('truncated text and JSON: unparsed lines or a clear IrmError, never a crash', async () => {
    const r = await parseText('table inet f {\n chain input {\n  type filter hook input priority 0; policy drop;\n  tcp dport 22 acc', 't.nft', TYPE)
    expect(r.unparsed.length).toBeGreaterThan(0)
    await expect(parseText('{"nftables": [{"table": {"family": "inet", "na', 't.json', TYPE)).rejects.toSatisfy(
      (e) => isIrmError(e) && e.code === 'CONFIG_SYNTAX',
    )
    const junk = await parseText('table inet f {\n\u0001\u0002 { } } ;;; chain\n', 'j.nft', TYPE)
    expect(junk.unparsed.length).toBeGreaterThan(0)
  })

  it('parses 2·10^4 rules linearly', () => {
    const lines = ['table inet big {', '  chain input {', '    type filter hook input priority 0; policy drop;']
    for (let i = 0; i < 20_000; i++) {
      const a = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
      lines.push(i % 100 === 0 ? `    ip saddr ${a} drop` : `    ip saddr ${a} ip daddr 192.0.2.${i % 250} tcp dport ${1 + (i % 60000)} accept`)
    }
    lines.push('  }', '}')
    const t0 = Date.now()
    const r = nftables.parse(lines.join('\n'), {file: 'big.nft'}) as Awaited<ReturnType<typeof nftables.parse>>
    const ms = Date.now() - t0
    // 19 800 accepts, plus forward and output (no chain: the kernel accepts) for each family
    expect(r.exposures.length).toBe(19_804)
    expect(ms).toBeLessThan(30_000)
    console.log(`nftables: 2·10^4 rules in ${ms} ms`)
  }, 60_000)
})

describe('nftables: malformed map elements (found by the fuzzer)', () => {
  it('a map element without a key is an unparsed line of the rule that uses it, never a crash', async () => {
    const text = ['table ip nat {', '  map fwd {', '    type inet_service : ipv4_addr', '    elements = {  : 10.0.0.20, 8443 : 10.0.0.21 }', '  }', '  chain prerouting {', '    type nat hook prerouting priority -100; policy accept;', '    dnat to tcp dport map @fwd', '  }', '}'].join('\n')
    const r = await nftables.parse(text, {file: 'fwd.nft'})
    expect(r.unparsed.map((u) => [u.line, u.text])).toEqual([[8, 'dnat to tcp dport map @fwd']])
    expect(r.unparsed[0].reason).toContain("map element ': 10.0.0.20' has no value")
  })
})
