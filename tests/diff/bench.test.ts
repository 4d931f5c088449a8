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

describe('diff index on one destination with many services', () => {
  it('5000 access points to one load-balancer address, 5000 exposures: found by port, not scanned', async () => {
    const {AddressSet} = await import('../../src/net/address-set.js')
    const {PortSet, ProtocolSet} = await import('../../src/net/number-set.js')
    const {diffFindings} = await import('../../src/diff/engine.js')
    const input = benchInput(10)
    const vip = AddressSet.of('192.0.2.80/32')
    const ports = Array.from({length: 5000}, (_, i) => 10000 + i)
    input.accessPoints = ports.map((p, i) => ({...input.accessPoints[0], id: `vip-${i}`, device: 'fw-0', from: AddressSet.ANY, to: vip, services: [{text: `tcp/${p}`, protocols: ProtocolSet.of(6), ports: PortSet.range(p)}]}))
    const base = input.live[0] as Extract<(typeof input.live)[0], {exposures: unknown[]}>
    input.live = [{...base, exposures: ports.map((p, i) => ({...base.exposures[0], from: AddressSet.ANY, to: vip, protocols: ProtocolSet.of(6), ports: PortSet.range(p), line: i + 1}))}]
    const c0 = process.cpuUsage()
    const findings = diffFindings(input)
    const cpu = process.cpuUsage(c0)
    expect(findings).toEqual([])
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(5000)
  })
})
