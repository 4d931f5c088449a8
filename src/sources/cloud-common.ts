/**
 * What the cloud parsers (aws, azure, gcp, pulumi) share: the bookkeeping of rules read vs understood,
 * a safe one-line text for a JSON rule, and the step from an evaluator permit to an Exposure.
 * For JSON formats a "line" of the stats is one rule object (or one resource), as DESIGN allows.
 */
import type {Attachment} from '../model/device.js'
import type {Denial, Exposure, ExposureKind, Direction} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import type {Box} from '../net/match.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {hasPorts} from '../net/protocol.js'
import type {EvalResult} from '../model/evaluate.js'
import {isObject, type JsonValue} from './json-positions.js'
import {jsonMayHoldSecret, REDACTED, redactLine} from './redact.js'
import {buildExposure} from '../model/build.js'
import type {DoubtNote} from '../model/doubts.js'
import {ParseLedger} from './kit/ledger.js'
import type {ParseResult, UnparsedCode} from './types.js'

/** Pulumi marks a secret value with this signature key; its payload is never read nor printed. */
export const PULUMI_SECRET_SIG = '4dabf18193072939515e22adb298388d'

// keys whose values are secrets in AWS/Azure/GCP/Pulumi exports, whatever their casing
const SECRET_KEY = /pre_?shared|psk|password|passphrase|secret|private_?key|token|ciphertext|plaintext|customergatewayconfiguration|sharedkey|auth_?key/i

const MAX_TEXT = 400

/** One line of JSON for a rule: secret-looking keys and Pulumi secrets dropped, redacted, shortened. */
export function ruleText(value: JsonValue | undefined): string {
  const json = JSON.stringify(value ?? null, (key, v: JsonValue) => {
    if (key && SECRET_KEY.test(key)) return REDACTED
    if (isObject(v) && PULUMI_SECRET_SIG in v) return REDACTED
    // pulumi bookkeeping, not configuration
    if (key === '__defaults' || key === '__meta') return undefined
    return v
  })
  // most rules hold no secret word: their JSON skips the redaction chain (20 patterns per rule)
  const text = json !== undefined && !jsonMayHoldSecret(json) ? json : redactLine(json ?? 'null')
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text
}

/**
 * Collects the exposures of one file and keeps its ledger: a counted unit is one rule or resource,
 * understood or not; what was not understood is reported with its path (entries cost no unit of
 * their own: the rule's count says whether it was understood).
 */
export class ParseState {
  readonly exposures: Exposure[] = []
  /** Denies as the evaluator applied them (the line that decides a blocked flow). */
  readonly denies: Denial[] = []
  private readonly ledger = new ParseLedger()

  /** Count one rule; `understood` false when part of it went to unparsed. */
  count(understood: boolean): void {
    this.ledger.count(1)
    if (!understood) this.ledger.miss(1)
  }

  /** Report what was not understood; `text` is already safe (from ruleText); `file` names the input of a multi-file device. */
  unknown(line: number, code: UnparsedCode, reason: string, text: string, where: {path?: string; file?: string} = {}): void {
    this.ledger.unparsed(Math.max(1, line), reason, text, {code, cost: 0, ...(where.path ? {path: where.path} : {}), ...(where.file ? {file: where.file} : {})})
  }

  result(): ParseResult {
    const {unparsed, stats, status} = this.ledger.finish()
    return {exposures: this.exposures, unparsed, stats, status, ...(this.denies.length ? {denies: this.denies} : {})}
  }
}

/** What an exposure carries besides its box. */
export interface ExposureMeta {
  kind: ExposureKind
  direction: Direction
  line: number
  rule: string
  /** The rule's stable name (NSG rule, firewall rule), when the provider names rules. */
  name?: string
  text?: string
  fromZones?: string[]
  toZones?: string[]
  fromSets?: string[]
  toSets?: string[]
  doubts?: DoubtNote[]
  /** The rule's real source is only named sets: the box used `any` for ordering, the exposure says empty. */
  namedSourceOnly?: boolean
  namedDestinationOnly?: boolean
  /** Where the rule applies (the ENIs, subnets or NICs it is attached to), when the input says. */
  ingress?: Attachment
  egress?: Attachment
  /** The input file of the rule, when one device reads several. */
  file?: string
}

