/**
 * What a pull request changes in its own gate: the policy pack, the suppression file and the CI
 * workflows, compared between the revision the gate was read from and the working tree, with who made
 * each change; and every suppression it adds, with its author (git blame; "working tree" when the line
 * is not committed). The diff report lists these first, so a reviewer sees them before the findings.
 */
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join, relative, resolve, sep} from 'node:path'

import {displayPath} from '../diff/live.js'
import {parseSuppressions, type Suppression} from '../diff/suppress.js'
import type {GitContext} from './repo.js'

export const WORKING_TREE = 'working tree'

export interface GateChange {
  file: string
  change: 'added' | 'removed' | 'modified'
  /** Authors of the commits since the base that touch the file, and `working tree` for uncommitted edits. */
  authors: string[]
}

export interface NewSuppression {
  /** The entry's id or pattern. */
  key: string
  reason: string
  expires: string
  file: string
  line: number
  author: string
}

export interface GateReport {
  policy_from: {rev: string; commit: string}
  changes: GateChange[]
  new_suppressions: NewSuppression[]
}

export interface GateInput {
  repo: GitContext
  policyFrom: {rev: string; commit: string}
  /** Absolute paths of the policy and suppression files this run looks for. */
  files: string[]
  /** The suppression file (absolute), for the new entries. */
  ignore?: string
  displayBase: string
}

export async function gateReport(input: GateInput): Promise<GateReport> {
  const {repo, policyFrom} = input
  const base = resolve(input.displayBase)
  const inner = (abs: string) => relative(repo.root, abs).split(sep).join('/')
  const atBase = async (path: string): Promise<string | undefined> => {
    try {
      return await repo.git.show([`${policyFrom.commit}:${path}`])
    } catch {
      return undefined
    }
  }
  const workflows = new Set<string>()
  const listed = await repo.git.raw(['ls-tree', '-r', '--name-only', policyFrom.commit, '--', '.github/workflows']).catch(() => '')
  for (const p of listed.split('\n').filter(Boolean)) workflows.add(join(repo.root, p))
  const wfDir = join(repo.root, '.github', 'workflows')
  if (existsSync(wfDir)) for (const f of readdirSync(wfDir)) if (/\.ya?ml$/.test(f)) workflows.add(join(wfDir, f))

  const changes: GateChange[] = []
  for (const abs of [...new Set([...input.files, ...[...workflows].sort()])]) {
    const path = inner(abs)
    if (path.startsWith('..')) continue
    const before = await atBase(path)
    const after = existsSync(abs) ? readFileSync(abs, 'utf8') : undefined
    if (before === after) continue
    const change = before === undefined ? 'added' : after === undefined ? 'removed' : 'modified'
    changes.push({file: displayPath(abs, base), change, authors: await authorsSince(repo, policyFrom.commit, path, after)})
  }

  const added: NewSuppression[] = []
  if (input.ignore && existsSync(input.ignore)) {
    const shown = displayPath(input.ignore, base)
    const path = inner(input.ignore)
    const now = tryParse(readFileSync(input.ignore, 'utf8'), shown)
    const was = tryParse((await atBase(path)) ?? '', shown)
    const known = new Set(was.map((s) => `${s.id ?? s.pattern}\u0000${s.expires}`))
    for (const s of now) {
      if (known.has(`${s.id ?? s.pattern}\u0000${s.expires}`)) continue
      added.push({key: s.id ?? s.pattern ?? '', reason: s.reason, expires: s.expires, file: s.file, line: s.line, author: await lineAuthor(repo, path, s.line)})
    }
  }
  return {policy_from: policyFrom, changes, new_suppressions: added}
}

function tryParse(text: string, display: string): Suppression[] {
  try {
    return parseSuppressions(text, display)
  } catch {
    return [] // an invalid file is reported by the run that reads it
  }
}

async function authorsSince(repo: GitContext, commit: string, path: string, current: string | undefined): Promise<string[]> {
  const log = await repo.git.raw(['log', '--format=%an', `${commit}..HEAD`, '--', path]).catch(() => '')
  const authors = [...new Set(log.split('\n').filter(Boolean))].sort()
  const head = await repo.git.show([`HEAD:${path}`]).catch(() => undefined)
  if (head !== current) authors.push(WORKING_TREE)
  return authors
}

/** Who wrote line `line` of the working-tree file (`working tree` when it is not committed). */
async function lineAuthor(repo: GitContext, path: string, line: number): Promise<string> {
  try {
    const out = await repo.git.raw(['blame', '--porcelain', '-L', `${line},${line}`, '--', path])
    if (/^0{40} /.test(out)) return WORKING_TREE
    return /^author (.*)$/m.exec(out)?.[1] ?? 'unknown'
  } catch {
    return WORKING_TREE // not tracked yet
  }
}
