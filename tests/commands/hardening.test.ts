/**
 * Hardening (issue #7), the commands in-process and, for the secrets, once on the built binary: secrets planted in every live config of the
 * example never come out of any command in any format (error paths included); reports are
 * byte-identical whatever order the inventory files were written in; --output is atomic and never
 * overwrites an inventory file; input limits give exit 2 with a clear message.
 */
import {spawnSync} from 'node:child_process'
import {cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {runDiff} from '../../src/diff/run.js'
import {runPrepare} from '../../src/readiness/run.js'
import {renderDiffJunit} from '../../src/report/junit.js'
import {renderDiffMarkdown} from '../../src/report/diff-markdown.js'
import {renderDiffSarif} from '../../src/report/diff-sarif.js'
import {renderDiffText} from '../../src/report/diff-text.js'
import {networkMap, renderMermaid} from '../../src/report/map.js'
import {paint} from '../../src/report/output.js'
import {parseReport} from '../../src/report/parse-report.js'
import {renderParseText} from '../../src/report/parse-text.js'
import {renderPrepareJunit, renderPrepareMarkdown, renderPrepareSarif, renderPrepareText} from '../../src/report/prepare.js'
import {parseText} from '../../src/sources/load.js'
import {cli} from '../helpers/cli.js'
import {FIXTURES, ROOT} from '../helpers/sources.js'

const BIN = join(ROOT, 'bin/run.js')
const AS_OF = '2026-11-25'
/** End to end: the built binary. */
const spawnCli = (args: string[], cwd = ROOT) => spawnSync(process.execPath, [BIN, ...args], {cwd, encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}, maxBuffer: 64 << 20})
/** In-process. */
const run = (args: string[], cwd = ROOT) => cli(args, {cwd, env: {NO_COLOR: '1'}})

// each case runs several commands
vi.setConfig({testTimeout: 300_000})

let work: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'irm-hardening-'))
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

describe('secrets never leak', () => {
  const plain = paint(false)

  it('diff and prepare reports, in every format, on configs that plant secrets', async () => {
    const {report: diff, loaded} = await runDiff({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT})
    const {report: prep} = await runPrepare({inventoryDir: join(ROOT, 'inventory'), asOf: AS_OF, displayBase: ROOT, noGit: true})
    const map = renderMermaid(networkMap(loaded.inventory))
    const outputs: Record<string, string> = {
      'diff text': renderDiffText(diff, plain),
      'diff json': JSON.stringify(diff),
      'diff markdown': renderDiffMarkdown(diff, map),
      'diff sarif': JSON.stringify(renderDiffSarif(diff, '0')),
      'diff junit': renderDiffJunit(diff),
      'prepare text': renderPrepareText(prep, plain),
      'prepare json': JSON.stringify(prep),
      'prepare markdown': renderPrepareMarkdown(prep, map),
      'prepare sarif': renderPrepareSarif(prep, '0'),
      'prepare junit': renderPrepareJunit(prep),
    }
    for (const [name, text] of Object.entries(outputs)) {
      expect(text.length, name).toBeGreaterThan(100)
      expect(text, name).not.toMatch(/PLANTED/i)
    }
  })

  it('the commands themselves, stdout and stderr: diff on the built binary, prepare in-process (its own end-to-end run is in prepare.test.ts)', async () => {
    for (const args of [['diff', '--as-of', AS_OF], ['prepare', '--as-of', AS_OF, '--format', 'markdown', '--no-git']]) {
      const r = args[0] === 'diff' ? spawnCli(args) : await run(args)
      expect(r.status, `${args[0]}: ${r.stderr}`).not.toBe(2)
      expect(r.stdout + r.stderr, args[0]).not.toMatch(/PLANTED/i)
    }
  })

  it('parse in text and json on every fixture that plants a secret, and on the example configs', async () => {
    const files: Array<[string, string | undefined]> = readdirSync(join(ROOT, 'inventory/live')).map((f) => [join(ROOT, 'inventory/live', f), undefined])
    for (const type of readdirSync(FIXTURES, {withFileTypes: true}).filter((d) => d.isDirectory()).map((d) => d.name)) {
      if (type === 'pulumi-program') continue
      for (const f of readdirSync(join(FIXTURES, type))) {
        const path = join(FIXTURES, type, f)
        if (/PLANTED/i.test(readFileSync(path, 'utf8'))) files.push([path, type])
      }
    }
    expect(files.length).toBeGreaterThan(10)
    for (const [path, type] of files) {
      const report = parseReport(await parseText(readFileSync(path, 'utf8'), path, type))
      expect(JSON.stringify(report) + renderParseText(report, plain), path).not.toMatch(/PLANTED/i)
    }
  })

  it('error paths: a config given the wrong type, and an invalid inventory', async () => {
    const wrong = await run(['parse', `${join(ROOT, 'inventory/live/fgt-fra.conf')}:cisco-asa`])
    expect(wrong.stdout + wrong.stderr).not.toMatch(/PLANTED/i)
    const inv = join(work, 'broken')
    cpSync(join(ROOT, 'inventory'), inv, {recursive: true})
    writeFileSync(join(inv, 'zz-broken.yaml'), 'access_points:\n  - id: x\n    kind: vpn\n    password: S3cr3t-PLANTED-yaml\n')
    for (const cmd of ['validate', 'diff']) {
      const r = await run([cmd, '--inventory', inv, '--as-of', AS_OF])
      expect([1, 2]).toContain(r.status)
      expect(r.stdout + r.stderr, cmd).not.toMatch(/PLANTED/i)
    }
  })
})

