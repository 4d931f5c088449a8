/**
 * Tree → PAN-OS vendor model, construct by construct. Reading marks what it used in the tree, so the
 * line accounting (tree.ts `unread`) knows what was modelled, ignored on purpose or not understood.
 */
import {type AddressObject, type ContextConfig, type DefaultRules, type NatRule, type PlacedRule, RULE_ACTIONS, type SecurityRule} from './model.js'
import {IGNORED_RULEBASES, skipSections, type SkippedSection} from './ignored.js'
import {entries, type Folder, items, markDeep, type PNode, reject, take, value} from './tree.js'

/** Security rule fields that do not change which packets the rule admits: read as part of the rule. */
const RULE_IGNORED_FIELDS = new Set(['description', 'tag', 'group-tag', 'log-start', 'log-end', 'log-setting', 'profile-setting', 'rule-type', 'uuid', 'option', 'target', 'qos', 'schedule', 'icmp-unreachable', 'disable-server-response-inspection', 'source-imei', 'source-imsi', 'source-nw-slice', 'audit-comment'])
/** User, HIP, category and device matches only narrow who matches: the permit may be smaller than listed. */
const NARROWING_MATCHES = ['source-user', 'category', 'source-hip', 'destination-hip', 'hip-profiles', 'source-device', 'destination-device']
const RULEBASES = new Set(['rulebase', 'pre-rulebase', 'post-rulebase'])

/** One security rule entry; undefined when disabled (read, and no reach of its own). */
export function readSecurityRule(r: PNode): SecurityRule | undefined {
  r.used = true
  if (value(r, 'disabled') === 'yes') {
    markDeep(r)
    return undefined
  }
  // by the rule's few fields, not by a lookup per ignored name (10^5 rules)
  for (const c of r.children.values()) if (RULE_IGNORED_FIELDS.has(c.name)) markDeep(c)
  const rule: SecurityRule = {
    name: r.name,
    line: r.line,
    from: list(items(r, 'from')),
    to: list(items(r, 'to')),
    // addresses are mostly distinct per rule: only `any` is shared
    source: anyList(items(r, 'source')),
    destination: anyList(items(r, 'destination')),
    negateSource: value(r, 'negate-source') === 'yes',
    negateDestination: value(r, 'negate-destination') === 'yes',
    services: list(items(r, 'service')),
    applications: list(items(r, 'application')),
    action: value(r, 'action') ?? 'allow',
    ruleType: r.children.get('rule-type')?.values[0] ?? 'universal',
    unknown: NOTHING_UNKNOWN,
  }
  const unknown: string[] = []
  for (const k of NARROWING_MATCHES) {
    if (!r.children.has(k)) continue
    const v = items(r, k)
    if (v.length && !v.every((x) => x === 'any')) unknown.push(`${k} ${v.join(',')}`)
  }
  for (const c of r.children.values()) if (!c.used) unknown.push(c.name)
  if (unknown.length) rule.unknown = unknown
  if (!RULE_ACTIONS.includes(rule.action)) reject(r.children.get('action'), `rule action '${rule.action}' not understood; treated as deny that shadows nothing`, 'bad-value')
  return rule
}

// one-item lists of rule fields, shared and frozen: a rulebase names the same zone, service or
// application 10^5 times (rules are read, never changed); emptied when full, so the words in use come back
const LISTS = new Map<string, string[]>()
const MAX_LISTS = 4096
const ANY_LIST = Object.freeze(['any']) as string[]
const NOTHING_UNKNOWN = Object.freeze([]) as unknown as string[]

function list(xs: string[]): string[] {
  if (xs.length !== 1) return xs
  let shared = LISTS.get(xs[0])
  if (shared === undefined) {
    if (LISTS.size >= MAX_LISTS) LISTS.clear()
    LISTS.set(xs[0], (shared = Object.freeze(xs) as string[]))
  }
  return shared
}

const anyList = (xs: string[]): string[] => (xs.length === 1 && xs[0] === 'any' ? ANY_LIST : xs)

