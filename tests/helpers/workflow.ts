/**
 * A small local runner for the `run:` steps of a GitHub Actions job: the steps run with `bash -e`
 * (GitHub's default shell on Linux) in order, `${{ }}` expressions are taken from a fixed context map,
 * `if:` conditions are evaluated, step outcomes feed `steps.<id>.outcome`, and GITHUB_PATH /
 * GITHUB_STEP_SUMMARY behave as on a runner. `uses:` steps are not run; they are returned with their
 * evaluated condition so a test can check what they would do. Only the expression grammar the workflow
 * uses is known: anything else throws, so the test fails instead of guessing.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {delimiter, join} from 'node:path'

import {parse} from 'yaml'

export interface WorkflowStep {
  name?: string
  id?: string
  if?: string
  uses?: string
  run?: string
  with?: Record<string, string>
  'continue-on-error'?: boolean
  env?: Record<string, string>
}

export interface StepRun {
  step: WorkflowStep
  ran: boolean
  outcome: 'success' | 'failure' | 'skipped'
  output: string
}

export function readJob(file: string, job: string): {env: Record<string, string>; steps: WorkflowStep[]} {
  const doc = parse(readFileSync(file, 'utf8'))
  return {env: doc.env ?? {}, steps: doc.jobs[job].steps}
}

/** Value of a context path such as `github.base_ref` or `steps.gate.outcome`. */
type Lookup = (path: string) => string

function evaluate(expr: string, lookup: Lookup, fns: Record<string, (arg?: string) => boolean | string>): boolean | string {
  const tokens = expr.match(/\s*(&&|\|\||==|!=|!|\(|\)|,|'(?:[^']|'')*'|[A-Za-z_][\w.-]*)/gy)
  if (!tokens || tokens.join('').replace(/\s/g, '') !== expr.replace(/\s/g, '')) throw new Error(`unsupported expression: ${expr}`)
  const t = tokens.map((x) => x.trim())
  let i = 0
  const primary = (): boolean | string => {
    const tok = t[i++]
    if (tok === '!') return !truthy(primary())
    if (tok === '(') {
      const v = or()
      if (t[i++] !== ')') throw new Error(`missing ) in ${expr}`)
      return v
    }
    if (tok.startsWith("'")) return tok.slice(1, -1).replace(/''/g, "'")
    if (t[i] === '(') {
      i++
      const arg = t[i] === ')' ? undefined : (primary() as string)
      if (t[i++] !== ')') throw new Error(`missing ) in ${expr}`)
      const fn = fns[tok]
      if (!fn) throw new Error(`unsupported function ${tok}() in ${expr}`)
      return fn(arg)
    }
    return lookup(tok)
  }
  const compare = (): boolean | string => {
    const a = primary()
    if (t[i] === '==' || t[i] === '!=') {
      const op = t[i++]
      const b = primary()
      return op === '==' ? String(a).toLowerCase() === String(b).toLowerCase() : String(a).toLowerCase() !== String(b).toLowerCase()
    }
    return a
  }
  const and = (): boolean | string => {
    let v = compare()
    while (t[i] === '&&') {
      i++
      const w = compare()
      v = truthy(v) ? w : v
    }
    return v
  }
  const or = (): boolean | string => {
    let v = and()
    while (t[i] === '||') {
      i++
      const w = and()
      v = truthy(v) ? v : w
    }
    return v
  }
  const v = or()
  if (i !== t.length) throw new Error(`unsupported expression: ${expr}`)
  return v
}

const truthy = (v: boolean | string) => v !== false && v !== ''

export interface RunOptions {
  workspace: string
  runnerTemp: string
  /** Context values: `github.base_ref`, `github.repository`, … */
  context: Record<string, string>
  /** Overrides of the workflow's `env:` (e.g. the install source). */
  env?: Record<string, string>
  /** Extra process environment (npm cache settings). */
  processEnv?: Record<string, string>
}

export interface JobRun {
  steps: StepRun[]
  /** The job's conclusion: a failed step without continue-on-error fails it. */
  failed: boolean
  /** What the steps wrote to GITHUB_STEP_SUMMARY. */
  summary: string
}

export function runJob(job: {env: Record<string, string>; steps: WorkflowStep[]}, options: RunOptions): JobRun {
  const stamp = `${Date.now()}-${Math.random().toString(36).slice(2)}`
  const githubPath = join(options.runnerTemp, `path-${stamp}`)
  const summary = join(options.runnerTemp, `summary-${stamp}.md`)
  writeFileSync(githubPath, '')
  writeFileSync(summary, '')
  const env: Record<string, string> = {}
  const outcomes = new Map<string, string>()
  let jobFailed = false
  const lookup: Lookup = (path) => {
    const m = /^steps\.([\w-]+)\.(outcome|conclusion)$/.exec(path)
    if (m) return outcomes.get(m[1]) ?? ''
    if (path.startsWith('env.')) return env[path.slice(4)] ?? ''
    if (path in options.context) return options.context[path]
    throw new Error(`no value for ${path} in the test's context map`)
  }
  const fns = {
    always: () => true,
    success: () => !jobFailed,
    failure: () => jobFailed,
    hashFiles: (pattern?: string) => (pattern && existsSync(join(options.workspace, pattern)) ? 'hash' : ''),
  }
  // workflow-level env may use expressions of the github context, as on a runner
  for (const [k, v] of Object.entries({...job.env, ...options.env})) env[k] = String(v).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => String(evaluate(expr, lookup, fns)))
  const results: StepRun[] = []
  for (const step of job.steps) {
    const condition = step.if ? truthy(evaluate(step.if.replace(/^\$\{\{|\}\}$/g, ''), lookup, fns)) : !jobFailed
    if (!condition || step.uses) {
      results.push({step, ran: false, outcome: condition ? 'success' : 'skipped', output: ''})
      if (step.id) outcomes.set(step.id, condition ? 'success' : 'skipped')
      continue
    }
    const expand = (text: string) => text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => String(evaluate(expr, lookup, fns)))
    const script = expand(step.run ?? '')
    const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v))]))
    const extraPath = readFileSync(githubPath, 'utf8').split('\n').filter(Boolean).reverse()
    const base = {...process.env, ...options.processEnv}
    const r = spawnSync('bash', ['-e', '-c', script], {
      cwd: options.workspace,
      encoding: 'utf8',
      env: {
        ...base,
        ...env,
        ...stepEnv,
        PATH: [...extraPath, base.PATH ?? ''].join(delimiter),
        GITHUB_ACTIONS: 'true',
        CI: 'true',
        GITHUB_PATH: githubPath,
        GITHUB_STEP_SUMMARY: summary,
        RUNNER_TEMP: options.runnerTemp,
        GITHUB_WORKSPACE: options.workspace,
      },
    })
    const outcome = r.status === 0 ? 'success' : 'failure'
    if (step.id) outcomes.set(step.id, outcome)
    if (outcome === 'failure' && !step['continue-on-error']) jobFailed = true
    results.push({step, ran: true, outcome, output: `${r.stdout}${r.stderr}`})
  }
  return {steps: results, failed: jobFailed, summary: readFileSync(summary, 'utf8')}
}
