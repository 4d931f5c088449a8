/**
 * Hostile-input reproductions (issue #12) run as a child process of the built binary, with a small heap
 * and a generous hang guard: whatever the input, the run ends with exit 0, 1 or 2, never a crash, a
 * stack trace or a hang.
 */
import {spawnSync, type SpawnSyncReturns} from 'node:child_process'
import {join} from 'node:path'

import {expect} from 'vitest'

import {ROOT} from '../helpers/sources.js'

export const BIN = join(ROOT, 'bin/run.js')
export const HOSTILE = join(ROOT, 'tests/fixtures/hostile')
/** A hang guard, far above any honest run on a loaded CI machine. */
export const HANG_GUARD_MS = 120_000

export function runHostile(args: string[], options: {cwd?: string; env?: NodeJS.ProcessEnv; input?: string} = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--max-old-space-size=450', BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1', ...options.env},
    input: options.input ?? '',
    maxBuffer: 256 << 20,
    timeout: HANG_GUARD_MS,
    killSignal: 'SIGKILL',
  })
}

/** Exit 0 or 2 (or 1 for findings where `allowFindings`), no stack trace, and a message naming `file` on a 2. */
export function expectHandled(r: Pick<SpawnSyncReturns<string>, 'status' | 'stderr'> & Partial<Pick<SpawnSyncReturns<string>, 'error' | 'signal'>>, file: string, allowed: number[] = [0, 2]): void {
  const what = `${r.signal ?? ''} ${r.stderr.slice(0, 2000)}`
  expect(r.error, what).toBeUndefined()
  expect(r.signal ?? null, what).toBeNull()
  expect(allowed, what).toContain(r.status)
  expect(r.stderr, 'no stack trace').not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/)
  expect(r.stderr, 'not an internal error').not.toMatch(/internal error/)
  if (r.status === 2) expect(r.stderr).toContain(file)
}
