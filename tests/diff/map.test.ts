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
