/**
 * GCP firewalls: `gcloud compute firewall-rules list --format=json` (or the REST `items` list), and
 * `gcloud compute networks get-effective-firewalls --format=json` (`firewalls` plus hierarchical and
 * network `firewallPolicys`).
 *
 * Evaluation per VPC network and direction: hierarchical policies first (in the order listed, org
 * before folder), `goto_next` hands the rest to the next level; then the VPC rules by priority (lower
 * first; at equal priority a deny wins); then network firewall policies (default enforcement order
 * AFTER_CLASSIC_FIREWALL); then GCP's implied rules: deny all ingress, allow all egress.
 * Target tags and service accounts restrict where a rule applies: they are evaluator guards, so a deny
 * for some instances never hides an allow for all. Source tags and service accounts are instances,
 * not addresses: an empty, named source (the evaluator still orders them).
 */
import {type DoubtNote, note} from '../model/doubts.js'
import {attachment, emptyDevice} from '../model/device.js'
import type {Direction} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {box} from '../net/match.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {parseProtocol} from '../net/protocol.js'
import {IrmError} from '../core/errors.js'
import {type ExposureMeta, lastSegment, parseAddresses, ParseState, parsePortText, permitsToExposures, ruleText, serviceBoxes} from './cloud-common.js'
import {type EvalChain, type EvalRule, evaluateChains, type Guard} from '../model/evaluate.js'
import {asArray, asObjects, asStrings, asText, isObject, type JsonObject, type JsonValue, parseJsonWithPositions, type PositionedJson} from './json-positions.js'
import type {SourceParser} from './types.js'

export interface GcpService {
  protocol: string
  ports: string[]
}

export interface GcpRule {
  name: string
  priority: number
  direction: Direction
  /** `allow`, `deny`, `goto_next` (policies), as written otherwise. */
  action: string
  services: GcpService[]
  /** Concrete peer ranges (sources for ingress, destinations for egress); undefined = unset. */
  peerRanges?: string[]
  /** The other side's ranges (destinationRanges of an ingress rule, srcIpRanges of an egress one). */
  localRanges?: string[]
  /** Instances as peers: source tags, service accounts, secure tags. */
  peerInstances: string[]
  /** Peers we cannot expand: FQDNs, region codes, threat lists, address groups. */
  peerOther: string[]
  targets: string[]
  disabled: boolean
  network: string
  line: number
  text: string
  /** Input file, when a device reads several (policy + VPC rules). */
  file?: string
}

export interface GcpPolicy {
  name: string
  /** HIERARCHY policies run before the VPC rules, others after. */
  hierarchical: boolean
  rules: GcpRule[]
  /** `organizations/…` or `folders/…`: org policies are evaluated before folder ones. */
  parent?: string
}

function strings(o: JsonObject, ...keys: string[]): string[] {
  return keys.flatMap((k) => asStrings(o[k]))
}

function optionalStrings(o: JsonObject, ...keys: string[]): string[] | undefined {
  return keys.some((k) => o[k] !== undefined) ? strings(o, ...keys) : undefined
}

function readServices(list: JsonValue | undefined): GcpService[] {
  return asObjects(list).map((s) => ({protocol: asText(s.IPProtocol) ?? asText(s.ipProtocol) ?? asText(s.protocol) ?? 'all', ports: asStrings(s.ports)}))
}

/** A VPC firewall rule, REST/gcloud spelling (`allowed`, `IPProtocol`) or Pulumi's (`allows`, `protocol`). */
export function readFirewall(o: JsonObject, line: number, name: string = asText(o.name) ?? 'firewall'): GcpRule {
  const direction: Direction = (asText(o.direction) ?? 'INGRESS').toUpperCase() === 'EGRESS' ? 'outbound' : 'inbound'
  const allowed = o.allowed ?? o.allows
  const denied = o.denied ?? o.denies
  const isDeny = asArray(denied).length > 0
  const sources = optionalStrings(o, 'sourceRanges')
  const destinations = optionalStrings(o, 'destinationRanges')
  return {
    name,
    priority: Number(asText(o.priority) ?? 1000),
    direction,
    action: isDeny ? 'deny' : 'allow',
    services: readServices(isDeny ? denied : allowed),
    peerRanges: direction === 'inbound' ? sources : destinations,
    localRanges: direction === 'inbound' ? destinations : sources,
    peerInstances:
      direction === 'inbound' ? [...strings(o, 'sourceTags').map((t) => `tag:${t}`), ...strings(o, 'sourceServiceAccounts').map((s) => `sa:${s}`)] : [],
    peerOther: [],
    targets: [...strings(o, 'targetTags').map((t) => `tag:${t}`), ...strings(o, 'targetServiceAccounts').map((s) => `sa:${s}`)],
    disabled: o.disabled === true || o.disabled === 'true',
    network: lastSegment(asText(o.network) ?? 'default'),
    line,
    text: ruleText(o),
  }
}

