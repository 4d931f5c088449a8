/**
 * #18: the pull-request workflow that `irm-audit init` writes works as written. Every `run:` step runs
 * with bash in a scratch inventory repository (an origin, a target branch, a PR branch), irm-audit
 * installed the way the workflow installs it, from IRM_AUDIT_SOURCE pointing at an `npm pack` tarball
 * of this checkout. A fresh scaffold passes; a PR that opens tcp/3389 from the internet fails the gate.
 */
import {execFileSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import type {Log} from 'sarif'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ROOT} from '../helpers/sources.js'
import {type JobRun, readJob, runJob} from '../helpers/workflow.js'

const WORKFLOW = join(ROOT, '.github/workflows/irm-audit.yml')
const REPO = 'acme/network-inventory'
const GIT_ENV = {GIT_AUTHOR_NAME: 'Net Ops', GIT_AUTHOR_EMAIL: 'netops@example.org', GIT_COMMITTER_NAME: 'Net Ops', GIT_COMMITTER_EMAIL: 'netops@example.org'}

/** fw-edge's export: the website (ap-web), the critical flow dmz → lan tcp/8443, and an SSH opening suppressed in .irm-audit-ignore.yaml. */
const EXPORT = `*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i lo -j ACCEPT
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -d 192.0.2.10/32 -p tcp -m tcp --dport 443 -j ACCEPT
-A FORWARD -s 192.0.2.0/24 -d 10.0.0.0/16 -p tcp -m tcp --dport 8443 -j ACCEPT
-A FORWARD -d 192.0.2.30/32 -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
`
/** The pull request under review: RDP from anywhere to a DMZ host. */
const RDP = '-A FORWARD -d 192.0.2.40/32 -p tcp -m tcp --dport 3389 -j ACCEPT\n'

let tmp: string
let tarball: string
let origin: string
let runnerTemp: string

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {cwd, encoding: 'utf8', env: {...process.env, ...GIT_ENV}})
}

function irmAudit(cwd: string, ...args: string[]): string {
  return execFileSync(process.execPath, [join(ROOT, 'bin/run.js'), ...args], {cwd, encoding: 'utf8'})
}

