import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import type {ParseReport} from '../../src/report/parse-report.js'
import {parseText} from '../../src/sources/load.js'
import {pulumiProgram} from '../../src/sources/pulumi-program.js'
import {FIXTURES, goldenPath, parseFixture, reportText} from '../helpers/sources.js'

const TYPE = 'pulumi-program'

// one run of the program serves every assertion: it spawns node and loads @pulumi/pulumi (seconds)
let report: Promise<ParseReport> | undefined
const webStack = () => (report ??= parseFixture(TYPE, 'web-stack.ts'))

// a child node process loading @pulumi/pulumi: slow on a busy machine
describe('pulumi-program: web stack under mocks', {timeout: 150_000}, () => {
  it('matches the golden', async () => {
    await expect(JSON.stringify(await webStack(), null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, 'web-stack.ts'))
  })

  it('lists ssh from any on the security group, at the line that creates it', async () => {
    const r = await webStack()
    expect(r.exposures.find((e) => e.rule === 'bastion-sg ingress#1')).toMatchObject({protocol: 'tcp', ports: ['22'], from: ['0.0.0.0/0'], line: 26})
  })

  it('lists the LoadBalancer service from its source ranges, and never the secret', async () => {
    const r = await webStack()
    expect(r.exposures.find((e) => e.kind === 'load-balancer')).toMatchObject({rule: 'web', ports: ['443'], from: ['198.51.100.0/24', '203.0.113.0/24'], line: 33})
    expect(reportText(r)).not.toMatch(/PLANTED/)
    // three resources, two of them security group rules
    expect(r.stats).toEqual({lines: 5, understood: 5})
  })
})

describe('pulumi-program: exported main function', {timeout: 150_000}, () => {
  it('calls and awaits it: the firewall created inside is listed at its line', async () => {
    const r = await parseFixture(TYPE, 'main-function.ts')
    expect(r.exposures.find((e) => e.rule === 'allow-rdp')).toMatchObject({ports: ['3389'], from: ['0.0.0.0/0'], to_sets: ['tag:windows'], line: 13})
  })
})

describe('pulumi-program: never auto-detected', () => {
  it('detect is 0 and executes is set (the registry never auto-selects such parsers)', () => {
    expect(pulumiProgram.executes).toBe(true)
    const program = readFileSync(join(FIXTURES, TYPE, 'web-stack.ts'), 'utf8')
    expect(pulumiProgram.detect(program, 'web-stack.ts')).toBe(0)
    expect(pulumiProgram.description).toMatch(/RUNS the program under Pulumi mocks/)
    expect(pulumiProgram.description).toMatch(/Never auto-detected/)
  })
})

describe('pulumi-program: bad input', {timeout: 150_000}, () => {
  it('a program that throws is a clear error naming the cause', async () => {
    const err = await parseFixture(TYPE, 'broken.ts').catch((e: unknown) => e)
    expect(isIrmError(err) && err.code === 'CONFIG_SYNTAX').toBe(true)
    expect((err as Error).message).toMatch(/failed: Error: missing setting/)
  })

  it('a missing file is a clear error', async () => {
    const err = await parseText('', 'tests/fixtures/sources/pulumi-program/absent.ts', TYPE).catch((e: unknown) => e)
    expect(isIrmError(err) && err.code === 'INPUT_NOT_FOUND').toBe(true)
  })
})
