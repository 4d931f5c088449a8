/**
 * #12 items 3 and 5: hostile configs, each a fixture under tests/fixtures/hostile/ named after what it
 * reproduces, run through the built binary with a 450 MB heap: exit 0 or 2 with the file named, never a
 * V8 abort, a RangeError or a TypeError.
 */
import {join} from 'node:path'

import {describe, expect, it, vi} from 'vitest'

import {expectHandled, HOSTILE, runHostile} from './helpers.js'

vi.setConfig({testTimeout: 300_000})

const parse = (name: string, type: string) => {
  const file = join(HOSTILE, name)
  const r = runHostile(['parse', file, '--type', type, '--format', 'json'])
  expectHandled(r, name)
  return {r, report: r.status === 0 ? JSON.parse(r.stdout) : undefined}
}

describe('#12 Junos/PAN-OS [ ] lists are value sets', () => {
  it('24 lists in one Junos statement: read in linear time and memory (a product is 2^24)', () => {
    const {report} = parse('junos-list-cartesian.set', 'junos')
    expect(report.stats.lines).toBe(1)
  })

  it('24 lists in one PAN-OS rule statement', () => {
    const {r} = parse('panos-list-cartesian.set', 'panos')
    expect(r.status).toBe(0)
  })

  it('an allow whose fields are all lists keeps its exposure, every value in place', () => {
    const {report} = parse('panos-list-values.set', 'panos')
    const rule = report.exposures.find((e: {rule: string}) => e.rule.includes('"many"'))
    expect(rule.action).toBe('allow')
    expect(rule.to).toEqual(['10.50.0.20/31'])
    expect(rule.ports).toEqual(['22', '443'])
    expect(rule.from_zones).toEqual(['outside'])
    expect(rule.to_zones).toEqual(['inside'])
  })

  it('a nested list is one unparsed line with its number, set and hierarchy forms', () => {
    const set = parse('junos-list-nested.set', 'junos').report
    expect(set.unparsed.map((u: {line: number}) => u.line)).toEqual([2])
    const tree = parse('junos-list-nested.conf', 'junos').report
    expect(tree.unparsed.map((u: {line: number}) => u.line)).toEqual([5])
  })
})
