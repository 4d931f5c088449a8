/**
 * `irm-audit validate`: JSON Schema errors mapped to YAML positions, then semantic checks that the
 * schema cannot express (references, duplicate ids, CIDR meaning, zone overlaps, port ranges, dates).
 * Findings are data; nothing here throws on a bad inventory. Messages say how to fix.
 */
import type {ErrorObject} from 'ajv/dist/2020.js'

import {AddressSet} from '../net/address-set.js'
import {find} from '../net/intervals.js'
import {type ParsedCidr, parseCidr} from '../net/ip.js'
import {editDistance, escapePointer, type FieldPath, type LoadedFile, type LoadedInventory} from './load.js'
import type {Zone} from './model.js'
import {readService, resolverFor} from './resolve.js'
import {inventoryValidator} from './schema-validator.js'
import {COLLECTION_SCHEMAS, ID_PATTERN} from './schemas.js'

export type ValidationRule =
  | 'schema'
  | 'duplicate-id'
  | 'unknown-reference'
  | 'invalid-cidr'
  | 'non-canonical-cidr'
  | 'zone-overlap'
  | 'invalid-port'
  | 'date-in-future'
  | 'access-point-outside-zones'
  | 'zone-parent'
  | 'config-outside-inventory'
  | 'temporary-without-review'

export interface ValidationIssue {
  rule: ValidationRule
  severity: 'error' | 'warning'
  file: string
  line: number
  column: number
  /** JSON pointer within the file. */
  path: string
  message: string
}

export interface ValidateOptions {
  /** "Today" for date-in-future (default: now). */
  asOf?: Date
}

/** What each rule checks, for renderers (SARIF rule metadata, markdown legend). */
export const VALIDATION_RULES: Record<ValidationRule, string> = {
  schema: 'The file follows the inventory JSON Schema (fields, types, enums, formats).',
  'duplicate-id': 'Ids are unique across every inventory file and collection.',
  'unknown-reference': 'Every reference (zone, device, sensor, contact, access point) names an existing entry.',
  'invalid-cidr': 'Addresses are valid IPv4/IPv6 CIDRs.',
  'non-canonical-cidr': 'CIDRs have no host bits set (10.0.0.0/8, not 10.0.0.1/8).',
  'zone-overlap': 'Zones do not overlap unless declared nested with `parent`.',
  'invalid-port': 'Ports are within 1-65535 and ranges are in order.',
  'date-in-future': 'Dates of past events (approval, verification, tests, reviews) are not in the future.',
  'access-point-outside-zones': "An access point's destination CIDRs belong to a zone.",
  'zone-parent': 'A nested zone lies inside its parent, and parents do not form a cycle.',
  'config-outside-inventory': "A device's config path is relative and stays inside the inventory folder.",
  'temporary-without-review': 'A temporary access point has a review_by date, so that it expires.',
}

