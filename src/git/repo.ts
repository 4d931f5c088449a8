/**
 * What irm-audit asks of git, through simple-git: is this a repository (and a shallow one), when was
 * each inventory line last committed, what is uncommitted, and what did the inventory look like at a
 * revision. Every function answers `undefined`/empty instead of throwing when history is missing, and
 * says why, so readiness checks can become `warn`/`not-applicable` with a reason.
 */
import {mkdtemp, mkdir, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {dirname, join, relative, resolve, sep} from 'node:path'

import {simpleGit, type SimpleGit} from 'simple-git'

import {IrmError} from '../core/errors.js'

export interface GitContext {
  git: SimpleGit
  /** Repository top-level folder. */
  root: string
  shallow: boolean
}

export interface LineCommit {
  hash: string
  author: string
  /** Commit date (author time), ISO 8601 date-time in UTC. */
  date: string
  summary: string
}

/**
 * git refuses a repository owned by another user (CI containers running as root): that is a setup
 * problem to fix, not "no repository", so it is exit 2 with the fix.
 */
export function dubiousOwnership(error: unknown, dir: string): IrmError | undefined {
  const text = String((error as Error)?.message ?? error)
  if (!/dubious ownership/i.test(text)) return undefined
  const repo = /repository at '([^']+)'/.exec(text)?.[1] ?? resolve(dir)
  return new IrmError('GIT', `git refuses the repository at ${repo}: it is owned by another user (dubious ownership)`, {
    hint: `Trust it with: git config --global --add safe.directory ${repo}`,
  })
}

/** The repository holding `dir`, or a reason why there is none. */
export async function openRepo(dir: string): Promise<GitContext | {reason: string}> {
  const git = simpleGit({baseDir: resolve(dir), timeout: {block: 30_000}})
  try {
    const inside = (await git.revparse(['--is-inside-work-tree'])).trim()
    if (inside !== 'true') return {reason: `${dir} is not inside a git work tree`}
    const root = (await git.revparse(['--show-toplevel'])).trim()
    const shallow = (await git.revparse(['--is-shallow-repository'])).trim() === 'true'
    try {
      await git.revparse(['--verify', 'HEAD'])
    } catch {
      return {reason: 'the repository has no commits yet'}
    }
    return {git: simpleGit({baseDir: root, timeout: {block: 30_000}}), root, shallow}
  } catch (e) {
    const refused = dubiousOwnership(e, dir)
    if (refused) throw refused
    return {reason: `${dir} is not in a git repository (or git is not installed)`}
  }
}

export function isRepo(x: GitContext | {reason: string}): x is GitContext {
  return 'git' in x
}

/**
 * The commit that last touched each line of a file at `rev` (`git blame --line-porcelain`).
 * Lines not yet committed map to undefined. Index 0 is line 1; rev null blames the working tree. `repoPath` names the file inside the
 * repository when `file` is a materialized copy.
 */
export async function blame(ctx: GitContext, file: string, rev: string | null = 'HEAD', repoPath?: string): Promise<Array<LineCommit | undefined>> {
  const path = repoPath ?? relative(ctx.root, resolve(file)).split(sep).join('/')
  let out: string
  try {
    // rev null: the working-tree file, whose uncommitted lines map to undefined
    out = await ctx.git.raw(['blame', '--line-porcelain', ...(rev === null ? [] : [rev]), '--', path])
  } catch {
    return []
  }
  const result: Array<LineCommit | undefined> = []
  const commits = new Map<string, LineCommit>()
  let cur: {hash: string; author?: string; time?: number; summary?: string; line?: number} | undefined
  for (const l of out.split('\n')) {
    const header = /^([0-9a-f]{40}) \d+ (\d+)/.exec(l)
    if (header) {
      cur = {hash: header[1], line: Number(header[2])}
      continue
    }
    if (!cur) continue
    if (l.startsWith('author ')) cur.author = l.slice(7)
    else if (l.startsWith('author-time ')) cur.time = Number(l.slice(12))
    else if (l.startsWith('summary ')) cur.summary = l.slice(8)
    else if (l.startsWith('\t')) {
      if (!/^0{40}$/.test(cur.hash)) {
        let c = commits.get(cur.hash)
        if (!c && cur.time !== undefined) {
          c = {hash: cur.hash, author: cur.author ?? '', date: new Date(cur.time * 1000).toISOString(), summary: cur.summary ?? ''}
          commits.set(cur.hash, c)
        }
        result[(cur.line ?? 1) - 1] = c ?? commits.get(cur.hash)
      }
      cur = undefined
    }
  }
  return result
}

