/** `irm-audit sources`: every format, its detection, and the semantics its parser models (#14 item 4). */
import {captureOutput} from '@oclif/test'
import {describe, expect, it} from 'vitest'

import Sources from '../../src/commands/sources.js'
import {allParsers} from '../../src/sources/registry.js'
import {SEMANTICS, semanticsTable} from '../../src/sources/semantics.js'
import {ROOT} from '../helpers/sources.js'

const SUPPORT = ['yes', 'partial', 'no', 'n/a']

describe('sources semantics table', () => {
  it('has exactly one row per registered format, each cell a known value', () => {
    expect(Object.keys(SEMANTICS).sort()).toEqual(allParsers().map((p) => p.type).sort())
    for (const [type, row] of Object.entries(SEMANTICS)) {
      for (const k of ['ingress', 'egress', 'nat', 'hostLocal', 'includes', 'objectGroups'] as const) expect(SUPPORT, `${type} ${k}`).toContain(row[k])
      // a partial cell says why
      if (Object.values(row).includes('partial')) expect(row.notes, type).toBeTruthy()
    }
  })

  it('states what the parsers do: zone firewalls model ingress and host-local, cloud attachments are partial, strongSwan has no interfaces', () => {
    for (const t of ['junos', 'panos', 'fortios', 'pfsense']) expect(SEMANTICS[t]).toMatchObject({ingress: 'yes', egress: 'yes', hostLocal: 'yes'})
    for (const t of ['aws', 'azure', 'gcp', 'pulumi']) expect(SEMANTICS[t].ingress).toBe('partial')
    expect(SEMANTICS.strongswan.ingress).toBe('no')
    expect(SEMANTICS.openvpn.includes).toBe('no')
  })

  it('renders aligned columns, one line a format, partial cells explained', () => {
    const lines = semanticsTable(['junos', 'aws'])
    // each column is as wide as its header or `partial`, plus two spaces; the format column fits the longest name
    expect(lines[0]).toBe('format  ingress  egress   nat      host-local  includes  object-groups')
    expect(lines[1]).toBe('junos   yes      yes      yes      yes         partial   yes')
    expect(lines[2]).toBe('aws     partial  partial  n/a      n/a         n/a       partial')
    expect(lines.slice(5)).toEqual(['  junos: apply-groups at the top level', '  aws: attachments when the export lists ENIs/instances/subnets; prefix lists stay named'])
  })
})

describe('irm-audit sources', () => {
  it('--format json lists the semantics of every format', async () => {
    const {stdout} = await captureOutput(() => Sources.run(['--format', 'json'], ROOT))
    const doc = JSON.parse(stdout) as {sources: Array<{type: string; semantics: Record<string, string>}>}
    expect(doc.sources.map((s) => s.type)).toEqual(allParsers().map((p) => p.type).sort())
    expect(doc.sources.find((s) => s.type === 'fortios')?.semantics).toEqual({ingress: 'yes', egress: 'yes', nat: 'yes', host_local: 'yes', includes: 'n/a', object_groups: 'yes'})
  })

  it('text output ends with the semantics table', async () => {
    const {stdout} = await captureOutput(() => Sources.run([], ROOT))
    expect(stdout).toContain('Semantics modelled\nformat ')
    expect(stdout).toMatch(/^wireguard +yes +n\/a +partial /m)
  })
})
