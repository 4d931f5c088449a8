import {join} from 'node:path'

import {captureOutput} from '@oclif/test'
import {describe, expect, it} from 'vitest'

import MapCommand from '../../src/commands/map.js'

const ROOT = join(import.meta.dirname, '../..')

describe('irm-audit map', () => {
  it('draws the example as Mermaid: zones by trust, devices, untrusted access points, flows', async () => {
    const {stdout} = await captureOutput(() => MapCommand.run(['--inventory', join(ROOT, 'inventory')], ROOT))
    expect(stdout.startsWith('flowchart LR\n')).toBe(true)
    expect(stdout).toContain('subgraph trust_partner["partner"]')
    expect(stdout).toContain('z_partner_transco -->|"ap-lyon-edi-sftp: tcp/22"| d_pa_dc')
    expect(stdout).toContain('z_fra_warehouse_wifi ==>|"Warehouse scanners post picking events: tcp/8080"| z_lyon_dc_servers')
    // an internal-only access point is not drawn as an entry from outside
    expect(stdout).not.toContain('ap-lyon-bastion')
  })

  it('draws Graphviz DOT with one cluster per trust level', async () => {
    const {stdout} = await captureOutput(() => MapCommand.run(['--inventory', join(ROOT, 'inventory'), '--format', 'dot'], ROOT))
    expect(stdout).toMatch(/^digraph irm_audit \{/)
    expect(stdout).toContain('subgraph "cluster_internet" {')
    expect(stdout).toContain('"z:partner-transco" -> "d:pa-dc" [label="ap-lyon-edi-sftp: tcp/22"')
    expect(stdout.trimEnd().endsWith('}')).toBe(true)
  })
})
