/** Writing reports: atomically (temp file + rename), never over an inventory file. */
import {randomBytes} from 'node:crypto'
import {rename, writeFile, unlink} from 'node:fs/promises'
import {basename, dirname, join, resolve, sep} from 'node:path'

import {IrmError} from '../core/errors.js'

export async function writeAtomic(path: string, content: string, protectedDirs: string[] = []): Promise<void> {
  const target = resolve(path)
  for (const d of protectedDirs) {
    const dir = resolve(d)
    if (target === dir || target.startsWith(dir + sep)) {
      if (/\.(ya?ml|json)$/i.test(target)) {
        throw new IrmError('OUTPUT_WRITE', 'refusing to write a report over an inventory file', {
          file: path,
          hint: 'Choose an --output path outside the inventory folder.',
        })
      }
    }
  }
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(tmp, content, {mode: 0o644})
    await rename(tmp, target)
  } catch (e) {
    await unlink(tmp).catch(() => {})
    throw new IrmError('OUTPUT_WRITE', `cannot write the report: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {
      file: path,
      hint: 'Check that the folder exists and is writable.',
    })
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
