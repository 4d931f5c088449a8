/** Human-readable `irm-audit parse` output: one table of exposures, then every unparsed line. */
import type {Paint} from './output.js'
import type {ParseReport} from './parse-report.js'

function cell(values: string[] | undefined, max = 3): string {
  if (!values || values.length === 0) return '-'
  if (values.length === 2 && values[0] === '0.0.0.0/0' && values[1] === '::/0') return 'any'
  return values.length > max ? `${values.slice(0, max).join(',')},+${values.length - max}` : values.join(',')
}

function table(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd())
}

export function renderParseText(report: ParseReport, p: Paint): string {
  const out: string[] = []
  out.push(p.bold(`${report.file} (${report.type})`))
  out.push(`${report.exposures.length} exposures, ${report.unparsed.length} unparsed, ${report.stats.understood}/${report.stats.lines} lines understood`)
  out.push('')
  if (report.exposures.length) {
    const rows = [['LINE', 'KIND', 'DIR', 'FROM', 'TO', 'SERVICE', 'NAT', 'RULE']]
    for (const e of report.exposures) {
      const service = e.protocol === 'any' ? (e.except_protocols ? `any except ${e.except_protocols.length}` : 'any') : e.ports.length ? `${e.protocol}/${e.ports.join(',')}` : e.protocol
      const nat = e.translated ? `→ ${cell(e.translated.to, 1)}${e.translated.ports ? `:${e.translated.ports.join(',')}` : ''}` : ''
      const from = e.from_sets?.length ? `${cell(e.from)} [${e.from_sets.join(',')}]` : cell(e.from)
      rows.push([e.file ? `${e.file}:${e.line}` : String(e.line), e.kind, e.direction === 'inbound' ? 'in' : 'out', from, cell(e.to), service, nat, e.rule])
    }
    out.push(...table(rows))
  }
  if (report.unparsed.length) {
    out.push('')
    out.push(p.yellow(`Not understood (${report.unparsed.length}):`))
    for (const u of report.unparsed) out.push(`  ${u.file ?? report.file}:${u.line}${u.path ? ` ${u.path}` : ''}: ${u.reason}${u.text ? `\n      ${u.text}` : ''}`)
  }
  return out.join('\n')
}