export function validateInventory(loaded: LoadedInventory, options: ValidateOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = []
  const validate = inventoryValidator()
  for (const f of loaded.files) {
    if (validate(f.data)) continue
    for (const e of validate.errors ?? []) {
      const mapped = schemaIssue(e)
      if (!mapped) continue
      const pos = loaded.locate(f, mapped.pointer, mapped.at)
      issues.push({rule: 'schema', severity: 'error', ...pos, path: mapped.pointer, message: mapped.message})
    }
  }
  const schemaPaths = new Set(issues.map((i) => `${i.file}#${i.path}`))
  const semantic = new SemanticChecks(loaded, options.asOf ?? new Date())
  for (const issue of semantic.run()) {
    // a value the schema already rejected gets one finding, not two
    if (!schemaPaths.has(`${issue.file}#${issue.path}`)) issues.push(issue)
  }
  const seen = new Set<string>()
  return issues
    .filter((i) => {
      const key = `${i.file}#${i.path}#${i.rule}#${i.message}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
    .sort((a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.rule, b.rule) || cmp(a.message, b.message))
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// --- schema errors → readable messages -------------------------------------------------------------

/** What to write instead, for patterns whose description does not say the allowed characters. */
const PATTERN_HINTS: Record<string, string> = {
  [ID_PATTERN]: 'an id: letters, digits and . _ : - (starting with a letter or digit)',
}

function describeType(v: unknown): string {
  if (v === null) return 'nothing (null)'
  if (Array.isArray(v)) return 'a list'
  if (typeof v === 'object') return 'a mapping'
  return `a ${typeof v}`
}

const TYPE_WORDS: Record<string, string> = {array: 'a list', object: 'a mapping', string: 'text', integer: 'a whole number', boolean: 'true or false', number: 'a number'}

function schemaIssue(e: ErrorObject): {pointer: string; at: 'key' | 'value'; message: string} | undefined {
  const here = e.instancePath
  const parent = e.parentSchema as {description?: string; properties?: Record<string, {description?: string}>; enum?: unknown[]} | undefined
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as {missingProperty: string}).missingProperty
      const what = parent?.properties?.[missing]?.description
      return {pointer: here, at: 'value', message: `missing required field '${missing}'${what ? ` (${what.replace(/\.$/, '')})` : ''}; add it.`}
    }
    case 'additionalProperties': {
      const extra = (e.params as {additionalProperty: string}).additionalProperty
      const allowed = Object.keys(parent?.properties ?? {})
      const guess = allowed.map((k) => [k, editDistance(extra, k)] as const).sort((a, b) => a[1] - b[1])[0]
      const hint = guess && guess[1] <= 2 ? `did you mean '${guess[0]}'?` : `allowed fields: ${allowed.join(', ')}.`
      return {pointer: `${here}/${escapePointer(extra)}`, at: 'key', message: `unknown field '${extra}'; ${hint}`}
    }
    case 'enum':
      return {pointer: here, at: 'value', message: `${JSON.stringify(e.data)} is not allowed; use one of: ${(e.params as {allowedValues: unknown[]}).allowedValues.join(', ')}.`}
    case 'type': {
      const expected = String((e.params as {type: string | string[]}).type)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ')
      const fix = expected === 'a list' && typeof e.data === 'string' ? ` Write it as a list: [${e.data}].` : expected === 'text' && typeof e.data === 'number' ? ` Quote it: '${e.data}'.` : ''
      return {pointer: here, at: 'value', message: `expected ${expected}, got ${describeType(e.data)}.${fix}`}
    }
    case 'pattern': {
      const pattern = (e.params as {pattern: string}).pattern
      const what = PATTERN_HINTS[pattern] ?? parent?.description ?? 'the expected form'
      return {pointer: here, at: 'value', message: `${JSON.stringify(e.data)} is not valid here; expected ${/^[A-Z][a-z]/.test(what) ? what.charAt(0).toLowerCase() + what.slice(1) : what}`}
    }
    case 'format':
      return {pointer: here, at: 'value', message: `${JSON.stringify(e.data)} is not a valid ${(e.params as {format: string}).format}; write YYYY-MM-DD (e.g. 2026-03-31).`}
    case 'minItems':
      return {pointer: here, at: 'value', message: `the list is empty; list at least ${(e.params as {limit: number}).limit} item.`}
    case 'minLength':
      return {pointer: here, at: 'value', message: 'the value is empty; write something or remove the field.'}
    case 'maxLength':
      return {pointer: here, at: 'value', message: `the value is longer than ${(e.params as {limit: number}).limit} characters; shorten it.`}
    case 'uniqueItems': {
      const {j} = e.params as {i: number; j: number}
      return {pointer: `${here}/${j}`, at: 'value', message: 'this item is listed twice; remove one.'}
    }
    case 'minimum':
      return {pointer: here, at: 'value', message: `must be at least ${(e.params as {limit: number}).limit}.`}
    case '$ref':
      return undefined
    default:
      return {pointer: here, at: 'value', message: `${e.message ?? 'invalid value'}.`}
  }
}

// --- semantic checks -------------------------------------------------------------------------------

type AnyEntry = Record<string, unknown>

interface IdIndex {
  /** id → first entry that defines it. */
  byId: Map<string, AnyEntry>
  ids: string[]
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const obj = (v: unknown): AnyEntry | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as AnyEntry) : undefined)

/** Looks like an address (so it is checked as a CIDR, not looked up as a zone id). */
const ADDRESS_LIKE = /^(?:\d+\.|\.\d*\.)[\d./]*$|^[0-9a-fA-F]*:[0-9a-fA-F:./]*$/

/** Fields holding the date of a past event, by collection. */
const PAST_DATES: Record<string, string[]> = {
  zones: ['map.updated', 'isolation.last_tested'],
  access_points: ['approved.date'],
  sensors: ['signatures_updated', 'console_access_verified'],
  log_sources: ['last_restore_test'],
  contacts: ['verified'],
  procedures: ['last_review', 'last_exercise'],
  reviews: ['date'],
  trainings: ['date'],
}

/**
 * Whether one CIDR lies inside a union of zones, by binary search: the union's intervals are merged,
 * so a contiguous range is covered only by the one interval that holds its start.
 */
function insideOneInterval(zones: AddressSet, cidr: ParsedCidr): boolean {
  if (cidr.family === 4) {
    const i = find(zones.v4, Number(cidr.start))
    return i >= 0 && zones.v4[2 * i + 1] >= Number(cidr.end)
  }
  const i = find(zones.v6, BigInt(cidr.start))
  return i >= 0 && zones.v6[2 * i + 1] >= BigInt(cidr.end)
}

/** Whether one CIDR touches the union of zones at all (binary search for the first interval ending at or after it). */
function touches(zones: AddressSet, cidr: ParsedCidr): boolean {
  const list: readonly (number | bigint)[] = cidr.family === 4 ? zones.v4 : zones.v6
  let lo = 0
  let hi = list.length / 2
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[2 * mid + 1] < cidr.start) lo = mid + 1
    else hi = mid
  }
  return lo < list.length / 2 && list[2 * lo] <= cidr.end
}

class SemanticChecks {
  private readonly issues: ValidationIssue[] = []
  private readonly inv: Record<string, AnyEntry[]>
  private readonly index = new Map<string, IdIndex>()
  private readonly today: string
  private readonly suggestions = new Map<string, string | undefined>()

  constructor(
    private readonly loaded: LoadedInventory,
    asOf: Date,
  ) {
    this.inv = loaded.inventory as unknown as Record<string, AnyEntry[]>
    this.today = asOf.toISOString().slice(0, 10)
  }

  run(): ValidationIssue[] {
    this.duplicateIds()
    this.references()
    this.addresses()
    this.zoneOverlaps()
    this.zoneParents()
    this.configPaths()
    this.temporaryOpenings()
    this.ports()
    this.pastDates()
    this.organizationOnce()
    return this.issues
  }

  /** An address rather than a zone id; ids may contain `:` and `.`, so a defined zone id wins. */
  private isAddress(ref: string): boolean {
    return ADDRESS_LIKE.test(ref) && !this.index.get('zones')?.byId.has(ref)
  }

  private add(rule: ValidationRule, entry: AnyEntry, field: FieldPath | undefined, message: string): void {
    const pos = this.loaded.where(entry, field)
    const path = this.loaded.pointerOf(entry, field)
    if (!pos || path === undefined) return
    this.issues.push({rule, severity: 'error', ...pos, path, message})
  }

  private where(entry: AnyEntry, field?: FieldPath): string {
    const p = this.loaded.where(entry, field)
    return p ? `${p.file}:${p.line}:${p.column}` : 'elsewhere'
  }

  /** Ids are unique across files and collections, so a reference that may name two kinds is never ambiguous. */
  private duplicateIds(): void {
    const first = new Map<string, {entry: AnyEntry; collection: string}>()
    for (const collection of [...Object.keys(COLLECTION_SCHEMAS), 'reviews']) {
      const idx: IdIndex = {byId: new Map(), ids: []}
      this.index.set(collection, idx)
      for (const entry of this.inv[collection] ?? []) {
        const id = str(entry.id)
        if (id === undefined) continue
        const prior = first.get(id)
        if (prior) {
          const kind = prior.collection === collection ? '' : ` (in ${prior.collection})`
          this.add('duplicate-id', entry, 'id', `duplicate id '${id}': already defined at ${this.where(prior.entry, 'id')}${kind}; rename one of them.`)
        } else {
          first.set(id, {entry, collection})
        }
        // references still resolve within each collection, so one duplicate is one finding
        if (!idx.byId.has(id)) {
          idx.byId.set(id, entry)
          idx.ids.push(id)
        }
      }
    }
  }

  private refCheck(entry: AnyEntry, field: FieldPath, value: string, kinds: string[], what: string): void {
    for (const k of kinds) if (this.index.get(k)?.byId.has(value)) return
    const guess = this.suggest(value, kinds)
    const fix = guess ? `did you mean '${guess}'?` : `define it in \`${kinds[0]}\` or fix the id.`
    this.add('unknown-reference', entry, field, `unknown ${what} '${value}'; ${fix}`)
  }

  /** The closest id within edit distance 2; cached, as one typo tends to repeat across entries. */
  private suggest(value: string, kinds: string[]): string | undefined {
    const key = `${kinds.join(',')}\u0000${value}`
    if (this.suggestions.has(key)) return this.suggestions.get(key)
    let guess: string | undefined
    let best = 3
    for (const k of kinds) {
      for (const c of this.index.get(k)?.ids ?? []) {
        // the length gap bounds the distance: skip what cannot be close
        if (Math.abs(c.length - value.length) >= best) continue
        const d = editDistance(value, c, best)
        if (d < best) {
          best = d
          guess = c
        }
      }
    }
    this.suggestions.set(key, guess)
    return guess
  }

  private refField(collection: string, field: string, kinds: string[], what: string): void {
    for (const entry of this.inv[collection] ?? []) {
      const v = entry[field]
      if (typeof v === 'string') this.refCheck(entry, field, v, kinds, what)
    }
  }

  private refList(collection: string, field: string, kinds: string[], what: string): void {
    for (const entry of this.inv[collection] ?? []) {
      const v = entry[field]
      if (!Array.isArray(v)) continue
      v.forEach((item, i) => {
        if (typeof item === 'string') this.refCheck(entry, [field, i], item, kinds, what)
      })
    }
  }

  private references(): void {
    const owners = ['zones', 'devices', 'access_points', 'flows', 'sensors', 'log_sources', 'procedures']
    for (const c of owners) this.refField(c, 'owner', ['contacts'], 'owner (contact)')
    this.refField('zones', 'parent', ['zones'], 'parent zone')
    this.refList('devices', 'zones', ['zones'], 'zone')
    for (const entry of this.inv.devices ?? []) {
      const list = entry.interfaces
      if (!Array.isArray(list)) continue
      list.forEach((item, i) => {
        if (obj(item) && typeof item.zone === 'string') this.refCheck(entry, ['interfaces', i, 'zone'], item.zone, ['zones'], 'zone')
      })
    }
    this.refField('access_points', 'device', ['devices'], 'device')
    this.refList('access_points', 'monitored_by', ['sensors'], 'sensor')
    this.refList('flows', 'via', ['devices'], 'device')
    this.refList('sensors', 'covers', ['zones', 'devices', 'access_points'], 'zone, device or access point')
    this.refField('log_sources', 'source', ['devices', 'sensors'], 'device or sensor')
    this.refList('contacts', 'escalation', ['contacts'], 'contact')
    this.refList('procedures', 'participants', ['contacts'], 'contact')
    this.refField('reviews', 'by', ['contacts'], 'contact')
    this.refField('trainings', 'team', ['contacts'], 'contact (team)')
    // from/to: a zone id, a CIDR (checked in addresses()), or any
    for (const c of ['access_points', 'flows']) {
      for (const entry of this.inv[c] ?? []) {
        for (const field of ['from', 'to']) {
          const list = entry[field]
          if (!Array.isArray(list)) continue
          list.forEach((ref, i) => {
            if (typeof ref !== 'string' || ref.toLowerCase() === 'any' || this.isAddress(ref)) return
            this.refCheck(entry, [field, i], ref, ['zones'], 'zone')
          })
        }
      }
    }
  }

  /** Parse one CIDR-like value; report it when invalid or (if asked) when host bits are set. */
  private cidr(entry: AnyEntry, field: FieldPath, text: string, requireCanonical: boolean): ParsedCidr | undefined {
    const parsed = parseCidr(text)
    if (!parsed) {
      this.add('invalid-cidr', entry, field, `'${text}' is not a valid IPv4/IPv6 address or CIDR; write e.g. 10.20.0.0/16 or 2001:db8:20::/48.`)
      return undefined
    }
    if (requireCanonical && !parsed.canonical) {
      this.add('non-canonical-cidr', entry, field, `${text}: host bits set; did you mean ${parsed.network}?`)
    }
    return parsed
  }

  private addresses(): void {
    for (const zone of this.inv.zones ?? []) strings(zone.cidrs).forEach((c, i) => this.cidr(zone, ['cidrs', i], c, true))
    // an interface address (`10.0.0.1/24`) is normal for a management address
    for (const device of this.inv.devices ?? []) strings(device.management_addresses).forEach((c, i) => this.cidr(device, ['management_addresses', i], c, false))

    const resolver = resolverFor(this.loaded.inventory)
    const zoned = AddressSet.unionAll(
      (this.loaded.inventory.zones ?? []).filter((z) => obj(z) && !resolver.isCatchAll(z)).map((z) => resolver.zoneAddressesOf(z.id) ?? AddressSet.EMPTY),
    )
    for (const c of ['access_points', 'flows']) {
      for (const entry of this.inv[c] ?? []) {
        for (const field of ['from', 'to']) {
          const list = entry[field]
          if (!Array.isArray(list)) continue
          list.forEach((ref, i) => {
            if (typeof ref !== 'string' || !this.isAddress(ref)) return
            const parsed = this.cidr(entry, [field, i], ref, true)
            if (parsed && c === 'access_points' && field === 'to' && !insideOneInterval(zoned, parsed)) {
              this.add(
                'access-point-outside-zones',
                entry,
                [field, i],
                `${ref} is in no zone${touches(zoned, parsed) ? ' (only partly inside the zones)' : ''}; add it to a zone's cidrs or fix the address.`,
              )
            }
          })
        }
      }
    }
  }

  /** Sweep over sorted intervals: each zone is compared only with the zones still open at its start. */
  private zoneOverlaps(): void {
    const zones = (this.inv.zones ?? []) as unknown as Zone[]
    const resolver = resolverFor(this.loaded.inventory)
    const ancestors = (id: string): Set<string> => {
      const out = new Set<string>()
      let z = resolver.zone(id)
      while (z?.parent !== undefined && !out.has(z.parent)) {
        out.add(z.parent)
        z = resolver.zone(z.parent)
      }
      return out
    }
    type Span = {start: bigint; end: bigint; zone: Zone; cidrIndex: number; cidr: string}
    const spans: Span[] = []
    for (const zone of zones) {
      if (!obj(zone) || typeof zone.id !== 'string' || resolver.isCatchAll(zone)) continue
      strings(zone.cidrs).forEach((cidr, cidrIndex) => {
        const p = parseCidr(cidr)
        // v6 ranges are shifted above the v4 space so that one sweep handles both families
        if (p) spans.push({start: BigInt(p.start) + (p.family === 6 ? 1n << 33n : 0n), end: BigInt(p.end) + (p.family === 6 ? 1n << 33n : 0n), zone, cidrIndex, cidr})
      })
    }
    spans.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end > b.end ? -1 : a.end < b.end ? 1 : 0))
    const reported = new Set<string>()
    const ancestorCache = new Map<string, Set<string>>()
    const ancestorsOf = (id: string) => {
      let s = ancestorCache.get(id)
      if (!s) ancestorCache.set(id, (s = ancestors(id)))
      return s
    }
    let open: Span[] = []
    for (const span of spans) {
      open = open.filter((o) => o.end >= span.start)
      for (const o of open) {
        const a = o.zone.id
        const b = span.zone.id
        if (a === b || ancestorsOf(b).has(a) || ancestorsOf(a).has(b)) continue
        const key = a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`
        if (reported.has(key)) continue
        reported.add(key)
        this.add(
          'zone-overlap',
          span.zone as unknown as AnyEntry,
          ['cidrs', span.cidrIndex],
          `zone '${b}' (${span.cidr}) overlaps zone '${a}' (${o.cidr}, ${this.where(o.zone as unknown as AnyEntry, ['cidrs', o.cidrIndex])}); declare \`parent: ${a}\` if '${b}' is nested in it, or fix the CIDR.`,
        )
      }
      open.push(span)
    }
  }

  /** `parent` declares nesting: the zone must lie inside its parent, and the chain must end. */
  private zoneParents(): void {
    const resolver = resolverFor(this.loaded.inventory)
    const cycles = new Set<string>()
    for (const zone of (this.inv.zones ?? []) as unknown as Zone[]) {
      if (typeof zone.parent !== 'string' || typeof zone.id !== 'string') continue
      const parent = resolver.zone(zone.parent)
      if (!parent) continue // unknown-reference
      const chain = [zone.id]
      let z: Zone | undefined = parent
      while (z && typeof z.id === 'string' && !chain.includes(z.id)) {
        chain.push(z.id)
        z = typeof z.parent === 'string' ? resolver.zone(z.parent) : undefined
      }
      if (z && z.id === zone.id) {
        // one finding per cycle, at its first zone in file order
        const key = [...chain].sort().join('\u0000')
        if (!cycles.has(key)) {
          cycles.add(key)
          this.add('zone-parent', zone as unknown as AnyEntry, 'parent', `zones nest in a cycle (${[...chain, zone.id].join(' → ')}); remove \`parent\` from one of them.`)
        }
        continue
      }
      // an aggregate parent (no cidrs of its own) or a catch-all holds anything
      const inside = resolver.ownCidrs(parent)
      if (inside.isEmpty() || resolver.isCatchAll(parent)) continue
      strings(zone.cidrs).forEach((cidr, i) => {
        const set = AddressSet.parse(cidr)
        if (set && parseCidr(cidr) && !inside.covers(set)) {
          this.add(
            'zone-parent',
            zone as unknown as AnyEntry,
            ['cidrs', i],
            `${cidr} is not inside parent zone '${parent.id}' (${(parent.cidrs ?? []).join(', ')}); fix the CIDR or the parent.`,
          )
        }
      })
    }
  }

  /** DESIGN §9: nothing is read from outside the inventory folder, so a config path must stay inside. */
  private configPaths(): void {
    for (const device of this.inv.devices ?? []) {
      const list = Array.isArray(device.config) ? device.config : [device.config]
      for (const item of list) {
        const config = str(item)
        if (config === undefined) continue
        const parts = config.replace(/\\/g, '/').split('/')
        if (/^(?:\/|[A-Za-z]:|~)/.test(config) || parts.includes('..')) {
          this.add('config-outside-inventory', device, 'config', `'${config}' leaves the inventory folder; copy the export under live/ and write a relative path (e.g. live/${parts.at(-1) || 'device.cfg'}).`)
        }
      }
    }
  }

  /** A temporary opening without an end date never shows up as expired: it becomes permanent by default. */
  private temporaryOpenings(): void {
    for (const entry of this.inv.access_points ?? []) {
      if (entry.temporary === true && entry.review_by === undefined) {
        this.add('temporary-without-review', entry, 'temporary', 'temporary access point without review_by; add the date by which it must be removed (review_by: YYYY-MM-DD).')
      }
    }
  }

  private ports(): void {
    for (const c of ['access_points', 'flows']) {
      for (const entry of this.inv[c] ?? []) {
        strings(entry.services).forEach((s, i) => {
          const r = readService(s)
          if ('kind' in r && r.kind === 'port') {
            this.add('invalid-port', entry, ['services', i], `${s}: port ${r.port} is out of range; ports are 1-65535 and a range reads low-high (e.g. tcp/8000-8080).`)
          }
        })
      }
    }
  }

  private pastDates(): void {
    for (const [collection, fields] of Object.entries(PAST_DATES)) {
      for (const entry of this.inv[collection] ?? []) {
        for (const field of fields) {
          let v: unknown = entry
          for (const seg of field.split('.')) v = obj(v)?.[seg]
          if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || v <= this.today) continue
          this.add('date-in-future', entry, field, `${field} ${v} is after ${this.today}: it records a past event; fix the date (or pass --as-of).`)
        }
      }
    }
  }

  private organizationOnce(): void {
    let first: LoadedFile | undefined
    for (const f of this.loaded.files) {
      if (f.data.organization === undefined) continue
      if (!first) {
        first = f
        continue
      }
      const pos = this.loaded.locate(f, '/organization', 'key')
      const at = this.loaded.locate(first, '/organization', 'key')
      this.issues.push({
        rule: 'duplicate-id',
        severity: 'error',
        ...pos,
        path: '/organization',
        message: `organization is already defined at ${at.file}:${at.line}:${at.column}; keep one.`,
      })
    }
  }
}
