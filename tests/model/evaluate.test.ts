import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {AddressSet} from '../../src/net/address-set.js'
import {box, type Box, coversBox, subtractBox} from '../../src/net/match.js'
import {PortSet, ProtocolSet} from '../../src/net/number-set.js'
import {type EvalChain, type EvalRule, evaluateChains, evaluateList} from '../../src/model/evaluate.js'
import {growth} from '../helpers/growth.js'

const tcp = ProtocolSet.of(6)
const udp = ProtocolSet.of(17)
const rule = (action: EvalRule<string>['action'], match: Partial<Box>, meta: string, extra: Partial<EvalRule<string>> = {}): EvalRule<string> => ({
  action,
  match: box(match),
  meta,
  ...extra,
})

describe('box subtraction', () => {
  it('is exact: pieces are disjoint, inside a, outside d, and cover a minus d', () => {
    const a = box({from: AddressSet.of('10.0.0.0/24'), protocols: tcp, ports: PortSet.range(1, 1024)})
    const d = box({from: AddressSet.of('10.0.0.128/25'), protocols: tcp, ports: PortSet.range(22)})
    const pieces = subtractBox(a, d)
    for (const p of pieces) expect(coversBox(a, p)).toBe(true)
    // 10.0.0.200 port 22 is denied; 10.0.0.200 port 23 and 10.0.0.1 port 22 stay
    const probe = (ip: string, port: number) =>
      pieces.some((p) => p.from.covers(AddressSet.of(ip)) && p.ports.has(port) && p.protocols.has(6))
    expect(probe('10.0.0.200', 22)).toBe(false)
    expect(probe('10.0.0.200', 23)).toBe(true)
    expect(probe('10.0.0.1', 22)).toBe(true)
  })
})

