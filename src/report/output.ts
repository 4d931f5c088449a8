/**
 * Writing reports. A regular file is replaced atomically (temp file + rename); a character device or a
 * FIFO (`/dev/null`, `/dev/stdout`, a named pipe) is written in place, never replaced; anything else
 * (a folder, a socket, a block device) is refused. Nothing is ever written inside the inventory folder:
 * both sides are compared by real path, so a symlinked folder or `..` does not get around it.
 */
import {once} from 'node:events'
import {constants, type Stats} from 'node:fs'
import {lstat, open, readdir, realpath, rename, stat, unlink, writeFile} from 'node:fs/promises'
import {basename, dirname, join, resolve, sep} from 'node:path'

import {IrmError} from '../core/errors.js'

/** `.<name>.irm-audit-<pid>.tmp`: the pid lets a later run tell a leftover of a killed run from a live one. */
const TMP = /^\.(.+)\.irm-audit-(\d+)\.tmp$/

export function tempName(target: string, pid = process.pid): string {
  return join(dirname(target), `.${basename(target)}.irm-audit-${pid}.tmp`)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Remove the temp files that a run killed before its rename left beside `target`. */
async function removeStaleTemps(target: string): Promise<void> {
  const names = await readdir(dirname(target)).catch(() => [] as string[])
  for (const name of names) {
    const m = TMP.exec(name)
    if (!m || m[1] !== basename(target)) continue
    const pid = Number(m[2])
    if (pid !== process.pid && alive(pid)) continue
    const path = join(dirname(target), name)
    // only a regular file: never follow a planted symlink or remove a folder
    if ((await lstat(path).catch(() => undefined))?.isFile()) await unlink(path).catch(() => {})
  }
}

/** The real path of `path`, or of its nearest existing parent with the rest appended. */
async function realTarget(path: string): Promise<string> {
  let head = resolve(path)
  const rest: string[] = []
  for (;;) {
    try {
      return join(await realpath(head), ...rest)
    } catch {
      const parent = dirname(head)
      if (parent === head) return resolve(path)
      rest.unshift(basename(head))
      head = parent
    }
  }
}

function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep)
}

function refuse(path: string, message: string, hint: string): never {
  throw new IrmError('OUTPUT_WRITE', message, {file: path, hint})
}

/** A failed write as a clear error; anything else (a bug in the renderer of chunks) passes through. */
function writeError(path: string, e: unknown): unknown {
  if (typeof (e as NodeJS.ErrnoException)?.code !== 'string') return e
  return new IrmError('OUTPUT_WRITE', `cannot write the report: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {
    file: path,
    hint: 'Check that the folder exists and is writable.',
  })
}

/** The chunks, then a newline unless the last one ends with one. */
export function* endWithNewline(chunks: Iterable<string>): Generator<string, void, undefined> {
  let last = ''
  for (const c of chunks) {
    if (c) last = c
    yield c
  }
  if (!last.endsWith('\n')) yield '\n'
}

/** Writes the chunks to a stream as they come, waiting for it to drain when its buffer is full. */
export async function writeChunks(stream: NodeJS.WritableStream, chunks: Iterable<string>): Promise<void> {
  for (const c of chunks) if (!stream.write(c)) await once(stream, 'drain')
}

/** `content` may be chunks (an Iterable of strings): they are written as they come, never joined. */
export async function writeAtomic(path: string, content: string | Iterable<string>, protectedPaths: string[] = []): Promise<void> {
  const real = await realTarget(path)
  for (const p of protectedPaths) {
    const guarded = [resolve(p), await realTarget(p)]
    if (guarded.some((g) => inside(real, g) || inside(resolve(path), g))) {
      refuse(path, 'refusing to write a report over an inventory file', 'Choose an --output path outside the inventory folder (its configs and live/ files included).')
    }
  }
  // stat follows symlinks: `/dev/stdout` → a pipe or a terminal
  const st: Stats | undefined = await stat(path).catch(() => undefined)
  if (st && (st.isCharacterDevice() || st.isFIFO())) {
    // O_NOCTTY: writing to a terminal must not make it ours; no O_CREAT, the device exists
    const fh = await open(path, constants.O_WRONLY | constants.O_NOCTTY).catch((e) => {
      throw writeError(path, e)
    })
    try {
      // one writeFile per chunk: each is written whole, after the one before (a device has no position)
      for (const chunk of typeof content === 'string' ? [content] : content) await fh.writeFile(chunk)
    } catch (e) {
      throw writeError(path, e)
    } finally {
      await fh.close().catch(() => {})
    }
    return
  }
  if (st && !st.isFile()) {
    const what = st.isDirectory() ? 'a folder' : st.isSocket() ? 'a socket' : st.isBlockDevice() ? 'a block device' : 'not a regular file'
    refuse(path, `refusing to write a report: the --output path is ${what}`, 'Give a file path (a regular file, a character device such as /dev/null, or a named pipe).')
  }
  // a symlink to a regular file: replace the file it points to, keep the link
  await removeStaleTemps(real)
  const tmp = tempName(real)
  try {
    await writeFile(tmp, content, {mode: 0o644, flag: 'wx'})
    await rename(tmp, real)
  } catch (e) {
    await unlink(tmp).catch(() => {})
    throw writeError(path, e)
  }
}

/** Colour only on a TTY, and never when NO_COLOR is set or --no-color is given. */
export function useColor(flagNoColor: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (flagNoColor) return false
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true
  return isTTY
}

export interface Paint {
  red(s: string): string
  yellow(s: string): string
  green(s: string): string
  bold(s: string): string
  dim(s: string): string
}

export function paint(enabled: boolean): Paint {
  const wrap = (a: number, b: number) => (s: string) => (enabled ? `\u001B[${a}m${s}\u001B[${b}m` : s)
  return {red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), bold: wrap(1, 22), dim: wrap(2, 22)}
}