/** The security rules of one rulebase, in order, labelled with where they were read. */
export function readRules(rulebase: PNode | undefined, label: string, skipped: SkippedSection[]): PlacedRule[] {
  const out: PlacedRule[] = []
  skipSections(rulebase, IGNORED_RULEBASES, skipped)
  for (const r of entries(take(take(rulebase, 'security'), 'rules'))) {
    const rule = r.folded ? (r.folded.model as SecurityRule | undefined) : readSecurityRule(r)
    if (rule) out.push(placeRule(rule, label))
  }
  return out
}

/**
 * A rule with its label, field by field: `{...rule, rulebase}` gave every copy a hidden class of its own
 * in V8 (10^5 rules, 10^5 shapes), which made each later read of a rule field slow.
 */
function placeRule(r: SecurityRule, rulebase: string): PlacedRule {
  return {
    name: r.name,
    line: r.line,
    from: r.from,
    to: r.to,
    source: r.source,
    destination: r.destination,
    negateSource: r.negateSource,
    negateDestination: r.negateDestination,
    services: r.services,
    applications: r.applications,
    action: r.action,
    ruleType: r.ruleType,
    unknown: r.unknown,
    rulebase,
  }
}

/** One address object; all of it counts as modelled. */
export function readAddress(a: PNode): AddressObject {
  const obj: AddressObject = {name: a.name, line: a.line, netmaskFirst: a.children.get('ip-netmask')?.values[0]}
  const netmask = value(a, 'ip-netmask')
  const range = value(a, 'ip-range')
  const wildcard = value(a, 'ip-wildcard')
  const fqdn = value(a, 'fqdn')
  if (netmask !== undefined) obj.netmask = netmask
  if (range !== undefined) obj.range = range
  if (wildcard !== undefined) obj.wildcard = wildcard
  if (fqdn !== undefined) obj.fqdn = fqdn
  markDeep(a)
  return obj
}

/** Where a scope (vsys, device-group, shared) holds its objects and rulebases. */
function isScope(n: PNode | undefined): boolean {
  return n !== undefined && (n.name === 'shared' || n.parent?.name === 'vsys' || n.parent?.name === 'device-group')
}

/**
 * The XML reader's fold: security rule entries (`<rulebase>/security/rules/entry`) and address objects
 * (`<scope>/address/entry`) become model objects as soon as they close.
 */
export const foldEntry: Folder = (node) => {
  const parent = node.parent
  const grand = parent?.parent
  if (parent?.name === 'rules' && grand?.name === 'security' && RULEBASES.has(grand.parent?.name ?? '')) return {model: readSecurityRule(node)}
  if (parent?.name === 'address' && isScope(grand)) return {model: readAddress(node)}
  return undefined
}

/** Security rules of a context in evaluation order: shared pre, pre, rulebase, post, shared post. */
function readContextRules(ctx: PNode, shared: PNode | undefined, skipped: SkippedSection[]): PlacedRule[] {
  const rulebase = take(ctx, 'rulebase')
  // a Panorama with shared rules only is read as the context `shared`: its pre/post rules once, as shared
  const own = ctx === shared ? undefined : ctx
  const rules = [
    ...readRules(shared?.children.get('pre-rulebase'), 'shared pre-rulebase', skipped),
    ...readRules(own?.children.get('pre-rulebase'), 'pre-rulebase', skipped),
    ...readRules(rulebase, 'rulebase', skipped),
    ...readRules(own?.children.get('post-rulebase'), 'post-rulebase', skipped),
    ...readRules(shared?.children.get('post-rulebase'), 'shared post-rulebase', skipped),
  ]
  take(ctx, 'pre-rulebase')
  take(ctx, 'post-rulebase')
  return rules
}

/** `default-security-rules` overrides, shared first, then the context's rulebase. */
function readDefaults(ctx: PNode, shared: PNode | undefined): DefaultRules {
  const rulebase = ctx.children.get('rulebase')
  const out: DefaultRules = {intrazone: 'allow', interzone: 'deny', line: rulebase?.line ?? ctx.line}
  for (const scope of [shared?.children.get('default-security-rules'), rulebase?.children.get('default-security-rules')]) {
    for (const d of entries(take(scope, 'rules'))) {
      markDeep(d)
      const a = d.children.get('action')?.values[0]
      if (d.name === 'intrazone-default' && a) out.intrazone = a
      if (d.name === 'interzone-default' && a) out.interzone = a
      out.line = d.line
    }
    markDeep(scope)
  }
  return out
}

