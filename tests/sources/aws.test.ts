import {readFileSync} from 'node:fs'
import {basename, join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import {aws} from '../../src/sources/aws.js'
import {parseText} from '../../src/sources/load.js'
import {CORPUS, corpusFiles, FIXTURES, goldenPath, parseCorpusFile, parseFixture, reportText} from '../helpers/sources.js'

const TYPE = 'aws'

describe('aws: account export (security groups, network ACL, VPN)', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'account-export.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'account-export.json'))
  })

  it('lists tcp/443 from any (v4 and v6) to the web group', async () => {
    const r = await parseFixture(TYPE, 'account-export.json')
    const https = r.exposures.find((e) => e.rule === 'sg-0a1b2c3d4e5f60001 (web) ingress#1')
    expect(https).toMatchObject({protocol: 'tcp', ports: ['443'], from: ['0.0.0.0/0', '::/0'], to_sets: ['sg-0a1b2c3d4e5f60001']})
  })

  it('keeps prefix lists as any with a note and group sources as named, empty sets', async () => {
    const r = await parseFixture(TYPE, 'account-export.json')
    const ssh = r.exposures.find((e) => e.rule === 'sg-0a1b2c3d4e5f60001 (web) ingress#2')
    expect(ssh?.from_sets).toEqual(['pl-0office00000000001'])
    expect(ssh?.notes?.[0]).toMatch(/prefix list .* not resolved/)
    const pg = r.exposures.find((e) => e.rule === 'sg-0a1b2c3d4e5f60003 (db) ingress#1')
    expect(pg).toMatchObject({from: [], from_sets: ['sg-0ffee000000000009 via pcx-0123abcd'], ports: ['5432']})
  })

  it('network ACL: rule order applies (deny 90 carves the /24 out of ssh, deny 105 removes 3389)', async () => {
    const r = await parseFixture(TYPE, 'account-export.json')
    const ssh = r.exposures.find((e) => e.rule === 'acl-0public000000001 ingress#100')
    expect(ssh?.from).not.toContain('0.0.0.0/0')
    expect(ssh?.from).toContain('198.51.101.0/24')
    const high = r.exposures.find((e) => e.rule === 'acl-0public000000001 ingress#110')
    expect(high?.ports).toEqual(['1024-3388', '3390-65535'])
    // describe-subnets in the same file: the ACL guards the subnet's CIDRs
    expect(high?.to).toEqual(['10.0.0.0/24', '2001:db8:0:1::/64'])
  })

  it('VPN: IKE/NAT-T and ESP from the customer gateway to both tunnels, never the PSKs', async () => {
    const r = await parseFixture(TYPE, 'account-export.json')
    const ike = r.exposures.find((e) => e.kind === 'vpn-listener' && e.protocol === 'udp')
    expect(ike).toMatchObject({from: ['203.0.113.7/32'], to: ['52.1.1.1/32', '52.2.2.2/32'], ports: ['500', '4500']})
    expect(r.exposures.some((e) => e.kind === 'vpn-listener' && e.protocol === 'esp')).toBe(true)
    expect(reportText(r)).not.toMatch(/PLANTED/)
  })
})

