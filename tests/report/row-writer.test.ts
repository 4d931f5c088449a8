/**
 * The parse report's row writer (exposure-rows.ts, json-text.ts) against JSON.stringify of the row
 * objects exposureRows makes, byte for byte, on generated exposures with hostile strings in every string
 * field (quotes, backslashes, control characters, lone and paired surrogates, U+2028/2029, prototype
 * names), in both layouts the writer knows (indented at any depth, compact), in the report's order.
 */
import {describe, expect, it} from 'vitest'

import type {Doubt} from '../../src/model/doubts.js'
import type {Exposure} from '../../src/model/exposure.js'
import {AddressSet} from '../../src/net/address-set.js'
import {rangeToCidrs} from '../../src/net/ip.js'
import {PortSet, ProtocolSet} from '../../src/net/number-set.js'
import {exposureRowArray, pushV4CidrPieces, v4Block} from '../../src/report/exposure-rows.js'
import {jsonChunks} from '../../src/report/json-stream.js'
import {jsonText, TextBuffer} from '../../src/report/json-text.js'
import {renderJson} from '../../src/report/json.js'
import {parseReport, parseReportJson} from '../../src/report/parse-report.js'
import type {LoadedConfig} from '../../src/sources/load.js'

/** mulberry32: the same exposures on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const PIECES = ['"', '\\', '\\"', '\u0000', '\u0007', '\b', '\f', '\n', '\r', '\t', '\u001f', '\u007f', '\ud800', '\udbff', '\udc00', '\udfff', '\ud83d\udd25', '\u2028', '\u2029', 'é', '日本', '€', '\ufeff', 'constructor', '__proto__', 'toJSON', 'prototype', 'hasOwnProperty', '', ' ', '/', 'eth0', 'a b', '{"x": [1]}', '1e3', '-A INPUT -p tcp --dport 22 -j ACCEPT']

describe('the row writer writes what JSON.stringify writes', () => {
  const rnd = random(19)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]
  const int = (n: number) => Math.floor(rnd() * n)
  const hostile = (): string => {
    let s = ''
    for (let n = int(4); n >= 0; n--) s += pick(PIECES)
    // sometimes a plain string, the writer's fast path
    return rnd() < 0.3 ? `plain ${int(1000)}` : s
  }
  // lists shared by neighbours (the same list, or an equal copy: the writer keeps the text of the last)
  const pool = Array.from({length: 3}, () => Array.from({length: 1 + int(2)}, hostile))
  const strings = (): string[] => {
    const r = rnd()
    if (r < 0.3) return pick(pool)
    if (r < 0.6) return [...pick(pool)]
    return Array.from({length: int(3)}, hostile)
  }
  const maybe = <T>(make: () => T): T | undefined => (rnd() < 0.5 ? make() : undefined)
  const v4 = (): [number, number] => {
    const a = rnd() < 0.1 ? 0 : int(2 ** 32)
    const b = rnd() < 0.1 ? 2 ** 32 - 1 : Math.min(2 ** 32 - 1, a + (rnd() < 0.5 ? 0 : int(2 ** int(33))))
    return [a, b]
  }
  const v6 = (): [bigint, bigint] => {
    const a = BigInt(int(2 ** 30)) << BigInt(int(98))
    return [a, a + BigInt(int(2 ** 20))]
  }
  const addresses = (): AddressSet => {
    const r = rnd()
    // address groups many rules share (the writer keeps the text of a big one met again)
    if (r < 0.05) return pick(groups)
    if (r < 0.1) return AddressSet.ANY
    if (r < 0.15) return AddressSet.EMPTY
    if (r < 0.2) return AddressSet.ANY6
    return AddressSet.fromRanges(Array.from({length: 1 + int(rnd() < 0.2 ? 12 : 2)}, v4), rnd() < 0.3 ? Array.from({length: 1 + int(3)}, v6) : [])
  }
  const groups = Array.from({length: 2}, () => AddressSet.fromRanges(Array.from({length: 8}, v4), [v6()]))
  const ports = (): PortSet => {
    if (rnd() < 0.3) return PortSet.ALL
    return PortSet.fromRanges(Array.from({length: 1 + int(4)}, () => {
      const a = int(65536)
      return [a, Math.min(65535, a + (rnd() < 0.5 ? 0 : int(100)))] as [number, number]
    }))
  }
  const protocols = (): ProtocolSet => {
    const r = rnd()
    if (r < 0.1) return ProtocolSet.ALL
    if (r < 0.15) return ProtocolSet.EMPTY
    // more than eight: one `any` row with except_protocols
    if (r < 0.25) return ProtocolSet.ALL.subtract(ProtocolSet.of(...Array.from({length: int(5)}, () => int(256))))
    // several protocols whose names do not sort as their numbers (gre 47 before tcp 6)
    return ProtocolSet.of(...Array.from({length: 1 + int(4)}, () => pick([1, 6, 17, 47, 50, 58, 132, 33, 0, 255, 200])))
  }
  const doubt = (): Doubt => {
    const d = {code: hostile(), effect: pick(['narrower', 'broader', 'dead', 'unknown', hostile()]), detail: hostile(), line: int(100)} as Doubt
    if (rnd() < 0.3) d.file = hostile()
    return d
  }
  const sharedDoubts = [doubt(), doubt()]
  const attachment = () => ({interfaces: strings(), zones: strings()})
  const shared = attachment()

  // the order sorts lines by counting when they are few, by a numeric key when far apart, by comparison
  // when one is not a whole number below 2^32
  const LINES = {few: () => int(12), far: () => pick([0, 7, 2 ** 20, 2 ** 31 + 3, 2 ** 32 - 1]), odd: () => pick([1, 2.5, -1, 2 ** 32, 3])}
  let lineOf = LINES.few

  function exposure(omitFile: string): Exposure {
    const e: Exposure = {
      kind: pick(['filter', 'nat-forward', 'vpn-listener', 'vpn-route', 'load-balancer']),
      action: 'allow',
      direction: pick(['inbound', 'outbound']),
      from: addresses(),
      to: addresses(),
      protocols: protocols(),
      ports: ports(),
      sourcePorts: rnd() < 0.7 ? PortSet.ALL : ports(),
      // few places, so that rows of different exposures tie on file, line and rule
      line: lineOf(),
      rule: pick(['r1', 'r2', hostile()]),
    }
    const set = <K extends keyof Exposure>(key: K, make: () => Exposure[K]) => {
      const v = maybe(make)
      if (v !== undefined) e[key] = v
    }
    set('translated', () => ({...(rnd() < 0.7 ? {to: addresses()} : {}), ...(rnd() < 0.5 ? {ports: ports()} : {})}))
    set('filter', () => ({line: int(50), rule: hostile()}))
    set('name', hostile)
    set('text', hostile)
    set('fromZones', strings)
    set('toZones', strings)
    set('interfaces', () => pick([{in: strings(), out: strings()}, {out: strings(), in: strings()}, {out: strings()}, {in: strings()}, {in: pool[0], out: undefined}]))
    set('fromSets', strings)
    set('toSets', strings)
    set('notes', strings)
    // the same doubts in neighbours (the writer keeps their text), a list of them, or equal copies
    set('doubts', () => pick([sharedDoubts, [...sharedDoubts], sharedDoubts.map((d) => ({...d})), sharedDoubts.map((d) => ({...d, [pick(['detail', 'line', 'file'])]: pick([hostile(), 7])})), Array.from({length: int(3)}, doubt)]))
    set('via', strings)
    set('ingress', () => (rnd() < 0.3 ? shared : attachment()))
    set('egress', () => (rnd() < 0.3 ? shared : attachment()))
    set('hook', () => pick(['prerouting', 'input', 'forward', 'output']))
    set('hostLocal', () => rnd() < 0.5)
    set('device', hostile)
    set('file', () => pick([omitFile, hostile(), 'inc/b.conf']))
    return e
  }

  function loaded(n: number): LoadedConfig {
    const file = hostile()
    return {file, type: 'iptables', exposures: Array.from({length: n}, () => exposure(file)), unparsed: [], stats: {lines: n, understood: n}} as unknown as LoadedConfig
  }

  const zonesOf = (a: {interfaces: string[]; zones: string[]}) => [...a.zones, 'inv "z"\u2028', ...a.interfaces.slice(0, 1)]

  it('row by row, indented at any depth and compact, in the report’s order', () => {
    for (let round = 0; round < 24; round++) {
      lineOf = round % 6 === 4 ? LINES.far : round % 6 === 5 ? LINES.odd : LINES.few
      const config = loaded(60)
      for (const zones of [undefined, zonesOf]) {
        const expected = parseReport(config, zones).exposures
        const rows = exposureRowArray(config.exposures, config.file, zones)
        expect(rows.length).toBe(expected.length)
        const out = new TextBuffer()
        for (let i = 0; i < rows.length; i++) {
          rows.write(i, '', out)
          expect(out.take()).toBe(JSON.stringify(expected[i]))
          for (const indent of ['', '  ', '      ']) {
            rows.write(i, `\n${indent}`, out)
            expect(out.take()).toBe(JSON.stringify(expected[i], null, 2).replaceAll('\n', `\n${indent}`))
          }
        }
      }
    }
  })

  it('as the whole report, and read back where the writer does not walk', () => {
    for (let round = 0; round < 12; round++) {
      lineOf = round % 6 === 4 ? LINES.far : round % 6 === 5 ? LINES.odd : LINES.few
      const config = loaded(150)
      expect([...parseReportJson(config)].join('')).toBe(renderJson(parseReport(config)))
      expect([...parseReportJson(config, zonesOf)].join('')).toBe(renderJson(parseReport(config, zonesOf)))
      const rows = exposureRowArray(config.exposures, config.file)
      const expected = parseReport(config).exposures
      expect([...jsonChunks({nested: [rows]}, 50)].join('')).toBe(JSON.stringify({nested: [expected]}, null, 2))
    }
  })

  it('jsonText writes any value as JSON.stringify does, at any depth', () => {
    const values: unknown[] = [
      'a',
      PIECES,
      PIECES.join(''),
      {[PIECES[0]]: 1, __proto__x: [], constructor: {toJSON: (k: string) => `key ${k}`}, n: [0, -0, 1e21, Number.NaN, -Infinity, 2.5e-7]},
      [undefined, () => 1, Symbol('s'), null, true, false, new String('b'), new Number(4), new Boolean(true), new Date(0)],
      {skipped: undefined, f: () => 1, kept: {deep: [[{}], [], {a: [{}]}]}},
      JSON.parse('{"__proto__": {"x": 1}, "1": "one", "b": "\\ud800"}'),
      [],
      {},
    ]
    for (const v of values) {
      expect(jsonText(v, '')).toBe(JSON.stringify(v))
      for (const indent of ['', '    ']) expect(jsonText(v, `\n${indent}`)).toBe(JSON.stringify(v, null, 2).replaceAll('\n', `\n${indent}`))
    }
    expect(jsonText(undefined, '')).toBeUndefined()
    expect(jsonText(() => 1, '\n')).toBeUndefined()
    expect(jsonText({toJSON: () => undefined}, '\n')).toBeUndefined()
    expect(() => jsonText(1n, '')).toThrow(TypeError)
  })

  it('pushV4CidrPieces gives the CIDRs of rangeToCidrs, v4Block the one CIDR of a block', () => {
    const ranges: Array<[number, number]> = [[0, 2 ** 32 - 1], [0, 0], [2 ** 32 - 1, 2 ** 32 - 1], [2 ** 31, 2 ** 32 - 1], [0, 2 ** 31 - 1], [2 ** 31 - 1, 2 ** 31], [1, 2 ** 32 - 2], [1, 2 ** 32 - 1], [0, 2 ** 32 - 2], [2 ** 30, 2 ** 31 + 2 ** 30 - 1]]
    for (let i = 0; i < 2000; i++) ranges.push(v4())
    // aligned blocks of every size
    for (let bits = 0; bits <= 32; bits++) for (let i = 0; i < 20; i++) {
      const start = Math.floor(rnd() * 2 ** (32 - bits)) * 2 ** bits
      ranges.push([start, start + 2 ** bits - 1])
    }
    let blocks = 0
    for (const [a, b] of ranges) {
      const out: string[] = []
      pushV4CidrPieces(a, b, Array.from({length: 33}, (_, p) => `/${p}|`), out)
      const cidrs = rangeToCidrs(4, a, b)
      expect(out.join('')).toBe(`${cidrs.join('|')}|`)
      expect(v4Block(a, b)).toBe(cidrs.length === 1 ? cidrs[0] : undefined)
      if (cidrs.length === 1) blocks++
    }
    expect(blocks).toBeGreaterThan(600)
  })
})
