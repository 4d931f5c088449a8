import {readFileSync} from 'node:fs'
import {basename, join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import {parseText} from '../../src/sources/load.js'
import {pulumi} from '../../src/sources/pulumi.js'
import {CORPUS, corpusFiles, FIXTURES, goldenPath, parseCorpusFile, parseFixture, reportText} from '../helpers/sources.js'

const TYPE = 'pulumi'

describe('pulumi: stack export v4 (aws, azure-native, gcp, kubernetes)', () => {
  it('#14: AWS groups apply where the stack attaches them, network ACLs at their subnets', async () => {
    const r = await parseFixture(TYPE, 'stack-export.json')
    const where = (rule: string) => [...new Set(r.exposures.filter((e) => e.rule === rule).map((e) => JSON.stringify([e.ingress?.interfaces, e.egress?.interfaces])))]
    expect(where('bastion-sg ingress#1')).toEqual([JSON.stringify([['i-0bastion'], undefined])])
    expect(where('bastion-sg egress#1')).toEqual([JSON.stringify([undefined, ['i-0bastion']])])
    expect(where('public-acl-ssh')).toEqual([JSON.stringify([['subnet-0pub'], undefined])])
    // the device: the bastion instance (its EIP faces the internet) and the NSG's attachments
    const parsed = await parseText(readFileSync(join(FIXTURES, TYPE, 'stack-export.json'), 'utf8'), 'stack-export.json', TYPE)
    expect(parsed.device?.interfaces.find((i) => i.name === 'i-0bastion')).toMatchObject({addresses: ['10.0.1.10/32', '203.0.113.50/32'], wan: true})
  })

  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'stack-export.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'stack-export.json'))
  })

  it('ssh from any reaches the bastion at its private address and its EIP', async () => {
    const r = await parseFixture(TYPE, 'stack-export.json')
    expect(r.exposures.find((e) => e.rule === 'bastion-sg ingress#1')).toMatchObject({
      from: ['0.0.0.0/0'],
      to: ['10.0.1.10/32', '203.0.113.50/32'],
      ports: ['22'],
      line: 35,
    })
  })

  it('load balancers, VPN and kubernetes services are listed', async () => {
    const r = await parseFixture(TYPE, 'stack-export.json')
    expect(r.exposures.find((e) => e.rule === 'web-https')).toMatchObject({kind: 'load-balancer', ports: ['443'], to_sets: ['web-1.eu-west-1.elb.amazonaws.com']})
    expect(r.exposures.find((e) => e.rule === 'hq-vpn' && e.protocol === 'udp')).toMatchObject({from: ['198.51.100.77/32'], to: ['52.16.0.1/32', '52.16.0.2/32']})
    expect(r.exposures.find((e) => e.rule === 'ingress-nginx')).toMatchObject({to: ['34.90.1.2/32'], ports: ['443']})
    expect(r.exposures.find((e) => e.rule === 'metrics nodePort')?.ports).toEqual(['30910'])
    expect(r.exposures.some((e) => e.rule === 'internal-api')).toBe(false)
    // a hierarchical firewall policy rule, evaluated before the VPC rules
    expect(r.exposures.find((e) => e.rule === 'org-allow-monitoring')).toMatchObject({from: ['198.51.100.0/24'], ports: ['9100']})
  })

  it('never prints a secret (Pulumi secret objects, PSKs, passphrase salt)', async () => {
    const r = await parseFixture(TYPE, 'stack-export.json')
    expect(reportText(r)).not.toMatch(/PLANTED/)
  })
})

describe('pulumi: warnings (checkpoint wrapper)', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'resources-warnings.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'resources-warnings.json'))
  })

  it('reports bad rules and network types it does not model; lambda is understood', async () => {
    const r = await parseFixture(TYPE, 'resources-warnings.json')
    expect(r.unparsed.map((u) => u.reason)).toEqual([
      // same line (the urn): sorted by text
      "unknown protocol 'gre-ish'",
      "not an address or CIDR: '10.0.0.0/33'",
      'listener without a port',
      'Kubernetes NetworkPolicy is not modelled (kubernetes:networking.k8s.io/v1:NetworkPolicy deny-all)',
      'forwarding rules (load balancer front ends) are not modelled (gcp:compute/forwardingRule:ForwardingRule fr)',
    ])
    expect(r.stats).toEqual({lines: 7, understood: 2})
  })
})

describe('pulumi: corpus', () => {
  const files = corpusFiles(TYPE)
  if (files.length === 0) it.skip('corpus folder absent', () => {})
  for (const path of files) {
    it(`parses ${basename(path)}`, async () => {
      const r = await parseCorpusFile(TYPE, path)
      for (const u of r.unparsed) expect(u.line > 0 && u.reason !== '').toBe(true)
      expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
      expect(r.stats.lines).toBeGreaterThan(0)
      expect(pulumi.detect(readFileSync(path, 'utf8').slice(0, 65536), path)).toBeGreaterThan(0.5)
    })
  }

  it.skipIf(files.length === 0)('lb state: http from any to the security group and the internet-facing ALB listener', async () => {
    const r = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'pulumi-aws-TestProviderUpgrade-lb-state.json'))
    expect(r.exposures.find((e) => e.rule === 'exampleSecurityGroup ingress#1')).toMatchObject({from: ['0.0.0.0/0'], ports: ['80'], to_sets: ['sg-050483f973da37d41']})
    expect(r.exposures.find((e) => e.kind === 'load-balancer')).toMatchObject({rule: 'exampleListener', ports: ['80'], line: 563})
  })

  it.skipIf(files.length === 0)('secretversion state: no secret value in the output', async () => {
    const r = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'pulumi-aws-TestProviderUpgrade-secretversion-state.json'))
    expect(reportText(r)).not.toContain('MySecretVersionValue')
    expect(reportText(r)).not.toContain('ciphertext')
  })
})

describe('pulumi: detection', () => {
  it('claims its fixtures and not other vendors', () => {
    for (const name of ['stack-export.json', 'resources-warnings.json']) {
      expect(pulumi.detect(readFileSync(join(FIXTURES, TYPE, name), 'utf8'), name)).toBeGreaterThan(0.5)
    }
    for (const other of [...corpusFiles('aws'), ...corpusFiles('azure'), ...corpusFiles('gcp'), ...corpusFiles('iptables').slice(0, 2)]) {
      expect(pulumi.detect(readFileSync(other, 'utf8').slice(0, 65536), other)).toBe(0)
    }
  })
})

describe('pulumi: bad input', () => {
  it('truncated JSON is a syntax error with a line', async () => {
    const text = readFileSync(join(FIXTURES, TYPE, 'stack-export.json'), 'utf8').slice(0, 2000)
    const err = await parseText(text, 'cut.json', TYPE).catch((e: unknown) => e)
    expect(isIrmError(err) && err.code === 'CONFIG_SYNTAX' && (err.line ?? 0) > 1).toBe(true)
  })

  it('another vendor file is a clear wrong-format error', async () => {
    const aws = corpusFiles('aws')[0]
    if (aws) {
      const err = await parseText(readFileSync(aws, 'utf8'), 'acl.json', TYPE).catch((e: unknown) => e)
      expect(isIrmError(err) && err.code === 'CONFIG_WRONG_FORMAT').toBe(true)
    }
  })

  it('binary-ish junk is a clear error', async () => {
    expect(isIrmError(await parseText('\u0000\u0001\u0002', 'junk.bin', TYPE).catch((e: unknown) => e))).toBe(true)
    expect(isIrmError(await parseText('{"deployment": 3}', 'odd.json', TYPE).catch((e: unknown) => e))).toBe(true)
  })
})
