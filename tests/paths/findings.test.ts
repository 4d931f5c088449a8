/**
 * End-to-end findings (#20) on a small chain, internet -[edge]- dmz -[inner]- lan / mgmt, written from
 * the rules by hand: `unwanted-path` at the first hop no access point approves, and critical flows
 * decided over their paths (superseding the per-device check).
 */
import {describe, expect, it} from 'vitest'

import type {ApprovedAccess, CriticalFlow, Finding} from '../../src/diff/model.js'
import {pathFindings} from '../../src/paths/findings.js'
import {TrustModel} from '../../src/policy/trust.js'
import {ap, flow, policy} from '../diff/helpers.js'
import {CHAIN_DEVICES, CHAIN_ZONES, liveIptables} from './helpers.js'

const ZONES = CHAIN_ZONES

// line 4: the public 198.51.100.11:2222 is forwarded to the management host's ssh; line 10 passes it
const EDGE = `*nat
:PREROUTING ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth0 -d 198.51.100.11/32 -p tcp -m tcp --dport 2222 -j DNAT --to-destination 10.99.0.5:22
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -o eth1 -d 10.99.0.5/32 -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
`
// line 5: the DMZ reaches the LAN web server; line 6: ssh from the DMZ side to management
const INNER = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -i eth0 -o eth1 -d 10.1.0.5/32 -p tcp -m tcp --dport 443 -j ACCEPT
-A FORWARD -i eth0 -o eth2 -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
`

const live = liveIptables

async function run(accessPoints: ApprovedAccess[], flows: CriticalFlow[] = [], findings: Finding[] = []) {
  return pathFindings(
    {
      zones: ZONES,
      devices: [
        ...CHAIN_DEVICES,
      ],
      accessPoints,
      flows,
      live: [await live('edge', EDGE), await live('inner', INNER)],
      asOf: '2026-12-01',
      policy,
      trust: TrustModel.of(policy, {zones: ZONES}),
    },
    findings,
  )
}

const EDGE_APS = [ap('ap-nat', 'edge', ['0.0.0.0/0'], ['198.51.100.11/32'], ['tcp/2222']), ap('ap-fwd', 'edge', ['0.0.0.0/0'], ['10.99.0.5/32'], ['tcp/22'])]

describe('unwanted-path', () => {
  it('the edge approves its forward, the inner gateway approves nothing: the finding is at inner line 6', async () => {
    const r = await run(EDGE_APS)
    const f = r.findings.filter((x) => x.rule === 'unwanted-path')
    expect(f.map((x) => `${x.id} ${x.file}:${x.line} ${x.service}`)).toEqual(['unwanted-path:inner:tcp:mgmt:internet live/inner.rules:6 tcp/22'])
    expect(f[0].severity).toBe('high')
  })

  it('nothing approved: the first hop, the edge, carries the finding', async () => {
    const r = await run([])
    expect(r.findings.filter((x) => x.rule === 'unwanted-path').map((x) => `${x.id} ${x.file}`)).toEqual(['unwanted-path:edge:tcp:mgmt:internet live/edge.rules'])
  })

  it('every hop approved: no finding', async () => {
    const r = await run([...EDGE_APS, ap('ap-inner-ssh', 'inner', ['0.0.0.0/0'], ['10.99.0.5/32'], ['tcp/22'])])
    expect(r.findings.filter((x) => x.rule === 'unwanted-path')).toEqual([])
  })

  it('the reach section lists management reached through both devices (nothing of the DMZ itself)', async () => {
    const r = await run([])
    expect(r.reach!.zones.map((z) => `${z.zone} ${z.services.join(',')} ${z.paths}`)).toEqual(['mgmt tcp/22 1'])
    expect(r.reach!.paths[0].devices).toEqual(['edge', 'inner'])
  })
})

describe('critical flows end to end', () => {
  const old: Finding = {id: 'critical-flow-blocked:edge:flow-web', rule: 'critical-flow-blocked', severity: 'high', device: 'edge', access_point: null, flow: 'flow-web', message: 'per device', suppressed: false}

  it('carried by the only path: no finding, and the per-device finding of the flow is superseded', async () => {
    const f = flow('flow-web', ['172.16.1.0/24'], ['10.1.0.5/32'], ['tcp/443'], {fromZones: ['dmz'], toZones: ['lan']})
    const r = await run([], [f], [old])
    expect(r.findings.filter((x) => x.rule === 'critical-flow-blocked')).toEqual([])
  })

  it('blocked on every path: one finding at the blocking hop', async () => {
    const f = flow('flow-web', ['172.16.1.0/24'], ['10.1.0.5/32'], ['tcp/444'], {fromZones: ['dmz'], toZones: ['lan']})
    const r = await run([], [f], [old])
    const got = r.findings.filter((x) => x.rule === 'critical-flow-blocked')
    expect(got.map((x) => `${x.id} ${x.device}`)).toEqual(['critical-flow-blocked:inner:flow-web inner'])
    // the finding is at the deny that decides on inner (its FORWARD policy, line 3), the flow is `inventory`
    expect(got[0].message).toBe('critical flow flow-web is blocked by inner at live/inner.rules:3 (FORWARD policy DROP) on path dmz > lan: no live rule permits tcp/444 from dmz to 10.1.0.5/32 (every path is blocked)')
    expect([got[0].file, got[0].line, got[0].inventory]).toEqual(['live/inner.rules', 3, {file: 'inventory/flows.yaml', line: 5}])
  })

  it('partly blocked: the hop that blocks part of the flow is named', async () => {
    const f = flow('flow-web', ['172.16.1.0/24'], ['10.1.0.5/32'], ['tcp/443-444'], {fromZones: ['dmz'], toZones: ['lan']})
    const r = await run([], [f], [old])
    const got = r.findings.filter((x) => x.rule === 'critical-flow-blocked')
    expect(got.map((x) => x.id)).toEqual(['critical-flow-blocked:inner:flow-web'])
    // tcp/443 passes, tcp/444 does not: the only path is partial, so the flow is partly blocked
    expect(got[0].message).toBe('critical flow flow-web is partly blocked by inner at live/inner.rules:3 (FORWARD policy DROP) on path dmz > lan: no live rule permits tcp/444 from dmz to 10.1.0.5/32')
  })

  it('a flow with no path in the zone graph keeps the per-device check', async () => {
    const f = flow('flow-web', ['172.16.1.0/24'], ['10.1.0.5/32'], ['tcp/443'], {fromZones: ['dmz'], toZones: ['nowhere']})
    const r = await run([], [f], [old])
    expect(r.findings.filter((x) => x.rule === 'critical-flow-blocked')).toEqual([old])
  })
})