describe('aws: security groups with their interfaces and instances', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'sg-with-interfaces.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'sg-with-interfaces.json'))
  })

  it('destinations and group sources become the members\' addresses; unknown groups stay named', async () => {
    const r = await parseFixture(TYPE, 'sg-with-interfaces.json')
    expect(r.exposures.find((e) => e.rule === 'sg-0b0000000000000b1 (bastion) ingress#1')?.to).toEqual(['10.0.0.10/32', '203.0.113.10/32', '2001:db8:0:1::10/128'])
    expect(r.exposures.find((e) => e.rule === 'sg-0a0000000000000a1 (app) ingress#1')).toMatchObject({
      from: ['10.0.0.10/32', '203.0.113.10/32', '2001:db8:0:1::10/128'],
      to: ['10.0.1.21/32', '10.0.1.22/32', '198.51.100.22/32'],
    })
    expect(r.exposures.find((e) => e.rule === 'sg-0a0000000000000a1 (app) ingress#2')).toMatchObject({from: [], from_sets: ['sg-0c0000000000000c1']})
  })
  it('#14: a group\'s rules enter by the ENIs and instances it is attached to; the device lists them, public ones as WAN', async () => {
    const r = await parseFixture(TYPE, 'sg-with-interfaces.json')
    const where = (rule: string) => r.exposures.filter((e) => e.rule === rule).map((e) => [e.ingress?.interfaces, e.egress])
    expect(where('sg-0b0000000000000b1 (bastion) ingress#1')).toEqual([[['eni-0b1'], undefined]])
    expect(where('sg-0a0000000000000a1 (app) ingress#1')).toEqual([[['i-0app1', 'i-0app2'], undefined]])
    const parsed = await parseText(readFileSync(join(FIXTURES, TYPE, 'sg-with-interfaces.json'), 'utf8'), 'sg-with-interfaces.json', TYPE)
    expect(parsed.device?.interfaces).toEqual([
      {name: 'eni-0b1', addresses: ['10.0.0.10/32', '203.0.113.10/32', '2001:db8:0:1::10/128'], wan: true, line: 26},
      {name: 'i-0app1', addresses: ['10.0.1.21/32'], line: 38},
      {name: 'i-0app2', addresses: ['10.0.1.22/32', '198.51.100.22/32'], wan: true, line: 39},
    ])
  })

  it('#14: network ACL entries apply at their subnets (ingress inbound, egress outbound); unattached groups name no ingress', async () => {
    const r = await parseFixture(TYPE, 'account-export.json')
    const acl = r.exposures.filter((e) => e.rule.startsWith('acl-0public000000001 '))
    expect(acl.length).toBeGreaterThan(0)
    for (const e of acl) {
      const side = {interfaces: ['subnet-0pub000000000001'], zones: [], inventory_zones: []}
      expect(e.direction === 'inbound' ? [e.ingress, e.egress] : [e.egress, e.ingress]).toEqual([side, undefined])
    }
    // the export lists no ENI or instance: a group's rules say nothing about where they apply
    for (const e of r.exposures.filter((x) => x.rule.startsWith('sg-'))) expect(e.ingress).toBeUndefined()
  })
})

describe('aws: describe-security-group-rules', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'security-group-rules.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'security-group-rules.json'))
  })

  it('one exposure per rule, named by its sgr id, grouped under the group', async () => {
    const r = await parseFixture(TYPE, 'security-group-rules.json')
    expect(r.exposures.find((e) => e.rule === 'sg-0d0000000000000d1 sgr-0aaa0000000000001')).toMatchObject({ports: ['3389'], from: ['0.0.0.0/0']})
    expect(r.exposures.find((e) => e.rule.endsWith('sgr-0aaa0000000000004'))).toMatchObject({direction: 'outbound', to_sets: ['pl-0s3endpoint00001']})
  })
})

describe('aws: load balancers (elbv2 + listeners, classic ELB) and client VPN', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'load-balancers.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'load-balancers.json'))
  })

  it('each listener port is open on its load balancer; internal and security groups are noted', async () => {
    const r = await parseFixture(TYPE, 'load-balancers.json')
    expect(r.exposures.find((e) => e.to_sets?.[0] === 'web-alb-1234567890.eu-west-1.elb.amazonaws.com')).toMatchObject({kind: 'load-balancer', protocol: 'tcp', ports: ['443']})
    const dns = r.exposures.filter((e) => e.to_sets?.[0]?.startsWith('dns-nlb'))
    expect(dns.map((e) => e.protocol)).toEqual(['tcp', 'udp'])
    expect(dns[0].notes).toContain('internal load balancer: reachable from inside the VPC only')
    expect(r.exposures.find((e) => e.rule === 'legacy-elb listener#1')?.ports).toEqual(['80'])
    expect(r.exposures.find((e) => e.kind === 'vpn-listener')).toMatchObject({rule: 'cvpn-endpoint-0abc0000000000001', protocol: 'udp', ports: ['443']})
  })
})

describe('aws: warnings', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'sg-warnings.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'sg-warnings.json'))
  })

  it('reports each problem once and keeps what it can', async () => {
    const r = await parseFixture(TYPE, 'sg-warnings.json')
    expect(r.unparsed.map((u) => u.reason)).toEqual([
      "not an address or CIDR: '10.0.0.300/32'",
      "unknown protocol 'bogus'",
      'not a security group, security group rule, network ACL or VPN connection',
      "unknown rule action 'reject'",
      "unknown protocol '99999'",
    ])
    expect(r.stats).toEqual({lines: 6, understood: 1})
    // the allow with an unknown protocol stays, read as any, with a note
    expect(r.exposures.find((e) => e.rule.endsWith('ingress#2'))).toMatchObject({protocol: 'any', from: ['10.2.0.0/16']})
    // a deny with an unknown protocol does not shadow the allow below it
    expect(r.exposures.some((e) => e.rule === 'acl-0bad000000000001 ingress#70' && e.ports[0] === '25')).toBe(true)
  })
})

