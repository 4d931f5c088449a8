/**
 * #12: inputs grown up to each cap and one step past it. Below the cap a file parses; past it, an
 * IrmError names the file (exit 2), never a RangeError, a TypeError or an out-of-memory abort.
 */
import {describe, expect, it} from 'vitest'

import {isIrmError} from '../../src/core/errors.js'
import {MAX_ECHO, MAX_NESTING} from '../../src/core/limits.js'
import {parseText} from '../../src/sources/load.js'

const nested: Record<string, (depth: number) => string> = {
  fortios: (d) => `${'config system a\n'.repeat(d)}${'end\n'.repeat(d)}`,
  strongswan: (d) => `connections {\n${'a {\n'.repeat(d - 1)}${'}\n'.repeat(d)}`,
  pfsense: (d) => `<?xml version="1.0"?>\n<pfsense><filter>${'<a>'.repeat(d - 3)}${'</a>'.repeat(d - 3)}</filter></pfsense>\n`,
  pulumi: (d) => `{"deployment": {"resources": ${'['.repeat(d)}${']'.repeat(d)}}}\n`,
}

async function outcome(text: string, file: string, type: string): Promise<'ok' | 'refused'> {
  try {
    await parseText(text, file, type)
    return 'ok'
  } catch (e) {
    expect(isIrmError(e), String(e)).toBe(true)
    expect((e as {file?: string}).file).toBe(file)
    return 'refused'
  }
}

describe('#12 nesting grows to the cap', () => {
  it.each(Object.keys(nested))('%s: parses well below the cap, refused one step past it, never crashes far past it', async (type) => {
    const file = `deep.${type}`
    const results: string[] = []
    for (const depth of [8, 64, MAX_NESTING + 2, 20 * MAX_NESTING]) results.push(await outcome(nested[type](depth), file, type).catch((e) => `crash ${e}`))
    expect(results[0]).toBe('ok')
    expect(results[1]).toBe('ok')
    expect(results[2]).toBe('refused')
    expect(results[3]).toBe('refused')
  })
})

describe('#12 list width and line length grow', () => {
  it('Junos: lists of 10 000 items, 30 lists in one statement, read in linear size', async () => {
    for (const [width, lists] of [[10, 3], [1000, 10], [10_000, 30]]) {
      const list = `[ ${Array.from({length: width}, (_, i) => `a${i}`).join(' ')} ]`
      const text = `set security zones security-zone z interfaces ${Array.from({length: lists}, () => list).join(' ')}\n`
      expect(await outcome(text, 'wide.set', 'junos')).toBe('ok')
    }
  })

  it('a config line of 1, 100 and 1 000 KB: parsed, its echo cut to the cap', async () => {
    for (const kb of [1, 100, 1000]) {
      const text = `hostname r1\nbanner motd ${'x'.repeat(kb * 1024)}\nfrobnicate ${'y '.repeat(kb * 512)}\n`
      const loaded = await parseText(text, 'long.cfg', 'cisco-ios')
      for (const u of loaded.unparsed) expect(u.text.length).toBeLessThanOrEqual(MAX_ECHO + 1)
    }
  })
})
