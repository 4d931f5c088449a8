/**
 * #12 items 5 and 8: nesting, size and YAML caps, run as a child process of the built binary with a 450 MB
 * heap where memory or stack is what is under test (nesting, entry count, alias bomb); the other refusals
 * run in-process (tests/helpers/cli.ts). Each hostile input is a fixture under tests/fixtures/hostile/
 * named after what it reproduces (the inventories over the size caps are generated in a temp folder:
 * tens of MB do not belong in git).
 */
import {cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it, vi} from 'vitest'

import {MAX_INVENTORY_ENTRIES, MAX_NESTING} from '../../src/core/limits.js'
import {cli} from '../helpers/cli.js'
import {ROOT} from '../helpers/sources.js'
import {expectHandled, HOSTILE, runHostile} from './helpers.js'

vi.setConfig({testTimeout: 300_000})

const work = mkdtempSync(join(tmpdir(), 'irm-hostile-limits-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))

describe('#12 one nesting cap for every tree reader', () => {
  const cases: Array<[string, string, number]> = [
    ['fortios-nesting-6000.conf', 'fortios', MAX_NESTING + 2],
    ['strongswan-nesting-3000.conf', 'strongswan', MAX_NESTING + 1],
    ['pfsense-nesting-6000.xml', 'pfsense', 3],
    ['pulumi-json-nesting-10000.json', 'pulumi', 1],
  ]
  it.each(cases)('%s: exit 2 at the line where the cap is passed', (name, type, line) => {
    const r = runHostile(['parse', join(HOSTILE, name), '--type', type])
    expectHandled(r, name)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`${name}:${line}`)
    expect(r.stderr).toMatch(/deep/)
  })
})

describe('#12 inventory caps', () => {
  it(`more than ${MAX_INVENTORY_ENTRIES} entries: exit 2 before parsing, naming the file`, () => {
    const inv = join(work, 'many')
    mkdirSync(inv)
    // 9.9 MB of access points: under the per-file byte cap, far over the entry cap (it used to abort V8)
    const lines = ['access_points:']
    for (let i = 0; lines.length < 400_000; i++) lines.push(`  - {id: ap-${i}, kind: vpn}`)
    writeFileSync(join(inv, 'a.yaml'), `${lines.join('\n').slice(0, 9_900_000).replace(/\n[^\n]*$/, '')}\n`)
    const r = runHostile(['validate', '--inventory', inv])
    expectHandled(r, 'a.yaml')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/more than 100000 entries/)
  })

  it('YAML !!binary, !!set, !!omap, !!timestamp are refused with their line', async () => {
    const r = await cli(['validate', '--inventory', join(HOSTILE, 'yaml-known-tags')])
    expectHandled(r, 'zones.yaml')
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('zones.yaml:4:')
  })

  it('a policy alias bomb is exit 2 naming the policy, not an internal error', () => {
    const r = runHostile(['prepare', '--policy', join(HOSTILE, 'policy-alias-bomb.yaml'), '--no-git', '--as-of', '2026-11-25'])
    expectHandled(r, 'policy-alias-bomb.yaml')
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/alias/)
  })

  it('a devices[].config symlink leaving the inventory folder is refused, the target never read', async () => {
    const inv = join(work, 'escape')
    cpSync(join(ROOT, 'inventory'), inv, {recursive: true})
    const outside = join(work, 'outside.iptables')
    writeFileSync(outside, '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -m comment --comment "S3cr3t-PLANTED-outside" -j ACCEPT\nCOMMIT\n')
    rmSync(join(inv, 'live/gw-lyon.iptables'))
    symlinkSync(outside, join(inv, 'live/gw-lyon.iptables'))
    const r = await cli(['diff', '--inventory', inv, '--as-of', '2026-11-25', '--format', 'json'], {cwd: work})
    expect([0, 1]).toContain(r.status)
    const report = JSON.parse(r.stdout) as {devices?: Array<{file: string; error?: string}>}
    expect(JSON.stringify(report)).toContain('leaves the inventory folder')
    expect(r.stdout + r.stderr).not.toMatch(/PLANTED/)
  })

  it('map validates: a bad inventory is exit 2 with file and line, not a TypeError', async () => {
    const inv = join(work, 'bad-map')
    cpSync(join(ROOT, 'inventory'), inv, {recursive: true})
    writeFileSync(join(inv, 'zones.yaml'), 'zones:\n  - id: 5\n    networks: nope\n')
    const r = await cli(['map', '--inventory', inv])
    expectHandled(r, 'zones.yaml')
    expect(r.status).toBe(2)
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