/** A firewall policy rule (`match.srcIpRanges`, `layer4Configs`, `action`). */
export function readPolicyRule(o: JsonObject, line: number, policy: string): GcpRule {
  const m = isObject(o.match) ? o.match : {}
  const direction: Direction = (asText(o.direction) ?? 'INGRESS').toUpperCase() === 'EGRESS' ? 'outbound' : 'inbound'
  const inbound = direction === 'inbound'
  const src = optionalStrings(m, 'srcIpRanges')
  const dst = optionalStrings(m, 'destIpRanges')
  const other = inbound
    ? [
        ...strings(m, 'srcFqdns').map((x) => `fqdn:${x}`),
        ...strings(m, 'srcRegionCodes').map((x) => `region:${x}`),
        ...strings(m, 'srcThreatIntelligences').map((x) => `threat:${x}`),
        ...strings(m, 'srcAddressGroups').map((x) => `address-group:${lastSegment(x)}`),
      ]
    : [
        ...strings(m, 'destFqdns').map((x) => `fqdn:${x}`),
        ...strings(m, 'destRegionCodes').map((x) => `region:${x}`),
        ...strings(m, 'destThreatIntelligences').map((x) => `threat:${x}`),
        ...strings(m, 'destAddressGroups').map((x) => `address-group:${lastSegment(x)}`),
      ]
  const secureTags = asObjects(m.srcSecureTags).map((t) => `secure-tag:${asText(t.name) ?? '?'}`)
  return {
    name: `${policy} priority ${asText(o.priority) ?? '?'}`,
    priority: Number(asText(o.priority) ?? 0),
    direction,
    action: (asText(o.action) ?? '').toLowerCase(),
    services: readServices(m.layer4Configs),
    peerRanges: inbound ? src : dst,
    localRanges: inbound ? dst : src,
    peerInstances: inbound ? secureTags : [],
    peerOther: other,
    targets: [
      ...strings(o, 'targetServiceAccounts').map((s) => `sa:${s}`),
      ...asObjects(o.targetSecureTags).map((t) => `secure-tag:${asText(t.name) ?? '?'}`),
      ...strings(o, 'targetResources').map((r) => `network:${lastSegment(r)}`),
    ],
    disabled: o.disabled === true,
    network: '',
    line,
    text: ruleText(o),
  }
}

const ORDER = (a: GcpRule, b: GcpRule) => a.priority - b.priority || Number(b.action === 'deny') - Number(a.action === 'deny')

