/**
 * Junos (SRX and routers): `display set` output and the hierarchical `show configuration` form.
 * read.ts turns either into set-paths with line numbers, build.ts into the vendor model,
 * exposures.ts into normalized exposures.
 */
import {ParseLedger} from '../kit/ledger.js'
import {IrmError} from '../../core/errors.js'
import {stageDone} from '../../core/stages.js'
import {emptyDevice} from '../../model/device.js'
import {redactLine} from '../redact.js'
import type {Exposure} from '../../model/exposure.js'
import type {SourceParser, Unparsed} from '../types.js'
import {buildConfig} from './build.js'
import type {ExposureProblem} from './common.js'
import {attachExposures, describeDevice} from './device.js'
import {composeNat} from '../../model/nat.js'
import {toExposures} from './exposures.js'
import {junosNatOrder} from './nat.js'
import {type ReadResult, readJunos} from './read.js'

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
    const read = readJunos(text, file)
    if (read.count === 0 && read.problems.length > 0) {
      throw new IrmError('CONFIG_WRONG_FORMAT', 'no Junos statement found', {
        file,
        line: read.problems[0].line,
        hint: 'Export with `show configuration | display set` or `show configuration`, or pick another --type.',
      })
    }
    stageDone('tokenize')
    const ledger = junosLedger(read)
    const {config, unparsed: misses} = buildConfig(read.statements, ledger)
    stageDone('model')
    const device = describeDevice(config, read.statements)
    const converted = toExposures(config)
    // destination/static NAT opens only what a security policy passes after translation
    const {exposures, doubts} = composeNat(converted.exposures, junosNatOrder(device))
    attachExposures(config, exposures)
    convertProblems(ledger, converted.problems, read, [...read.problems, ...misses])
    redactTexts(exposures)
    const {unparsed, stats, status} = ledger.finish()
    const {denies} = converted
    return {exposures, unparsed, ...(doubts.length ? {doubts} : {}), ...(denies.length ? {denies} : {}), stats, status, device}
  },
}

/**
 * The ledger counts source statements by id (one line may hold several, a `[ ]` list is one), the
 * set form's directive lines (understood, no statement) and the lines the reader could not read.
 */
function junosLedger(read: ReadResult): ParseLedger {
  const ledger = new ParseLedger()
  ledger.total(read.count)
  ledger.count(read.directives + read.problems.length)
  for (const p of read.problems) ledger.add(p, {cost: 1})
  return ledger
}

/**
 * A statement read fine whose meaning the converter could not use (an undefined filter, an unknown NAT
 * action) is not understood after all: the statements on its line leave the understood count.
 */
function convertProblems(ledger: ParseLedger, problems: ExposureProblem[], read: ReadResult, reported: Unparsed[]): void {
  if (problems.length === 0) return
  const idsByLine = new Map<number, number[]>()
  for (const s of read.statements) {
    const ids = idsByLine.get(s.line)
    if (ids) ids.push(s.id)
    else idsByLine.set(s.line, [s.id])
  }
  const seen = new Set(reported.map((u) => `${u.line}\u0000${u.reason}`))
  for (const p of problems) {
    const key = `${p.line}\u0000${p.reason}`
    if (seen.has(key)) continue
    seen.add(key)
    for (const id of idsByLine.get(p.line) ?? []) ledger.lost(id)
    ledger.add({line: p.line, code: p.code, reason: p.reason, text: redactLine(p.text)}, {cost: 0})
  }
}

/** Exposure texts echo config text: redacted once per distinct text (a policy's boxes share one). */
function redactTexts(exposures: Exposure[]): void {
  let raw: string | undefined
  let done = ''
  for (const e of exposures) {
    if (e.text === undefined) continue
    if (e.text !== raw) {
      raw = e.text
      done = redactLine(raw)
    }
    e.text = done
  }
}
