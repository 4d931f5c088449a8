/**
 * Junos (SRX and routers): `display set` output and the hierarchical `show configuration` form.
 * read.ts turns either into set-paths with line numbers, build.ts into the vendor model,
 * exposures.ts into normalized exposures.
 */
import {ParseLedger} from '../kit/ledger.js'
import {IrmError} from '../../core/errors.js'
import {emptyDevice} from '../../model/device.js'
import {redactLine} from '../redact.js'
import type {SourceParser, Unparsed} from '../types.js'
import {buildConfig} from './build.js'
import {attachExposures, describeDevice} from './device.js'
import {composeNat} from '../../model/nat.js'
import {toExposures} from './exposures.js'
import {junosNatOrder} from './nat.js'
import {readJunos} from './read.js'

// top-level statements only Junos writes, in either form
const JUNOS_SET = /^(?:set|deactivate) (?:groups node[01] |system (?:host-name|services|login|syslog|root-authentication)|interfaces \S+ unit |security (?:zones|policies|nat|ike|ipsec|address-book|screen)|firewall (?:family|filter)|applications application|policy-options|routing-options|protocols|snmp|chassis|version)\b/gm
const JUNOS_TREE = /^(?:(?:inactive|replace): )?(?:system|interfaces|security|firewall|applications|policy-options|routing-options|protocols|snmp|chassis) \{[ \t\r]*$|^[ \t]*version \S+;|^## Last commit|^#RANCID-CONTENT-TYPE: juniper|^[ \t]*(?:security-zone|from-zone \S+ to-zone|address-book|host-inbound-traffic|unit \d+) /gm
// PAN-OS set and brace configs share `set`, `system {` and `security {`
const PANOS = /^[ \t]*(?:set )?(?:deviceconfig|rulebase|vsys|mgt-config)\b/m

export const junos: SourceParser = {
  type: 'junos',
  description: 'Juniper Junos / SRX configuration (set commands or the hierarchical form)',
  detection: "'set security …'/'set interfaces … unit' commands, or 'system {'/'security {' blocks and 'version x;'",
  extensions: ['.conf', '.set', '.cfg', '.txt'],
  detect(head) {
    const set = head.match(JUNOS_SET)?.length ?? 0
    const tree = head.match(JUNOS_TREE)?.length ?? 0
    const hits = set + tree
    if (hits === 0 || PANOS.test(head)) return 0
    return Math.min(0.95, 0.5 + hits * 0.05)
  },
  parse(text, {file}) {
    if (text.trim() === '') return {exposures: [], unparsed: [], stats: {lines: 0, understood: 0}, device: emptyDevice()}
    const read = readJunos(text)
    if (read.count === 0 && read.problems.length > 0) {
      throw new IrmError('CONFIG_WRONG_FORMAT', 'no Junos statement found', {
        file,
        line: read.problems[0].line,
        hint: 'Export with `show configuration | display set` or `show configuration`, or pick another --type.',
      })
    }
    const built = buildConfig(read.statements)
    const device = describeDevice(built.config, read.statements)
    const built0 = toExposures(built.config)
    const {problems} = built0
    // destination/static NAT opens only what a security policy passes after translation
    const {exposures, doubts} = composeNat(built0.exposures, junosNatOrder(device))
    attachExposures(built.config, exposures)
    const ledger = new ParseLedger()
    for (const u of [...read.problems, ...built.unparsed]) ledger.add(u, {cost: 0})
    const seen = new Set([...read.problems, ...built.unparsed].map((u) => `${u.line}\u0000${u.reason}`))
    const idsByLine = new Map<number, number[]>()
    for (const s of read.statements) idsByLine.set(s.line, [...(idsByLine.get(s.line) ?? []), s.id])
    for (const p of problems) {
      const key = `${p.line}\u0000${p.reason}`
      if (seen.has(key)) continue
      seen.add(key)
      // a statement read fine whose meaning we could not use is not understood after all
      for (const id of idsByLine.get(p.line) ?? []) built.understood.delete(id)
      ledger.add({...p, text: redactLine(p.text)}, {cost: 0})
    }
    for (const e of exposures) if (e.text !== undefined) e.text = redactLine(e.text)
    // statements are counted by id (one line may hold several): the build knows which ids it understood
    const lines = read.count + read.directives + read.problems.length
    ledger.count(lines)
    ledger.miss(lines - built.understood.size - read.directives)
    const {unparsed, stats, status} = ledger.finish()
    const {denies} = built0
    return {exposures, unparsed, ...(doubts.length ? {doubts} : {}), ...(denies.length ? {denies} : {}), stats, status, device}
  },
}
