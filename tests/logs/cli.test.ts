/** The log flags end to end, on the built binary: --vpc-fields, --year, --max-log-bytes. */
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {ROOT} from '../helpers/sources.js'

const cli = (args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'bin/run.js'), ...args, '--inventory', 'tests/fixtures/logs/inventory', '--format', 'json'], {cwd: ROOT, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}, timeout: 120_000})

describe('log flags', () => {
  it('traffic --vpc-fields reads a headerless custom VPC log', () => {
    const r = cli(['traffic', 'tests/fixtures/logs/flows/vpc-custom.log', '--vpc-fields', 'start srcaddr srcport dstaddr dstport protocol bytes packets action interface-id', '--fail-on', 'none'])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).files).toEqual([{file: 'tests/fixtures/logs/flows/vpc-custom.log', format: 'aws-vpc-flow', records: 10, skipped: 1}])
    const bad = cli(['traffic', 'tests/fixtures/logs/flows/vpc-custom.log', '--vpc-fields', 'start bytes'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--vpc-fields: the VPC field list must name srcaddr and dstaddr')
  }, 120_000)

  it('access-logs --year dates syslog stamps that have no year', () => {
    const r = cli(['access-logs', 'tests/fixtures/logs/access/strongswan-filelog.log', '--year', '2024'])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).window).toMatchObject({from: '2024-10-12T09:20:01.000Z'})
  }, 120_000)
})
