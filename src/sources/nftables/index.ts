import {IrmError} from '../../core/errors.js'
import {stageDone} from '../../core/stages.js'
import {ParseLedger} from '../kit/ledger.js'
import type {ParseResult, SourceParser, Unparsed, UnparsedCode} from '../types.js'
import {toExposures} from './exposures.js'
import {readNftJson} from './json.js'
import type {NftRuleset} from './model.js'
import {readNftText, type TextResult} from './text.js'

function finish(ruleset: NftRuleset, read: Unparsed[], lines: number, ignored: TextResult['ignored'] = []): ParseResult {
  const {exposures, warnings, doubts, denies, nats} = toExposures(ruleset)
  stageDone('evaluate')
  const ledger = new ParseLedger()
  ledger.total(lines)
  for (const {line, reason} of ignored) ledger.ignored(line, reason)
  for (const u of read) ledger.add(u)
  // rules whose statements we did not fully understand
  for (const t of ruleset.values())
    for (const c of t.chains.values())
      for (const r of c.rules) {
        const problems = new Set<string>()
        let code: UnparsedCode | undefined
        for (const s of r.stmts) {
          if (s.t !== 'unknown') continue
          problems.add(s.desc)
          code ??= s.code
        }
        if (code) ledger.add({line: r.line, code, reason: [...problems].join('; '), text: r.text})
      }
  // a rule-graph warning only for a line that has no reason yet
  for (const w of warnings) if (ledger.verdictOf(w.line) !== 'unparsed') ledger.add(w)
  const {unparsed, stats, status} = ledger.finish()
  return {exposures, unparsed, ...(doubts.length ? {doubts} : {}), ...(denies.length ? {denies} : {}), ...(nats.length ? {nats} : {}), stats, status}
}

const JSON_HEAD = /^\s*\{\s*"nftables"\s*:/
const TABLE_BLOCK = /^[ \t]*table[ \t]+(?:(?:ip|ip6|inet|arp|bridge|netdev)[ \t]+)?[\w.-]+[ \t]*\{/m
const BASE_CHAIN = /\btype\s+(?:filter|nat|route)\s+hook\s+\w+/
const COMMANDS = /^[ \t]*(?:(?:sudo[ \t]+)?(?:\S*\/)?nft[ \t]+)?(?:add|insert)[ \t]+(?:rule|chain)[ \t]+(?:ip|ip6|inet|arp|bridge|netdev)[ \t]/m

export const nftables: SourceParser = {
  type: 'nftables',
  description: 'nftables rulesets: `nft list ruleset` text, `nft -f` files, and `nft -j list ruleset` JSON',
  detection: '`table <family> <name> {` blocks with `type filter hook …` chains, `add rule …` commands, or JSON with an `nftables` array',
  extensions: ['.nft', '.conf', '.json'],
  detect(head) {
    if (JSON_HEAD.test(head)) return 1
    if (TABLE_BLOCK.test(head)) return BASE_CHAIN.test(head) || /\bchain\s+\S+\s*\{/.test(head) ? 1 : 0.7
    if (/^#!\S*\/nft\b/.test(head)) return 0.9
    if (COMMANDS.test(head)) return 0.8
    return 0
  },
  parse(text, {file}) {
    if (/^\s*[[{]/.test(text)) {
      let doc: unknown
      try {
        doc = JSON.parse(text)
      } catch (e) {
        const pos = /position (\d+)/.exec((e as Error).message)
        const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined
        throw new IrmError('CONFIG_SYNTAX', 'this nftables JSON cannot be read (truncated or invalid JSON)', {file, line, hint: 'Export it again with `nft -j list ruleset`.'})
      }
      if (typeof doc !== 'object' || doc === null || !Array.isArray((doc as {nftables?: unknown}).nftables)) {
        throw new IrmError('CONFIG_WRONG_FORMAT', 'JSON without an `nftables` array is not an nftables ruleset', {file, hint: 'Export it with `nft -j list ruleset`, or pass the right --type.'})
      }
      const r = readNftJson(doc as Parameters<typeof readNftJson>[0], text)
      return finish(r.ruleset, r.unparsed, r.lines)
    }
    const r = readNftText(text)
    stageDone('model')
    const result = finish(r.ruleset, r.unparsed, r.lines, r.ignored)
    if (r.ruleset.size === 0 && result.stats.lines > 0 && result.stats.understood === 0) {
      throw new IrmError('CONFIG_WRONG_FORMAT', 'no nftables table, chain or rule in this file', {
        file,
        line: result.unparsed[0]?.line,
        hint: 'Export the rules with `nft list ruleset` (or `nft -j list ruleset`), or pass the right --type.',
      })
    }
    return result
  },
}
