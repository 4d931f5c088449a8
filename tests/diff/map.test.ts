import {describe, expect, it} from 'vitest'

import type {Finding} from '../../src/diff/model.js'
import {emptyInventory, type Inventory} from '../../src/inventory/model.js'
import {networkMap, renderDot, renderMermaid} from '../../src/report/map.js'

function inventory(): Inventory {
  const inv = emptyInventory()
  inv.zones.push(
    {id: 'internet', name: 'Internet', trust: 'internet'},
    {id: 'acme', name: 'ACME "partner"', trust: 'partner', cidrs: ['203.0.113.0/24']},
    {id: 'globex', name: 'Globex', trust: 'partner', cidrs: ['198.51.100.0/24']},
    {id: 'lan', name: 'LAN', trust: 'internal', cidrs: ['10.0.0.0/8']},
  )
  inv.devices.push({id: 'fw-1', role: 'firewall', format: 'iptables', zones: ['internet', 'acme', 'globex', 'lan']})
  inv.access_points.push(
    {id: 'ap-sftp', kind: 'partner-link', device: 'fw-1', from: ['acme'], to: ['10.1.1.1/32'], services: ['tcp/22'], owner: 'ops'},
    {id: 'ap-admin', kind: 'remote-admin', device: 'fw-1', from: ['lan'], to: ['10.0.0.1/32'], services: ['tcp/22'], owner: 'ops'},
    {id: 'ap-ext', kind: 'firewall-opening', device: 'fw-1', from: ['192.0.2.7/32'], to: ['10.1.1.2/32'], services: ['tcp/443'], owner: 'ops'},
  )
  inv.flows.push({id: 'f-1', name: 'Orders', from: ['10.1.2.3/32'], to: ['acme'], services: ['tcp/443'], criticality: 'high'})
  return inv
}

const unwanted = {id: 'u', rule: 'unwanted-access-point', severity: 'medium', device: 'fw-1', access_point: null, reach: 'partner', service: 'tcp/8080', exposure: {from: ['198.51.100.7/32']}, message: '', suppressed: false} as unknown as Finding

describe('network map', () => {
  it('draws untrusted access points (zones and outside CIDRs), not internal ones; flows between zones', () => {
    const text = renderMermaid(networkMap(inventory()))
    expect(text).toContain('z_acme -->|"ap-sftp: tcp/22"| d_fw_1')
    expect(text).toContain('x_192_0_2_7_32 -->|"ap-ext: tcp/443"| d_fw_1')
    expect(text).not.toContain('ap-admin')
    expect(text).toContain('z_lan ==>|"Orders: tcp/443"| z_acme')
    expect(text).toContain('z_acme["ACME #quot;partner#quot;<br/>203.0.113.0/24"]')
  })

  it('draws a finding in red from the partner zone its sources fall in', () => {
    const text = renderMermaid(networkMap(inventory(), [unwanted]))
    expect(text).toContain('z_globex -.->|"UNWANTED: tcp/8080"| d_fw_1')
    expect(text).toMatch(/linkStyle \d+ stroke:#d00/)
  })

  it('escapes DOT strings', () => {
    expect(renderDot(networkMap(inventory()))).toContain('"z:acme" [label="ACME \\"partner\\"\\n203.0.113.0/24", shape=box];')
  })
})

describe('#18: the map model', () => {
  it('marks only the blocked zone pairs of a partly blocked flow', () => {
    const inv = inventory()
    inv.zones.push({id: 'dc', name: 'DC', trust: 'internal', cidrs: ['172.16.0.0/16']})
    inv.flows.push({id: 'f-logs', name: 'Logs', from: ['lan', 'dc'], to: ['acme'], services: ['udp/514'], criticality: 'high'})
    // the live rules pass the DC's logs but not the LAN's
    const blocked = {id: 'b', rule: 'critical-flow-blocked', severity: 'high', device: 'fw-1', access_point: null, flow: 'f-logs', excess: {boxes: [{from: ['10.0.0.0/8'], to: ['203.0.113.0/24'], protocols: ['udp'], ports: ['514']}]}, message: '', suppressed: false} as unknown as Finding
    const edges = networkMap(inv, [blocked]).edges.filter((e) => e.labels.some((l) => l.includes('Logs')))
    expect(edges.map((e) => [e.from, e.to, e.kind])).toEqual([
      ['z:lan', 'z:acme', 'blocked'],
      ['z:dc', 'z:acme', 'flow'],
    ])
  })

  it('draws every zone pair of a flow (none dropped after the third) and counts labels beyond three', () => {
    const inv = inventory()
    for (let i = 1; i <= 5; i++) inv.zones.push({id: `site${i}`, name: `Site ${i}`, trust: 'internal', cidrs: [`172.16.${i}.0/24`]})
    inv.flows.push({id: 'f-wide', name: 'Wide', from: ['site1', 'site2', 'site3', 'site4', 'site5'], to: ['lan'], services: ['tcp/1'], criticality: 'high'})
    for (let i = 1; i <= 5; i++) inv.access_points.push({id: `ap-${i}`, kind: 'partner-link', device: 'fw-1', from: ['acme'], to: ['10.1.1.1/32'], services: [`tcp/${i}`], owner: 'ops'})
    const map = networkMap(inv)
    expect(map.edges.filter((e) => e.labels.includes('Wide: tcp/1'))).toHaveLength(5)
    const text = renderMermaid(map)
    expect(text).toContain('z_acme -->|"ap-1: tcp/1<br/>ap-2: tcp/2<br/>ap-3: tcp/3<br/>+3 more"| d_fw_1')
  })

  it('groups zones by site, then trust; --zone keeps the zone and its neighbours', () => {
    const inv = inventory()
    inv.zones.find((z) => z.id === 'lan')!.site = 'paris'
    inv.devices[0].site = 'paris'
    const text = renderMermaid(networkMap(inv))
    expect(text).toContain('subgraph site_paris["site: paris"]\n    subgraph trust_paris_internal["internal"]\n      z_lan["LAN<br/>10.0.0.0/8"]\n    end\n    d_fw_1{{"fw-1<br/>iptables"}}\n  end')
    const focus = networkMap(inv, [], {zones: ['globex']})
    expect(focus.sites.flatMap((s) => s.groups.flatMap((g) => g.nodes.map((n) => n.key))).sort()).toEqual(['z:globex'])
    expect(focus.sites.flatMap((s) => s.devices.map((d) => d.key))).toEqual(['d:fw-1'])
    expect(focus.edges.every((e) => e.from === 'z:globex' || e.to === 'z:globex')).toBe(true)
  })
})