describe('ordered evaluation', () => {
  it('a deny above an allow removes what it matches', () => {
    const r = evaluateList([
      rule('deny', {from: AddressSet.of('203.0.113.0/24'), protocols: tcp, ports: PortSet.range(22)}, 'deny-bad'),
      rule('allow', {protocols: tcp, ports: PortSet.range(22)}, 'allow-ssh'),
    ])
    expect(r.permits).toHaveLength(1)
    expect(r.permits[0].meta).toBe('allow-ssh')
    expect(r.permits[0].box.from.covers(AddressSet.of('203.0.113.5'))).toBe(false)
    expect(r.permits[0].box.from.covers(AddressSet.of('198.51.100.5'))).toBe(true)
  })

  it('a deny below an allow changes nothing, and a fully shadowed allow disappears', () => {
    const r = evaluateList([
      rule('deny', {protocols: tcp}, 'deny-tcp'),
      rule('allow', {protocols: tcp, ports: PortSet.range(3389)}, 'allow-rdp'),
      rule('allow', {protocols: udp, ports: PortSet.range(53)}, 'allow-dns'),
      rule('deny', {protocols: udp}, 'deny-udp'),
    ])
    expect(r.permits.map((p) => p.meta)).toEqual(['allow-dns'])
  })

  it('a policy of allow exposes everything not dropped', () => {
    const r = evaluateChains(
      new Map<string, EvalChain<string>>([
        ['INPUT', {name: 'INPUT', policy: 'allow', policyMeta: 'policy', rules: [rule('deny', {protocols: tcp, ports: PortSet.range(23)}, 'no-telnet')]}],
      ]),
      'INPUT',
    )
    const covered = (proto: number, port: number) => r.permits.some((p) => p.box.protocols.has(proto) && p.box.ports.has(port))
    expect(covered(6, 23)).toBe(false)
    expect(covered(6, 22)).toBe(true)
    expect(covered(17, 23)).toBe(true)
    expect(r.permits.every((p) => p.meta === 'policy')).toBe(true)
  })

  it('follows jumps, honours return, and stops loops', () => {
    const chains = new Map<string, EvalChain<string>>([
      ['INPUT', {name: 'INPUT', policy: 'deny', rules: [rule('jump', {protocols: tcp}, 'to-svc', {target: 'svc'}), rule('allow', {protocols: tcp, ports: PortSet.range(80)}, 'after')]}],
      ['svc', {name: 'svc', rules: [rule('return', {ports: PortSet.range(80)}, 'ret'), rule('allow', {ports: PortSet.range(1, 1024)}, 'svc-low'), rule('jump', {}, 'loop', {target: 'svc'})]}],
    ])
    const r = evaluateChains(chains, 'INPUT')
    const low = r.permits.filter((p) => p.meta === 'svc-low')
    expect(low.length).toBeGreaterThan(0)
    // port 80 returned before svc-low, so svc-low must not include it; 'after' grants it
    expect(low.some((p) => p.box.ports.has(80))).toBe(false)
    expect(low.every((p) => p.box.protocols.values().join() === '6')).toBe(true)
    expect(r.permits.some((p) => p.meta === 'after' && p.box.ports.has(80))).toBe(true)
    expect(r.warnings.map((w) => w.reason)).toEqual(["jump loop through chain 'svc' not followed"])
  })

  it('guards: a deny on one interface does not shadow an allow on every interface; opaque denies never shadow', () => {
    const r = evaluateList([
      rule('deny', {protocols: tcp}, 'deny-eth1', {guards: [{in: 'eth1'}]}),
      rule('deny', {protocols: tcp}, 'deny-unknown', {opaque: true}),
      rule('allow', {protocols: tcp, ports: PortSet.range(22)}, 'ssh-any-if'),
      rule('allow', {protocols: tcp, ports: PortSet.range(443)}, 'https-eth1', {guards: [{in: 'eth1'}]}),
    ])
    expect(r.permits.map((p) => p.meta)).toEqual(['ssh-any-if'])
  })

  it('agrees with packet-by-packet first-match evaluation on random rule lists', () => {
    const addr = fc.constantFrom('10.0.0.0/30', '10.0.0.0/31', '10.0.0.2/32', 'any')
    const port = fc.constantFrom<[number, number] | null>([1, 2], [2, 3], [3, 3], null)
    const arb = fc.array(
      fc.record({action: fc.constantFrom('allow' as const, 'deny' as const), from: addr, to: addr, ports: port, proto: fc.constantFrom(6, 17, -1)}),
      {maxLength: 7},
    )
    fc.assert(
      fc.property(arb, fc.constantFrom<'allow' | 'deny'>('allow', 'deny'), (specs, policy) => {
        const rules = specs.map((s, i) =>
          rule(s.action, {
            from: AddressSet.of(s.from),
            to: AddressSet.of(s.to),
            protocols: s.proto < 0 ? ProtocolSet.ALL : ProtocolSet.of(s.proto),
            ports: s.ports && s.proto >= 0 ? PortSet.range(...s.ports) : PortSet.ALL,
          }, String(i)),
        )
        const r = evaluateList(rules, policy, 'policy')
        for (const src of [0, 1, 2, 3]) for (const dst of [0, 2, 3]) for (const proto of [6, 17]) for (const p of [1, 2, 3]) {
          const s = AddressSet.of(`10.0.0.${src}`)
          const d = AddressSet.of(`10.0.0.${dst}`)
          const first = rules.find((x) => x.match.from.covers(s) && x.match.to.covers(d) && x.match.protocols.has(proto) && x.match.ports.has(p))
          const expected = first ? first.action === 'allow' : policy === 'allow'
          const got = r.permits.some((x) => x.box.from.covers(s) && x.box.to.covers(d) && x.box.protocols.has(proto) && x.box.ports.has(p))
          expect(got).toBe(expected)
        }
      }),
      {numRuns: 300},
    )
  })

  it('agrees with packet-by-packet evaluation when denies are spread over /24s, /16s and IPv6 (the destination index)', () => {
    // sets filed under one /24, several /24s in different /16s, one /16, many /16s (wide), IPv6 (wide), mixed
    const addr = fc.constantFrom<string[]>(
      ['10.0.0.0/30'],
      ['10.0.1.0/24'],
      ['10.0.0.2/32', '10.1.5.0/24', '192.168.7.7'],
      ['10.1.0.0/16'],
      ['10.1.0.0/16', '192.168.0.0/16'],
      ['10.0.0.0/8'],
      ['10.0.0.0/23'],
      ['2001:db8::/64'],
      ['10.1.5.9', '2001:db8::1'],
      ['any'],
    )
    const arb = fc.array(
      fc.record({action: fc.constantFrom('allow' as const, 'deny' as const), from: fc.constantFrom('any', '172.16.0.0/12'), to: addr, proto: fc.constantFrom(6, 17, -1)}),
      {maxLength: 12},
    )
    const probes = ['10.0.0.1', '10.0.0.2', '10.0.1.7', '10.1.5.9', '10.1.200.1', '10.7.0.1', '192.168.7.7', '192.168.3.3', '2001:db8::1', '2001:db8:1::1']
    fc.assert(
      fc.property(arb, fc.constantFrom<'allow' | 'deny'>('allow', 'deny'), (specs, policy) => {
        const rules = specs.map((s, i) =>
          rule(s.action, {from: AddressSet.of(s.from), to: AddressSet.of(...s.to), protocols: s.proto < 0 ? ProtocolSet.ALL : ProtocolSet.of(s.proto)}, String(i)),
        )
        const r = evaluateList(rules, policy, 'policy')
        for (const src of ['172.16.0.1', '8.8.8.8']) for (const dst of probes) for (const proto of [6, 17]) {
          const s = AddressSet.of(src)
          const d = AddressSet.of(dst)
          const first = rules.find((x) => x.match.from.covers(s) && x.match.to.covers(d) && x.match.protocols.has(proto))
          const expected = first ? first.action === 'allow' : policy === 'allow'
          const got = r.permits.some((x) => x.box.from.covers(s) && x.box.to.covers(d) && x.box.protocols.has(proto))
          expect(got).toBe(expected)
        }
      }),
      {numRuns: 500},
    )
  })
})

