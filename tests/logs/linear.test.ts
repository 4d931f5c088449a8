/**
 * Doubling test on adversarial lines (issue #12): every access-log line parser takes about twice the
 * time on a line twice as long (a quadratic pattern would take 4×), measured over three doublings (8×
 * the length: linear is 8×, quadratic 64×; the bound, 3× per doubling = 27×, leaves room for the
 * allocation and cache effects of half-MiB lines on a shared machine). Ratios, not absolute times; the
 * best of several runs.
 */
import {describe, expect, it} from 'vitest'

import {ACCESS_FORMATS} from '../../src/logs/access/read.js'

// the attack strings a super-linearity checker finds for the patterns these parsers used to have
const ADVERSARIAL: Record<string, (n: number) => string> = {
  'cisco-asa': (n) => `Oct 12 2026 09:00:01 fw : %ASA-6-113005: ${'user = Group <Remote: IP = client '.repeat(n / 34)}`,
  openvpn: (n) => `2026-10-12 09:00:00 a:0 [P] Peer Connection Initiated with [AF_INET]C${':C'.repeat(n / 2)}\t ${' [a]:0 TLS Auth'.repeat(n / 15)}s`,
  strongswan: (n) => `Oct 12 09:20:01 charon: 05[IKE] ${'IKE_SA a established between \u0000[.'.repeat(n / 32)}`,
  fortigate: (n) => `logid="0101039424" type="event" subtype="vpn" ${'a="x '.repeat(n / 5)}${'0'.repeat(n)}`,
}

function best(f: () => void): number {
  let min = Infinity
  for (let i = 0; i < 5; i++) {
    const t = performance.now()
    f()
    min = Math.min(min, performance.now() - t)
  }
  return min
}

describe('line parsers stay linear on hostile lines', () => {
  for (const make of ACCESS_FORMATS) {
    const format = make()
    const line = ADVERSARIAL[format.name]
    if (!line || !format.line) continue
    it(format.name, () => {
      // flat strings (no rope to flatten inside the timing), half a MiB at most
      const short = Buffer.from(line(1 << 16)).toString()
      const long = Buffer.from(line(1 << 19)).toString()
      const run = (text: string) => () => {
        make().line!(text, 1, 2026)
      }
      run(short)()
      run(long)()
      // interleaved rounds: a burst of load on the machine hits both sides alike
      const ratios: number[] = []
      for (let round = 0; round < 5; round++) ratios.push(best(run(long)) / Math.max(best(run(short)), 0.05))
      expect(Math.min(...ratios), ratios.map((r) => r.toFixed(2)).join(' ')).toBeLessThan(3 ** 3)
    })
  }
})
