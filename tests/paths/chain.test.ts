/**
 * Reach across chained devices (#20): two iptables gateways in a row, internet -[edge]- dmz -[inner]- lan.
 * The edge forwards 198.51.100.10:8443 to 10.1.0.5:443 (DNAT); the inner gateway filters what arrives
 * in the DMZ. Expected results are written from the rules by hand.
 */
import {describe, expect, it} from 'vitest'

import type {DiffZone} from '../../src/diff/model.js'
import {AddressSet} from '../../src/net/address-set.js'
import {reachFrom, reachReport} from '../../src/paths/reach.js'
import {PathSpace} from '../../src/paths/space.js'
import {why} from '../../src/paths/why.js'
import {TrustModel} from '../../src/policy/trust.js'
import {policy} from '../diff/helpers.js'
import {CHAIN_DEVICES, CHAIN_ZONES, liveIptables} from './helpers.js'

const ZONES: DiffZone[] = [CHAIN_ZONES[0], {id: 'edge-net', trust: 'dmz', addresses: AddressSet.of('198.51.100.0/28')}, ...CHAIN_ZONES.slice(1)]

const EDGE = `*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth0 -d 198.51.100.10/32 -p tcp -m tcp --dport 8443 -j DNAT --to-destination 10.1.0.5:443
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -o eth1 -d 10.1.0.5/32 -p tcp -m tcp --dport 443 -j ACCEPT
-A FORWARD -i eth0 -o eth1 -d 172.16.1.20/32 -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
`

/** `inner` lets the DMZ reach 10.1.0.5 on the port the NAT translates to, never 8443. */
const INNER = (port: number) => `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -o eth1 -d 10.1.0.5/32 -p tcp -m tcp --dport ${port} -j ACCEPT
-A FORWARD -i eth0 -o eth2 -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
`

const live = liveIptables

async function space(innerPort = 443): Promise<PathSpace> {
  return new PathSpace({
    zones: ZONES,
    devices: [
      ...CHAIN_DEVICES,
    ],
    accessPoints: [],
    flows: [],
    live: [await live('edge', EDGE), await live('inner', INNER(innerPort))],
    asOf: '2026-12-01',
    policy,
    trust: TrustModel.of(policy, {zones: ZONES}),
  })
}

