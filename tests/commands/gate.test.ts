/**
 * #11 "The gate cannot be walked around", as a new user meets it: each test works in a scratch git
 * repository made by `irm-audit init`, runs the commands in-process, and edits the repository the way a
 * pull request would. Expected ids follow docs/finding-ids.md and are written out by hand.
 */
import {execFileSync} from 'node:child_process'
import {appendFileSync, chownSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {captureOutput} from '@oclif/test'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import Changes from '../../src/commands/changes.js'
import Diff from '../../src/commands/diff.js'
import Init from '../../src/commands/init.js'
import Prepare from '../../src/commands/prepare.js'
import type {DiffReport} from '../../src/diff/run.js'
import type {ChangesReport} from '../../src/git/changes.js'

const ROOT = join(import.meta.dirname, '../..')
const AS_OF = ['--as-of', '2026-06-01']
const RDP_A = 'unwanted-access-point:fw-edge:tcp/3389:192.0.2.20/32:any'
const RDP_B = 'unwanted-access-point:fw-edge:tcp/3389:192.0.2.21/32:any'
/** The 0.1 id both openings shared (no destination; the rule's sources spelled out). */
const RDP_OLD = 'unwanted-access-point:fw-edge:tcp/3389:0.0.0.0/0'

let repo: string

function git(...args: string[]): string {
  return execFileSync('git', args, {cwd: repo, encoding: 'utf8', env: {...process.env, GIT_CONFIG_NOSYSTEM: '1'}})
}

function commit(author: string, message: string): void {
  git('add', '-A')
  git('-c', `user.name=${author}`, '-c', 'user.email=dev@example.org', 'commit', '-qm', message)
}

/** Open tcp/3389 from anywhere to a DMZ host on fw-edge (one iptables line). */
function openRdp(host: string): void {
  const file = join(repo, 'inventory/live/fw-edge.rules')
  const text = readFileSync(file, 'utf8').replace('COMMIT\n', `-A FORWARD -d ${host}/32 -p tcp -m tcp --dport 3389 -j ACCEPT\nCOMMIT\n`)
  writeFileSync(file, text)
}

function suppress(id: string, reason = 'vendor jump host, ticket NET-7'): void {
  const file = join(repo, '.irm-audit-ignore.yaml')
  const text = readFileSync(file, 'utf8').replace('suppressions: []', 'suppressions:')
  writeFileSync(file, `${text}\n  - id: "${id}"\n    reason: ${reason}\n    expires: 2026-12-31\n`)
}

async function run<T>(command: {run(argv: string[], root: string): Promise<unknown>}, ...argv: string[]) {
  process.exitCode = undefined
  const r = await captureOutput<T>(() => command.run(argv, ROOT) as Promise<T>)
  const exitCode = Number(process.exitCode ?? 0)
  process.exitCode = undefined
  return {result: r.result as T | undefined, stdout: r.stdout, stderr: r.stderr, exitCode, last: r.stderr.trimEnd().split('\n').at(-1)}
}

const diff = (...argv: string[]) => run<DiffReport>(Diff, ...AS_OF, ...argv)

beforeEach(async () => {
  repo = mkdtempSync(join(tmpdir(), 'irm-gate-'))
  process.chdir(repo)
  git('init', '-q', '-b', 'main')
  await run(Init, '.', ...AS_OF)
  commit('Alice Admin', 'irm-audit init')
})

afterEach(() => {
  process.chdir(ROOT)
  rmSync(repo, {recursive: true, force: true})
  process.exitCode = undefined
})

describe('#11 a fresh repository made by init', () => {
  it('is audited and clean, and the report names the policy and suppression files it used', async () => {
    const {result, exitCode} = await diff('--format', 'json')
    expect(exitCode).toBe(0)
    expect(result!.findings).toEqual([])
    expect(result!.devices).toMatchObject([{id: 'fw-edge', status: 'audited', type: 'iptables'}])
    expect(result!.policy).toEqual(['policies/irm5-preparation.yaml', 'irm-audit.policy.yaml'])
    expect(result!.suppressions).toBe('.irm-audit-ignore.yaml')
    expect(result!.revision).toBe(git('rev-parse', 'HEAD').trim())
  })

  it('discovers irm-audit.policy.yaml at the git top level for prepare too, from a subfolder; --policy adds on top', async () => {
    process.chdir(join(repo, 'inventory'))
    const extra = join(repo, 'pci.yaml')
    writeFileSync(extra, 'readiness:\n  retention_profile: pci\n')
    const {result} = await run<{policy: {sources: string[]; retention_profile: string}}>(Prepare, '--inventory', '.', '--policy', extra, '--format', 'json', ...AS_OF)
    // outside the current folder, files are named by their absolute path
    expect(result!.policy).toEqual({sources: ['policies/irm5-preparation.yaml', join(repo, 'irm-audit.policy.yaml'), join(repo, 'pci.yaml')], retention_profile: 'pci'})
  })
})

describe('#11 finding identity', () => {
  it('two internet RDP openings to two hosts and one suppression naming one: one suppressed, one not, in JSON and SARIF; --baseline fails on the second', async () => {
    openRdp('192.0.2.20')
    suppress(RDP_A)
    commit('Alice Admin', 'vendor jump host, accepted until December')
    const base = join(repo, 'base.json')
    expect((await diff('--format', 'json', '--output', base)).exitCode).toBe(0)

    openRdp('192.0.2.21')
    commit('Bob Builder', 'second jump host')
    const {result, exitCode} = await diff('--format', 'json')
    expect(result!.findings.map((f) => [f.id, f.severity, f.suppressed, f.line])).toEqual([
      [RDP_B, 'critical', false, 17],
      [RDP_A, 'critical', true, 16],
    ])
    expect(exitCode).toBe(1)

    const sarif = JSON.parse((await diff('--format', 'sarif')).stdout)
    const results = sarif.runs[0].results.filter((r: {ruleId: string}) => r.ruleId === 'unwanted-access-point')
    expect(results).toHaveLength(2)
    const prints = results.map((r: {partialFingerprints: Record<string, string>}) => Object.values(r.partialFingerprints)[0])
    expect(new Set(prints).size).toBe(2)
    expect(results.map((r: {suppressions?: unknown[]; locations: Array<{physicalLocation: {region: {startLine: number}}}>}) => [r.locations[0].physicalLocation.region.startLine, Boolean(r.suppressions)])).toEqual([
      [17, false],
      [16, true],
    ])

    const gated = await diff('--baseline', base, '--format', 'json')
    expect(gated.exitCode).toBe(1)
    expect(gated.result!.findings.filter((f) => !f.suppressed && f.status === 'new').map((f) => f.id)).toEqual([RDP_B])
    expect(gated.result!.findings.find((f) => f.id === RDP_A)!.suppressed).toBe(true)
    expect(gated.last).toBe('exit 1: 1 new finding at or above high (--fail-on high)')
  })

  it('an old-format id in the ignore file still suppresses, with a deprecated-id warning naming the new id', async () => {
    openRdp('192.0.2.20')
    suppress(RDP_OLD)
    commit('Alice Admin', 'accepted with a 0.1 id')
    const {result, exitCode} = await diff('--format', 'json')
    expect(exitCode).toBe(0)
    const f = result!.findings.find((x) => x.rule === 'unwanted-access-point')!
    expect(f).toMatchObject({id: RDP_A, legacy_id: RDP_OLD, suppressed: true})
    expect(f.warnings).toEqual([
      {
        code: 'deprecated-id',
        file: '.irm-audit-ignore.yaml',
        line: 8,
        message: `the suppression at .irm-audit-ignore.yaml:8 names the finding by its old id '${RDP_OLD}'; write id '${RDP_A}' instead (old ids stop matching in a future release)`,
      },
    ])
    expect((await diff('--no-color')).stdout).toContain(`warning deprecated-id: the suppression at .irm-audit-ignore.yaml:8 names the finding by its old id`)
  })

  it('--baseline maps a 0.1 baseline: the opening it recorded is unchanged, a second one to another host is new', async () => {
    openRdp('192.0.2.20')
    commit('Alice Admin', 'one jump host')
    const now = (await diff('--format', 'json')).result!
    // the same report as irm-audit 0.1 wrote it: old ids, no revision
    const old = {...now, revision: undefined, findings: now.findings.map((f) => ({...f, id: f.legacy_id ?? f.id, legacy_id: undefined}))}
    const base = join(repo, 'base-0.1.json')
    writeFileSync(base, JSON.stringify(old))
    openRdp('192.0.2.21')
    const {result, exitCode} = await diff('--baseline', base, '--format', 'json')
    expect(result!.findings.map((f) => [f.id, f.status])).toEqual([
      [RDP_B, 'new'],
      [RDP_A, 'unchanged'],
    ])
    expect(result!.fixed).toEqual([])
    expect(exitCode).toBe(1)
  })
})

describe('#11 unaudited is a finding, never silence', () => {
  it('removing config: fails the gate with device-unaudited, and the baseline calls its findings not re-checked, not fixed', async () => {
    openRdp('192.0.2.20')
    commit('Alice Admin', 'jump host')
    const base = join(repo, 'base.json')
    await diff('--format', 'json', '--output', base)
    const inv = join(repo, 'inventory/inventory.yaml')
    writeFileSync(inv, readFileSync(inv, 'utf8').replace(/^ {4}config: .*\n/m, ''))
    commit('Mallory Pr', 'drop the config')
    const {result, exitCode} = await diff('--baseline', base, '--format', 'json')
    expect(exitCode).toBe(1)
    expect(result!.findings.map((f) => [f.id, f.severity, f.status])).toEqual([['device-unaudited:fw-edge', 'high', 'new']])
    expect(result!.fixed).toEqual([])
    expect(result!.not_rechecked!.map((f) => f.id)).toEqual([RDP_A])
    expect(result!.summary).toMatchObject({new: 1, fixed: 0, not_rechecked: 1})
    const md = (await diff('--baseline', base, '--format', 'markdown')).stdout
    expect(md).toContain('### Not re-checked (1)')
    expect(md).not.toContain('### Fixed since the baseline')
    // code scanning keeps the alert open: same fingerprint, unchanged, at the device's entry
    const sarif = JSON.parse((await diff('--baseline', base, '--format', 'sarif')).stdout)
    const kept = sarif.runs[0].results.find((r: {properties: {id: string}}) => r.properties.id === RDP_A)
    expect(kept).toMatchObject({baselineState: 'unchanged', locations: [{physicalLocation: {artifactLocation: {uri: 'inventory/inventory.yaml'}}}]})
  })

  it('an empty export is device-unaudited (high: fw-edge carries an internet access point)', async () => {
    writeFileSync(join(repo, 'inventory/live/fw-edge.rules'), '')
    const {result, exitCode} = await diff('--format', 'json')
    expect(result!.findings.map((f) => [f.id, f.severity, f.file])).toEqual([['device-unaudited:fw-edge', 'high', 'inventory/live/fw-edge.rules']])
    expect(exitCode).toBe(1)
  })

  it('prepare counts the unaudited device', async () => {
    writeFileSync(join(repo, 'inventory/live/fw-edge.rules'), '')
    const {stdout} = await run(Prepare, '--no-color', ...AS_OF)
    expect(stdout).toMatch(/live diff: .* 1 device unaudited/)
  })
})

describe('#11 gate integrity: a pull request cannot loosen its own gate', () => {
  let base: string
  beforeEach(async () => {
    base = join(repo, 'base.json')
    await diff('--format', 'json', '--output', base)
    git('checkout', '-q', '-b', 'pr')
    openRdp('192.0.2.20')
  })

  it('a PR that adds a suppression for its own opening still fails, with the change listed first', async () => {
    suppress(RDP_A, 'trust me')
    commit('Mallory Pr', 'open RDP and hide it')
    const {result, exitCode} = await diff('--baseline', base, '--format', 'json')
    expect(exitCode).toBe(1)
    expect(result!.findings.map((f) => [f.id, f.suppressed, f.status])).toEqual([[RDP_A, false, 'new']])
    expect(result!.suppressions).toMatch(/^\.irm-audit-ignore\.yaml@[0-9a-f]{12}$/)
    expect(result!.gate).toMatchObject({
      changes: [{file: '.irm-audit-ignore.yaml', change: 'modified', authors: ['Mallory Pr']}],
      new_suppressions: [{key: RDP_A, reason: 'trust me', author: 'Mallory Pr', file: '.irm-audit-ignore.yaml', line: 8}],
    })
    const md = (await diff('--baseline', base, '--format', 'markdown')).stdout
    const sections = md.split('\n').filter((l) => l.startsWith('### '))
    expect(sections[0]).toBe('### Changes to the gate (2)')
    expect(md).toContain('| `.irm-audit-ignore.yaml` | modified | Mallory Pr |')
    expect(md).toContain(`- \`${RDP_A}\` until 2026-12-31 by Mallory Pr`)
  })

  it('a PR that sets trusted_trust: [internet] in the policy still fails; uncommitted edits are credited to the working tree', async () => {
    appendFileSync(join(repo, 'irm-audit.policy.yaml'), 'diff:\n  trusted_trust: [internet, dmz, internal, restricted, management]\n')
    // without the base revision the edited policy would let the opening through
    expect((await diff('--format', 'json')).result!.findings).toEqual([])
    const {result, exitCode} = await diff('--baseline', base, '--format', 'json')
    expect(exitCode).toBe(1)
    expect(result!.findings.map((f) => f.id)).toEqual([RDP_A])
    expect(result!.policy).toEqual(['policies/irm5-preparation.yaml', expect.stringMatching(/^irm-audit\.policy\.yaml@[0-9a-f]{12}$/)])
    expect(result!.gate!.changes).toEqual([{file: 'irm-audit.policy.yaml', change: 'modified', authors: ['working tree']}])
  })

  it('--policy-from names the revision explicitly; an unknown one is exit 2', async () => {
    suppress(RDP_A)
    commit('Mallory Pr', 'hide it')
    expect((await diff('--policy-from', 'main', '--format', 'json')).exitCode).toBe(1)
    const bad = await diff('--policy-from', 'no-such-branch')
    expect(bad.exitCode).toBe(2)
    expect(bad.last).toMatch(/^exit 2: unknown git revision 'no-such-branch'/)
  })
})

describe('#11 exit codes keep their promise', () => {
  it('diff --live dev=missing.rules and :iptable are exit 2, in diff and in prepare', async () => {
    for (const command of [Diff, Prepare]) {
      const missing = await run(command, '--live', 'fw-edge=missing.rules', ...AS_OF)
      expect(missing.exitCode).toBe(2)
      expect(missing.stderr).toMatch(/missing\.rules: cannot read the config: ENOENT/)
      const typo = await run(command, '--live', 'fw-edge=inventory/live/fw-edge.rules:iptable', ...AS_OF)
      expect(typo.exitCode).toBe(2)
      expect(typo.stderr).toMatch(/unknown config type 'iptable'/)
      expect(typo.last).toBe("exit 2: --live fw-edge=inventory/live/fw-edge.rules:iptable: unknown config type 'iptable'")
    }
  })

  it('prepare under --fail-under says the score on its last line', async () => {
    const {exitCode, last} = await run<{score: number}>(Prepare, '--fail-under', '100', '--no-git', ...AS_OF)
    expect(exitCode).toBe(1)
    expect(last).toMatch(/^exit 1: score \d+ < --fail-under 100$/)
  })

  it.skipIf(process.getuid?.() !== 0)("git's dubious ownership is exit 2 with the safe.directory hint", async () => {
    chownSync(repo, 4242, 4242)
    const {exitCode, stderr} = await diff('--format', 'json')
    expect(exitCode).toBe(2)
    expect(stderr).toMatch(/dubious ownership/)
    expect(stderr).toContain(`git config --global --add safe.directory ${repo}`)
    chownSync(repo, 0, 0)
  })
})

describe('#11 changes', () => {
  it('credits uncommitted edits to the working tree, not to the base commit', async () => {
    const inv = join(repo, 'inventory/inventory.yaml')
    writeFileSync(inv, readFileSync(inv, 'utf8').replace('services: [tcp/443]', 'services: [tcp/443, tcp/80]'))
    const {result} = await run<ChangesReport>(Changes, '--base', 'HEAD', '--format', 'json')
    expect(result!.changes.map((c) => [c.id, c.change, c.commit])).toEqual([['ap-web', 'modified', {uncommitted: true}]])
    expect((await run(Changes, '--base', 'HEAD', '--no-color')).stdout).toContain('working tree')
  })
})
