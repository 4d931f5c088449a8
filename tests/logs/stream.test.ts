/** The byte-level line splitter and the JSON record scanner, across chunk boundaries (1 MiB reads). */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'

import {afterAll, describe, expect, it} from 'vitest'

import {type JsonRecordStats, readJsonRecords} from '../../src/logs/json-records.js'
import {firstLines, type LineStats, MAX_LINE, readLines} from '../../src/logs/stream.js'

const dir = mkdtempSync(join(tmpdir(), 'irm-logs-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const file = (name: string, data: string | Buffer) => {
  const p = join(dir, name)
  writeFileSync(p, data)
  return p
}
const lines = async (p: string, stats?: LineStats) => {
  const out: Array<[number, string]> = []
  for await (const l of readLines(p, 'f', stats)) out.push([l.line, l.text.length > 40 ? `${l.text.slice(0, 10)}…(${l.text.length})` : l.text])
  return out
}

describe('line splitter', () => {
  it('drops lines over 1 MiB and counts them, keeps a line of exactly 1 MiB, numbers every line', async () => {
    const big = 'x'.repeat(MAX_LINE + 512 * 1024)
    const exact = 'y'.repeat(MAX_LINE)
    const p = file('mixed.log', `first\r\n\n\n${big}\nafter big\r\n${exact}\n\r\nlast without newline`)
    const stats: LineStats = {tooLong: 0}
    expect(await lines(p, stats)).toEqual([
      [1, 'first'],
      [5, 'after big'],
      [6, `yyyyyyyyyy…(${MAX_LINE})`],
      [8, 'last without newline'],
    ])
    expect(stats).toEqual({tooLong: 1, firstTooLong: 4})
  })

  it('reads gzip by content and gives the same lines', async () => {
    const text = `a\n${'z'.repeat(3 * MAX_LINE)}\nb\n`
    const stats: LineStats = {tooLong: 0}
    expect(await lines(file('g.log', gzipSync(text)), stats)).toEqual([
      [1, 'a'],
      [3, 'b'],
    ])
    expect(stats.tooLong).toBe(1)
  })

  it('detection sees the head of a one-line document, cut at 64 KiB', async () => {
    const head = await firstLines(file('doc.json', `{"Records":[${'{"eventName":"x"},'.repeat(200_000)}{}]}`), 'doc.json')
    expect(head).toHaveLength(1)
    expect(head[0].length).toBe(64 * 1024)
    expect(head[0].startsWith('{"Records":[{"eventName":"x"}')).toBe(true)
  })
})

describe('JSON records', () => {
  const records = async (p: string) => {
    const stats: JsonRecordStats = {records: 0, tooLong: 0, invalid: []}
    const out: Array<[number, unknown]> = []
    for await (const batch of readJsonRecords(p, 'f', stats)) for (const r of batch) out.push([r.line, r.value])
    return {out, stats}
  }

  it('a minified {"Records": [...]} over several reads, strings with braces and escaped quotes', async () => {
    const recs = Array.from({length: 30_000}, (_, i) => ({i, s: i % 1000 === 0 ? 'a "}{[" b \\' : 'plain'}))
    const {out, stats} = await records(file('ct.json', JSON.stringify({Records: recs})))
    expect(stats).toEqual({records: 30_000, tooLong: 0, invalid: []})
    expect(out[1000]).toEqual([1, {i: 1000, s: 'a "}{[" b \\'}])
    expect(out.map(([, v]) => (v as {i: number}).i)).toEqual(recs.map((r) => r.i))
  })

  it('Graph {"value": [...]} pretty-printed: each record with its line; a top-level array; JSON lines', async () => {
    const a = await records(file('graph.json', '{"@odata.context": "x",\n "value": [\n  {"id": 1},\n  {"id": 2,\n   "n": {"k": [1, 2]}}\n]}\n'))
    expect(a.out).toEqual([
      [3, {id: 1}],
      [4, {id: 2, n: {k: [1, 2]}}],
    ])
    const b = await records(file('arr.json', '[{"id": 1}, {"id": 2}]'))
    expect(b.out).toEqual([
      [1, {id: 1}],
      [1, {id: 2}],
    ])
    const c = await records(file('lines.json', '{"id": 1, "records": 3}\n\n{"id": 2}\n{"broken": \n'))
    expect(c.out).toEqual([
      [1, {id: 1, records: 3}],
      [3, {id: 2}],
    ])
    expect(c.stats.invalid).toEqual([{line: 4, reason: 'the document ends inside a record (truncated?)'}])
  })

  it('a record over 1 MiB is skipped and counted, the others are read', async () => {
    const {out, stats} = await records(file('big.json', JSON.stringify({Records: [{id: 1}, {id: 2, blob: 'b'.repeat(MAX_LINE)}, {id: 3}]})))
    expect(out.map(([, v]) => v)).toEqual([{id: 1}, {id: 3}])
    expect(stats).toEqual({records: 2, tooLong: 1, invalid: []})
  })
})