describe('deterministic reports', () => {
  it('byte-identical whatever order the inventory files were written in', async () => {
    const a = join(work, 'order-a')
    const b = join(work, 'order-b')
    const files = readdirSync(join(ROOT, 'inventory'))
    cpSync(join(ROOT, 'inventory'), a, {recursive: true})
    // b: the same files, written in reverse order (directory order differs on most file systems)
    for (const f of [...files].reverse()) cpSync(join(ROOT, 'inventory', f), join(b, f), {recursive: true})
    for (const [cmd, format] of [['validate', 'json'], ['diff', 'sarif'], ['prepare', 'markdown'], ['map', 'mermaid']] as const) {
      const args = (dir: string) => [cmd, '--inventory', dir, ...(cmd === 'map' ? [] : ['--as-of', AS_OF]), '--format', format, ...(cmd === 'prepare' ? ['--no-git'] : [])]
      const first = (await run(args('order-a'), work)).stdout
      const second = (await run(args('order-b'), work)).stdout.replaceAll('order-b', 'order-a')
      expect(first.length, `${cmd} ${format}`).toBeGreaterThan(50)
      expect(second, `${cmd} ${format}`).toBe(first)
    }
  })
})

describe('outputs and limits', () => {
  it('--output writes atomically and refuses to overwrite an inventory file', async () => {
    const inv = join(work, 'out-inv')
    cpSync(join(ROOT, 'inventory'), inv, {recursive: true})
    const target = join(inv, 'zones.yaml')
    const before = readFileSync(target, 'utf8')
    const r = await run(['validate', '--inventory', inv, '--format', 'json', '--output', target])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('refusing to write a report over an inventory file')
    expect(readFileSync(target, 'utf8')).toBe(before)
    const ok = await run(['validate', '--inventory', inv, '--format', 'json', '--output', join(work, 'report.json')])
    expect(ok.status).toBe(0)
    expect(JSON.parse(readFileSync(join(work, 'report.json'), 'utf8')).valid).toBe(true)
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('a config over the size limit is refused with exit 2, naming the limit', async () => {
    const r = await run(['parse', join(ROOT, 'inventory/live/gw-lyon.iptables'), '--max-config-bytes', '100'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/gw-lyon\.iptables: config is \d+ bytes, over the 100-byte limit/)
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
  })
})
