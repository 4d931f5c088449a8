/**
 * `irm-audit init`: copy the templates into a folder, never over an existing file unless forced. The
 * inventory template's dates are `${AS_OF}`, written as the day of the run so that a fresh repository
 * passes its own readiness gate instead of ageing from a date fixed in the template.
 */
import {existsSync} from 'node:fs'
import {mkdir, readFile, writeFile} from 'node:fs/promises'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

import {IrmError} from '../core/errors.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..')

/** Template → destination (relative to the scaffolded folder). */
const FILES: ReadonlyArray<[string, string]> = [
  ['templates/init/inventory/inventory.yaml', 'inventory/inventory.yaml'],
  ['templates/init/inventory/live/fw-edge.rules', 'inventory/live/fw-edge.rules'],
  ['templates/init/irm-audit.policy.yaml', 'irm-audit.policy.yaml'],
  ['templates/init/.irm-audit-ignore.yaml', '.irm-audit-ignore.yaml'],
  ['.github/workflows/irm-audit.yml', '.github/workflows/irm-audit.yml'],
]

export interface ScaffoldResult {
  dir: string
  written: string[]
  skipped: string[]
}

export interface ScaffoldOptions {
  force?: boolean
  /** YYYY-MM-DD written for every date of the starter inventory. */
  asOf: string
}

export async function scaffold(dir: string, options: ScaffoldOptions): Promise<ScaffoldResult> {
  const target = resolve(dir)
  const result: ScaffoldResult = {dir: relative(process.cwd(), target) || '.', written: [], skipped: []}
  for (const [from, to] of FILES) {
    const dest = join(target, to)
    if (existsSync(dest) && !options.force) {
      result.skipped.push(to)
      continue
    }
    try {
      await mkdir(dirname(dest), {recursive: true})
      await writeFile(dest, (await readFile(join(ROOT, from), 'utf8')).replaceAll('${AS_OF}', options.asOf))
    } catch (e) {
      throw new IrmError('OUTPUT_WRITE', `cannot write ${to}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, {file: join(result.dir, to), hint: 'Check that the folder is writable.'})
    }
    result.written.push(to)
  }
  return result
}
