/**
 * The log flags through the commands: --vpc-fields, --year. In-process (tests/helpers/cli.ts); the
 * built binary runs the log commands end to end in tests/logs/hostile.test.ts.
 */
import {describe, expect, it} from 'vitest'

import {cli as run} from '../helpers/cli.js'

const cli = (args: string[]) => run([...args, '--inventory', 'tests/fixtures/logs/inventory', '--format', 'json'])

describe('log flags', () => {
  it('traffic --vpc-fields reads a headerless custom VPC log', async () => {
    const r = await cli(['traffic', 'tests/fixtures/logs/flows/vpc-custom.log', '--vpc-fields', 'start srcaddr srcport dstaddr dstport protocol bytes packets action interface-id', '--fail-on', 'none'])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).files).toEqual([{file: 'tests/fixtures/logs/flows/vpc-custom.log', format: 'aws-vpc-flow', records: 10, skipped: 1}])
    const bad = await cli(['traffic', 'tests/fixtures/logs/flows/vpc-custom.log', '--vpc-fields', 'start bytes'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('--vpc-fields: the VPC field list must name srcaddr and dstaddr')
  })

  it('access-logs --year dates syslog stamps that have no year', async () => {
    const r = await cli(['access-logs', 'tests/fixtures/logs/access/strongswan-filelog.log', '--year', '2024'])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).window).toMatchObject({from: '2024-10-12T09:20:01.000Z'})
  })
})