/**
 * Custom App-IDs (vsys or shared `<application>`): their `<default>` says what `application-default`
 * admits, as protocol specs: `<port>` members (`tcp/80,443`), `<ident-by-ip-protocol>`, ICMP types.
 */
function readCustomApps(ctx: PNode, shared: PNode | undefined): Map<string, string[] | undefined> {
  const out = new Map<string, string[] | undefined>()
  for (const scope of [shared, ctx]) {
    for (const a of entries(scope?.children.get('application'))) {
      const d = a.children.get('default')
      if (!d) {
        out.set(a.name, undefined)
        continue
      }
      const specs = items(d, 'port')
      const ipProtocol = d.children.get('ident-by-ip-protocol')
      if (ipProtocol) specs.push(ipProtocol.children.get('value')?.values[0] ?? ipProtocol.values[0] ?? 'any')
      if (d.children.has('ident-by-icmp-type')) specs.push('icmp')
      if (d.children.has('ident-by-icmp6-type')) specs.push('icmpv6')
      out.set(a.name, specs.length ? specs : undefined)
    }
  }
  return out
}

function readNatRule(r: PNode): NatRule {
  const dt = r.children.get('destination-translation') ?? r.children.get('dynamic-destination-translation')
  const staticIp = r.children.get('source-translation')?.children.get('static-ip')
  const rule: NatRule = {
    name: r.name,
    line: r.line,
    from: items(r, 'from'),
    to: items(r, 'to'),
    source: items(r, 'source'),
    destination: items(r, 'destination'),
    service: value(r, 'service') ?? 'any',
    rejectStatic: (reason) => reject(staticIp?.children.get('translated-address') ?? r, reason, 'bad-value'),
  }
  if (dt) rule.destinationTranslation = {address: dt.children.get('translated-address')?.values[0], port: dt.children.get('translated-port')?.values[0]}
  if (staticIp) rule.staticIp = {address: staticIp.children.get('translated-address')?.values[0], bidirectional: staticIp.children.get('bi-directional')?.values[0] === 'yes'}
  return rule
}

/** NAT rules of a context in evaluation order (as security rules); disabled ones are read and dropped. */
function readNatRules(ctx: PNode, shared: PNode | undefined): NatRule[] {
  const out: NatRule[] = []
  const own = ctx === shared ? undefined : ctx
  for (const base of [shared?.children.get('pre-rulebase'), own?.children.get('pre-rulebase'), ctx.children.get('rulebase'), own?.children.get('post-rulebase'), shared?.children.get('post-rulebase')]) {
    for (const r of entries(take(take(base, 'nat'), 'rules'))) {
      markDeep(r)
      if (r.children.get('disabled')?.values[0] !== 'yes') out.push(readNatRule(r))
    }
    markDeep(base?.children.get('nat'))
  }
  return out
}

/** One vsys / device-group / shared context: zones, rules, defaults, custom applications, NAT. */
export function readContext(ctx: PNode, shared: PNode | undefined, name: string, prefix: string, skipped: SkippedSection[]): ContextConfig {
  return {
    name,
    prefix,
    zones: readZones(ctx),
    rules: readContextRules(ctx, shared, skipped),
    defaults: readDefaults(ctx, shared),
    customApps: readCustomApps(ctx, shared),
    nat: readNatRules(ctx, shared),
  }
}

/** Zone → member interfaces (layer3, tap, virtual-wire, layer2, tunnel). */
export function readZones(ctx: PNode): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const z of entries(take(ctx, 'zone'))) {
    z.used = true
    const net = take(z, 'network')
    const ifs = [...items(net, 'layer3'), ...items(net, 'tap'), ...items(net, 'virtual-wire'), ...items(net, 'layer2'), ...items(net, 'tunnel')]
    for (const c of net?.children.values() ?? []) markDeep(c)
    for (const c of z.children.values()) if (c.name !== 'network') markDeep(c)
    out.set(z.name, ifs)
  }
  return out
}
