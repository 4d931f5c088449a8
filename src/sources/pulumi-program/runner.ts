/**
 * Child-process runner of the `pulumi-program` parser (never imported): `node --import tsx runner.ts
 * PROGRAM`. It sets Pulumi mocks before the program loads, so nothing is deployed and no cloud is
 * called: every resource registration returns its inputs as its state, its name as id, a fake ARN.
 * It prints one marker line with the captured registrations (type, name, state, line in PROGRAM).
 * The @pulumi/pulumi used is the program's own (resolved from its folder), so the mocks are the
 * ones the program's resources see; ours is the fallback.
 */
import {readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {pathToFileURL} from 'node:url'

interface Frame {
  getPc(): {getUri(): string; getLine(): number} | undefined
}
interface RegisterRequest {
  getType(): string
  getName(): string
  getStacktrace(): {getFramesList(): Frame[]} | undefined
}
interface MocksModule {
  MockMonitor: {prototype: {registerResource(req: RegisterRequest, callback: unknown): Promise<void>}}
}
interface PulumiModule {
  runtime: {
    setMocks(mocks: object, project?: string, stack?: string, preview?: boolean): Promise<void> | void
    disconnect(): Promise<void>
  }
}

const MARKER = '@@irm-audit-pulumi-resources@@'
const program = process.argv[2]
const programUrl = pathToFileURL(program).toString()

function loadPulumi(): {pulumi: PulumiModule; mocks: MocksModule} {
  for (const base of [program, import.meta.url]) {
    try {
      const require = createRequire(base)
      const main = require.resolve('@pulumi/pulumi')
      return {pulumi: require(main) as PulumiModule, mocks: require(join(dirname(main), 'runtime', 'mocks.js')) as MocksModule}
    } catch {
      // not installed next to the program: try ours
    }
  }
  throw new Error('@pulumi/pulumi is not installed')
}

/** The project name from Pulumi.yaml beside the program: `new pulumi.Config()` reads `<project>:key`. */
function projectName(): string {
  try {
    const yaml = readFileSync(join(dirname(program), 'Pulumi.yaml'), 'utf8')
    return /^name:\s*["']?([\w.-]+)/m.exec(yaml)?.[1] ?? 'program'
  } catch {
    return 'program'
  }
}

const {pulumi, mocks} = loadPulumi()
const lines = new Map<string, number>()
const original = mocks.MockMonitor.prototype.registerResource
// the line of the program statement that created the resource, from Pulumi's own stack capture
mocks.MockMonitor.prototype.registerResource = function (req, callback) {
  const frames = req.getStacktrace()?.getFramesList() ?? []
  const own = frames.map((f) => f.getPc()).find((pc) => pc?.getUri() === programUrl)
  lines.set(`${req.getType()}::${req.getName()}`, own?.getLine() ?? 0)
  return original.call(this, req, callback)
}

const captured: Array<{type: string; name: string; state: Record<string, unknown>; line: number}> = []
await pulumi.runtime.setMocks(
  {
    newResource(args: {type: string; name: string; inputs: Record<string, unknown>}) {
      // the resource name as its fake id: what the exposures then name (unique per type in a stack)
      const id = args.name
      const state = {arn: `arn:mock:${args.type}:${args.name}`, ...args.inputs, id}
      captured.push({type: args.type, name: args.name, state, line: lines.get(`${args.type}::${args.name}`) ?? 0})
      return {id, state}
    },
    call() {
      return {}
    },
  },
  projectName(),
  'mock',
  false,
)
const mod = (await import(programUrl)) as {default?: unknown}
// `export = async () => {…}`: Pulumi runs the exported function; so do we
if (typeof mod.default === 'function') await (mod.default as () => unknown)()
await pulumi.runtime.disconnect()
// exit once written: timers or sockets the program left open must not keep the check waiting
process.stdout.write(`\n${MARKER}${JSON.stringify(captured)}\n`, () => process.exit(0))
