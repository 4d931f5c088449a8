/**
 * `irm-audit ARGS` in-process: the command class run with oclif's config from the package root, stdout
 * and stderr captured, the exit code read from process.exitCode (as the binary would exit). Much
 * cheaper than spawning the built binary; keep a few true end-to-end spawns per command file.
 */
import {captureOutput} from '@oclif/test'

import AccessLogs from '../../src/commands/access-logs.js'
import Adopt from '../../src/commands/adopt.js'
import Changes from '../../src/commands/changes.js'
import Diff from '../../src/commands/diff.js'
import Init from '../../src/commands/init.js'
import Isolate from '../../src/commands/isolate.js'
import MapCommand from '../../src/commands/map.js'
import Parse from '../../src/commands/parse.js'
import Prepare from '../../src/commands/prepare.js'
import Reach from '../../src/commands/reach.js'
import Recert from '../../src/commands/recert.js'
import Sources from '../../src/commands/sources.js'
import Traffic from '../../src/commands/traffic.js'
import Validate from '../../src/commands/validate.js'
import Why from '../../src/commands/why.js'
import {ROOT} from './sources.js'

const COMMANDS: Record<string, {run(argv: string[], root: string): Promise<unknown>}> = {
  'access-logs': AccessLogs,
  adopt: Adopt,
  changes: Changes,
  diff: Diff,
  init: Init,
  isolate: Isolate,
  map: MapCommand,
  parse: Parse,
  prepare: Prepare,
  reach: Reach,
  recert: Recert,
  sources: Sources,
  traffic: Traffic,
  validate: Validate,
  why: Why,
}

export interface CliRun {
  status: number
  stdout: string
  stderr: string
}

/**
 * `args[0]` is the command; `env` is set for the run (undefined: unset) and restored after. Colour codes
 * are stripped from the captured output unless `ansi` (to test colour itself).
 */
export async function cli(args: string[], options: {cwd?: string; env?: Record<string, string | undefined>; ansi?: boolean} = {}): Promise<CliRun> {
  const command = COMMANDS[args[0]]
  if (!command) throw new Error(`no command '${args[0]}' in tests/helpers/cli.ts`)
  const saved = Object.fromEntries(Object.keys(options.env ?? {}).map((k) => [k, process.env[k]]))
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  const cwd = process.cwd()
  process.chdir(options.cwd ?? ROOT)
  process.exitCode = undefined
  try {
    const r = await captureOutput(() => command.run(args.slice(1), ROOT), {stripAnsi: !options.ansi})
    // oclif's development-mode warning (NODE_ENV=test) when a command fails before its flags are parsed
    const stderr = r.stderr.replace(/^\(node:\d+\) \[UnparsedCommand\] Warning: .*\n\(Use `node --trace-warnings \.\.\.` .*\n/m, '')
    return {status: Number(process.exitCode ?? 0), stdout: r.stdout, stderr}
  } finally {
    process.chdir(cwd)
    process.exitCode = undefined
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  }
}
