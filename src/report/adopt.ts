/** `adopt` as text: what was drafted, where, what is left for a human; the unified diff with --dry-run. */
import {plural} from '../core/plural.js'
import type {AdoptReport} from '../adopt/run.js'

export function renderAdoptText(r: AdoptReport): string {
  const lines: string[] = []
  if (r.dry_run && r.patch) lines.push(r.patch.replace(/\n$/, ''), '')
  if (r.nothing_to_add) lines.push(`nothing to add: ${r.inventory} already holds everything adopt would draft`)
  else {
    const a = r.added
    const parts = [
      a.contacts.length ? plural(a.contacts.length, 'contact') : '',
      a.zones.length ? plural(a.zones.length, 'zone') : '',
      a.devices.length ? plural(a.devices.length, 'device') : '',
      a.interfaces.length ? plural(a.interfaces.length, 'interface mapping') : '',
      a.access_points.length ? plural(a.access_points.length, 'access point') : '',
    ].filter(Boolean)
    lines.push(`${r.dry_run ? 'would add' : 'added'} ${parts.join(', ')} to ${r.inventory}:`)
    for (const f of r.files) lines.push(`  ${f.file}${f.created ? ' (new file)' : ''}`)
    lines.push('', 'Review the drafted entries in a pull request: every owner is owner-to-confirm and every "to confirm" comment needs a human.')
    if (r.dry_run) lines.push('(dry run: nothing written)')
  }
  if (r.notes.length) {
    lines.push('', `${plural(r.notes.length, 'note')}:`)
    for (const n of r.notes) lines.push(`  ${n.file ? `${n.file}${n.line ? `:${n.line}` : ''}: ` : ''}${n.message} [${n.code}]`)
  }
  return lines.join('\n')
}