describe('chained reach', () => {
  it('NAT on hop 1 changes the destination hop 2 filters: 8443 on the public address arrives as 443 on 10.1.0.5', async () => {
    const s = await space()
    const r = reachReport(s, ['internet'], reachFrom(s, 'internet'))
    const rows = r.paths.flatMap((p) => p.chains.flatMap((c) => c.traffic.map((t) => `${p.zones.join('>')} ${t.services.join(',')} ${t.to.join(',')} ${c.rules.map((x) => `${x.device}:${x.line}${x.filter ? `+${x.filter.line}` : ''}`).join('>')}`)))
    expect(rows).toEqual([
      // the DMZ host is reached through the edge; the inner gateway's ssh to mgmt needs a DMZ source
      'internet>dmz tcp/22 172.16.1.20/32 edge:11',
      // the NAT (line 4) passed by FORWARD line 10, then inner's line 5
      'internet>dmz>lan tcp/443 10.1.0.5/32 edge:4+10>inner:5',
      // routing is not read: the FORWARD rule also accepts packets addressed to 10.1.0.5 itself
      'internet>dmz>lan tcp/443 10.1.0.5/32 edge:10>inner:5',
    ])
    expect(r.zones.map((z) => `${z.zone} ${z.services.join(',')}`)).toEqual(['dmz tcp/22', 'lan tcp/443'])
  })

  it('an inner rule on the pre-NAT port passes nothing: the flow is denied at the second hop', async () => {
    const s = await space(8443)
    const r = reachReport(s, ['internet'], reachFrom(s, 'internet'))
    expect(r.paths.map((p) => p.zones.join('>'))).toEqual(['internet>dmz'])
    const w = why(s, 'internet', '198.51.100.10', 'tcp/8443')
    expect(w.verdict).toBe('deny')
    const path = w.paths.find((p) => p.devices.join(',') === 'edge,inner')!
    expect(path.verdict).toBe('deny')
    expect(path.blocked_at).toBe('inner')
    expect(path.hops.map((h) => `${h.device} ${h.verdict}`)).toEqual(['edge permit', 'inner deny'])
    expect(path.hops[0].rules[0]).toMatchObject({line: 4, nat: {to: ['10.1.0.5/32'], ports: ['443']}, passes: {to: ['10.1.0.5/32'], services: ['tcp/443']}})
    // inner's FORWARD policy DROP (line 3) decides
    expect(path.hops[1].deny).toEqual({implicit: false, rules: [{file: 'live/inner.rules', line: 3, rule: 'FORWARD policy DROP'}]})
  })

  it('why names the deciding rule of each device on the permitted path', async () => {
    const s = await space()
    const w = why(s, 'internet', '198.51.100.10', 'tcp/8443')
    expect(w.verdict).toBe('permit')
    const path = w.paths.find((p) => p.verdict === 'permit')!
    expect(path.zones).toEqual(['internet', 'dmz', 'lan'])
    expect(path.hops.map((h) => `${h.device} ${h.from_zone}>${h.to_zone} ${h.rules.map((r) => `${r.file}:${r.line}`).join(',')}`)).toEqual([
      'edge internet>dmz live/edge.rules:4',
      'inner dmz>lan live/inner.rules:5',
    ])
    expect(path.permitted).toEqual([{from: ['internet (IPv4)'], to: ['10.1.0.5/32'], services: ['tcp/443']}])
    expect(path.denied).toEqual([])
  })

  it('partial: a zone as source, the sub-ranges permitted and denied are listed', async () => {
    const s = await space()
    // from the DMZ to the LAN host, tcp/443-444: 443 passes, 444 is denied by inner
    const w = why(s, 'dmz', '10.1.0.5', 'tcp/443-444')
    expect(w.verdict).toBe('partial')
    const path = w.paths.find((p) => p.devices.join(',') === 'inner')!
    expect(path.permitted).toEqual([{from: ['dmz'], to: ['10.1.0.5/32'], services: ['tcp/443']}])
    expect(path.denied).toEqual([{from: ['dmz'], to: ['10.1.0.5/32'], services: ['tcp/444']}])
  })

  it('refuses an endpoint that is neither a zone nor an address, and a bad service', async () => {
    const s = await space()
    expect(() => why(s, 'nowhere', '10.1.0.5', 'tcp/443')).toThrow(/SRC 'nowhere' is neither a zone id nor an address/)
    expect(() => why(s, 'dmz', '10.1.0.5', 'tcp/99999')).toThrow(/SERVICE 'tcp\/99999' is not a service/)
  })

  it('depends: a permit limited to office hours (-m time) makes the hop and the path depend on a schedule', async () => {
    const inner = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -o eth1 -d 10.1.0.5/32 -p tcp -m tcp --dport 443 -m time --timestart 08:00 --timestop 18:00 -j ACCEPT
COMMIT
`
    const s = new PathSpace({
      zones: ZONES,
      devices: [{id: 'inner', zones: [], interfaces: [{name: 'eth0', zone: 'dmz'}, {name: 'eth1', zone: 'lan'}], source: {file: 'devices.yaml', line: 9}}],
      accessPoints: [],
      flows: [],
      live: [await live('inner', inner)],
      asOf: '2026-12-01',
      policy,
      trust: TrustModel.of(policy, {zones: ZONES}),
    })
    const w = why(s, 'dmz', '10.1.0.5', 'tcp/443')
    expect(w.verdict).toBe('depends')
    expect(w.paths[0].hops[0].conditions?.map((c) => `${c.kind} ${c.code} ${c.lines?.join(',')} ${c.detail}`)).toEqual([
      // the iptables parser types `-m time` as a `conditional` doubt; its text makes it a schedule
      'schedule conditional 5 only when time from 08:00',
      'schedule conditional 5 only when time until 18:00',
    ])
  })
})
