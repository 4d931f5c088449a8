/**
 * Where a run's policy pack and suppression file come from, the same way for every command:
 * `irm-audit.policy.yaml` and `.irm-audit-ignore.yaml` at the git top level of the inventory folder
 * (else its parent folder); `--policy` files add on top, `--ignore` replaces the suppression file.
 *
 * With `policyFrom` (a git revision, `diff --baseline` by default) every one of these files that lies in
 * the repository is read as it is at that revision, so a pull request cannot loosen its own gate: its
 * edits to the policy or the suppressions apply once merged, and are listed at the top of the report.
 */
import {existsSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {dirname, isAbsolute, join, relative, resolve, sep} from 'node:path'

import {simpleGit} from 'simple-git'

import {IrmError} from '../core/errors.js'
import {displayPath} from '../diff/live.js'
import {dubiousOwnership, type GitContext, isRepo, openRepo, resolveRev} from '../git/repo.js'

export const POLICY_FILE = 'irm-audit.policy.yaml'
export const IGNORE_FILE = '.irm-audit-ignore.yaml'

export interface GateFile {
  /** Absolute path on disk (of the file, or of where it would be in the checkout). */
  path: string
  /** As reports name it: relative to the display base, `@<commit>` when read from a revision. */
  display: string
  text: string
}

export interface GateFiles {
  /** The folder where the files are looked for. */
  home: string
  /** Discovered pack first, then each `--policy`. */
  policies: GateFile[]
  ignore?: GateFile
  /** Set when the files were read from a revision. */
  policyFrom?: {rev: string; commit: string}
  /** The repository, when the inventory is in one (for the gate report). */
  repo?: GitContext
}

export interface GateOptions {
  inventoryDir: string
  /** `--policy` files (paths from the current folder). */
  policy?: string[]
  /** `--ignore` file. */
  ignore?: string
  /** A git revision to read the files from. */
  policyFrom?: string
  displayBase: string
}

/** The git top level of `dir`, or undefined when it is in no repository (or git is missing). */
export async function gitTopLevel(dir: string): Promise<string | undefined> {
  try {
    return (await simpleGit({baseDir: resolve(dir), timeout: {block: 30_000}}).revparse(['--show-toplevel'])).trim() || undefined
  } catch (e) {
    const refused = dubiousOwnership(e, dir)
    if (refused) throw refused
    return undefined
  }
}

/** The folder the configuration files are discovered in. */
export async function configHome(inventoryDir: string): Promise<string> {
  return (await gitTopLevel(inventoryDir)) ?? dirname(resolve(inventoryDir))
}

export async function gateFiles(options: GateOptions): Promise<GateFiles> {
  const home = await configHome(options.inventoryDir)
  const base = resolve(options.displayBase)
  let repo: GitContext | undefined
  let policyFrom: GateFiles['policyFrom']
  if (options.policyFrom) {
    const opened = await openRepo(options.inventoryDir)
    if (!isRepo(opened)) {
      throw new IrmError('GIT', `--policy-from ${options.policyFrom}: ${opened.reason}`, {hint: 'Run in the inventory repository, or drop --policy-from.'})
    }
    repo = opened
    policyFrom = {rev: options.policyFrom, commit: await resolveRev(opened, options.policyFrom)}
  } else {
    const opened = await openRepo(options.inventoryDir)
    if (isRepo(opened)) repo = opened
  }
  const read = async (path: string, required: boolean, what: 'policy' | 'ignore'): Promise<GateFile | undefined> => {
    const shown = displayPath(path, base)
    const inRepo = repo && isInside(repo.root, path)
    if (policyFrom && repo && inRepo) {
      const inner = relative(repo.root, path).split(sep).join('/')
      try {
        return {path, display: `${shown}@${policyFrom.commit.slice(0, 12)}`, text: await repo.git.show([`${policyFrom.commit}:${inner}`])}
      } catch {
        return undefined // absent at that revision: the base had no such file
      }
    }
    if (!required && !existsSync(path)) return undefined
    try {
      return {path, display: shown, text: await readFile(path, 'utf8')}
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'error'
      throw what === 'policy'
        ? new IrmError('POLICY_INVALID', `cannot read the policy file: ${code}`, {file: shown, hint: 'Check the --policy path.'})
        : new IrmError('SUPPRESSION_INVALID', `cannot read the suppression file: ${code}`, {file: shown, hint: 'Check the --ignore path.'})
    }
  }
  const policies: GateFile[] = []
  const discovered = await read(join(home, POLICY_FILE), false, 'policy')
  if (discovered) policies.push(discovered)
  for (const p of options.policy ?? []) {
    const abs = resolve(p)
    if (discovered && abs === discovered.path) continue // named twice (workflows pass it explicitly)
    const f = await read(abs, true, 'policy')
    if (f) policies.push(f)
  }
  const ignore = options.ignore ? await read(resolve(options.ignore), true, 'ignore') : await read(join(home, IGNORE_FILE), false, 'ignore')
  return {home, policies, ...(ignore ? {ignore} : {}), ...(policyFrom ? {policyFrom} : {}), ...(repo ? {repo} : {})}
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path)
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}
