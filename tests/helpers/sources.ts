/** Helpers for parser tests: parse a fixture or a corpus file into the `parse` JSON document. */
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {parseReport, type ParseReport} from '../../src/report/parse-report.js'
import {parseText} from '../../src/sources/load.js'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
export const FIXTURES = join(ROOT, 'tests/fixtures/sources')
export const GOLDEN = join(ROOT, 'tests/golden/sources')
/** The shared folder (real-world corpus, official schemas) lives beside the repo; absent on a user's clone. */
export const SHARED = process.env.IRM_SHARED ? resolve(process.env.IRM_SHARED) : resolve(ROOT, '../shared')
export const CORPUS = join(SHARED, 'corpus')

/**
 * A path in the shared folder. Tests skip when it is absent, except under CI=1 where a missing corpus
 * or schema is a broken checkout and fails the run instead of silently testing less.
 */
export function sharedPath(rel: string): string {
  const path = join(SHARED, rel)
  if (process.env.CI && process.env.CI !== 'false' && process.env.CI !== '0' && !existsSync(path)) {
    throw new Error(`CI: ${path} is missing (check out the shared corpus and schemas beside the repo, or set IRM_SHARED)`)
  }
  return path
}

/** Parse tests/fixtures/sources/<type>/<name> with an explicit type; the display path is relative. */
export async function parseFixture(type: string, name: string, detect = false): Promise<ParseReport> {
  const path = join(FIXTURES, type, name)
  const text = readFileSync(path, 'utf8')
  return parseReport(await parseText(text, `tests/fixtures/sources/${type}/${name}`, detect ? undefined : type))
}

/** Path of the golden JSON for a fixture: tests/golden/sources/<type>/<name without ext>.json */
export function goldenPath(type: string, name: string): string {
  return join(GOLDEN, type, `${name.replace(/\.[^.]+$/, '')}.json`)
}

export function corpusFiles(type: string): string[] {
  const dir = sharedPath(`corpus/${type}`)
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .sort()
    .map((f) => join(dir, f))
}

export async function parseCorpusFile(type: string, path: string): Promise<ParseReport> {
  return parseReport(await parseText(readFileSync(path, 'utf8'), path.slice(CORPUS.length + 1), type))
}

/** Every string the report contains, for secret-leak assertions. */
export function reportText(r: ParseReport): string {
  return JSON.stringify(r)
}

/** Where each exposure enters and leaves, and whether it targets the device: one row per JSON exposure. */
export interface PlaceRow {
  rule: string
  protocol: string
  ports: string[]
  to: string[]
  ingress: {interfaces: string[]; zones: string[]} | null
  egress: {interfaces: string[]; zones: string[]} | null
  host_local: boolean
}

export function placeRows(r: ParseReport, pred: (e: ParseReport['exposures'][number]) => boolean = () => true): PlaceRow[] {
  const side = (a?: {interfaces: string[]; zones: string[]}) => (a ? {interfaces: a.interfaces, zones: a.zones} : null)
  return r.exposures.filter(pred).map((e) => ({
    rule: e.rule,
    protocol: e.protocol,
    ports: e.ports,
    to: e.to,
    ingress: side(e.ingress),
    egress: side(e.egress),
    host_local: e.host_local === true,
  }))
}

/** Every file under `dir`, sorted, depth first (nothing when `dir` is absent). */
export function* filesUnder(dir: string): Generator<string> {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch {
    return
  }
  for (const n of names.sort()) {
    const p = join(dir, n)
    if (statSync(p).isDirectory()) yield* filesUnder(p)
    else yield p
  }
}
