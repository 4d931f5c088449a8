/**
 * The one policy loader: YAML packs of thresholds and switches (schemas/policy.schema.json), each file
 * checked by the schema with file:line positions (the `diff:` section included: an unknown key is refused
 * where it is written). The bundled default comes first, then each --policy file in the order given;
 * objects merge key by key, lists and scalars replace. The diff, readiness, recert and the log analyses
 * read the merged pack; thresholds live here, never in check code.
 */
import {readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {Ajv2020} from 'ajv/dist/2020.js'
import {type Document, isMap, isScalar, LineCounter, parseDocument} from 'yaml'

import {IrmError} from '../core/errors.js'
import {editDistance} from '../inventory/load.js'
import type {Severity} from '../core/severity.js'
import type {DiffPolicy} from '../diff/model.js'
import type {Crosswalk} from '../readiness/frameworks.js'
import {diffPolicyFrom} from './diff.js'

const require = createRequire(import.meta.url)
const here = dirname(fileURLToPath(import.meta.url))
/** Package root: dist/policy → ../.., src/policy → ../.. */
export const PACKAGE_ROOT = join(here, '../..')
export const DEFAULT_POLICY = join(PACKAGE_ROOT, 'policies/irm5-preparation.yaml')
/** How reports name the bundled pack. */
export const DEFAULT_NAME = 'policies/irm5-preparation.yaml'

export interface RetentionProfile {
  description?: string
  min_total_days?: number
  min_online_days?: number
  require_declared?: boolean
}

export interface ReadinessPolicy {
  retention_profile: string
  retention_profiles: Record<string, RetentionProfile>
  network_log_types: string[]
  max_signature_age_days: number
  require_sensor_version: boolean
  max_sensor_access_age_days: number
  max_contact_age_days: number
  required_contact_roles: string[]
  procedure_review_days: number
  procedure_exercise_days: number
  required_procedures: string[]
  restore_test_days: number
  inventory_max_age_days: number
  map_max_age_days: number
  rare_location_review_days: number
  training_days: number
  isolation_test_days: number
  perimeter_sensor_types: string[]
  traffic_sensor_types: string[]
  isolation_sensor_types: string[]
  max_ntp_sources: number
  checks: Record<string, {enabled?: boolean; severity?: Severity}>
}

export interface ScoringPolicy {
  weights: Record<Severity, number>
  warn_credit: number
  fail_under?: number
}

export interface PolicyPack {
  name?: string
  description?: string
  /** The `diff:` section, checked and resolved (who is trusted, sensitive ports, severity per kind). */
  diff: DiffPolicy
  readiness: ReadinessPolicy
  scoring: ScoringPolicy
  /** Requirement ids added per check id or finding rule. */
  crosswalk: Record<string, Crosswalk>
  recert: {cadence_days: number}
  /** Files merged, in order (for the report). */
  sources: string[]
}

type Plain = Record<string, unknown>

function isPlain(v: unknown): v is Plain {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export function mergeDeep(base: Plain, over: Plain): Plain {
  const out: Plain = {...base}
  for (const [k, v] of Object.entries(over)) out[k] = isPlain(v) && isPlain(out[k]) ? mergeDeep(out[k] as Plain, v) : v
  return out
}

let validator: ((data: unknown) => boolean) & {errors?: SchemaError[] | null} | undefined

function validate(data: unknown) {
  if (!validator) {
    const ajv = new Ajv2020({allErrors: true, strict: false})
    validator = ajv.compile(require('../../schemas/policy.schema.json'))
  }
  return validator(data) ? [] : (validator.errors ?? [])
}

/** Read and validate one policy file; errors name file:line and the JSON path. */
export async function readPolicyFile(path: string, display = path): Promise<Plain> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new IrmError('POLICY_INVALID', `cannot read the policy file: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {
      file: display,
      hint: 'Check the --policy path.',
    })
  }
  return parsePolicyText(text, display)
}

/** Validate one policy pack's text (a file, or a file as it is at a git revision). */
export function parsePolicyText(text: string, display: string): Plain {
  const lc = new LineCounter()
  const doc = parseDocument(text, {lineCounter: lc, uniqueKeys: true, customTags: [], resolveKnownTags: false})
  if (doc.errors.length || doc.warnings.length) {
    const e = doc.errors[0] ?? doc.warnings[0]
    const pos = lc.linePos(e.pos[0])
    throw new IrmError('POLICY_INVALID', `YAML syntax error: ${e.message.split('\n')[0]}`, {file: display, line: pos.line, column: pos.col})
  }
  let data: unknown
  try {
    data = doc.toJS({maxAliasCount: 100}) ?? {}
  } catch (e) {
    // yaml throws ReferenceError for an alias bomb or an unresolved alias
    throw new IrmError('POLICY_INVALID', /Excessive alias/.test(String(e)) ? 'too many alias expansions (possible YAML alias bomb)' : `cannot resolve an alias: ${(e as Error).message.split('\n')[0]}`, {
      file: display,
      hint: 'Write the values out instead of nesting aliases.',
    })
  }
  const errors = validate(data)
  if (errors.length) throw schemaError(errors[0], doc, lc, display)
  if (!isPlain(data)) throw new IrmError('POLICY_INVALID', 'a policy file must be a mapping', {file: display})
  return data
}

type SchemaError = {instancePath: string; message?: string; keyword?: string; params?: Record<string, unknown>}

/** The first schema error at the line of the value (or, for an unknown key, of the key) it is about. */
function schemaError(e: SchemaError, doc: Document, lc: LineCounter, display: string): IrmError {
  const path = e.instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
  const at = (node: unknown) => {
    const range = (node as {range?: [number, number, number]} | undefined)?.range
    return range ? lc.linePos(range[0]) : undefined
  }
  const where = path.length ? '/' + path.join('/') : '/'
  if (e.keyword === 'additionalProperties') {
    const key = String(e.params?.additionalProperty)
    const parent = path.length ? doc.getIn(path, true) : doc.contents
    const pair = isMap(parent) ? parent.items.find((i) => isScalar(i.key) && String(i.key.value) === key) : undefined
    const pos = at(pair?.key)
    const allowed = allowedKeys(path)
    const near = allowed.filter((k) => editDistance(k, key) <= 2)
    return new IrmError('POLICY_INVALID', `unknown key '${key}' in ${where === '/' ? 'the policy' : where}`, {
      file: display,
      line: pos?.line,
      column: pos?.col,
      path: `${where === '/' ? '' : where}/${key}`,
      hint: near.length ? `Did you mean ${near.map((k) => `'${k}'`).join(' or ')}? The keys allowed there: ${allowed.join(', ')}.` : `The keys allowed there: ${allowed.join(', ') || 'none'} (schemas/policy.schema.json).`,
    })
  }
  const pos = at(path.length ? doc.getIn(path, true) : undefined)
  const values = Array.isArray(e.params?.allowedValues) ? `: ${(e.params.allowedValues as unknown[]).join(', ')}` : ''
  return new IrmError('POLICY_INVALID', `policy ${where} ${e.message ?? 'is invalid'}${values}`, {
    file: display,
    line: pos?.line,
    column: pos?.col,
    path: where,
    hint: 'See schemas/policy.schema.json for the allowed keys and values.',
  })
}

/** The keys the schema allows at a path of the pack (object properties only). */
function allowedKeys(path: string[]): string[] {
  let node = require('../../schemas/policy.schema.json') as {properties?: Record<string, unknown>}
  for (const p of path) {
    const next = node.properties?.[p] as typeof node | undefined
    if (!next) return []
    node = next
  }
  return Object.keys(node.properties ?? {})
}

/** A policy pack already read: its text and the name reports give it. */
export interface PolicyText {
  display: string
  text: string
}

/**
 * The default pack, then `defaults` (what a flag such as `--framework pci` implies), then `extra` files
 * (paths, or texts already read) in order, so a --policy file still wins over the flag.
 */
export async function loadPolicy(extra: Array<string | PolicyText> = [], options: {defaultPath?: string; defaults?: Plain} = {}): Promise<PolicyPack> {
  const files = [options.defaultPath ?? DEFAULT_POLICY, ...extra]
  const nameOf = (f: string | PolicyText) => (typeof f !== 'string' ? f.display : f === DEFAULT_POLICY ? DEFAULT_NAME : f)
  let merged: Plain = {}
  for (const [i, f] of files.entries()) {
    merged = mergeDeep(merged, typeof f === 'string' ? await readPolicyFile(f, nameOf(f)) : parsePolicyText(f.text, f.display))
    if (i === 0 && options.defaults) merged = mergeDeep(merged, options.defaults)
  }
  const readiness = (merged.readiness ?? {}) as ReadinessPolicy
  const profile = readiness.retention_profile
  if (profile && !readiness.retention_profiles?.[profile]) {
    throw new IrmError('POLICY_INVALID', `unknown retention profile '${profile}'`, {
      path: '/readiness/retention_profile',
      hint: `Use one of: ${Object.keys(readiness.retention_profiles ?? {}).sort().join(', ')}.`,
    })
  }
  return {
    name: merged.name as string | undefined,
    description: merged.description as string | undefined,
    diff: diffPolicyFrom(merged.diff, nameOf(files[files.length - 1])),
    readiness,
    scoring: merged.scoring as ScoringPolicy,
    crosswalk: (merged.crosswalk ?? {}) as Record<string, Crosswalk>,
    recert: {cadence_days: 182, ...((merged.recert ?? {}) as {cadence_days?: number})},
    sources: files.map(nameOf),
  }
}
