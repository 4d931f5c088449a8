import {readFileSync} from 'node:fs'
import {basename, join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import {azure} from '../../src/sources/azure.js'
import {parseText} from '../../src/sources/load.js'
import {CORPUS, corpusFiles, FIXTURES, goldenPath, parseCorpusFile, parseFixture} from '../helpers/sources.js'

const TYPE = 'azure'

describe('azure: nsg list (flattened and ARM shapes)', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'nsg-list.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'nsg-list.json'))
  })

  it('priority order: the deny at 100 carves 198.51.100.0/24 out of https from Internet', async () => {
    const r = await parseFixture(TYPE, 'nsg-list.json')
    const https = r.exposures.find((e) => e.rule === 'web-nsg/AllowHttpsInternet')
    expect(https).toMatchObject({to: ['10.1.0.0/24'], ports: ['443', '8443-8444'], from_sets: ['Internet']})
    expect(https?.from).toContain('198.51.101.0/24')
    expect(https?.from).not.toContain('198.51.100.0/24')
  })

  it('a deny on a service tag does not shadow; ASGs stay named', async () => {
    const r = await parseFixture(TYPE, 'nsg-list.json')
    expect(r.exposures.find((e) => e.rule === 'web-nsg/AllowRdpFromAdmins')?.from).toEqual(['203.0.113.0/28', '2001:db8:abcd::/48'])
    expect(r.exposures.find((e) => e.rule === 'web-nsg/AllowAppFromAsg')).toMatchObject({from: [], from_sets: ['asg-frontend'], to_sets: ['asg-app']})
  })

  it('adds the documented default rules when the export lacks them, with a note', async () => {
    const r = await parseFixture(TYPE, 'nsg-list.json')
    const lb = r.exposures.find((e) => e.rule === 'mgmt-nsg/AllowAzureLoadBalancerInBound')
    expect(lb?.from).toEqual(['168.63.129.16/32'])
    expect(lb?.notes?.join(' ')).toMatch(/default rule, added/)
    expect(r.exposures.find((e) => e.rule === 'mgmt-nsg/SSH')).toMatchObject({protocol: 'tcp', ports: ['22'], from: ['0.0.0.0/0', '::/0'], to_sets: ['jumphost-nic']})
  })
})

describe('azure: where an NSG applies (#14)', () => {
  it('rules enter by the subnet or NIC the NSG is attached to (outbound rules leave there); the device lists the attachments', async () => {
    const r = await parseFixture(TYPE, 'nsg-list.json')
    const side = (name: string) => ({interfaces: [name], zones: [], inventory_zones: []})
    for (const e of r.exposures) {
      const at = side(e.rule.startsWith('web-nsg/') ? 'snet-web' : 'jumphost-nic')
      expect(e.direction === 'inbound' ? [e.ingress, e.egress] : [e.egress, e.ingress], e.rule).toEqual([at, undefined])
    }
    const parsed = await parseText(readFileSync(join(FIXTURES, TYPE, 'nsg-list.json'), 'utf8'), 'nsg-list.json', TYPE)
    expect(parsed.device).toEqual({
      interfaces: [
        {name: 'snet-web', addresses: [], line: 2},
        {name: 'jumphost-nic', addresses: [], line: 85},
      ],
      ownAddresses: [],
      listeners: [],
    })
  })

  it('an NSG whose export names no attachment says nothing about where it applies', async () => {
    const r = await parseFixture(TYPE, 'nsg-rule-list.json')
    for (const e of r.exposures) expect(e.ingress ?? e.egress).toBeUndefined()
  })
})

describe('azure: ARM template', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'arm-template.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'arm-template.json'))
  })

  it('parameter defaults resolve, child rule resources join their NSG, other resources are skipped', async () => {
    const r = await parseFixture(TYPE, 'arm-template.json')
    expect(r.exposures.find((e) => e.rule === 'app-nsg/AllowAdminFromParameter')).toMatchObject({from: ['203.0.113.0/24'], ports: ['22']})
    expect(r.exposures.filter((e) => e.rule === 'app-nsg/AllowIcmpFromVnet').map((e) => e.protocol)).toEqual(['icmp', 'icmpv6'])
    expect(r.stats).toEqual({lines: 3, understood: 3})
    expect(JSON.stringify(r)).not.toMatch(/PLANTED/)
  })
})

describe('azure: az network nsg rule list', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'nsg-rule-list.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'nsg-rule-list.json'))
  })

  it('rules join their NSG by id; the deny at 4096 hides the inbound defaults', async () => {
    const r = await parseFixture(TYPE, 'nsg-rule-list.json')
    const inbound = r.exposures.filter((e) => e.direction === 'inbound')
    expect(inbound.map((e) => e.rule)).toEqual(['dmz-nsg/AllowHttps'])
    expect(r.exposures.some((e) => e.rule === 'dmz-nsg/AllowInternetOutBound')).toBe(true)
  })
})

