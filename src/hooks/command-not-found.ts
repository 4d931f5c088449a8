/**
 * A mistyped command: say which commands are close ("did you mean") and exit 2 as any usage error.
 * Not @oclif/plugin-not-found: it asks a question on a terminal, and CI scripts must never wait.
 */
import type {Hook} from '@oclif/core'

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
export function distance(a: string, b: string): number {
  const d = Array.from({length: a.length + 1}, (_, i) => Array.from({length: b.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** Commands within a third of the typed length (at least 2 edits), closest first; or those it begins. */
export function suggestions(typed: string, commands: readonly string[]): string[] {
  const t = typed.toLowerCase()
  const scored = commands.map((c) => ({c, d: c.startsWith(t) && t.length >= 2 ? 0 : distance(t, c)}))
  const limit = Math.max(2, Math.floor(t.length / 3))
  return scored
    .filter((s) => s.d <= limit)
    .sort((a, b) => a.d - b.d || (a.c < b.c ? -1 : 1))
    .map((s) => s.c)
}

const hook: Hook.CommandNotFound = async function (options) {
  const ids = options.config.commands.filter((c) => !c.hidden).map((c) => c.id)
  const close = suggestions(options.id, ids)
  const hint = close.length ? `Did you mean ${close.map((c) => `'${c}'`).join(' or ')}?` : `See '${options.config.bin} --help' for the commands.`
  process.stderr.write(`irm-audit: '${options.id}' is not an irm-audit command. ${hint}\n`)
  process.exitCode = 2
  // returning ends the run without oclif's own "command not found" error
}

export default hook
