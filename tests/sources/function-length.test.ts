import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import ts from 'typescript'
import {describe, expect, it} from 'vitest'

// #13 item 5: converters are small functions per construct. Every function (declarations, methods,
// arrows, function expressions) in a converter stays within MAX_LINES, counted from its first to its
// last line. Converters: src/sources/*/exposures.ts|convert.ts and src/sources/*/*/exposures.ts; the
// Junos and PAN-OS folders are checked whole (read → vendor model → convert).
const MAX_LINES = 80
const ROOT = join(import.meta.dirname, '../..')
const SOURCES = join(ROOT, 'src/sources')
const WHOLE = ['junos', 'panos']
/**
 * Known gaps, each owned elsewhere this session (#13 item 5): `file function` → why it is still long.
 * An entry that is no longer over the limit fails the test, so the map only shrinks.
 */
const KNOWN_LONG: Record<string, string> = {
  'src/sources/nftables/exposures.ts toExposures': '#13: 81 lines; nftables hot paths are being reworked for #19',
}

function converterFiles(): string[] {
  const out: string[] = []
  const walk = (dir: string, depth: number) => {
    for (const e of readdirSync(dir, {withFileTypes: true})) {
      const p = join(dir, e.name)
      if (e.isDirectory() && depth < 2) walk(p, depth + 1)
      else if (e.isFile() && depth >= 1 && /\.ts$/.test(e.name)) {
        const folder = relative(SOURCES, p).split('/')[0]
        if (e.name === 'exposures.ts' || e.name === 'convert.ts' || WHOLE.includes(folder)) out.push(p)
      }
    }
  }
  walk(SOURCES, 0)
  return out.sort()
}

/** Functions longer than `max` lines: `file:line name (n lines)`. */
function longFunctions(file: string, max: number): string[] {
  const text = readFileSync(file, 'utf8')
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const out: string[] = []
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line
      const lines = end - start + 1
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name) ? node.parent.name.text : '(anonymous)'
      if (lines > max) out.push(`${relative(ROOT, file)}:${start + 1} ${name} (${lines} lines)`)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return out
}

describe('converter function length', () => {
  it('finds the converters', () => {
    const files = converterFiles().map((f) => relative(SOURCES, f))
    expect(files).toContain('junos/exposures.ts')
    expect(files).toContain('panos/exposures.ts')
    expect(files).toContain('cisco-asa/exposures.ts')
  })

  it('measures a function from its first to its last line', () => {
    const file = join(import.meta.dirname, '../fixtures/function-length/sample.ts.txt')
    expect(longFunctions(file, 3)).toEqual(['tests/fixtures/function-length/sample.ts.txt:5 four (4 lines)', 'tests/fixtures/function-length/sample.ts.txt:10 arrow (5 lines)', 'tests/fixtures/function-length/sample.ts.txt:16 method (4 lines)'])
  })

  it(`no converter function is longer than ${MAX_LINES} lines (but the known gaps)`, () => {
    const long = converterFiles().flatMap((f) => longFunctions(f, MAX_LINES))
    const key = (l: string) => l.replace(/:\d+ (\S+) \(\d+ lines\)$/, ' $1')
    expect(long.filter((l) => !(key(l) in KNOWN_LONG))).toEqual([])
    expect(Object.keys(KNOWN_LONG).filter((k) => !long.some((l) => key(l) === k))).toEqual([])
  })
})
