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
import {holdsSecretWord, jsonMayHoldSecret, MAX_ECHO, REDACTED, redactLine} from './redact.js'
import {buildExposure} from '../model/build.js'
import type {DoubtNote} from '../model/doubts.js'
import {ParseLedger} from './kit/ledger.js'
import type {ParseResult, UnparsedCode} from './types.js'

/** Pulumi marks a secret value with this signature key; its payload is never read nor printed. */
export const PULUMI_SECRET_SIG = '4dabf18193072939515e22adb298388d'

// keys whose values are secrets in AWS/Azure/GCP/Pulumi exports, whatever their casing
const SECRET_KEY = /pre_?shared|psk|password|passphrase|secret|private_?key|token|ciphertext|plaintext|customergatewayconfiguration|sharedkey|auth_?key/i

const MAX_TEXT = 400

// What the replacer of ruleText and the keyword prefilter would make of a rule, read from its strings:
const CLEAN = 0 // no replacer, no keyword: the JSON text is final as it is
const WORDS = 1 // no replacer; some string holds a keyword (or prints escaped): the text takes the prefilter
const REPLACE = 2 // a secret-named key or a Pulumi secret: printed through the replacer

// keys and short values seen so far and their verdicts: bounded, the strings are input
const seenKeys = new Map<string, number>()
const seenValues = new Map<string, number>()
const SEEN_MAX = 4096
const SEEN_LENGTH = 40

/** A key: REPLACE when the replacer touches it, WORDS when it holds a keyword, else CLEAN. */
function keyVerdict(key: string): number {
  let v = seenKeys.get(key)
  if (v === undefined) {
    v = SECRET_KEY.test(key) || key === '__defaults' || key === '__meta' ? REPLACE : wordVerdict(key)
    if (seenKeys.size < SEEN_MAX) seenKeys.set(key, v)
  }
  return v
}

/** A string as JSON prints it between its quotes: one with an escape is left to the whole-text test. */
function wordVerdict(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return WORDS
  }
  return holdsSecretWord(s) ? WORDS : CLEAN
}

function valueVerdict(s: string): number {
  if (s.length > SEEN_LENGTH) return wordVerdict(s)
  let v = seenValues.get(s)
  if (v === undefined) {
    v = wordVerdict(s)
    if (seenValues.size < SEEN_MAX) seenValues.set(s, v)
  }
  return v
}

/** The worst verdict over a value's keys and strings (numbers, booleans and null hold no keyword). */
function verdict(v: JsonValue): number {
  if (typeof v === 'string') return valueVerdict(v)
  if (v === null || typeof v !== 'object') return CLEAN
  let worst = CLEAN
  if (Array.isArray(v)) {
    for (const x of v) {
      const w = verdict(x)
      if (w === REPLACE) return REPLACE
      if (w > worst) worst = w
    }
    return worst
  }
  if (PULUMI_SECRET_SIG in v) return REPLACE
  for (const key in v) {
    const k = keyVerdict(key)
    if (k === REPLACE) return REPLACE
    const w = verdict(v[key])
    if (w === REPLACE) return REPLACE
    worst = Math.max(worst, k, w)
  }
  return worst
}

function replaceSecrets(key: string, v: JsonValue): JsonValue | undefined {
  if (key && SECRET_KEY.test(key)) return REDACTED
  if (isObject(v) && PULUMI_SECRET_SIG in v) return REDACTED
  // pulumi bookkeeping, not configuration
  if (key === '__defaults' || key === '__meta') return undefined
  return v
}

/** One line of JSON for a rule: secret-looking keys and Pulumi secrets dropped, redacted, shortened. */
export function ruleText(value: JsonValue | undefined): string {
  const v = value ?? null
  // most rules hold no secret-named key and no keyword: the replacer (a call per member) and the
  // prefilter over the whole text would change nothing, and the strings were tested one by one
  const w = verdict(v)
  const json = w === REPLACE ? JSON.stringify(v, replaceSecrets) : JSON.stringify(v)
  const cleared = json !== undefined && (w === CLEAN ? json.length <= MAX_ECHO && (json[0] === '{' || json[0] === '[') : !jsonMayHoldSecret(json))
  const text = cleared ? json : redactLine(json ?? 'null')
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
  // one init object per exposure, no spreads: the builder skips what is undefined or empty as before
  return buildExposure({
    kind: meta.kind,
    direction: meta.direction,
    box: meta.namedSourceOnly || meta.namedDestinationOnly ? {...b, from: meta.namedSourceOnly ? AddressSet.EMPTY : b.from, to: meta.namedDestinationOnly ? AddressSet.EMPTY : b.to} : b,
    line: meta.line,
    rule: meta.rule,
    name: meta.name || undefined,
    text: meta.text,
    fromZones: meta.fromZones?.length ? meta.fromZones : undefined,
    toZones: meta.toZones?.length ? meta.toZones : undefined,
    fromSets: meta.fromSets,
    toSets: meta.toSets,
    ingress: meta.ingress,
    egress: meta.egress,
    file: meta.file || undefined,
    doubts: meta.doubts,
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
