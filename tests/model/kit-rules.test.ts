import {readdirSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'

/** Every .ts file under a folder, relative to the project. */
function sources(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...sources(p))
    else if (p.endsWith('.ts')) out.push(p)
  }
  return out.sort()
}

const offenders = (files: string[], re: RegExp) => files.filter((f) => re.test(readFileSync(f, 'utf8')))

describe('the parser kit is the only way (#13)', () => {
  const src = sources('src')

  it('no parser pushes free-text notes: doubts are typed', () => {
    expect(offenders(sources('src/sources'), /notes\.push\(/)).toEqual([])
  })

  it('no Exposure literal outside the builder (src/model/build.ts)', () => {
    // an object literal with the constant `action: 'allow'` next to a direction is a hand-made exposure;
    // so is a literal typed Exposure that does not start from another exposure
    const handMade = /action:\s*'allow',\s*direction:|:\s*Exposure\s*=\s*\{(?!\s*\.\.\.)/
    expect(offenders(src.filter((f) => !f.endsWith(join('model', 'build.ts'))), handMade)).toEqual([])
  })

  it('no clamped line counts: stats come from the ledger', () => {
    expect(offenders(sources('src/sources'), /Math\.(?:min|max)\([^)]*(?:understood|missed)/)).toEqual([])
  })

  it('guards are typed, never `in=eth0` strings', () => {
    expect(offenders(sources('src/sources'), /guards[^\n]*`(?:in|out|cond|src-set|dst-set)=/)).toEqual([])
  })
})
