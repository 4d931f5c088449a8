/**
 * Diff scenarios through a real parser (iptables-save text → exposures → findings): each rule with a
 * variant that must flag and close variants that must not.
 */
import {describe, expect, it} from 'vitest'

import {diffFindings} from '../../src/diff/engine.js'
import type {ApprovedAccess, LiveConfig} from '../../src/diff/model.js'
import {parseText} from '../../src/sources/load.js'
import {ap, input} from './helpers.js'

async function live(rules: string[], v6 = false): Promise<LiveConfig> {
  const text = ['*filter', ':INPUT DROP [0:0]', ':FORWARD DROP [0:0]', ':OUTPUT ACCEPT [0:0]', ...rules, 'COMMIT', ''].join('\n')
  const loaded = await parseText(text, v6 ? 'live/fw.v6' : 'live/fw.v4', 'iptables')
  return {device: 'fw', file: loaded.file, type: loaded.type, exposures: loaded.exposures, unparsed: loaded.unparsed, stats: loaded.stats}
}

async function findings(rules: string[], aps: ApprovedAccess[] = [], v6 = false) {
  return diffFindings(input({accessPoints: aps, live: [await live(rules, v6)]})).map((f) => [f.rule, f.severity, f.line])
}

const RDP = '-A FORWARD -d 192.0.2.10/32 -p tcp -m tcp --dport 3389 -j ACCEPT'
const web = () => ap('web', 'fw', ['internet'], ['192.0.2.10/32'], ['tcp/443'])

describe('unwanted-access-point through iptables', () => {
  it('flags RDP from anywhere (critical, its line)', async () => {
    expect(await findings([RDP])).toEqual([['unwanted-access-point', 'critical', 5]])
  })

  it('is silent when a DROP above shadows the ACCEPT', async () => {
    expect(await findings(['-A FORWARD -d 192.0.2.10/32 -p tcp -m tcp --dport 3389 -j DROP', RDP])).toEqual([])
  })

  it('is silent when the source is a trusted zone only', async () => {
    expect(await findings(['-A FORWARD -s 10.1.0.0/16 -d 192.0.2.10/32 -p tcp -m tcp --dport 3389 -j ACCEPT'])).toEqual([])
  })

  it('flags the IPv6 twin (ip6tables) of an approved IPv4 opening', async () => {
    const v6 = await findings(['-A FORWARD -d 2001:db8:d::10/128 -p tcp -m tcp --dport 443 -j ACCEPT'], [web()], true)
    expect(v6).toContainEqual(['unwanted-access-point', 'high', 5])
  })
})

describe('access-point-drift through iptables', () => {
  it('flags a live rule with more ports than approved', async () => {
    expect(await findings(['-A FORWARD -d 192.0.2.10/32 -p tcp -m multiport --dports 443,8443 -j ACCEPT'], [web()])).toEqual([['access-point-drift', 'high', 5]])
  })

  it('is silent for a narrower live rule (one source network, one port of the range)', async () => {
    const wide = ap('web', 'fw', ['internet'], ['dmz'], ['tcp/443-444'])
    expect(await findings(['-A FORWARD -s 203.0.113.0/24 -d 192.0.2.10/32 -p tcp -m tcp --dport 443 -j ACCEPT'], [wide])).toEqual([])
  })
})

describe('stale-access-point through iptables', () => {
  it('flags an access point whose rule is gone, not one whose rule is there', async () => {
    expect(await findings([], [web()])).toEqual([['stale-access-point', 'low', 10]])
    expect(await findings(['-A FORWARD -d 192.0.2.10/32 -p tcp -m tcp --dport 443 -j ACCEPT'], [web()])).toEqual([])
  })
})
