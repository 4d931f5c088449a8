/**
 * `irm-audit validate` on the bundled example and on broken copies of it, one per kind of error, asserting
 * exit code and file:line. Most cases run the command in-process (the command class with oclif's config
 * from the package root, as tests/commands/diff.test.ts does); a handful run the BUILT binary
 * (`node bin/run.js`, dist/ refreshed by tests/setup/build.ts) end to end: the default inventory, --help,
 * an exit-2 error without a stack, --json on an error.
 */
import {spawnSync} from 'node:child_process'
import {cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {captureOutput} from '@oclif/test'
import Ajv from 'ajv'
import addFormats from 'ajv-formats'
import {afterAll, describe, expect, it} from 'vitest'

import Validate from '../../src/commands/validate.js'
import {cli} from '../helpers/cli.js'
import {ROOT, sharedPath} from '../helpers/sources.js'

const BIN = join(ROOT, 'bin/run.js')
const SARIF_SCHEMA = sharedPath('schemas/sarif-schema-2.1.0.json')
const temps: string[] = []

interface Run {
  status: number | null
  stdout: string
  stderr: string
}

/** The environment of a user's shell: no test runner variables (NODE_ENV=test puts oclif in dev mode), no colour settings. */
function userEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!/^(NODE_ENV|VITEST.*|NO_COLOR|FORCE_COLOR|DEBUG|TEST)$/.test(k)) env[k] = v
  return {...env, ...extra}
}

/** End to end: the built binary in a child process. */
function spawnCli(args: string[], cwd = ROOT, env: NodeJS.ProcessEnv = {}): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {cwd, encoding: 'utf8', env: userEnv(env), timeout: 60_000})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** In-process: `irm-audit validate ARGS` run from `cwd`; the exit code is what process.exitCode would say. */
async function run(args: string[], cwd = ROOT): Promise<Run> {
  expect(args[0]).toBe('validate')
  process.chdir(cwd)
  process.exitCode = undefined
  try {
    const r = await captureOutput(() => Validate.run(args.slice(1), ROOT))
    // oclif's development-mode warning (NODE_ENV=test) when a command fails before its flags are parsed
    const stderr = r.stderr.replace(/^\(node:\d+\) \[UnparsedCommand\] Warning: .*\n\(Use `node --trace-warnings \.\.\.` .*\n/m, '')
    return {status: Number(process.exitCode ?? 0), stdout: r.stdout, stderr}
  } finally {
    process.chdir(ROOT)
    process.exitCode = undefined
  }
}

/** A copy of the example inventory as `<tmp>/inv`, with one edit applied; returns the tmp folder. */
function brokenCopy(file: string, from: string, to: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'irm-e2e-'))
  temps.push(dir)
  cpSync(join(ROOT, 'inventory'), join(dir, 'inv'), {recursive: true})
  if (file) {
    const path = join(dir, 'inv', file)
    const text = readFileSync(path, 'utf8')
    expect(text.split(from).length, `'${from}' must occur exactly once in ${file}`).toBe(2)
    writeFileSync(path, text.replace(from, to))
  }
  return dir
}

/** `file:line:col rule` rows of the text report (files are headings, findings are indented rows). */
function rows(text: string): string[] {
  const out: string[] = []
  let file = ''
  for (const line of text.split('\n')) {
    const heading = /^(\S.*\.(?:ya?ml|json))$/.exec(line)
    if (heading) file = heading[1]
    const row = /^ {2}(\d+):(\d+)\s+error\s+(\S+)/.exec(line)
    if (row) out.push(`${file}:${row[1]}:${row[2]} ${row[3]}`)
  }
  return out
}

/** 1-based line:col of `needle` (after the edit) in a file of the copy. */
function at(dir: string, file: string, needle: string): string {
  const text = readFileSync(join(dir, 'inv', file), 'utf8')
  const i = text.indexOf(needle)
  expect(i, `'${needle}' in ${file}`).toBeGreaterThanOrEqual(0)
  const before = text.slice(0, i)
  return `inv/${file}:${before.split('\n').length}:${i - before.lastIndexOf('\n')}`
}

afterAll(() => {
  for (const d of temps) rmSync(d, {recursive: true, force: true})
})

