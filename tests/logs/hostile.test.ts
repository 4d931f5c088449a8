/**
 * Hostile logs (issue #12, item 4), run on the built binary as a child process with a 450 MB heap: each
 * ends with exit 0 or 2 and a message naming the file, never a stack trace or exit 1. The fixtures are
 * written by tests/fixtures/hostile/logs-make.mjs.
 */
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ROOT} from '../helpers/sources.js'

const BIN = join(ROOT, 'bin/run.js')
const H = 'tests/fixtures/hostile'
const INVENTORY = ['--inventory', 'tests/fixtures/logs/inventory']
// a hang guard, not a timing test
const GUARD = 180_000

function cli(args: string[]) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=450', BIN, ...args, ...INVENTORY], {cwd: ROOT, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}, maxBuffer: 64 << 20, timeout: GUARD})
  expect(r.signal, 'killed by the hang guard').toBeNull()
  expect(r.stderr).not.toMatch(/\n\s+at /)
  return r
}

describe('hostile logs', () => {
  it('CloudTrail as AWS delivers it (one minified line over 1 MiB, gzipped) is read record by record', () => {
    const r = cli(['access-logs', `${H}/logs-cloudtrail-minified.json.gz`, '--format', 'json'])
    expect(r.status).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.files).toEqual([{file: `${H}/logs-cloudtrail-minified.json.gz`, format: 'cloudtrail', events: 60, skipped: 0}])
    expect(report.events).toEqual({total: 60, success: 40, failed: 20})
  }, GUARD)

  it('a document over the decompressed-bytes cap is refused with exit 2, naming the file', () => {
    const r = cli(['access-logs', `${H}/logs-cloudtrail-minified.json.gz`, '--max-log-bytes', String(1 << 20)])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`${H}/logs-cloudtrail-minified.json.gz: the log is over 1 MiB once decompressed`)
  }, GUARD)

  it('one 600 MB line between real lines is dropped and counted; the lines around it are read', () => {
    const r = cli(['access-logs', `${H}/logs-huge-line.log.gz`, '--format', 'json'])
    expect(r.status).toBe(0)
    const report = JSON.parse(r.stdout)
    expect(report.files).toEqual([{file: `${H}/logs-huge-line.log.gz`, format: 'openvpn', events: 2, skipped: 1}])
    expect(report.events).toEqual({total: 2, success: 2, failed: 0})
  }, GUARD)

  it('a gzip of 256 MiB of blank lines reads to the end (nothing in it) and exits 0', () => {
    const r = cli(['traffic', `${H}/logs-blank-lines.log.gz:aws-vpc-flow`, '--format', 'json'])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).files).toEqual([{file: `${H}/logs-blank-lines.log.gz`, format: 'aws-vpc-flow', records: 0, skipped: 0}])
  }, GUARD)

  it('blank lines are not a format: exit 2 naming the file; the cap stops a bomb with exit 2', () => {
    const a = cli(['access-logs', `${H}/logs-blank-lines.log.gz`])
    expect(a.status).toBe(2)
    expect(a.stderr).toContain(`${H}/logs-blank-lines.log.gz:1: the log has no non-blank line in its first 16 MiB`)
    const b = cli(['traffic', `${H}/logs-blank-lines.log.gz:aws-vpc-flow`, '--max-log-bytes', String(1 << 20)])
    expect(b.status).toBe(2)
    expect(b.stderr).toContain(`${H}/logs-blank-lines.log.gz: the log is over 1 MiB once decompressed`)
  }, GUARD)
})
