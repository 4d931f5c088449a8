import {readFileSync} from 'node:fs'
import {basename, join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import {gcp} from '../../src/sources/gcp.js'
import {parseText} from '../../src/sources/load.js'
import {CORPUS, corpusFiles, FIXTURES, goldenPath, parseCorpusFile, parseFixture} from '../helpers/sources.js'

const TYPE = 'gcp'

describe('gcp: firewall-rules list', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'firewall-rules.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'firewall-rules.json'))
  })

  it('priority order: the blocklist deny at 100 carves its /24 out of https from any', async () => {
    const r = await parseFixture(TYPE, 'firewall-rules.json')
    const https = r.exposures.find((e) => e.rule === 'prod-allow-https')
    expect(https?.from).toContain('::/0')
    expect(https?.from).not.toContain('0.0.0.0/0')
    expect(https).toMatchObject({ports: ['443', '8443-8444'], to_sets: ['tag:web'], to_zones: ['prod-vpc']})
  })

  it('a deny for some targets does not hide an allow for all; equal priority: deny wins; disabled: nothing', async () => {
    const r = await parseFixture(TYPE, 'firewall-rules.json')
    expect(r.exposures.find((e) => e.rule === 'prod-allow-ssh-iap')).toMatchObject({from: ['35.235.240.0/20'], ports: ['22']})
    expect(r.exposures.some((e) => e.rule === 'prod-equal-priority-allow')).toBe(false)
    expect(r.exposures.some((e) => e.rule === 'prod-legacy-telnet')).toBe(false)
  })

  it('source tags are named instances; implied egress allow is listed minus the denies', async () => {
    const r = await parseFixture(TYPE, 'firewall-rules.json')
    expect(r.exposures.find((e) => e.rule === 'prod-app-from-web' && e.protocol === 'tcp')).toMatchObject({
      from: [],
      from_sets: ['tag:web', 'sa:batch@acme-prod.iam.gserviceaccount.com'],
      ports: ['8080'],
    })
    const egress = r.exposures.filter((e) => e.rule === 'prod-vpc/implied-allow-egress' && e.protocol === 'tcp')
    expect(egress.map((e) => e.ports)).toEqual([['1-24', '26-65535']])
    expect(r.exposures.some((e) => e.rule === 'dev-vpc/implied-allow-egress')).toBe(false)
  })

  it('#14: a rule applies at its target tags or service accounts; without targets it names no attachment', async () => {
    const r = await parseFixture(TYPE, 'firewall-rules.json')
    const where = (rule: string) => [...new Set(r.exposures.filter((e) => e.rule === rule).map((e) => JSON.stringify(e.ingress?.interfaces ?? null)))]
    expect(where('prod-allow-https')).toEqual([JSON.stringify(['tag:web'])])
    expect(where('prod-app-from-web')).toEqual([JSON.stringify(['sa:app@acme-prod.iam.gserviceaccount.com'])])
    expect(where('prod-allow-ssh-iap')).toEqual(['null'])
    // the VPC network stays the rule's zone on the protected side
    expect(r.exposures.find((e) => e.rule === 'prod-allow-https')?.to_zones).toEqual(['prod-vpc'])
  })
})

describe('gcp: policies over several networks', () => {
  it('evaluates each network on its own and lists a policy permit once', async () => {
    const doc = {
      firewalls: [
        {name: 'a', network: 'global/networks/net-a', priority: 1000, direction: 'INGRESS', sourceRanges: ['10.0.0.0/8'], allowed: [{IPProtocol: 'tcp', ports: ['22']}]},
        {name: 'b', network: 'global/networks/net-b', priority: 1000, direction: 'INGRESS', sourceRanges: ['10.0.0.0/8'], allowed: [{IPProtocol: 'tcp', ports: ['80']}]},
      ],
      firewallPolicys: [
        {
          name: '1',
          shortName: 'org',
          type: 'HIERARCHY',
          rules: [{priority: 10, direction: 'INGRESS', action: 'allow', match: {srcIpRanges: ['192.0.2.0/24'], layer4Configs: [{ipProtocol: 'tcp', ports: ['443']}]}}],
        },
      ],
    }
    const r = await parseText(JSON.stringify(doc, null, 1), 'two-networks.json', TYPE)
    expect(r.exposures.filter((e) => e.rule === 'org priority 10')).toHaveLength(1)
    expect(r.exposures.find((e) => e.rule === 'a')?.toZones).toEqual(['net-a'])
    expect(r.exposures.find((e) => e.rule === 'b')?.toZones).toEqual(['net-b'])
  })
})

