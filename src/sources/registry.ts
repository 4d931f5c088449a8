/**
 * Every live format, one row each. A duplicate type throws at load (two providers for one format
 * is a bug, not last-wins). Detection order does not matter: the highest confidence wins, a tie asks for --type.
 */
import {iptables} from './iptables.js'
import {nftables} from './nftables.js'
import {aws} from './aws.js'
import {azure} from './azure.js'
import {gcp} from './gcp.js'
import {pulumi} from './pulumi.js'
import {pulumiProgram} from './pulumi-program.js'
import {ciscoAsa} from './cisco-asa.js'
import {ciscoIos} from './cisco-ios.js'
import {junos} from './junos.js'
import {panos} from './panos.js'
import {fortios} from './fortios.js'
import {pfsense} from './pfsense.js'
import {openvpn} from './openvpn.js'
import {wireguard} from './wireguard.js'
import {strongswan} from './strongswan.js'
import {IrmError} from '../core/errors.js'
import type {SourceParser} from './types.js'
import {byCodeUnit} from '../core/order.js'

const PARSERS: readonly SourceParser[] = [
  iptables,
  nftables,
  aws,
  azure,
  gcp,
  pulumi,
  pulumiProgram,
  ciscoAsa,
  ciscoIos,
  junos,
  panos,
  fortios,
  pfsense,
  openvpn,
  wireguard,
  strongswan,
]

const BY_TYPE = new Map<string, SourceParser>()
for (const p of PARSERS) {
  if (BY_TYPE.has(p.type)) throw new Error(`two parsers registered for format '${p.type}'`)
  BY_TYPE.set(p.type, p)
}

export function allParsers(): readonly SourceParser[] {
  return PARSERS
}

export function parserFor(type: string): SourceParser {
  const p = BY_TYPE.get(type)
  if (!p) {
    throw new IrmError('CONFIG_UNKNOWN_FORMAT', `unknown config type '${type}'`, {
      hint: `Use one of: ${[...BY_TYPE.keys()].sort().join(', ')} (see 'irm-audit sources').`,
    })
  }
  return p
}

/** Highest-confidence parser for a file; never one that executes code (pulumi-program). */
export function detectParser(head: string, file: string): SourceParser {
  const scored = PARSERS.filter((p) => !p.executes)
    .map((p) => {
      let score = 0
      try {
        score = p.detect(head, file)
      } catch {
        score = 0
      }
      return {p, score}
    })
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || byCodeUnit(a.p.type, b.p.type))
  if (scored.length === 0) {
    throw new IrmError('CONFIG_UNKNOWN_FORMAT', 'cannot tell which kind of config this is', {
      file,
      hint: `Name the format with --type (or FILE:type); 'irm-audit sources' lists them.`,
    })
  }
  if (scored.length > 1 && scored[0].score === scored[1].score) {
    throw new IrmError(
      'CONFIG_AMBIGUOUS_FORMAT',
      `the config looks like both '${scored[0].p.type}' and '${scored[1].p.type}'`,
      {file, hint: 'Name the format with --type (or FILE:type).'},
    )
  }
  return scored[0].p
}