describe('irm-audit validate (built binary)', () => {
  it('exits 0 on the bundled example, which is the default inventory', () => {
    const r = spawnCli(['validate'])
    expect(r).toMatchObject({status: 0, stderr: ''})
    expect(r.stdout).toBe('✔ inventory is valid (8 files)\n')
  })

  it('--format json and --json print the same document (json with its schema_version)', async () => {
    const a = await run(['validate', '--format', 'json'])
    const b = await run(['validate', '--json'])
    expect(a.status).toBe(0)
    expect(b.status).toBe(0)
    expect(JSON.parse(a.stdout).schema_version).toBe('1.1')
    expect(JSON.parse(a.stdout)).toEqual(JSON.parse(b.stdout))
    expect(JSON.parse(a.stdout)).toMatchObject({valid: true, errors: []})
  })

  it('lists validate in --help', () => {
    const r = spawnCli(['--help'])
    expect(r.stdout).toMatch(/validate\s+Check the inventory/)
  })

  describe('broken copies: exit 1 and the exact file:line', () => {
    const cases: Array<[string, string, string, string, string, string]> = [
      // [name, file, from, to, needle of the finding after the edit, rule]
      ['unknown device', 'access-points.yaml', 'device: gw-lyon\n    from: [any]', 'device: gw-lyonn\n    from: [any]', 'gw-lyonn', 'unknown-reference'],
      ['unknown zone', 'devices.yaml', 'zones: [lyon-dmz, lyon-dc-servers, lyon-mgmt]', 'zones: [lyon-dmz, lyon-dc-server, lyon-mgmt]', 'lyon-dc-server,', 'unknown-reference'],
      ['unknown sensor', 'access-points.yaml', 'monitored_by: [guardduty-prod]\n\n  - id: ap-aws-bastion', 'monitored_by: [guardduty]\n\n  - id: ap-aws-bastion', 'guardduty]', 'unknown-reference'],
      ['unknown contact', 'procedures.yaml', 'owner: cert-nw', 'owner: cert', 'cert\n', 'unknown-reference'],
      ['duplicate id across files', 'flows.yaml', 'id: flow-hr-payroll', 'id: ap-lyon-hr-portal', 'ap-lyon-hr-portal', 'duplicate-id'],
      ['non-canonical CIDR', 'zones.yaml', 'cidrs: [10.99.30.0/24]', 'cidrs: [10.99.30.1/24]', '10.99.30.1/24', 'non-canonical-cidr'],
      ['invalid CIDR', 'access-points.yaml', 'from: [203.0.113.150/32]', 'from: [203.0.113.350/32]', '203.0.113.350/32', 'invalid-cidr'],
      ['zone overlap', 'zones.yaml', 'cidrs: [10.31.0.0/16]', 'cidrs: [10.30.128.0/17]', '10.30.128.0/17', 'zone-overlap'],
      ['port out of range', 'access-points.yaml', 'services: [tcp/10443]', 'services: [tcp/104430]', 'tcp/104430', 'invalid-port'],
      ['date in the future', 'contacts.yaml', 'verified: 2026-06-12', 'verified: 2099-06-12', '2099-06-12', 'date-in-future'],
      ['access point outside zones', 'access-points.yaml', 'to: [198.51.100.131/32]', 'to: [198.51.100.231/32]', '198.51.100.231/32', 'access-point-outside-zones'],
      ['schema: bad enum', 'monitoring.yaml', 'type: proxy', 'type: squid', 'squid', 'schema'],
      ['schema: unknown field', 'devices.yaml', 'format: wireguard', 'fromat: wireguard', 'fromat', 'schema'],
    ]
    it.each(cases)('%s', async (_name, file, from, to, needle, rule) => {
      const dir = brokenCopy(file, from, to)
      const r = await run(['validate', '--inventory', 'inv', '--as-of', '2026-11-25'], dir)
      // #11: the reason of a non-zero exit is the last line, on stderr
      expect(r.stderr).toBe('exit 1: the inventory does not validate (1 error)\n')
      expect(r.status).toBe(1)
      expect(rows(r.stdout)).toEqual([`${at(dir, file, needle)} ${rule}`])
    })

    it('json: file, line, column and JSON path of the finding', async () => {
      const dir = brokenCopy('access-points.yaml', 'device: gw-lyon\n    from: [any]', 'device: gw-lyonn\n    from: [any]')
      const r = await run(['validate', '--inventory', 'inv', '--format', 'json'], dir)
      expect(r.status).toBe(1)
      const doc = JSON.parse(r.stdout)
      expect(doc.valid).toBe(false)
      expect(doc.errors).toHaveLength(1)
      const [file, line, column] = at(dir, 'access-points.yaml', 'gw-lyonn').split(':')
      expect(doc.errors[0]).toEqual({
        rule: 'unknown-reference',
        severity: 'error',
        file,
        line: Number(line),
        column: Number(column),
        path: expect.stringMatching(/^\/access_points\/\d+\/device$/),
        message: "unknown device 'gw-lyonn'; did you mean 'gw-lyon'?",
      })
      // --json prints the same report and still exits 1
      const j = await run(['validate', '--inventory', 'inv', '--json'], dir)
      expect(j.status).toBe(1)
      expect(JSON.parse(j.stdout)).toEqual(doc)
    })

    it.skipIf(!existsSync(SARIF_SCHEMA))('sarif to a file: valid SARIF 2.1.0, nothing on stdout', async () => {
      const dir = brokenCopy('zones.yaml', 'cidrs: [10.99.30.0/24]', 'cidrs: [10.99.30.1/24]')
      const r = await run(['validate', '--inventory', 'inv', '--format', 'sarif', '--output', 'out.sarif'], dir)
      // #11: the exit reason, and nothing else, on stderr
      expect(r).toMatchObject({status: 1, stdout: '', stderr: 'exit 1: the inventory does not validate (1 error)\n'})
      const log = JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8'))
      // the official schema is draft-04; see tests/inventory/report.test.ts for why this is equivalent
      const {$schema: _d4, id, ...rest} = JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8'))
      const ajv = new Ajv.default({strict: false})
      addFormats.default(ajv)
      expect(ajv.validate({$id: id, ...rest}, log), JSON.stringify(ajv.errors)).toBe(true)
      expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('inv/zones.yaml')
      expect(log.runs[0].tool.driver.name).toBe('irm-audit')
    })

    it('markdown', async () => {
      const dir = brokenCopy('zones.yaml', 'cidrs: [10.99.30.0/24]', 'cidrs: [10.99.30.1/24]')
      const r = await run(['validate', '--inventory', 'inv', '--format', 'markdown'], dir)
      expect(r.status).toBe(1)
      expect(r.stdout).toMatch(/^## irm-audit validate/)
      expect(r.stdout).toContain(`| ${at(dir, 'zones.yaml', '10.99.30.1/24').split(':').slice(1).join(':')} | error | \`non-canonical-cidr\``)
    })
  })

  describe('colour', () => {
    // in-process with the colour variables of a user's shell: unset, then one at a time (captured stdout is not a terminal)
    it('none when output is not a terminal; FORCE_COLOR turns it on; NO_COLOR and --no-color win', async () => {
      const dir = brokenCopy('zones.yaml', 'cidrs: [10.99.30.0/24]', 'cidrs: [10.99.30.1/24]')
      const esc = /\u001B\[/
      const colours = async (env: Record<string, string>, ...more: string[]) =>
        (await cli(['validate', '--inventory', 'inv', ...more], {cwd: dir, env: {FORCE_COLOR: undefined, NO_COLOR: undefined, ...env}, ansi: true})).stdout
      expect(await colours({})).not.toMatch(esc)
      expect(await colours({FORCE_COLOR: '1'})).toMatch(esc)
      expect(await colours({NO_COLOR: '1'})).not.toMatch(esc)
      expect(await colours({FORCE_COLOR: '1'}, '--no-color')).not.toMatch(esc)
    })
  })

  describe('unusable input: exit 2, one clear error with file:line, no stack, nothing on stdout', () => {
    /** Run on a copy with one extra or replaced file; return the run. */
    async function runWith(name: string, content: string | Buffer, end2end = false): Promise<Run & {dir: string}> {
      const dir = brokenCopy('', '', '')
      writeFileSync(join(dir, 'inv', name), content)
      const args = ['validate', '--inventory', 'inv']
      return {...(end2end ? spawnCli(args, dir) : await run(args, dir)), dir}
    }

    function expectOneError(r: Run, location: RegExp): void {
      expect(r.status).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr).toMatch(location)
      expect(r.stderr).not.toMatch(/\n\s+at /)
      expect(r.stderr).not.toMatch(/internal error/)
      expect(r.stderr.split('\n').filter((l) => l.startsWith('irm-audit:'))).toHaveLength(1)
    }

    it('malformed YAML (end to end: no stack from the binary)', async () => {
      expectOneError(await runWith('zz.yaml', 'zones:\n  - id: a\n    name: "unterminated\n', true), /^irm-audit: inv\/zz\.yaml:3:\d+: YAML syntax error/)
    })

    it('a file that is not a mapping', async () => {
      expectOneError(await runWith('zz.yaml', '- just\n- a list\n'), /^irm-audit: inv\/zz\.yaml:1:1: the file is a list, not a mapping/)
    })

    it('an unknown top-level key', async () => {
      expectOneError(await runWith('zz.yaml', 'zones: []\nsensor: []\n'), /^irm-audit: inv\/zz\.yaml:2:1 \(\/sensor\): unknown top-level key 'sensor'\n {2}hint: Did you mean 'sensors'\?/)
    })

    it('a 50 MB file', async () => {
      const r = await runWith('huge.yaml', Buffer.alloc(50 * 1024 * 1024, 0x20))
      expectOneError(r, /^irm-audit: inv\/huge\.yaml:1: file is 50\.0 MB, over the 10\.0 MB limit/)
      expect(statSync(join(r.dir, 'inv/huge.yaml')).size).toBe(50 * 1024 * 1024)
    })

    it('a YAML alias bomb', async () => {
      const levels = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]']
      for (const [prev, cur] of [['a', 'b'], ['b', 'c'], ['c', 'd'], ['d', 'e'], ['e', 'f'], ['f', 'g'], ['g', 'h']]) {
        levels.push(`${cur}: &${cur} [${Array(10).fill(`*${prev}`).join(',')}]`)
      }
      expectOneError(await runWith('zz.yaml', `${levels.join('\n')}\n`), /^irm-audit: inv\/zz\.yaml:2:\d+: too many alias expansions/)
    })

    it('a symlink pointing outside the inventory folder', async () => {
      const dir = brokenCopy('', '', '')
      writeFileSync(join(dir, 'outside.yaml'), 'zones: []\n')
      symlinkSync(join(dir, 'outside.yaml'), join(dir, 'inv', 'link.yaml'))
      expectOneError(await run(['validate', '--inventory', 'inv'], dir), /^irm-audit: inv\/link\.yaml:1: symbolic link points outside the inventory folder/)
    })

    it('a non-UTF-8 file', async () => {
      expectOneError(await runWith('zz.yaml', Buffer.concat([Buffer.from('zones:\n  - id: caf'), Buffer.from([0xe9, 0x0a])])), /^irm-audit: inv\/zz\.yaml:2:\d+: file is not valid UTF-8/)
    })

    it('a missing folder', async () => {
      const r = await run(['validate', '--inventory', 'no-such-folder'])
      expectOneError(r, /^irm-audit: no-such-folder: inventory folder not found/)
    })

    it('--json prints the error as JSON, still exit 2', async () => {
      const dir = brokenCopy('', '', '')
      writeFileSync(join(dir, 'inv', 'zz.yaml'), 'zones: [\n')
      const r = spawnCli(['validate', '--inventory', 'inv', '--json'], dir)
      expect(r.status).toBe(2)
      expect(JSON.parse(r.stdout).error).toMatchObject({code: 'INVENTORY_SYNTAX', file: 'inv/zz.yaml', line: 1})
    })

    it('a bad flag value is a usage error', async () => {
      expect((await run(['validate', '--format', 'xml'])).status).toBe(2)
      expectOneError(await run(['validate', '--as-of', 'yesterday']), /^irm-audit: --as-of 'yesterday' is not a date/)
    })

    it('refuses to write the report over an inventory file', async () => {
      const dir = brokenCopy('', '', '')
      const r = await run(['validate', '--inventory', 'inv', '--format', 'json', '--output', 'inv/zones.yaml'], dir)
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(/refusing to write a report over an inventory file/)
      expect(readFileSync(join(dir, 'inv/zones.yaml'), 'utf8')).toBe(readFileSync(join(ROOT, 'inventory/zones.yaml'), 'utf8'))
    })
  })
})