/** Latest commit among lines [from, to] (1-based, inclusive). */
export function latestIn(lines: Array<LineCommit | undefined>, from: number, to: number): LineCommit | undefined {
  let best: LineCommit | undefined
  for (let i = from - 1; i < Math.min(to, lines.length); i++) {
    const c = lines[i]
    if (c && (!best || c.date > best.date)) best = c
  }
  return best
}

/** Paths under `dir` with uncommitted changes (modified, added, deleted, untracked), repo-relative. */
export async function uncommitted(ctx: GitContext, dir: string): Promise<string[]> {
  const rel = relative(ctx.root, resolve(dir)).split(sep).join('/') || '.'
  const status = await ctx.git.status(['--', rel])
  return [...new Set(status.files.map((f) => f.path))].sort()
}

/** Last commit touching a path (file or folder). */
export async function lastCommit(ctx: GitContext, path: string): Promise<LineCommit | undefined> {
  const rel = relative(ctx.root, resolve(path)).split(sep).join('/') || '.'
  try {
    const log = await ctx.git.log({maxCount: 1, file: rel})
    const c = log.latest
    return c ? {hash: c.hash, author: c.author_name, date: new Date(c.date).toISOString(), summary: c.message} : undefined
  } catch {
    return undefined
  }
}

/** Resolve a revision to a full hash, or throw a clear error (with the shallow-clone hint). */
export async function resolveRev(ctx: GitContext, rev: string): Promise<string> {
  try {
    return (await ctx.git.revparse(['--verify', `${rev}^{commit}`])).trim()
  } catch {
    throw new IrmError('GIT', `unknown git revision '${rev}'`, {
      hint: ctx.shallow
        ? 'This is a shallow clone: fetch more history (actions/checkout with fetch-depth: 0, or git fetch --unshallow).'
        : 'Check the branch or commit name (e.g. origin/main, HEAD~1).',
    })
  }
}

/**
 * Write the inventory folder as it was at `rev` into a temporary folder and return its path, so the
 * ordinary loader reads it (same limits, same positions). Folder missing at rev → empty folder.
 */
export async function materialize(ctx: GitContext, rev: string, inventoryDir: string): Promise<string> {
  return (await materializeWithPrefix(ctx, rev, inventoryDir)).dir
}

/** As materialize, and also the inventory folder's path inside the repository (to map files back). */
export async function materializeWithPrefix(ctx: GitContext, rev: string, inventoryDir: string): Promise<{dir: string; prefix: string; hash: string}> {
  const hash = await resolveRev(ctx, rev)
  const rel = relative(ctx.root, resolve(inventoryDir)).split(sep).join('/')
  const tmp = await mkdtemp(join(tmpdir(), 'irm-audit-rev-'))
  const listing = await ctx.git.raw(['ls-tree', '-r', '-z', '--name-only', hash, '--', rel || '.'])
  for (const path of listing.split('\0').filter(Boolean)) {
    if (!/\.(ya?ml|json)$/i.test(path)) continue
    const content = await ctx.git.raw(['show', `${hash}:${path}`])
    const inner = rel ? path.slice(rel.length + 1) : path
    if (inner.startsWith('..') || inner.includes(`..${sep}`)) continue
    const target = join(tmp, inner)
    await mkdir(dirname(target), {recursive: true})
    await writeFile(target, content)
  }
  return {dir: tmp, prefix: rel, hash}
}

/** Commits between base and head touching a path, newest first. */
export async function commitsBetween(ctx: GitContext, base: string, head: string, path: string): Promise<LineCommit[]> {
  const rel = relative(ctx.root, resolve(path)).split(sep).join('/') || '.'
  try {
    const log = await ctx.git.log({from: base, to: head, file: rel})
    return log.all.map((c) => ({hash: c.hash, author: c.author_name, date: new Date(c.date).toISOString(), summary: c.message}))
  } catch {
    return []
  }
}