/** Clone origin into a fresh workspace at the PR branch, as actions/checkout does, and run the job. */
function runPullRequest(name: string, branch: string, headRepo = REPO): {run: JobRun; ws: string} {
  const ws = join(tmp, name, 'workspace')
  mkdirSync(join(tmp, name))
  git(tmp, 'clone', '--quiet', origin, ws)
  git(ws, 'checkout', '--quiet', branch)
  const run = runJob(readJob(WORKFLOW, 'audit'), {
    workspace: ws,
    runnerTemp,
    context: {'github.base_ref': 'main', 'github.repository': REPO, 'github.event.pull_request.head.repo.full_name': headRepo},
    env: {IRM_AUDIT_SOURCE: tarball},
    processEnv: {npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false'},
  })
  return {run, ws}
}

const stepNamed = (run: JobRun, name: string) => run.steps.find((s) => s.step.name === name)!
const uploads = (run: JobRun) => run.steps.filter((s) => s.step.uses?.startsWith('github/codeql-action/upload-sarif'))

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'irm-workflow-'))
  runnerTemp = join(tmp, 'runner')
  mkdirSync(runnerTemp)
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', tmp], {cwd: ROOT, encoding: 'utf8'}).trim().split('\n').pop()!
  tarball = join(tmp, packed)

  // main: the fresh scaffold of today
  origin = join(tmp, 'origin.git')
  git(tmp, 'init', '--quiet', '--bare', '--initial-branch=main', origin)
  const dev = join(tmp, 'dev')
  git(tmp, 'clone', '--quiet', origin, dev)
  irmAudit(dev, 'init', '.')
  git(dev, 'add', '-A')
  git(dev, 'commit', '--quiet', '-m', 'irm-audit init')
  git(dev, 'push', '--quiet', 'origin', 'HEAD:main')

  // pr-scaffold: a harmless edit of the fresh scaffold
  git(dev, 'checkout', '--quiet', '-b', 'pr-scaffold')
  const inventory = join(dev, 'inventory/inventory.yaml')
  writeFileSync(inventory, readFileSync(inventory, 'utf8').replace('name: Example Corp', 'name: ACME'))
  git(dev, 'commit', '--quiet', '-am', 'inventory: our name')
  git(dev, 'push', '--quiet', 'origin', 'pr-scaffold')

  // main gains fw-edge's export; its SSH opening is suppressed under the id the tool gives it
  git(dev, 'checkout', '--quiet', 'main')
  mkdirSync(join(dev, 'inventory/live'), {recursive: true})
  writeFileSync(join(dev, 'inventory/live/fw-edge.rules'), EXPORT)
  const text = readFileSync(inventory, 'utf8')
  if (!/^ {4}config: live\/fw-edge\.rules/m.test(text)) writeFileSync(inventory, text.replace(/^ {4}# config: live\/fw-edge\.rules/m, '    config: live/fw-edge.rules'))
  const ssh = (JSON.parse(irmAudit(dev, 'diff', '--fail-on', 'none', '--format', 'json')).findings as Array<{id: string; service?: string}>).find((f) => f.service === 'tcp/22')!
  writeFileSync(
    join(dev, '.irm-audit-ignore.yaml'),
    `suppressions:\n  - id: "${ssh.id}"\n    reason: "Bastion under migration, ticket NET-42"\n    expires: 2099-12-31\n`,
  )
  git(dev, 'add', '-A')
  git(dev, 'commit', '--quiet', '-m', 'fw-edge export')
  git(dev, 'push', '--quiet', 'origin', 'HEAD:main')

  // pr-rdp: opens tcp/3389 from the internet
  git(dev, 'checkout', '--quiet', '-b', 'pr-rdp')
  writeFileSync(join(dev, 'inventory/live/fw-edge.rules'), EXPORT.replace('COMMIT\n', `${RDP}COMMIT\n`))
  git(dev, 'commit', '--quiet', '-am', 'fw-edge: RDP for the vendor')
  git(dev, 'push', '--quiet', 'origin', 'pr-rdp')
}, 600_000)

afterAll(() => {
  if (tmp) rmSync(tmp, {recursive: true, force: true})
})