describe('aws: corpus', () => {
  const files = corpusFiles(TYPE)
  if (files.length === 0) it.skip('corpus folder absent', () => {})
  for (const path of files) {
    it(`parses ${basename(path)}`, async () => {
      const r = await parseCorpusFile(TYPE, path)
      expect(r.exposures.length).toBeGreaterThan(0)
      for (const u of r.unparsed) {
        expect(u.line).toBeGreaterThan(0)
        expect(u.reason).not.toBe('')
      }
      expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
      expect(aws.detect(readFileSync(path, 'utf8').slice(0, 65536), path)).toBeGreaterThan(0.5)
    })
  }

  it.skipIf(files.length === 0)('batfish security groups: rds-launch-wizard opens tcp/3306 to the internet', async () => {
    const r = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'batfish-hybrid-cloud-us-west-2-SecurityGroups.json'))
    expect(r.exposures.find((e) => e.rule === 'sg-9a1f3ffe (rds-launch-wizard) ingress#1')).toMatchObject({
      protocol: 'tcp',
      ports: ['3306'],
      from: ['0.0.0.0/0'],
      line: 380,
    })
  })

  it.skipIf(files.length === 0)('batfish network ACLs: the default ACL only lets tcp/3306 in from 162.243.144.192', async () => {
    const r = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'batfish-hybrid-cloud-us-west-2-NetworkAcls.json'))
    const inbound = r.exposures.filter((e) => e.rule.startsWith('acl-4db39c28 ingress'))
    expect(inbound).toEqual([expect.objectContaining({from: ['162.243.144.192/32'], protocol: 'tcp', ports: ['3306']})])
  })

  it.skipIf(files.length === 0)('batfish VPN: both tunnel listeners, no pre-shared key in the output', async () => {
    const r = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'batfish-hybrid-cloud-us-west-2-VpnConnections.json'))
    expect(r.exposures.filter((e) => e.kind === 'vpn-listener').map((e) => e.to)).toContainEqual(['52.27.166.152/32', '52.39.121.126/32'])
    expect(reportText(r)).not.toContain('QMP5tKPP5qk95Y1Eee9c_82.MofNUJQV')
    expect(reportText(r)).not.toContain('pre_shared_key')
  })
})

describe('aws: detection', () => {
  it('claims its fixtures and not other vendors', () => {
    for (const name of ['account-export.json', 'sg-warnings.json', 'sg-with-interfaces.json', 'security-group-rules.json', 'load-balancers.json']) {
      expect(aws.detect(readFileSync(join(FIXTURES, TYPE, name), 'utf8'), name)).toBeGreaterThan(0.5)
    }
    for (const other of [...corpusFiles('azure'), ...corpusFiles('gcp'), ...corpusFiles('pulumi'), ...corpusFiles('iptables').slice(0, 2)]) {
      expect(aws.detect(readFileSync(other, 'utf8').slice(0, 65536), other)).toBe(0)
    }
  })
})

describe('aws: bad input', () => {
  it('truncated JSON is a syntax error with a line', async () => {
    const text = readFileSync(join(FIXTURES, TYPE, 'account-export.json'), 'utf8').slice(0, 900)
    const err = await parseText(text, 'cut.json', TYPE).catch((e: unknown) => e)
    expect(isIrmError(err) && err.code === 'CONFIG_SYNTAX' && err.line !== undefined).toBe(true)
  })

  it('another vendor file is an error or unparsed, never a crash', async () => {
    const err = await parseText('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n', 'x.rules', TYPE).catch((e: unknown) => e)
    expect(isIrmError(err)).toBe(true)
    const azure = corpusFiles('azure')[0]
    if (azure) {
      // a forced type that understands almost nothing of what detection calls azure: refused, naming it
      const err = await parseText(readFileSync(azure, 'utf8'), 'nsg.json', TYPE).catch((e: unknown) => e)
      expect(isIrmError(err) && err.code === 'CONFIG_WRONG_FORMAT' && err.message).toMatch(/looks like azure/)
    }
  })

  it('binary-ish junk is a clear error', async () => {
    const err = await parseText('\u0001\u0002{"a":\u0003', 'junk.bin', TYPE).catch((e: unknown) => e)
    expect(isIrmError(err)).toBe(true)
    const scalar = await parseText('42', 'n.json', TYPE).catch((e: unknown) => e)
    expect(isIrmError(scalar)).toBe(true)
  })
})
