/**
 * #12 item 7: a Pulumi program runs with an allow-listed environment, in its own process group killed
 * as a whole at the timeout, and its stderr is never echoed (one redacted line).
 */
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import {parseText} from '../../src/sources/load.js'
import {passProgramEnv, programEnv, setProgramTimeout} from '../../src/sources/pulumi-program.js'
import {ROOT} from '../helpers/sources.js'
import {expectHandled, HOSTILE, runHostile} from './helpers.js'

const work = mkdtempSync(join(tmpdir(), 'irm-hostile-pulumi-'))
afterAll(() => rmSync(work, {recursive: true, force: true}))

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

describe('#12 pulumi-program environment', () => {
  it('keeps PATH, HOME, LANG, TMPDIR and PULUMI_*; drops credentials and NODE_OPTIONS unless passed', () => {
    const env = {PATH: '/bin', HOME: '/root', LANG: 'C', TMPDIR: '/tmp', PULUMI_CONFIG: '{}', AWS_SECRET_ACCESS_KEY: 'x', NODE_OPTIONS: '--require evil', GITHUB_TOKEN: 't'}
    expect(Object.keys(programEnv(env, [])).sort()).toEqual(['HOME', 'LANG', 'PATH', 'PULUMI_CONFIG', 'TMPDIR'])
    expect(Object.keys(programEnv(env, ['AWS_SECRET_ACCESS_KEY'])).sort()).toEqual(['AWS_SECRET_ACCESS_KEY', 'HOME', 'LANG', 'PATH', 'PULUMI_CONFIG', 'TMPDIR'])
  })
})

describe('#12 pulumi-program process group and timeout', {timeout: 180_000}, () => {
  it('the program sees no credential, and its grandchild dies with it at the timeout', async () => {
    const out = join(work, 'seen.json')
    process.env.PULUMI_HOSTILE_OUT = out
    process.env.AWS_SECRET_ACCESS_KEY = 'S3cr3t-PLANTED-aws'
    setProgramTimeout(30_000)
    passProgramEnv([])
    const file = join(HOSTILE, 'pulumi-program-env-and-group.ts')
    try {
      const error = await parseText('', file, 'pulumi-program').then(() => undefined, (e: unknown) => e)
      expect(isIrmError(error)).toBe(true)
      expect((error as Error).message).toMatch(/stopped after 30 s/)
      expect(existsSync(out)).toBe(true)
      const seen = JSON.parse(readFileSync(out, 'utf8')) as {pid: number; env: string[]}
      expect(seen.env).toContain('PULUMI_HOSTILE_OUT')
      expect(seen.env).not.toContain('AWS_SECRET_ACCESS_KEY')
      expect(seen.env).not.toContain('NODE_OPTIONS')
      // the kill is asynchronous: give the kernel a moment
      for (let i = 0; i < 50 && alive(seen.pid); i++) await new Promise((r) => setTimeout(r, 100))
      expect(alive(seen.pid)).toBe(false)
    } finally {
      setProgramTimeout(60_000)
      delete process.env.AWS_SECRET_ACCESS_KEY
    }
  })

  it('a failing program: exit 2, the file named, one redacted line, no planted secret', () => {
    const file = join(HOSTILE, 'pulumi-program-error-secret.ts')
    const r = runHostile(['parse', file, '--type', 'pulumi-program'], {cwd: ROOT})
    expectHandled(r, 'pulumi-program-error-secret.ts')
    expect(r.status).toBe(2)
    expect(r.stdout + r.stderr).not.toMatch(/PLANTED/)
    // the error, its hint, and the exit-reason line (#11) that repeats the error: nothing of the program's output besides
    expect(r.stderr.trim().split('\n').length).toBeLessThanOrEqual(3)
  })
})