describe('blocklists above an allow', () => {
  const host = (i: number) => AddressSet.of(`10.${(i >> 8) & 255}.${i & 255}.${(i * 7) & 255}/32`)
  const blocklist = (n: number, extra: Array<EvalRule<string>> = []) => [
    ...Array.from({length: n}, (_, i) => rule('deny', {from: host(i)}, `drop${i}`)),
    ...extra,
    ...Array.from({length: 20}, (_, i) => rule('allow', {protocols: tcp, ports: PortSet.range(1000 + i)}, `allow${i}`)),
  ]

  it('source-only drops, mixed with other drops, cut the same traffic as one by one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({src: fc.integer({min: 0, max: 63}), len: fc.constantFrom(26, 28, 30, 32), port: fc.option(fc.integer({min: 20, max: 25}))}), {maxLength: 12}),
        fc.integer({min: 20, max: 25}),
        (drops, allowPort) => {
          const rules = drops.map((d, i) =>
            rule('deny', {from: AddressSet.of(`10.0.0.${d.src * 4}/${d.len}`), ...(d.port !== null ? {protocols: tcp, ports: PortSet.range(d.port)} : {})}, `d${i}`),
          )
          const allow = box({from: AddressSet.of('10.0.0.0/24'), protocols: tcp, ports: PortSet.range(20, allowPort)})
          const {permits} = evaluateList([...rules, rule('allow', allow, 'a')])
          // the reference: subtract the drops one at a time
          let ref: Box[] = [allow]
          for (const r of rules) ref = ref.flatMap((b) => subtractBox(b, r.match))
          for (let host = 0; host < 256; host += 3)
            for (let port = 20; port <= 25; port++) {
              const at = (bs: Box[]) => bs.some((b) => b.from.covers(AddressSet.of(`10.0.0.${host}`)) && b.ports.has(port))
              expect(at(permits.map((p) => p.box))).toBe(at(ref))
            }
        },
      ),
      {numRuns: 300},
    )
  })

  it('a blocklist four times as long costs about four times as much, not sixteen', async () => {
    const time = (n: number) => {
      const t0 = process.cpuUsage()
      const {permits} = evaluateList(blocklist(n))
      expect(permits).toHaveLength(20)
      expect(permits[0].box.from.covers(AddressSet.of('192.0.2.1'))).toBe(true)
      expect(permits[0].box.from.covers(AddressSet.of('10.0.1.7'))).toBe(false)
      const u = process.cpuUsage(t0)
      return u.user + u.system
    }
    // one by one, every drop copied the growing source set (16x for 4x the drops)
    expect(await growth(time, 4000)).toBeLessThan(10)
  })

  it('N allows below N source drops cost about four times as much for four times N, not sixteen', async () => {
    // a blocklist above a rule base: every allow meets every drop, whose union is the same for all of them
    // (hosts in a row: the union is one range, so what is left of each allow stays small)
    const next = (i: number) => AddressSet.of(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`)
    const rules = (n: number) => [
      ...Array.from({length: n}, (_, i) => rule('deny', {from: next(i)}, `drop${i}`)),
      ...Array.from({length: n}, (_, i) => rule('allow', {to: AddressSet.of(`192.0.2.${i & 255}`), protocols: tcp, ports: PortSet.range(1000 + i)}, `allow${i}`)),
    ]
    const time = (n: number) => {
      const list = rules(n)
      const t0 = process.cpuUsage()
      const {permits} = evaluateList(list)
      const u = process.cpuUsage(t0)
      expect(permits).toHaveLength(n)
      expect(permits[n - 1].box.from.covers(AddressSet.of('192.0.2.1'))).toBe(true)
      expect(permits[n - 1].box.from.overlaps(next(n - 1))).toBe(false)
      return u.user + u.system
    }
    // each allow unioned every drop's source again (16x for 4x the rules)
    expect(await growth(time, 4000)).toBeLessThan(10)
  })

  it('a drop filed near one destination, between drops remembered for another, still cuts', () => {
    // the first allow meets p1, p2, p3 and remembers them; the second also meets x, which sits among them
    const rules = [
      rule('deny', {from: AddressSet.of('10.0.0.0/30')}, 'p1'),
      rule('deny', {from: AddressSet.of('10.0.0.8/30'), to: AddressSet.of('192.0.2.1')}, 'x'),
      rule('deny', {from: AddressSet.of('10.0.0.16/30')}, 'p2'),
      rule('deny', {from: AddressSet.of('10.0.0.24/30')}, 'p3'),
      rule('allow', {to: AddressSet.of('198.51.100.1'), protocols: tcp}, 'far'),
      rule('allow', {to: AddressSet.of('192.0.2.1'), protocols: tcp}, 'near'),
    ]
    const from = (meta: string, ip: string) => evaluateList(rules).permits.some((p) => p.meta === meta && p.box.from.covers(AddressSet.of(ip)))
    expect(from('far', '10.0.0.9')).toBe(true)
    expect(from('near', '10.0.0.9')).toBe(false)
    expect(from('near', '10.0.0.17')).toBe(false)
    expect(from('near', '10.0.0.12')).toBe(true)
  })

  it('the sources of the drops above, remembered from allow to allow, cut what one by one cuts', () => {
    // plain drops (sources only, to every address or every IPv4 one), drops of one host or port, and
    // allows, interleaved: each allow against the drops above it, one at a time
    const any4 = AddressSet.of('0.0.0.0/0')
    const step = fc.oneof(
      fc.record({kind: fc.constant('plain' as const), src: fc.integer({min: 0, max: 63}), len: fc.constantFrom(26, 28, 30, 32), v4: fc.boolean()}),
      fc.record({kind: fc.constant('host' as const), src: fc.integer({min: 0, max: 63}), dst: fc.integer({min: 0, max: 3}), port: fc.option(fc.integer({min: 20, max: 25}))}),
      fc.record({kind: fc.constant('allow' as const), dst: fc.option(fc.integer({min: 0, max: 3})), port: fc.integer({min: 20, max: 25})}),
    )
    const dst = (i: number) => AddressSet.of(i < 2 ? `192.0.2.${i}` : `198.51.${i}.1`)
    const sources = Array.from({length: 26}, (_, h) => AddressSet.of(`10.0.0.${h * 10}`))
    // an IPv6 destination: drops to every IPv4 address do not cut it
    const targets = [...[0, 1, 2, 3].map(dst), AddressSet.of('2001:db8::1')]
    fc.assert(
      fc.property(fc.array(step, {maxLength: 16}), (steps) => {
        const rules = steps.map((s, i) =>
          s.kind === 'plain'
            ? rule('deny', {from: AddressSet.of(`10.0.0.${s.src * 4}/${s.len}`), ...(s.v4 ? {to: any4} : {})}, `p${i}`)
            : s.kind === 'host'
              ? rule('deny', {from: AddressSet.of(`10.0.0.${s.src * 4}/30`), to: dst(s.dst), ...(s.port !== null ? {protocols: tcp, ports: PortSet.range(s.port)} : {})}, `h${i}`)
              : rule('allow', {from: AddressSet.of('10.0.0.0/24'), ...(s.dst !== null ? {to: dst(s.dst)} : {}), protocols: tcp, ports: PortSet.range(20, s.port)}, `a${i}`),
        )
        const {permits} = evaluateList(rules)
        rules.forEach((r, i) => {
          if (r.action !== 'allow') return
          let ref: Box[] = [r.match]
          for (const d of rules.slice(0, i)) if (d.action === 'deny') ref = ref.flatMap((b) => subtractBox(b, d.match))
          const got = permits.filter((p) => p.meta === r.meta).map((p) => p.box)
          for (const from of sources)
            for (const to of targets)
              for (let port = 20; port <= 25; port++) {
                const at = (bs: Box[]) => bs.some((b) => b.from.covers(from) && b.to.covers(to) && b.ports.has(port))
                expect(at(got)).toBe(at(ref))
              }
        })
      }),
      {numRuns: 120},
    )
  })
})
