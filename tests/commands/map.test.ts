import {cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {captureOutput} from '@oclif/test'
import {describe, expect, it} from 'vitest'

import MapCommand from '../../src/commands/map.js'

const ROOT = join(import.meta.dirname, '../..')

describe('irm-audit map', () => {
  it('draws the example as Mermaid: zones by trust, devices, untrusted access points, flows', async () => {
    const {stdout} = await captureOutput(() => MapCommand.run(['--inventory', join(ROOT, 'inventory')], ROOT))
    expect(stdout.startsWith('%%{init: {"flowchart": {"useMaxWidth": false}}}%%\nflowchart LR\n')).toBe(true)
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

  it('#18: validates the inventory first: an invalid one is exit 2 with file:line, and no map', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'irm-map-'))
    try {
      cpSync(join(ROOT, 'inventory'), join(dir, 'inventory'), {recursive: true})
      const file = join(dir, 'inventory/access-points.yaml')
      writeFileSync(file, readFileSync(file, 'utf8').replace('device: fw-edge-1', 'device: fw-nowhere'))
      const {stdout, stderr} = await captureOutput(() => MapCommand.run(['--inventory', join(dir, 'inventory')], ROOT))
      expect(Number(process.exitCode)).toBe(2)
      expect(stdout).toBe('')
      expect(stderr).toMatch(/the inventory does not validate \(1 error\)[\s\S]*access-points\.yaml:\d+:\d+: .*fw-nowhere/)
    } finally {
      process.exitCode = undefined
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('#18: --site draws one site and what links to it; an unknown site is a usage error', async () => {
    const {stdout} = await captureOutput(() => MapCommand.run(['--inventory', join(ROOT, 'inventory'), '--site', 'frankfurt'], ROOT))
    expect(stdout).toContain('subgraph site_frankfurt["site: frankfurt"]')
    expect(stdout).not.toContain('site: paris-hq')
    expect(stdout).toContain('d_fgt_fra')
    expect(stdout).not.toContain('d_fw_edge_1')
    const bad = await captureOutput(() => MapCommand.run(['--inventory', join(ROOT, 'inventory'), '--site', 'atlantis'], ROOT))
    expect(Number(process.exitCode)).toBe(2)
    process.exitCode = undefined
    expect(bad.stderr).toContain('--site atlantis: no zone or device names this site')
  })
})