/** A rule as evaluator rules: one per service × source alternative (GCP ORs ranges, tags, accounts). */
function evalRules(rule: GcpRule, state: ParseState): Array<EvalRule<ExposureMeta>> {
  const problems: string[] = []
  // goto_next hands the packet to the next level; apply_security_profile_group allows it (after inspection)
  const action = rule.action === 'goto_next' ? 'return' : rule.action === 'apply_security_profile_group' ? 'allow' : rule.action
  if (action !== 'allow' && action !== 'deny' && action !== 'return') problems.push(`unknown action '${rule.action}'`)
  const bad: string[] = []
  let peer = rule.peerRanges ? parseAddresses(rule.peerRanges, bad) : undefined
  const local = rule.localRanges ? parseAddresses(rule.localRanges, bad) : AddressSet.ANY
  for (const b of bad) problems.push(`not an address or CIDR: '${b}'`)
  // an unreadable range could be anything: any for an allow (recall first); denies turn opaque below
  if (bad.length && peer) peer = AddressSet.ANY
  const services: Array<{protocols: ProtocolSet; ports: PortSet}> = []
  for (const s of rule.services.length ? rule.services : [{protocol: 'all', ports: []}]) {
    const protocols = parseProtocol(s.protocol)
    if (!protocols) problems.push(`unknown protocol '${s.protocol}'`)
    let ports = s.ports.length ? PortSet.EMPTY : PortSet.ALL
    for (const p of s.ports) {
      const set = parsePortText(p)
      if (set) ports = ports.union(set)
      else problems.push(`not a port or port range: '${p}'`)
    }
    services.push({protocols: protocols ?? ProtocolSet.ALL, ports: ports.isEmpty() ? PortSet.ALL : ports})
  }
  // every problem of a rule is a value that does not read (action, range, protocol, port)
  for (const p of problems) state.unknown(rule.line, 'bad-value', p, rule.text, {file: rule.file})
  state.count(problems.length === 0)
  if (action !== 'allow' && action !== 'deny' && action !== 'return') return []

  const inbound = rule.direction === 'inbound'
  const doubts: DoubtNote[] = []
  if (problems.length) doubts.push(note('partly-understood', 'part of this rule was not understood; exposure may be broader or narrower'))
  if (rule.action === 'apply_security_profile_group') doubts.push(note('inspected', 'allowed through a security profile group (L7 inspection)'))
  const targetGuard: Guard[] = rule.targets.length ? [{cond: `target=${[...rule.targets].sort().join(',')}`}] : []
  const base: ExposureMeta = {
    kind: 'filter',
    direction: rule.direction,
    line: rule.line,
    rule: rule.name,
    name: rule.name,
    text: rule.text,
    ...(rule.network ? (inbound ? {toZones: [rule.network]} : {fromZones: [rule.network]}) : {}),
    // target tags/service accounts (and a policy's target networks) are the instances the rule is applied at;
    // without them it applies to every instance, which names no attachment
    ...(rule.targets.length ? (inbound ? {ingress: attachment(rule.targets)} : {egress: attachment(rule.targets)}) : {}),
    ...(rule.file ? {file: rule.file} : {}),
  }
  const ownSide = rule.targets.length ? {[inbound ? 'toSets' : 'fromSets']: rule.targets} : {}
  const alternatives: Array<{peer: AddressSet; meta: ExposureMeta; guards: Guard[]; opaque: boolean}> = []
  if (peer) alternatives.push({peer, meta: {...base, ...ownSide, doubts}, guards: targetGuard, opaque: false})
  if (rule.peerInstances.length) {
    alternatives.push({
      peer: AddressSet.ANY,
      meta: {
        ...base,
        ...ownSide,
        [inbound ? 'fromSets' : 'toSets']: rule.peerInstances,
        [inbound ? 'namedSourceOnly' : 'namedDestinationOnly']: true,
        doubts: [...doubts, note('members-unknown', `${inbound ? 'source' : 'destination'} is instances (${rule.peerInstances.join(', ')}): their addresses are not in this export`)],
      },
      guards: [...targetGuard, {cond: `peer=${[...rule.peerInstances].sort().join(',')}`}],
      opaque: false,
    })
  }
  if (rule.peerOther.length) {
    alternatives.push({
      peer: AddressSet.ANY,
      meta: {...base, ...ownSide, [inbound ? 'fromSets' : 'toSets']: rule.peerOther, doubts: [...doubts, note('unexpanded-set', `${rule.peerOther.join(', ')} not expanded: shown as any`)]},
      guards: targetGuard,
      opaque: true,
    })
  }
  // no peer at all: GCP defaults the source (ingress) / destination (egress) to 0.0.0.0/0
  if (alternatives.length === 0) {
    alternatives.push({peer: AddressSet.ANY4, meta: {...base, ...ownSide, doubts}, guards: targetGuard, opaque: false})
  }
  const out: Array<EvalRule<ExposureMeta>> = []
  for (const alt of alternatives) {
    for (const svc of services) {
      for (const s of serviceBoxes(svc.protocols, svc.ports)) {
        out.push({
          match: box({...s, from: inbound ? alt.peer : local, to: inbound ? local : alt.peer}),
          action: action as 'allow' | 'deny' | 'return',
          guards: alt.guards,
          // a deny or goto_next we could not read fully never hides what follows
          opaque: (action !== 'allow' && (alt.opaque || problems.length > 0)) || undefined,
          meta: alt.meta,
        })
      }
    }
  }
  return out
}

/**
 * Evaluate every network × direction: policies, VPC rules, implied rules. Without `vpcRulesKnown` (a
 * hierarchical policy exported alone) what falls through the policies meets VPC rules we cannot see:
 * it is listed as a doubt (effect unknown) instead of meeting the implied deny.
 */
