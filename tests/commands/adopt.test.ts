/**
 * The brownfield start of the README, in-process: `init`, the real firewall export dropped in, `adopt`
 * (a new device from --live too), `validate` passes, `diff` passes its gate, a second `adopt` prints
 * "nothing to add", `--dry-run` prints a unified diff and writes nothing; bad input is exit 2.
 */
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {captureOutput} from '@oclif/test'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {AdoptReport} from '../../src/adopt/run.js'
import Adopt from '../../src/commands/adopt.js'
import Diff from '../../src/commands/diff.js'
import Init from '../../src/commands/init.js'
import Validate from '../../src/commands/validate.js'
import type {DiffReport} from '../../src/diff/run.js'

const ROOT = join(import.meta.dirname, '../..')
const AS_OF = ['--as-of', '2026-12-07']

let dir: string
const cwd = process.cwd()

async function run<T>(command: {run(argv: string[], root: string): Promise<unknown>}, ...argv: string[]) {
  process.exitCode = undefined
  const r = await captureOutput<T>(() => command.run(argv, ROOT) as Promise<T>)
  const exitCode = Number(process.exitCode ?? 0)
  process.exitCode = undefined
  return {result: r.result as T | undefined, stdout: r.stdout, stderr: r.stderr, exitCode}
}

// the firewall's real export: the starter's website, plus what nobody wrote down
const REAL = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -s 10.0.0.0/16 -p tcp -m tcp --dport 22 -j ACCEPT
-A FORWARD -d 192.0.2.10/32 -p tcp -m tcp --dport 443 -j ACCEPT
-A FORWARD -i eth0 -d 192.0.2.25/32 -p tcp -m tcp --dport 25 -m comment --comment "mail relay" -j ACCEPT
-A FORWARD -d 192.0.2.40/32 -p tcp -m tcp --dport 3389 -j ACCEPT
-A FORWARD -s 192.0.2.0/24 -d 10.0.0.0/16 -p tcp -m tcp --dport 8443 -j ACCEPT
COMMIT
`
// a second firewall the inventory does not know yet
const EDGE2 = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -d 192.0.2.60/32 -p tcp -m tcp --dport 22 -m comment --comment "sftp drop box" -j ACCEPT
COMMIT
`

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'irm-adopt-cmd-'))
  process.chdir(dir)
  await run(Init, '.', ...AS_OF)
  writeFileSync(join(dir, 'inventory/live/fw-edge.rules'), REAL)
  writeFileSync(join(dir, 'inventory/live/edge2.rules'), EDGE2)
})
afterEach(() => {
  process.chdir(cwd)
  rmSync(dir, {recursive: true, force: true})
})

describe('irm-audit adopt (brownfield start)', () => {
  it('init, adopt, validate, diff: the gate passes; a second adopt has nothing to add', async () => {
    const before = await run<DiffReport>(Diff, ...AS_OF, '--json')
    expect(before.exitCode).toBe(1)
    const a = await run<AdoptReport>(Adopt, ...AS_OF, '--live', 'edge2=inventory/live/edge2.rules')
    expect(a.exitCode).toBe(0)
    expect(a.stdout).toBe(
      [
        'added 1 contact, 1 device, 3 access points to inventory:',
        '  inventory/inventory.yaml',
        '',
        'Review the drafted entries in a pull request: every owner is owner-to-confirm and every "to confirm" comment needs a human.',
        '',
      ].join('\n'),
    )
    // the starter keeps its access points in inventory.yaml: the new ones join them there
    const inv = readFileSync(join(dir, 'inventory/inventory.yaml'), 'utf8')
    expect(inv).toContain('  - id: edge2\n    format: iptables\n    role: firewall\n    config: live/edge2.rules\n    owner: owner-to-confirm\n')
    expect(inv).toMatch(/# irm-audit adopt: drafted from live\/fw-edge\.rules:8 .*\n.*\n  - id: ap-fw-edge-forward-2-mail-relay\n/)

    expect((await run(Validate, '--inventory', 'inventory')).exitCode).toBe(0)
    const after = await run<DiffReport>(Diff, ...AS_OF, '--json')
    expect(after.result!.findings.filter((f) => ['unwanted-access-point', 'access-point-drift', 'interface-unmapped'].includes(f.rule))).toEqual([])
    expect(after.exitCode).toBe(0)

    const again = await run<AdoptReport>(Adopt, ...AS_OF)
    expect(again.stdout).toBe('nothing to add: inventory already holds everything adopt would draft\n')
    expect(again.result!.nothing_to_add).toBe(true)
  })

  it('--dry-run prints the unified diff and writes nothing', async () => {
    const text = readFileSync(join(dir, 'inventory/inventory.yaml'), 'utf8')
    const r = await run<AdoptReport>(Adopt, ...AS_OF, '--dry-run')
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/^={67}\n--- a\/inventory\.yaml\n\+\+\+ b\/inventory\.yaml\n@@ /)
    expect(r.stdout).toContain('\n+  - id: ap-fw-edge-forward-3\n')
    expect(r.stdout).toMatch(/\nwould add 1 contact, 2 access points to inventory:\n/)
    expect(r.stdout).toMatch(/\(dry run: nothing written\)\n$/)
    expect(readFileSync(join(dir, 'inventory/inventory.yaml'), 'utf8')).toBe(text)
  })

  it('bad input is exit 2 with a message, never a stack; the token never shows', async () => {
    process.env.NETBOX_TOKEN = 'nbt_secret-token-value'
    try {
      const http = await run(Adopt, ...AS_OF, '--netbox', 'http://netbox.example.com')
      expect(http.exitCode).toBe(2)
      expect(http.stderr).toContain('exit 2: --netbox: plain http to netbox.example.com refused: the token would cross the network in clear\n')
      expect(http.stderr + http.stdout).not.toContain('secret-token-value')
      const type = await run(Adopt, ...AS_OF, '--live', 'edge2=inventory/live/edge2.rules:iptabels')
      expect(type.exitCode).toBe(2)
      expect(type.stderr).toMatch(/unknown config type 'iptabels'/)
      expect(type.stderr).not.toMatch(/\n\s+at /)
    } finally {
      delete process.env.NETBOX_TOKEN
    }
  })
})
