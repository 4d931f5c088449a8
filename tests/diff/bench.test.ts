/** The diff scales with its input, not with exposures × access points (CPU time: the machine is shared). */
import {describe, expect, it} from 'vitest'

import {benchDiff, benchInput} from '../../src/diff/bench.js'

describe('diff benchmark', () => {
  it('generates N access points and 10·N exposures, deterministically', () => {
    const a = benchInput(200)
    expect(a.accessPoints).toHaveLength(200)
    expect(a.live.reduce((n, l) => n + ('exposures' in l ? l.exposures.length : 0), 0)).toBe(2000)
    expect(JSON.stringify(benchInput(200).accessPoints.map((x) => x.services[0].text))).toBe(JSON.stringify(a.accessPoints.map((x) => x.services[0].text)))
  })

  it('grows about linearly when access points and exposures double', async () => {
    await benchDiff(500) // warm the JIT
    const small = await benchDiff(2000)
    const large = await benchDiff(4000)
    const growth = large.cpuMs / small.cpuMs
    console.log(`diff: 2000 AP/${small.exposures} exp ${small.cpuMs.toFixed(0)} ms CPU; 4000 AP/${large.exposures} exp ${large.cpuMs.toFixed(0)} ms CPU; growth ${growth.toFixed(2)}`)
    expect(growth).toBeLessThan(3)
    expect(large.findings).toBeGreaterThan(small.findings)
  })
})