export function gcpExposures(vpcRules: GcpRule[], policies: GcpPolicy[], state: ParseState, vpcRulesKnown = true): void {
  const networks = new Map<string, GcpRule[]>()
  for (const r of vpcRules) {
    if (r.disabled) {
      state.count(true)
      continue
    }
    const list = networks.get(r.network) ?? []
    list.push(r)
    networks.set(r.network, list)
  }
  if (networks.size === 0 && policies.length) networks.set('', [])
  const chainsPerDirection = new Map<string, Array<EvalRule<ExposureMeta>>>()
  // policy rules are counted once, evaluated for every network
  for (const policy of policies) {
    for (const direction of ['inbound', 'outbound'] as const) {
      const rules = policy.rules.filter((r) => r.direction === direction && !r.disabled).sort(ORDER)
      chainsPerDirection.set(`${policy.name}|${direction}`, rules.flatMap((r) => evalRules(r, state)))
    }
    for (const r of policy.rules) if (r.disabled) state.count(true)
  }
  const policyMetas = new Set<ExposureMeta>()
  for (const rules of chainsPerDirection.values()) for (const r of rules) policyMetas.add(r.meta)
  const policyPermits = new Set<string>()
  for (const [network, rules] of networks) {
    const firstLine = rules[0]?.line ?? policies[0]?.rules[0]?.line ?? 1
    for (const direction of ['inbound', 'outbound'] as const) {
      const chains = new Map<string, EvalChain<ExposureMeta>>()
      const main: Array<EvalRule<ExposureMeta>> = []
      const jump = (p: GcpPolicy) => {
        const chain = `${p.name}|${direction}`
        chains.set(chain, {name: chain, rules: chainsPerDirection.get(chain) ?? []})
        main.push({match: box({}), action: 'jump', target: chain, meta: {kind: 'filter', direction, line: firstLine, rule: p.name}})
      }
      policies.filter((p) => p.hierarchical).forEach(jump)
      main.push(...rules.filter((r) => r.direction === direction).sort(ORDER).flatMap((r) => evalRules(r, state)))
      policies.filter((p) => !p.hierarchical).forEach(jump)
      const implied: ExposureMeta = {
        kind: 'filter',
        direction,
        line: firstLine,
        rule: `${network || 'network'}/implied-allow-egress`,
        text: 'implied rule: allow all egress (priority 65535)',
        doubts: [note('vendor-default', 'GCP implied rule: every VPC network allows all egress not denied above')],
        ...(network ? {fromZones: [network]} : {}),
      }
      const unseen = policies.find((p) => p.hierarchical)
      if (!vpcRulesKnown && unseen) {
        const first = unseen.rules[0]
        const doubt: ExposureMeta = {
          kind: 'filter',
          direction,
          line: first?.line ?? 1,
          rule: `${unseen.name} fall-through`,
          text: 'not matched by the firewall policy (or goto_next): decided by the VPC firewall rules',
          doubts: [note('outside-input', 'falls through the firewall policy to VPC firewall rules that are not in this input: effect unknown')],
          ...(first?.file ? {file: first.file} : {}),
        }
        chains.set('main', {name: 'main', rules: main, policy: 'allow', policyMeta: doubt})
      } else chains.set('main', {name: 'main', rules: main, policy: direction === 'inbound' ? 'deny' : 'allow', policyMeta: implied})
      const result = evaluateChains(chains, 'main')
      // a policy applies to every network: list each of its permits once, not once per network
      result.permits = result.permits.filter((p) => {
        if (!policyMetas.has(p.meta)) return true
        const key = `${p.meta.line}|${p.meta.rule}|${p.box.from}|${p.box.to}|${p.box.protocols.toStrings()}|${p.box.ports.toStrings()}`
        if (policyPermits.has(key)) return false
        policyPermits.add(key)
        return true
      })
      permitsToExposures(result, state)
    }
  }
}

function looksLikeFirewall(o: JsonObject): boolean {
  return 'allowed' in o || 'denied' in o || asText(o.kind) === 'compute#firewall'
}

function readPolicies(list: JsonValue | undefined, json: PositionedJson, file?: string): GcpPolicy[] {
  return asObjects(list).map((p) => {
    const name = asText(p.shortName) ?? asText(p.displayName) ?? asText(p.name) ?? 'policy'
    const parent = asText(p.parent)
    return {
      name,
      hierarchical: (asText(p.type) ?? 'HIERARCHY').toUpperCase() === 'HIERARCHY',
      rules: asObjects(p.rules).map((r) => ({...readPolicyRule(r, json.lineOf(r), name), ...(file ? {file} : {})})),
      ...(parent ? {parent} : {}),
    }
  })
}

/** A firewall policy resource (`gcloud compute firewall-policies describe`, REST `firewallPolicies`). */
function isPolicy(v: JsonValue | undefined): boolean {
  if (!isObject(v)) return false
  return asText(v.kind) === 'compute#firewallPolicy' || (Array.isArray(v.rules) && asObjects(v.rules).some((r) => isObject(r.match)))
}

