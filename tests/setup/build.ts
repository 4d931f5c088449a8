/**
 * vitest globalSetup: the tests that run the built binary (`node bin/run.js`) need dist/ to match src/.
 * Compile once per run, and only when a source file is newer than the newest compiled one (others'
 * files may still have type errors: tsc emits anyway, and every spawning test checks its own result).
 */
import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'

const ROOT = join(import.meta.dirname, '../..')

function newest(dir: string, ext: RegExp): number {
  if (!existsSync(dir)) return 0
  let latest = 0
  for (const e of readdirSync(dir, {withFileTypes: true, recursive: true})) {
    if (e.isFile() && ext.test(e.name)) latest = Math.max(latest, statSync(join(e.parentPath, e.name)).mtimeMs)
  }
  return latest
}

export default function setup(): void {
  const src = Math.max(newest(join(ROOT, 'src'), /\.ts$/), statSync(join(ROOT, 'package.json')).mtimeMs)
  if (src <= newest(join(ROOT, 'dist'), /\.js$/)) return
  spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], {cwd: ROOT, stdio: 'ignore', timeout: 300_000})
}