export function exposureOf(b: Box, meta: ExposureMeta): Exposure {
  return buildExposure({
    kind: meta.kind,
    direction: meta.direction,
    box: {...b, from: meta.namedSourceOnly ? AddressSet.EMPTY : b.from, to: meta.namedDestinationOnly ? AddressSet.EMPTY : b.to},
    line: meta.line,
    rule: meta.rule,
    ...(meta.name ? {name: meta.name} : {}),
    ...(meta.text !== undefined ? {text: meta.text} : {}),
    ...(meta.fromZones?.length ? {fromZones: meta.fromZones} : {}),
    ...(meta.toZones?.length ? {toZones: meta.toZones} : {}),
    ...(meta.fromSets ? {fromSets: meta.fromSets} : {}),
    ...(meta.toSets ? {toSets: meta.toSets} : {}),
    ...(meta.ingress ? {ingress: meta.ingress} : {}),
    ...(meta.egress ? {egress: meta.egress} : {}),
    ...(meta.file ? {file: meta.file} : {}),
    ...(meta.doubts ? {doubts: meta.doubts} : {}),
  })
}

/** Every permit of an evaluation as exposures; evaluator warnings become unparsed entries. */
export function permitsToExposures(result: EvalResult<ExposureMeta>, state: ParseState): void {
  // A named-only peer (instances, groups) was `any` for ordering, so a deny on some addresses split it
  // into pieces; the members may sit on either side of that deny, so the pieces are joined again
  // (recall first) and the exposure says "empty, named" as before.
  const joined = new Map<ExposureMeta, Map<string, {index: number; box: Box}>>()
  for (const p of result.permits) {
    if (!p.meta.namedSourceOnly && !p.meta.namedDestinationOnly) {
      state.exposures.push(exposureOf(p.box, p.meta))
      continue
    }
    const byProtocols = joined.get(p.meta) ?? new Map<string, {index: number; box: Box}>()
    joined.set(p.meta, byProtocols)
    const key = p.box.protocols.toStrings().join(',')
    const seen = byProtocols.get(key)
    if (!seen) {
      byProtocols.set(key, {index: state.exposures.length, box: p.box})
      state.exposures.push(exposureOf(p.box, p.meta))
      continue
    }
    seen.box = {...seen.box, ports: seen.box.ports.union(p.box.ports), sourcePorts: seen.box.sourcePorts.union(p.box.sourcePorts)}
    state.exposures[seen.index] = exposureOf(seen.box, p.meta)
  }
  // the evaluator's only warnings are about jumps: to a chain that does not exist, or around a loop
  for (const w of result.warnings) state.unknown(w.meta.line, w.reason.startsWith('jump to unknown') ? 'undefined-reference' : 'unsupported', w.reason, w.meta.text ?? '', {file: w.meta.file})
  for (const d of result.denies ?? []) state.denies.push({line: d.meta.line, rule: d.meta.rule, box: d.box, direction: d.meta.direction, ...(d.meta.file ? {file: d.meta.file} : {})})
}

/**
 * Boxes of one protocol/port clause. Protocols with ports and without ports never share a box
 * (a box never says "icmp port 22"), so a clause naming both is split.
 */
export function serviceBoxes(protocols: ProtocolSet, ports: PortSet, sourcePorts: PortSet = PortSet.ALL): Array<Pick<Box, 'protocols' | 'ports' | 'sourcePorts'>> {
  if (ports.isAll() && sourcePorts.isAll()) return [{protocols, ports, sourcePorts}]
  const withPorts = protocols.values().filter(hasPorts)
  const without = protocols.subtract(ProtocolSet.of(...withPorts))
  const out: Array<Pick<Box, 'protocols' | 'ports' | 'sourcePorts'>> = []
  if (withPorts.length) out.push({protocols: ProtocolSet.of(...withPorts), ports, sourcePorts})
  if (!without.isEmpty()) out.push({protocols: without, ports: PortSet.ALL, sourcePorts: PortSet.ALL})
  return out
}

/** `22`, `1000-2000`, `*`; null when not a port or range. */
export function parsePortText(text: string): PortSet | null {
  const t = text.trim()
  if (t === '*' || t.toLowerCase() === 'any' || t === '') return PortSet.ALL
  return PortSet.parse(t)
}

/** Parse a list of CIDRs; what does not read goes to `bad`. */
export function parseAddresses(texts: readonly string[], bad: string[]): AddressSet {
  const sets: AddressSet[] = []
  for (const t of texts) {
    const s = AddressSet.parse(t)
    if (s) sets.push(s)
    else bad.push(t)
  }
  return AddressSet.unionAll(sets)
}

/** Last segment of an ARM id or a URL (`.../networks/default` → `default`). */
export function lastSegment(id: string): string {
  const parts = id.split('/').filter(Boolean)
  return parts.length ? parts[parts.length - 1] : id
}
