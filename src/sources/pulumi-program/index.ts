/**
 * `pulumi-program`: what a Pulumi TypeScript/JavaScript program WOULD expose, checked before deploy.
 * It runs the program (the file named on the command line, relative to the working directory) in a
 * child process under Pulumi mocks (runner.ts): no engine, no cloud call, no credentials. Each
 * resource registration is captured with its inputs as state, and the list goes through the same
 * extraction as a stack export (`pulumi`).
 *
 * Limits, by construction of mocks: values only known after deploy (ids, ARNs, addresses assigned by
 * the cloud) are fake or absent, so destinations are mostly "any" with the resource named; `apply`
 * callbacks that depend on provider outputs see the inputs; `pulumi.Config` reads the project name
 * from Pulumi.yaml but stack config files are not loaded (set PULUMI_CONFIG, or the program's defaults
 * apply); stack references and provider functions (`aws.ec2.getAmi`) return empty objects. Only
 * TypeScript/JavaScript programs (via tsx); an exported main function is called and awaited.
 */
import {spawn} from 'node:child_process'
import {existsSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, resolve} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {IrmError} from '../../core/errors.js'
import {ParseState} from '../cloud-common.js'
import type {JsonObject} from '../json-positions.js'
import {pulumiExposures} from '../pulumi/resources.js'
import type {PulumiResource} from '../pulumi/read.js'
import {redactLine} from '../redact.js'
import type {SourceParser} from '../types.js'

const MARKER = '@@irm-audit-pulumi-resources@@'
export const PROGRAM_TIMEOUT_MS = 60_000
const MAX_OUTPUT = 256 * 1024 * 1024

interface Captured {
  type: string
  name: string
  state: JsonObject
  line: number
}

function runnerPath(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const js = resolve(here, 'runner.js')
  return existsSync(js) ? js : resolve(here, 'runner.ts')
}

/** The last stderr line of a failed program, redacted: enough to say why, never a secret. */
function reason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim())
  // node prints the source excerpt first, then `SomeError: message`
  const line = lines.find((l) => /^[A-Za-z.]*Error\b.*:/.test(l)) ?? lines.filter(Boolean).pop() ?? ''
  return redactLine(line).slice(0, 300)
}

function runProgram(program: string, display: string): Promise<Captured[]> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).toString()
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', tsx, runnerPath(), program], {
      cwd: dirname(program),
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: PROGRAM_TIMEOUT_MS,
      // a program that hangs (open handles, a pending promise) must not outlive the check
      killSignal: 'SIGKILL',
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += d
    })
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      if (stderr.length < 65536) stderr += d
    })
    child.on('error', () => fail(new IrmError('CONFIG_SYNTAX', 'could not start node to run the Pulumi program', {file: display})))
    child.on('close', (code, signal) => {
      const at = stdout.lastIndexOf(MARKER)
      if (code !== 0 || at < 0) {
        const why = signal ? `stopped after ${PROGRAM_TIMEOUT_MS / 1000} s (${signal})` : `failed: ${reason(stderr) || `exit code ${code}`}`
        fail(
          new IrmError('CONFIG_SYNTAX', `the Pulumi program ${why}`, {
            file: display,
            hint: 'Run it with `npx tsx` to see the error; the program must run without a Pulumi engine (mocks).',
          }),
        )
        return
      }
      try {
        done(JSON.parse(stdout.slice(at + MARKER.length)) as Captured[])
      } catch {
        fail(new IrmError('CONFIG_SYNTAX', 'the Pulumi program runner printed unreadable output', {file: display}))
      }
    })
  })
}

export const pulumiProgram: SourceParser = {
  type: 'pulumi-program',
  description:
    'Pulumi TypeScript/JavaScript program, checked before deploy: RUNS the program under Pulumi mocks (no cloud calls) and reads the resources it would create. Never auto-detected: ask for it with --type pulumi-program.',
  detection: 'never detected (it executes code); name it with --type pulumi-program',
  extensions: ['.ts', '.js', '.mts', '.mjs'],
  executes: true,
  detect: () => 0,
  async parse(_text, {file}) {
    const program = resolve(process.cwd(), file)
    if (!existsSync(program)) {
      throw new IrmError('INPUT_NOT_FOUND', 'the Pulumi program file was not found', {file, hint: 'Give the path of the program (index.ts), relative to the working directory.'})
    }
    const captured = await runProgram(program, file)
    const resources: PulumiResource[] = captured.map((c) => ({
      type: c.type,
      name: c.name,
      urn: `urn:pulumi:mock::program::${c.type}::${c.name}`,
      id: c.name,
      props: c.state,
      // a resource created outside the program file (a component library) has no line in it
      line: c.line > 0 ? c.line : 1,
      raw: {type: c.type, name: c.name},
    }))
    const state = new ParseState()
    const device = pulumiExposures(resources, state)
    return {...state.result(), device}
  },
}
