/**
 * Fuzzing every parser (issue #7): grammar-aware mutations of the fixtures and of the real-world corpus
 * (truncation, swapped and duplicated lines, swapped tokens, huge numbers, deep nesting, control
 * characters, replacement characters from invalid UTF-8). A parser may only return a result whose
 * unparsed entries have a line and a reason, or throw an IrmError; anything else is a crash. Each input
 * must finish quickly (no catastrophic backtracking). FUZZ_RUNS sets the number of inputs per parser
 * (default 150; CI keeps it short, long runs use e.g. FUZZ_RUNS=10000). FUZZ_SEED fixes the draw
 * (tests/setup/seed.ts; CI takes it from the commit), so a failure CI reports replays with `FUZZ_SEED=<n>`.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import {allParsers} from '../../src/sources/registry.js'
import type {SourceParser} from '../../src/sources/types.js'
import {corpusFiles, FIXTURES} from '../helpers/sources.js'

const RUNS = Number(process.env.FUZZ_RUNS ?? 150)
const MAX_MS_PER_INPUT = 5000

function seeds(type: string): string[] {
  const out: string[] = []
  try {
    for (const f of readdirSync(join(FIXTURES, type)).sort()) out.push(readFileSync(join(FIXTURES, type, f), 'utf8'))
  } catch {
    // no fixtures folder
  }
  for (const f of corpusFiles(type)) out.push(readFileSync(f, 'utf8'))
  return out.filter((s) => s.length < 2_000_000)
}

const mutation = fc.oneof(
  fc.record({kind: fc.constant('truncate' as const), at: fc.double({min: 0, max: 1, noNaN: true})}),
  fc.record({kind: fc.constant('swap-lines' as const), a: fc.nat(), b: fc.nat()}),
  fc.record({kind: fc.constant('duplicate-line' as const), a: fc.nat(), times: fc.integer({min: 2, max: 50})}),
  fc.record({kind: fc.constant('delete-line' as const), a: fc.nat()}),
  fc.record({kind: fc.constant('swap-tokens' as const), a: fc.nat(), b: fc.nat(), c: fc.nat()}),
  fc.record({kind: fc.constant('huge-number' as const), a: fc.nat(), n: fc.constantFrom('99999999999999999999', '-1', '4294967296', '65536', '1e308', '0x', '256.256.256.256', '::ffff:1.2.3.4/200')}),
  fc.record({kind: fc.constant('nest' as const), depth: fc.integer({min: 50, max: 3000}), open: fc.constantFrom('{', '[', '<a>', '(', 'config x\n', 'edit 1\n')}),
  fc.record({kind: fc.constant('garbage' as const), a: fc.nat(), text: fc.string({maxLength: 40})}),
  fc.record({kind: fc.constant('bad-utf8' as const), a: fc.nat()}),
  fc.record({kind: fc.constant('long-line' as const), a: fc.nat(), length: fc.integer({min: 10_000, max: 200_000})}),
)

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n')
  const pick = (i: number) => i % Math.max(lines.length, 1)
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, Math.floor(text.length * m.at))
    case 'swap-lines': {
      const [a, b] = [pick(m.a), pick(m.b)]
      ;[lines[a], lines[b]] = [lines[b], lines[a]]
      return lines.join('\n')
    }
    case 'duplicate-line':
      lines.splice(pick(m.a), 0, ...Array(m.times).fill(lines[pick(m.a)]))
      return lines.join('\n')
    case 'delete-line':
      lines.splice(pick(m.a), 1)
      return lines.join('\n')
    case 'swap-tokens': {
      const i = pick(m.a)
      const tokens = lines[i].split(/(\s+)/)
      const [x, y] = [(m.b % tokens.length) & ~1, (m.c % tokens.length) & ~1]
      ;[tokens[x], tokens[y]] = [tokens[y], tokens[x]]
      lines[i] = tokens.join('')
      return lines.join('\n')
    }
    case 'huge-number': {
      const i = pick(m.a)
      lines[i] = lines[i].replace(/\d+/, m.n)
      return lines.join('\n')
    }
    case 'nest':
      return m.open.repeat(m.depth) + text
    case 'garbage':
      lines.splice(pick(m.a), 0, m.text)
      return lines.join('\n')
    case 'bad-utf8': {
      const i = pick(m.a)
      // what a lenient decoder makes of invalid UTF-8, plus NUL and control bytes
      lines[i] = `${lines[i]}\uFFFD\u0000\u0007\uFFFD`
      return lines.join('\n')
    }
    case 'long-line':
      lines.splice(pick(m.a), 0, 'x'.repeat(m.length))
      return lines.join('\n')
  }
}

async function parseSafely(p: SourceParser, text: string): Promise<void> {
  const started = performance.now()
  try {
    const r = await p.parse(text, {file: 'fuzz.cfg'})
    for (const u of r.unparsed) {
      expect(u.line, `${p.type}: unparsed line number`).toBeGreaterThanOrEqual(0)
      expect(typeof u.reason).toBe('string')
      expect(u.reason.length).toBeGreaterThan(0)
    }
    expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
    for (const e of r.exposures) expect(e.line, `${p.type}: exposure line`).toBeGreaterThanOrEqual(0)
    // every exposure must serialise (no NaN sets, no cycles)
    JSON.stringify(r.exposures.map((e) => [e.from.toCidrs(), e.to.toCidrs(), e.ports.toStrings()]))
  } catch (e) {
    if (!isIrmError(e)) throw new Error(`${p.type} crashed with ${(e as Error)?.name}: ${(e as Error)?.message}`)
  }
  const ms = performance.now() - started
  expect(ms, `${p.type} took ${ms.toFixed(0)} ms on one input`).toBeLessThan(MAX_MS_PER_INPUT)
}

describe('parser fuzzing', () => {
  for (const parser of allParsers().filter((p) => !p.executes)) {
    const inputs = seeds(parser.type)
    it.skipIf(inputs.length === 0)(`${parser.type}: ${RUNS} mutated inputs, no crash, no hang`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.nat(), fc.array(mutation, {minLength: 1, maxLength: 3}), async (seed, muts) => {
          let text = inputs[seed % inputs.length]
          for (const m of muts) text = mutate(text, m)
          await parseSafely(parser, text)
        }),
        {numRuns: RUNS},
      )
    }, 600_000)
  }

  it('every parser survives junk and empty input', async () => {
    const junk = ['', '\n\n\n', '\u0000\u0001\u0002', '{', '<', '[[[[', 'a'.repeat(100_000), '\uFFFD'.repeat(1000), '{"a":'.repeat(5000)]
    for (const parser of allParsers().filter((p) => !p.executes)) for (const j of junk) await parseSafely(parser, j)
  })
})
