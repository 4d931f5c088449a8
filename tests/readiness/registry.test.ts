import {existsSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {CHECKS} from '../../src/readiness/registry.js'
import {ROOT} from '../helpers/sources.js'

const kebab = (id: string) => id.replace(/^IRM5-PREP-/, '').toLowerCase()

describe('readiness check registry', () => {
  it('has unique IRM5-PREP ids, known severities, rationale and remediation', () => {
    const ids = CHECKS.map((c) => c.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const c of CHECKS) {
      expect(c.id).toMatch(/^IRM5-PREP-[A-Z0-9]+(?:-[A-Z0-9]+)*$/)
      expect(['critical', 'high', 'medium', 'low', 'info']).toContain(c.severity)
      expect(c.rationale.length).toBeGreaterThan(20)
      expect(c.remediation.length).toBeGreaterThan(20)
      expect(c.item.length).toBeGreaterThan(10)
    }
  })

  it('keeps one file and one test per check, named after the id', () => {
    for (const c of CHECKS) {
      expect(existsSync(join(ROOT, 'src/readiness/checks', `${kebab(c.id)}.ts`)), c.id).toBe(true)
      expect(existsSync(join(ROOT, 'tests/readiness', `${kebab(c.id)}.test.ts`)), c.id).toBe(true)
    }
  })

  it('covers every Preparation section of IRM #5', () => {
    expect([...new Set(CHECKS.map((c) => c.section))].sort()).toEqual(['Preparation/Baseline', 'Preparation/IDS-EDR', 'Preparation/Logs-People', 'Preparation/Network'])
  })
})
