/**
 * The streaming JSON writer against JSON.stringify(value, null, 2): byte for byte, on tricky values, on
 * the parse report of every parser fixture (the goldens' inputs), of the example inventory's configs
 * (with and without inventory zones), of generated configs, and of hand-made exposures that take the
 * writer's rare paths (ties, `any` rows, unicode and escapes, nested doubts, included files).
 */
import {readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import * as gen from '../../bench/generate.js'
import {attachmentZones} from '../../src/diff/attachment-zones.js'
import type {Exposure} from '../../src/model/exposure.js'
import {AddressSet} from '../../src/net/address-set.js'
import {PortSet, ProtocolSet} from '../../src/net/number-set.js'
import {elementsAt, jsonChunks, LazyArray} from '../../src/report/json-stream.js'
import {renderJson} from '../../src/report/json.js'
import {parseReport, parseReportJson} from '../../src/report/parse-report.js'
import {type LoadedConfig, loadConfig, parseText} from '../../src/sources/load.js'
import {FIXTURES, ROOT} from '../helpers/sources.js'

const joined = (chunks: Iterable<string>) => [...chunks].join('')

/** The streamed report equals renderJson(parseReport(…)), and comes in more than one chunk when big. */
function expectSameReport(loaded: LoadedConfig, zonesOf?: Parameters<typeof parseReport>[1]): void {
  const expected = renderJson(parseReport(loaded, zonesOf))
  const chunks = [...parseReportJson(loaded, zonesOf)]
  expect(chunks.join('')).toBe(expected)
  if (expected.length > 1 << 17) expect(chunks.length).toBeGreaterThan(1)
}

describe('jsonChunks', () => {
  const tricky: Record<string, unknown> = {
    empty: {o: {}, a: [], nested: [[], {}, [[]], [{}]]},
    text: ['é, ü, 日本語, emoji 🔥', 'quote " backslash \\ slash /', 'tab\tnewline\nreturn\r\u0000\u001f\u007f', '\u2028\u2029', 'lone \ud800 surrogate \udfff'],
    numbers: [0, -0, 1.5, -2e-7, 1e21, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER],
    literals: [true, false, null],
    skipped: {a: undefined, f: () => 1, s: Symbol('x'), kept: 1},
    // eslint-disable-next-line no-sparse-arrays
    inArrays: [undefined, () => 1, Symbol('y'), , 'after a hole'],
    toJSON: {date: new Date(Date.UTC(2026, 11, 7)), custom: {toJSON: () => ({swapped: true})}, gone: {toJSON: () => undefined}},
    boxed: [new String('s'), new Number(3), new Boolean(false)],
    deep: {a: {b: {c: {d: [{e: [1, {f: 'g'}]}]}}}},
    big: Array.from({length: 1000}, (_, i) => ({i, s: `row ${i} "q"`, l: i % 3 ? [] : [i, [i]]})),
    'key "quoted" ✓': 'value',
  }

  it('writes what JSON.stringify(value, null, 2) writes, in chunks of any size', () => {
    const expected = JSON.stringify(tricky, null, 2)
    for (const size of [1, 7, 100, 1 << 16]) expect(joined(jsonChunks(tricky, size))).toBe(expected)
    expect([...jsonChunks(tricky, 100)].length).toBeGreaterThan(10)
  })

  it('writes top-level arrays, scalars, empty values and nothing for undefined', () => {
    for (const v of [[], {}, [1, [2, [3]]], 'a\nb', 42, null, tricky.big, [{}], {a: []}]) expect(joined(jsonChunks(v, 64))).toBe(JSON.stringify(v, null, 2))
    expect([...jsonChunks(undefined)]).toEqual([])
  })

  it('writes a LazyArray as the array of its elements, asking for them a batch at a time', () => {
    const items = Array.from({length: 700}, (_, i) => ({n: i, tags: i % 2 ? ['x', 'ÿ'] : []}))
    const asked: Array<[number, number]> = []
    const lazy = new LazyArray(items.length, (start, end) => {
      asked.push([start, end])
      return items.slice(start, end)
    })
    expect(joined(jsonChunks({before: 1, rows: lazy, none: new LazyArray(0, () => [])}))).toBe(JSON.stringify({before: 1, rows: items, none: []}, null, 2))
    expect(asked.length).toBeGreaterThan(2)
    expect(Math.max(...asked.map(([s, e]) => e - s))).toBeLessThan(items.length)
    // inside an element the writer hands to JSON.stringify, it is every element at once
    expect(joined(jsonChunks([{nested: lazy}]))).toBe(JSON.stringify([{nested: items}], null, 2))
  })

  it('a LazyArray of batch 1 writes each element key by key (getters read as written), never one string per element', () => {
    const made: number[] = []
    const element = (i: number) => {
      const o: Record<string, unknown> = {i, nested: {deep: [1, [2]]}}
      // made when written, as the reach section's chains are
      Object.defineProperty(o, 'rows', {enumerable: true, get: () => (made.push(i), Array.from({length: 300}, (_, k) => ({k, s: `row ${k}`})))})
      return o
    }
    const plain = [0, 1, 2].map((i) => JSON.parse(JSON.stringify(element(i))) as unknown)
    made.length = 0
    const values: unknown[] = [element(0), 'text', null, [1, {a: 2}], element(1), {}, element(2)]
    const expected = JSON.stringify({paths: [plain[0], 'text', null, [1, {a: 2}], plain[1], {}, plain[2]], after: true}, null, 2)
    const chunks = [...jsonChunks({paths: new LazyArray(values.length, (start, end) => values.slice(start, end), 1), after: true}, 1 << 12)]
    expect(chunks.join('')).toBe(expected)
    expect(made).toEqual([0, 1, 2])
    // each element of about 8 KB is written in chunks of 4 K, not as one string
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(3 * (1 << 12))
  })

  it('elementsAt writes the elements of an array written at any indent', () => {
    const items = [{a: [1, {b: 'c'}]}, [], 'x', null]
    for (let depth = 1; depth <= 5; depth++) {
      const outer = ' '.repeat(2 * depth - 2)
      const indent = `${outer}  `
      expect(`[\n${indent}${elementsAt(items, indent)}\n${outer}]`).toBe(JSON.stringify(items, null, 2).replaceAll('\n', `\n${outer}`))
    }
  })
})

describe('parseReportJson is renderJson(parseReport()) byte for byte', () => {
  it('on every parser fixture (the goldens’ inputs)', async () => {
    let n = 0
    for (const type of readdirSync(FIXTURES)) {
      for (const name of readdirSync(join(FIXTURES, type))) {
        const path = join(FIXTURES, type, name)
        if (!statSync(path).isFile()) continue
        // fixtures of bad input stop the parse with an error: nothing to write
        const loaded = await loadConfig(path, {type, displayPath: `tests/fixtures/sources/${type}/${name}`}).catch(() => undefined)
        if (!loaded) continue
        expectSameReport(loaded)
        n++
      }
    }
    expect(n).toBeGreaterThan(50)
  })

  it('on the example inventory’s configs, with and without inventory zones', async () => {
    const devices = {'fw-edge-1': 'fw-edge-1.asa.cfg', 'pa-dc': 'pa-dc.xml', 'gw-lyon': 'gw-lyon.iptables', 'fgt-fra': 'fgt-fra.conf', 'vpn-wg0': 'vpn-wg0.conf', 'aws-prod-account': 'aws-prod.pulumi.json'}
    for (const [device, file] of Object.entries(devices)) {
      const loaded = await loadConfig(join(ROOT, 'inventory/live', file), {displayPath: `inventory/live/${file}`})
      expectSameReport(loaded)
      expectSameReport(loaded, await attachmentZones(join(ROOT, 'inventory'), device, loaded.device))
    }
  })

  it('on generated configs of every format', async () => {
    const formats: Array<[string, (n: number) => string]> = [
      ['iptables', gen.iptables],
      ['nftables', gen.nftables],
      ['cisco-asa', gen.ciscoAsa],
      ['cisco-ios', gen.ciscoIos],
      ['junos', gen.junosSet],
      ['junos', gen.junosHier],
      ['panos', gen.panosXml],
      ['fortios', gen.fortios],
      ['pfsense', gen.pfsense],
      ['aws', gen.aws],
      ['azure', gen.azure],
      ['gcp', gen.gcp],
    ]
    for (const [type, make] of formats) expectSameReport(await parseText(make(800), `generated.${type}`, type))
  })

  it('on exposures that take the rare paths', () => {
    const set = (...cidrs: string[]) => AddressSet.unionAll(cidrs.map((c) => AddressSet.parse(c)!))
    const base = {kind: 'filter', action: 'allow', direction: 'inbound', sourcePorts: PortSet.ALL} as const
    const web = set('10.0.0.0/24', '2001:db8::/64')
    const exposures: Exposure[] = [
      // two exposures on one line and rule: only their whole JSON orders them (tcp and udp rows of each)
      {...base, from: AddressSet.ANY, to: web, protocols: ProtocolSet.of(6, 17), ports: PortSet.parse('443')!, line: 3, rule: 'r', text: 'b'},
      {...base, from: AddressSet.ANY, to: web, protocols: ProtocolSet.of(6, 17), ports: PortSet.parse('80,8000-8080')!, line: 3, rule: 'r', text: 'a'},
      // almost any protocol: one `any` row with except_protocols, source ports, NAT, the filter rule
      {
        ...base,
        kind: 'nat-forward',
        from: set('192.0.2.1'),
        to: set('198.51.100.7'),
        protocols: ProtocolSet.ALL.subtract(ProtocolSet.of(47)),
        ports: PortSet.parse('22')!,
        sourcePorts: PortSet.parse('1024-65535')!,
        translated: {to: set('10.0.0.5'), ports: PortSet.parse('2222')!},
        filter: {line: 9, rule: 'FORWARD#2'},
        line: 2,
        rule: 'PREROUTING#1',
      },
      // unicode, escapes, every optional list, nested doubts, an included file
      {
        ...base,
        direction: 'outbound',
        from: AddressSet.EMPTY,
        to: AddressSet.ANY6,
        protocols: ProtocolSet.of(58),
        ports: PortSet.ALL,
        line: 1,
        rule: 'règle « 1 » \\ "quoted"\t',
        name: 'policy-ü',
        text: 'set address "DMZ – 日本" \u0001 \ud83d\udd25 \ud800',
        fromZones: ['trust', 'zone ✓'],
        toZones: ['untrust'],
        interfaces: {in: ['eth0'], out: []},
        fromSets: ['@blocklist'],
        toSets: ['svc "a"'],
        notes: ['unknown option "--foo"'],
        doubts: [
          {code: 'unknown-option', effect: 'may-widen', detail: 'détail "x"', line: 1},
          {code: 'unknown-option', effect: 'may-widen', detail: 'in an include', line: 4, file: 'inc/a.conf'},
        ],
        via: ['DMZ-WEB'],
        ingress: {interfaces: ['eth0'], zones: ['trust']},
        egress: {interfaces: [], zones: []},
        hook: 'input',
        hostLocal: true,
        device: 'fw-1',
        file: 'inc/other.conf',
      } as unknown as Exposure,
      {...base, from: web, to: web, protocols: ProtocolSet.EMPTY, ports: PortSet.ALL, line: 5, rule: 'nothing', file: 'main.conf'},
    ]
    const loaded = {
      file: 'main.conf',
      type: 'iptables',
      exposures,
      unparsed: [
        {line: 7, reason: 'unknown', text: 'x "y"'},
        {line: 2, reason: 'include', text: 'é', file: 'inc/a.conf', path: '/a/b'},
        {line: 2, reason: 'own file', text: 'z', file: 'main.conf'},
        {line: 1, reason: 'empty file name', text: 'w', file: ''},
      ],
      doubts: [{code: 'nat-dead', effect: 'may-narrow', detail: 'never reached', line: 4}],
      stats: {lines: 9, understood: 5},
    } as unknown as LoadedConfig
    expectSameReport(loaded)
    expectSameReport(loaded, (a) => a.zones.map((z) => `inv-${z}`))
    expectSameReport({...loaded, exposures: [], unparsed: [], doubts: []})
  })
})