describe('gcp: warnings', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'firewall-warnings.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'firewall-warnings.json'))
  })

  it('reports each bad field; the unreadable deny does not shadow', async () => {
    const r = await parseFixture(TYPE, 'firewall-warnings.json')
    expect(r.unparsed.map((u) => u.reason)).toEqual([
      "unknown protocol 'quic'",
      "not an address or CIDR: '10.0.0.0/33'",
      "not a port or port range: 'ssh'",
      'not a VPC firewall rule',
    ])
    expect(r.stats).toEqual({lines: 4, understood: 0})
    expect(r.exposures.find((e) => e.rule === 'bad-port')).toMatchObject({ports: ['22'], from: ['0.0.0.0/0']})
  })
})

describe('gcp: corpus', () => {
  const files = corpusFiles(TYPE)
  if (files.length === 0) it.skip('corpus folder absent', () => {})
  for (const path of files) {
    it(`parses ${basename(path)}`, async () => {
      const r = await parseCorpusFile(TYPE, path)
      expect(r.exposures.length).toBeGreaterThan(0)
      for (const u of r.unparsed) expect(u.line > 0 && u.reason !== '').toBe(true)
      expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
      expect(gcp.detect(readFileSync(path, 'utf8').slice(0, 65536), path)).toBeGreaterThan(0.5)
    })
  }

  it.skipIf(files.length === 0)('aerleon sample: http from any to webserver; the egress default-deny leaves only IPv6 to the implied allow', async () => {
    const r = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'aerleon-sample_gce.json'))
    expect(r.exposures.find((e) => e.rule === 'default-test-web')).toMatchObject({from: ['0.0.0.0/0'], ports: ['80'], to_sets: ['tag:webserver']})
    expect(r.exposures.find((e) => e.rule === 'default-test-igmp')?.protocol).toBe('2')
    expect(r.exposures.find((e) => e.rule === 'default/implied-allow-egress')?.to).toEqual(['::/0'])
  })

  it.skipIf(files.length === 0)('effective firewalls: fw-test-800 denies 1001-1002 above fw-test-900; the equal-priority policy deny wins', async () => {
    const r = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'gcpdiag-fw-policy-effective-firewalls.json'))
    expect(r.exposures.find((e) => e.rule === 'fw-test-900' && e.from.length > 0)?.ports).toEqual(['1000', '1003-2000', '2033'])
    expect(r.exposures.find((e) => e.rule === 'parent-folder-policy priority 9000')).toMatchObject({from: ['10.101.0.1/32'], ports: ['2000-2002']})
    expect(r.exposures.some((e) => e.rule.startsWith('test-sorting'))).toBe(false)
    expect(r.exposures.find((e) => e.rule === 'default-allow-rdp')).toMatchObject({from: ['0.0.0.0/0'], ports: ['3389']})
  })
})

describe('gcp: detection', () => {
  it('claims its fixtures and not other vendors', () => {
    for (const name of ['firewall-rules.json']) {
      expect(gcp.detect(readFileSync(join(FIXTURES, TYPE, name), 'utf8'), name)).toBeGreaterThan(0.5)
    }
    for (const other of [...corpusFiles('aws'), ...corpusFiles('azure'), ...corpusFiles('pulumi'), ...corpusFiles('iptables').slice(0, 2)]) {
      expect(gcp.detect(readFileSync(other, 'utf8').slice(0, 65536), other)).toBe(0)
    }
  })
})

describe('gcp: bad input', () => {
  it('truncated JSON is a syntax error with a line', async () => {
    const text = readFileSync(join(FIXTURES, TYPE, 'firewall-rules.json'), 'utf8').slice(0, 700)
    const err = await parseText(text, 'cut.json', TYPE).catch((e: unknown) => e)
    expect(isIrmError(err) && err.code === 'CONFIG_SYNTAX' && (err.line ?? 0) > 1).toBe(true)
  })

  it('another vendor file: unparsed, not a crash', async () => {
    const azure = corpusFiles('azure')[0]
    if (azure) {
      // a forced type that understands almost nothing of what detection calls azure: refused, naming it
      const err = await parseText(readFileSync(azure, 'utf8'), 'nsg.json', TYPE).catch((e: unknown) => e)
      expect(isIrmError(err) && err.code === 'CONFIG_WRONG_FORMAT' && err.message).toMatch(/looks like azure/)
    }
    expect(isIrmError(await parseText('config firewall policy\nend\n', 'x.conf', TYPE).catch((e: unknown) => e))).toBe(true)
  })

  it('binary-ish junk is a clear error', async () => {
    expect(isIrmError(await parseText('\u0000\u0001\u0002', 'junk.bin', TYPE).catch((e: unknown) => e))).toBe(true)
    expect(isIrmError(await parseText('[[[[[[[[', 'deep.json', TYPE).catch((e: unknown) => e))).toBe(true)
  })
})
