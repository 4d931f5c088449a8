/**
 * `irm-audit why` and `irm-audit reach` in-process on the example: formats, exit codes, usage errors.
 */
import {join} from 'node:path'

import {captureOutput} from '@oclif/test'
import {afterEach, describe, expect, it} from 'vitest'

import Reach from '../../src/commands/reach.js'
import Why from '../../src/commands/why.js'
import type {ReachReport} from '../../src/paths/reach.js'
import type {WhyReport} from '../../src/paths/why.js'

const ROOT = join(import.meta.dirname, '../..')
const INV = ['--inventory', join(ROOT, 'inventory'), '--as-of', '2026-11-25']

afterEach(() => {
  process.exitCode = undefined
})

async function run<T>(cmd: {run(argv: string[], root: string): Promise<unknown>}, argv: string[]): Promise<{result?: T; stdout: string; stderr: string; exitCode: number}> {
  const r = await captureOutput<T>(() => cmd.run([...argv, ...INV], ROOT) as Promise<T>)
  const exitCode = Number(process.exitCode ?? 0)
  process.exitCode = undefined
  return {result: r.result as T | undefined, stdout: r.stdout, stderr: r.stderr, exitCode}
}

describe('why', () => {
  it('text: the verdict, the routing note, and the deciding rule of the permitted path', async () => {
    const r = await run<WhyReport>(Why, ['172.16.20.22', '10.20.10.50', 'tcp/22', '--no-color'])
    expect(r.exitCode).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('why 172.16.20.22 → 10.20.10.50 tcp/22: permit')
    expect(r.stdout).toContain('routing tables are not read')
    expect(r.stdout).toContain('path 1: lyon-dmz > lyon-dc-servers via gw-lyon — permit')
    expect(r.stdout).toContain('     permit inventory/live/gw-lyon.iptables:26 FORWARD#5 "ap-lyon-dmz-edi-backend"')
  })

  it('--json and --format json print the same report', async () => {
    const a = await run<WhyReport>(Why, ['internet', '198.51.100.72', 'tcp/443', '--json'])
    const b = await run<WhyReport>(Why, ['internet', '198.51.100.72', 'tcp/443', '--format', 'json'])
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout))
    expect(JSON.parse(b.stdout).verdict).toBe('permit')
  })

  it('markdown: one table per path', async () => {
    const r = await run<WhyReport>(Why, ['lyon-dmz', '10.20.10.50', 'tcp/3389', '--format', 'markdown'])
    expect(r.stdout.split('\n')[0]).toBe('## why `lyon-dmz` → `10.20.10.50` `tcp/3389`: **deny**')
    expect(r.stdout).toContain('| 1 | gw-lyon | lyon-dmz → lyon-dc-servers | deny | deny `inventory/live/gw-lyon.iptables:32 LOG_DROP#2` |')
    expect(r.stdout).toContain('### Path 1: `lyon-dmz` → `lyon-dc-servers` via gw-lyon — **deny**')
  })

  it('a bad endpoint or service is exit 2 with the fix', async () => {
    const r = await run<WhyReport>(Why, ['nowhere', '10.20.10.50', 'tcp/22'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain("SRC 'nowhere' is neither a zone id nor an address")
    expect(r.stderr.trim().split('\n').pop()).toBe("exit 2: SRC 'nowhere' is neither a zone id nor an address")
    const s = await run<WhyReport>(Why, ['lyon-dmz', '10.20.10.50', 'tcp/0-99999'])
    expect(s.exitCode).toBe(2)
  })
})

describe('reach', () => {
  it('--from internet: the zones reached, as in inventory/README.md', async () => {
    const r = await run<ReachReport>(Reach, ['--from', 'internet', '--format', 'json'])
    expect(r.exitCode).toBe(0)
    const report = JSON.parse(r.stdout) as ReachReport
    expect(report.zones.map((z) => z.zone)).toEqual(['aws-prod', 'lyon-dc-servers', 'lyon-dmz', 'paris-dmz', 'paris-edge'])
  })

  it('an unknown --from zone is exit 2', async () => {
    const r = await run<ReachReport>(Reach, ['--from', 'mars'])
    expect(r.exitCode).toBe(2)
    expect(r.stderr).toContain('--from mars: no such zone')
  })
})