describe('the PR workflow, run as written', () => {
  let green: {run: JobRun; ws: string}
  let red: {run: JobRun; ws: string}
  let fork: {run: JobRun; ws: string}
  beforeAll(() => {
    green = runPullRequest('green', 'pr-scaffold')
    red = runPullRequest('red', 'pr-rdp')
    fork = runPullRequest('fork', 'pr-scaffold', 'someone/network-inventory')
  }, 600_000)

  it('installs irm-audit from IRM_AUDIT_SOURCE, never a registry name', () => {
    const install = stepNamed(green.run, 'Install irm-audit from IRM_AUDIT_SOURCE')
    expect(install.outcome, install.output).toBe('success')
    const {env, steps} = readJob(WORKFLOW, 'audit')
    expect(env.IRM_AUDIT_SOURCE).toMatch(/^https:\/\/github\.com\/.+\.tgz$/)
    for (const s of steps) expect(s.run ?? '', s.name).not.toMatch(/npx|irm-audit@/)
    // expressions reach scripts through the environment, never pasted into their text
    for (const s of steps) expect(s.run ?? '', s.name).not.toContain('${{')
  })

  it('passes on a fresh scaffold: every step succeeds, one report with one map in the summary', () => {
    const failed = green.run.steps.filter((s) => s.outcome === 'failure')
    expect(failed.map((s) => `${s.step.name}: ${s.output}`)).toEqual([])
    expect(green.run.failed).toBe(false)
    const report = readFileSync(join(green.ws, 'report.md'), 'utf8')
    expect(report.startsWith('<!-- irm-audit -->\n## IRM #5 Preparation readiness: ')).toBe(true)
    expect(report).toContain('gate passed')
    expect(report.match(/```mermaid/g)).toHaveLength(1)
    expect(report.length).toBeLessThanOrEqual(65_000)
    expect(green.run.summary).toBe(report)
  })

  it('fails a PR that opens tcp/3389 from the internet, and says why first', () => {
    expect(red.run.failed).toBe(true)
    expect(stepNamed(red.run, 'Gate').outcome).toBe('failure')
    expect(stepNamed(red.run, 'Validate the inventory').outcome).toBe('success')
    const report = readFileSync(join(red.ws, 'report.md'), 'utf8')
    const gate = report.slice(0, report.indexOf('### Live diff'))
    expect(gate).toContain('gate failed')
    expect(gate).toMatch(/1 new live-diff finding at or above high since the baseline \(--fail-on-new\): unwanted-access-point:fw-edge:[^ ]*3389/)
    const fresh = report.slice(report.indexOf('#### New findings (1)'), report.indexOf('#### Unchanged findings'))
    expect(fresh).toContain('tcp/3389')
    expect(fresh).not.toContain('tcp/22')
  })

  it('uploads each SARIF file under its own category; no two runs of one upload share tool and category', () => {
    const steps = uploads(red.run)
    const categories = steps.map((s) => s.step.with!.category)
    expect(new Set(categories).size).toBe(categories.length)
    expect(steps.map((s) => s.step.with!.sarif_file).sort()).toEqual(['diff.sarif', 'validate.sarif'])
    for (const s of steps) {
      expect(s.outcome, `${s.step.with!.sarif_file} would be uploaded`).toBe('success')
      const log = JSON.parse(readFileSync(join(red.ws, s.step.with!.sarif_file), 'utf8')) as Log
      const keys = log.runs.map((r) => `${r.tool.driver.name}|${r.automationDetails?.id?.replace(/[^/]*$/, '')}`)
      expect(new Set(keys).size, s.step.with!.sarif_file).toBe(keys.length)
      expect(log.runs[0].automationDetails?.id).toBe(`${s.step.with!.category}/`)
    }
  })

  it('keeps the suppressed finding in SARIF with its suppression and baseline state', () => {
    const log = JSON.parse(readFileSync(join(red.ws, 'diff.sarif'), 'utf8')) as Log
    const results = log.runs.flatMap((r) => r.results ?? [])
    const rdp = results.find((r) => /3389/.test(r.message.text ?? ''))!
    expect(rdp).toMatchObject({ruleId: 'unwanted-access-point', baselineState: 'new'})
    expect(rdp.suppressions).toBeUndefined()
    const ssh = results.find((r) => /tcp\/22\b/.test(r.message.text ?? ''))!
    expect(ssh).toMatchObject({baselineState: 'unchanged', suppressions: [{kind: 'external', status: 'accepted'}]})
  })

  it('on a fork PR: no comment and no SARIF upload (read-only token), the job summary only', () => {
    const comment = fork.run.steps.find((s) => s.step.uses?.startsWith('actions/github-script'))!
    expect(comment.outcome).toBe('skipped')
    for (const s of uploads(fork.run)) expect(s.outcome).toBe('skipped')
    expect(fork.run.failed).toBe(false)
    expect(fork.run.summary).toContain('## IRM #5 Preparation readiness')
    // the same PR from the repository itself would comment
    expect(green.run.steps.find((s) => s.step.uses?.startsWith('actions/github-script'))!.outcome).toBe('success')
  })

  it('writes the full reports for the artifact', () => {
    for (const f of ['report.md', 'diff-full.md', 'changes.md', 'diff.sarif', 'validate.sarif']) expect(existsSync(join(red.ws, f)), f).toBe(true)
  })
})