describe('azure: warnings', () => {
  it('matches the golden', async () => {
    const report = await parseFixture(TYPE, 'nsg-warnings.json')
    await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'nsg-warnings.json'))
  })

  it('reports each bad field; the unknown deny does not shadow', async () => {
    const r = await parseFixture(TYPE, 'nsg-warnings.json')
    expect(r.unparsed.map((u) => u.reason)).toEqual([
      "unknown protocol 'Gre'",
      "not an address, CIDR or service tag: '[parameters('blocked')]'",
      "not a port or port range: 'ssh'",
      "not an address, CIDR or service tag: '[variables('partners')]'",
      "unknown access 'Log'",
    ])
    expect(r.stats).toEqual({lines: 7, understood: 2})
    // an allow whose source did not read stays, from any, with a note
    expect(r.exposures.find((e) => e.rule === 'odd-nsg/BadAllowPrefix')).toMatchObject({from: ['0.0.0.0/0', '::/0'], ports: ['8080']})
    expect(r.exposures.find((e) => e.rule === 'odd-nsg/BadPort')).toMatchObject({protocol: 'tcp', ports: ['1-65535']})
  })
})

describe('azure: corpus', () => {
  const files = corpusFiles(TYPE)
  if (files.length === 0) it.skip('corpus folder absent', () => {})
  for (const path of files) {
    it(`parses ${basename(path)}`, async () => {
      const r = await parseCorpusFile(TYPE, path)
      expect(r.exposures.length).toBeGreaterThan(0)
      for (const u of r.unparsed) expect(u.line > 0 && u.reason !== '').toBe(true)
      expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
      expect(azure.detect(readFileSync(path, 'utf8').slice(0, 65536), path)).toBeGreaterThan(0.5)
    })
  }

  it.skipIf(files.length === 0)('VM1-nsg: tcp 22,8080 and udp from any; the deny at 320 ends the inbound list', async () => {
    const r = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'batfish-cloud-azure-VM1-nsg.json'))
    const inbound = r.exposures.filter((e) => e.direction === 'inbound')
    expect(inbound.map((e) => [e.rule, e.protocol, e.ports.join(',')])).toEqual([
      ['VM1-nsg/SSH', 'tcp', '22,8080'],
      ['VM1-nsg/AllowAnyCustomAnyInbound', 'udp', '1-65535'],
    ])
  })

  it.skipIf(files.length === 0)('subnet-nsg: ssh/telnet/http only from 10.0.0.0/24', async () => {
    const r = await parseCorpusFile(TYPE, join(CORPUS, TYPE, 'batfish-cloud-azure-subnet-nsg.json'))
    expect(r.exposures.find((e) => e.direction === 'inbound')).toMatchObject({from: ['10.0.0.0/24'], ports: ['22-23', '80', '8080'], line: 11})
  })
})

describe('azure: detection', () => {
  it('claims its fixtures and not other vendors', () => {
    for (const name of ['nsg-list.json', 'nsg-warnings.json', 'arm-template.json', 'nsg-rule-list.json']) {
      expect(azure.detect(readFileSync(join(FIXTURES, TYPE, name), 'utf8'), name)).toBeGreaterThan(0.5)
    }
    for (const other of [...corpusFiles('aws'), ...corpusFiles('gcp'), ...corpusFiles('pulumi'), ...corpusFiles('iptables').slice(0, 2)]) {
      expect(azure.detect(readFileSync(other, 'utf8').slice(0, 65536), other)).toBe(0)
    }
  })
})

describe('azure: bad input', () => {
  it('truncated JSON is a syntax error with a line', async () => {
    const text = readFileSync(join(FIXTURES, TYPE, 'nsg-list.json'), 'utf8').slice(0, 1200)
    const err = await parseText(text, 'cut.json', TYPE).catch((e: unknown) => e)
    expect(isIrmError(err) && err.code === 'CONFIG_SYNTAX' && (err.line ?? 0) > 1).toBe(true)
  })

  it('another vendor file: unparsed, not a crash', async () => {
    const aws = corpusFiles('aws')[0]
    if (aws) {
      // a forced type that understands almost nothing of what detection calls aws: refused, naming it
      const err = await parseText(readFileSync(aws, 'utf8'), 'acl.json', TYPE).catch((e: unknown) => e)
      expect(isIrmError(err) && err.code === 'CONFIG_WRONG_FORMAT' && err.message).toMatch(/looks like aws/)
    }
    expect(isIrmError(await parseText('set system host-name x\n', 'x.set', TYPE).catch((e: unknown) => e))).toBe(true)
  })

  it('binary-ish junk is a clear error', async () => {
    expect(isIrmError(await parseText('\u0000\u0001\u0002', 'junk.bin', TYPE).catch((e: unknown) => e))).toBe(true)
    expect(isIrmError(await parseText('"just a string"', 's.json', TYPE).catch((e: unknown) => e))).toBe(true)
  })
})
