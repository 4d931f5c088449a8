import {IrmError} from '../../core/errors.js'
import {ParseLedger} from '../kit/ledger.js'
import type {ParseResult, SourceParser} from '../types.js'
import {toExposures} from './exposures.js'
import {type ReadResult, readIptables, readLines, type SourceLine} from './read.js'

export {parseCommandWords, shellWords, type SourceLine} from './read.js'

function finish(read: ReadResult): ParseResult {
  const {exposures, warnings, doubts, denies, nats} = toExposures(read.ruleset)
  const ledger = new ParseLedger()
  ledger.total(read.lines)
  for (const r of read.replaced) {
    const what = r.line ? `the *${r.table} block at line ${r.line}` : `the ${r.table} rules before line ${r.by}`
    ledger.doubt(r.line || r.lines[0], 'replaced-block', `${what} is replaced by the *${r.table} block at line ${r.by} (iptables-restore flushes a table each time a block starts it): its rules are not in effect`)
    for (const line of r.lines) ledger.ignored(line, `replaced by the *${r.table} block at line ${r.by}`)
  }
  for (const u of read.unparsed) ledger.add(u)
  // a rule-graph warning only for a line that has no reason yet
  for (const w of warnings) if (ledger.verdictOf(w.line) !== 'unparsed') ledger.add(w)
  const {unparsed, stats, status, doubts: fileDoubts} = ledger.finish()
  const allDoubts = [...fileDoubts, ...doubts]
  return {exposures, unparsed, ...(allDoubts.length ? {doubts: allDoubts} : {}), ...(denies.length ? {denies} : {}), ...(nats.length ? {nats} : {}), stats, status}
}

/**
 * Parse iptables commands given one per entry with their own line numbers, e.g. WireGuard
 * `PostUp = iptables -A FORWARD -i %i -j ACCEPT; iptables -t nat -A POSTROUTING -o eth0 -j MASQUERADE`.
 * Chains without an explicit `-P` have no policy here: only the rules' own ACCEPTs are exposures.
 */
export function parseIptablesCommands(lines: SourceLine[], file = ''): ParseResult {
  return finish(readLines(lines, file))
}

const SAVE_TABLE = /^\*(filter|nat|mangle|raw|security)[ \t\r]*$/m
const SAVE_CHAIN = /^:[^\s]+ (ACCEPT|DROP|-) \[\d+:\d+\][ \t\r]*$/m
const SAVE_RULE = /^(\[\d+:\d+\][ \t]+)?-A \S+/m
const COMMAND = /^[ \t]*(sudo[ \t]+)?(\S*\/)?ip6?tables(-legacy|-nft)?[ \t]/
const COMMAND_VERB = /[ \t](-[AIPN]|--append|--insert)[ \t]/

/** A line of a shell script that adds a rule (`iptables -A …`), line by line: one regex over the head is quadratic. */
function hasCommand(head: string): boolean {
  return head.split('\n').some((line) => {
    const m = COMMAND.exec(line)
    return m !== null && COMMAND_VERB.test(line.slice(m[0].length - 1))
  })
}

export const iptables: SourceParser = {
  type: 'iptables',
  description: 'iptables-save / ip6tables-save output, or shell scripts of iptables / ip6tables commands',
  detection: '`*filter`/`*nat` table headers with `:CHAIN POLICY [p:b]` lines and `-A` rules; `iptables -S` output (`-P INPUT DROP`, `-A …`); or `iptables -A …` commands',
  extensions: ['.rules', '.v4', '.v6', '.iptables', '.iptables-save', '.sh'],
  detect(head) {
    const table = SAVE_TABLE.test(head)
    const chain = SAVE_CHAIN.test(head)
    if (table && chain) return SAVE_RULE.test(head) ? 1 : 0.9
    if (hasCommand(head)) return 0.8
    // `iptables -S` output: `-P INPUT DROP`, `-N chain`, `-A …` without table headers
    if (SAVE_RULE.test(head) && /^-P (INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING) (ACCEPT|DROP)[ \t\r]*$/m.test(head)) return 0.9
    if (SAVE_RULE.test(head) && /^-A (INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING) /m.test(head)) return 0.6
    return 0
  },
  parse(text, {file}) {
    const result = finish(readIptables(text, file))
    if (result.stats.lines > 0 && result.stats.understood === 0) {
      throw new IrmError('CONFIG_WRONG_FORMAT', 'no line reads as iptables-save output or an iptables command', {
        file,
        line: result.unparsed[0]?.line,
        hint: 'Export the rules with `iptables-save` (and `ip6tables-save`), or pass the right --type.',
      })
    }
    return result
  },
}