interface GcpDocument {
  rules: GcpRule[]
  policies: GcpPolicy[]
  /** The document lists VPC firewall rules (possibly none): false for a policy exported alone. */
  vpcRulesKnown: boolean
}

/** One JSON document: a rule list, effective firewalls, or firewall policies. */
function readDocument(text: string, state: ParseState, file?: string): GcpDocument {
  const json = parseJsonWithPositions(text)
  const root = json.value
  if (!isObject(root) && !Array.isArray(root)) {
    throw new IrmError('CONFIG_WRONG_FORMAT', 'not a GCP firewall JSON document (expected an object or an array)', {line: 1, ...(file ? {file} : {})})
  }
  let firewalls: JsonValue[] = []
  let policies: GcpPolicy[] = []
  let vpcRulesKnown = true
  if (Array.isArray(root) && root.length > 0 && root.every(isPolicy)) {
    policies = readPolicies(root, json, file)
    vpcRulesKnown = false
  } else if (Array.isArray(root)) firewalls = root
  else if ('firewalls' in root || 'firewallPolicys' in root) {
    firewalls = asArray(root.firewalls)
    policies = readPolicies(root.firewallPolicys, json, file)
  } else if (isPolicy(root)) {
    policies = readPolicies([root], json, file)
    vpcRulesKnown = false
  } else if (Array.isArray(root.items) && root.items.length > 0 && root.items.every(isPolicy)) {
    policies = readPolicies(root.items, json, file)
    vpcRulesKnown = false
  } else if (Array.isArray(root.items)) firewalls = root.items
  else firewalls = [root]
  const rules: GcpRule[] = []
  for (const f of firewalls) {
    if (isObject(f) && looksLikeFirewall(f)) rules.push({...readFirewall(f, json.lineOf(f)), ...(file ? {file} : {})})
    else {
      state.count(false)
      state.unknown(isObject(f) || Array.isArray(f) ? json.lineOf(f) : 1, 'unknown-statement', 'not a VPC firewall rule', ruleText(f), {file})
    }
  }
  return {rules, policies, vpcRulesKnown}
}

/** Organization policies before folder policies (GCP evaluates down the resource hierarchy). */
function hierarchyOrder(policies: GcpPolicy[]): GcpPolicy[] {
  const rank = (p: GcpPolicy) => (p.parent?.startsWith('organizations/') ? 0 : p.parent?.startsWith('folders/') ? 1 : 2)
  return policies.map((p, i) => ({p, i})).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map((x) => x.p)
}

export const gcp: SourceParser = {
  type: 'gcp',
  description:
    'GCP VPC firewall rules (gcloud compute firewall-rules list --format=json, REST items) and effective firewalls (networks get-effective-firewalls, with hierarchical policies)',
  detection: 'JSON with allowed/denied + IPProtocol, or firewalls/firewallPolicys',
  extensions: ['.json'],
  detect(head) {
    const t = head.trimStart()
    if (!t.startsWith('{') && !t.startsWith('[')) return 0
    if (/"urn"\s*:\s*"urn:pulumi:/.test(head)) return 0
    if (/"firewallPolicys"\s*:/.test(head) || /"compute#firewall(?:Policy)?"/.test(head)) return 0.9
    // a firewall policy export: rules with match.layer4Configs and srcIpRanges/destIpRanges
    if (/"layer4Configs"\s*:/.test(head) && /"(?:src|dest)IpRanges"\s*:/.test(head)) return 0.9
    return /"(allowed|denied)"\s*:/.test(head) && /"IPProtocol"\s*:/.test(head) ? 0.9 : 0
  },
  parse(text) {
    const state = new ParseState()
    const doc = readDocument(text, state)
    gcpExposures(doc.rules, doc.policies, state, doc.vpcRulesKnown)
    // a firewall export holds rules and their targets, not the instances' addresses
    return {...state.result(), device: emptyDevice()}
  },
  parseMany(inputs) {
    // one device, several exports (hierarchical policies + the VPC rules): evaluated together
    const state = new ParseState()
    const docs = inputs.map((i) => readDocument(i.text, state, i.file))
    const policies = hierarchyOrder(docs.flatMap((d) => d.policies))
    gcpExposures(
      docs.flatMap((d) => d.rules),
      policies,
      state,
      docs.some((d) => d.vpcRulesKnown),
    )
    // a firewall export holds rules and their targets, not the instances' addresses
    return {...state.result(), device: emptyDevice()}
  },
}
