/**
 * `.irm-audit-ignore.yaml`: findings accepted with a reason until a date. Schema-validated
 * (schemas/ignore.schema.json); an expired entry stops suppressing and becomes a finding of its own.
 */
import {readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'

import {Ajv2020} from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import {LineCounter, parseDocument} from 'yaml'

import {IrmError} from '../core/errors.js'
import type {Finding, Severity} from './model.js'
import {plural} from '../core/plural.js'

const require = createRequire(import.meta.url)

export interface Suppression {
  id?: string
  pattern?: string
  reason: string
  expires: string
  owner?: string
  file: string
  line: number
}

type Validator = ((data: unknown) => boolean) & {errors?: Array<{instancePath: string; message?: string}> | null}
let validator: Validator | undefined

function validate(data: unknown) {
  if (!validator) {
    const ajv = new Ajv2020({allErrors: true, strict: false})
    addFormats.default(ajv)
    validator = ajv.compile(require('../../schemas/ignore.schema.json')) as Validator
  }
  return validator(data) ? [] : (validator.errors ?? [])
}

/** Parse and validate a suppression file's text; errors are SUPPRESSION_INVALID with file:line. */
export function parseSuppressions(text: string, display: string): Suppression[] {
  const lc = new LineCounter()
  const doc = parseDocument(text, {lineCounter: lc, uniqueKeys: true, customTags: []})
  if (doc.errors.length) {
    const e = doc.errors[0]
    const pos = lc.linePos(e.pos[0])
    throw new IrmError('SUPPRESSION_INVALID', `YAML syntax error: ${e.message.split('\n')[0]}`, {file: display, line: pos.line, column: pos.col})
  }
  const data = doc.toJS({maxAliasCount: 100}) ?? {suppressions: []}
  const lineOf = (parts: Array<string | number>) => {
    const node = parts.length ? (doc.getIn(parts, true) as {range?: [number, number, number]} | undefined) : undefined
    return node?.range ? lc.linePos(node.range[0]).line : undefined
  }
  const errors = validate(data)
  if (errors.length) {
    const e = errors[0]
    const parts = e.instancePath.split('/').filter(Boolean).map((p) => (/^\d+$/.test(p) ? Number(p) : p))
    throw new IrmError('SUPPRESSION_INVALID', `suppressions ${e.instancePath || '/'} ${e.message ?? 'is invalid'}`, {
      file: display,
      line: lineOf(parts),
      path: e.instancePath || '/',
      hint: 'Each entry needs `id` or `pattern` (not both), a `reason` and an `expires` date (YYYY-MM-DD).',
    })
  }
  const list = (data as {suppressions: Array<Omit<Suppression, 'file' | 'line'>>}).suppressions
  return list.map((s, i) => ({...s, expires: String(s.expires), file: display, line: lineOf(['suppressions', i]) ?? 1}))
}

export async function loadSuppressions(path: string, display: string): Promise<Suppression[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new IrmError('SUPPRESSION_INVALID', `cannot read the suppression file: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {
      file: display,
      hint: 'Check the --ignore path.',
    })
  }
  return parseSuppressions(text, display)
}

/** `*` any run, `?` one character; everything else literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

/** How an entry matches a finding: by its id, by its 0.1 id (deprecated), or not. */
function matchOf(s: Suppression, re: RegExp | undefined, f: Finding): 'id' | 'legacy' | undefined {
  const test = (id: string) => (re ? re.test(id) : s.id === id)
  if (test(f.id)) return 'id'
  if (f.legacy_id && test(f.legacy_id)) return 'legacy'
  return undefined
}

/**
 * Mark suppressed findings (first entry matching the current id wins, else the first matching a 0.1 id,
 * with a `deprecated-id` warning naming the new id) and add a `suppression-expired` finding per expired
 * entry. Returns a new list; findings are not mutated.
 */
export function applySuppressions(findings: Finding[], suppressions: Suppression[], asOf: string, expiredSeverity: Severity): Finding[] {
  const live = suppressions.filter((s) => s.expires >= asOf)
  const matchers = live.map((s) => ({s, re: s.pattern ? globToRegExp(s.pattern) : undefined}))
  const out: Finding[] = findings.map((f) => {
    let m = matchers.find(({s, re}) => matchOf(s, re, f) === 'id')
    const legacy = !m
    m ??= matchers.find(({s, re}) => matchOf(s, re, f) === 'legacy')
    if (!m) return f
    const suppressed: Finding = {...f, suppressed: true, suppression: {reason: m.s.reason, expires: m.s.expires, file: m.s.file, line: m.s.line}}
    if (legacy) {
      const key = m.s.id ? `id '${m.s.id}'` : `pattern '${m.s.pattern}'`
      suppressed.warnings = [
        ...(f.warnings ?? []),
        {code: 'deprecated-id', message: `the suppression at ${m.s.file}:${m.s.line} names the finding by its old ${key}; write id '${f.id}' instead (old ids stop matching in a future release)`, file: m.s.file, line: m.s.line},
      ]
    }
    return suppressed
  })
  for (const s of suppressions) {
    if (s.expires >= asOf) continue
    const key = s.id ?? s.pattern ?? ''
    const re = s.pattern ? globToRegExp(s.pattern) : undefined
    const hits = findings.filter((f) => matchOf(s, re, f)).length
    out.push({
      id: `suppression-expired:${key}`,
      rule: 'suppression-expired',
      severity: expiredSeverity,
      device: null,
      access_point: null,
      file: s.file,
      line: s.line,
      message: `the suppression of ${key} expired on ${s.expires} (reason was: ${s.reason}); it no longer hides ${plural(hits, 'finding')}: fix ${hits === 1 ? 'it' : 'them'} or renew it`,
      suppressed: false,
    })
  }
  return out
}
