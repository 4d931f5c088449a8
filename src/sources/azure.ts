/**
 * Azure network security groups: `az network nsg list|show` (flattened rules), the REST/ARM shape
 * (`properties.securityRules[].properties`), `{value: [...]}` list responses, ARM templates
 * (`resources[]`, including child `securityRules` resources) and `az network nsg rule list` arrays.
 *
 * Azure evaluates rules by priority, lower first, per direction, and stops at the first match; every
 * NSG ends with the default rules (65000–65500). Exports that lack `defaultSecurityRules` get the
 * documented defaults added, with a note. Service tags and application security groups cannot be
 * expanded from the export: they stay named sets (`Internet` and other tags as any, recall first;
 * application security groups as an empty, named set: their members are VNet NICs), and a deny that
 * names one never shadows (it is opaque). A subnet NSG and a NIC NSG both filter the same traffic;
 * each NSG is listed on its own (named by its attachments), combining them is the diff's question.
 * Load-balancer inbound NAT rules in the same export are composed with the NSGs (azure-lb.ts).
 */
import {type DoubtNote, note} from '../model/doubts.js'
import {attachment, deviceModel, type DeviceInterface} from '../model/device.js'
import type {Direction} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import type {Box} from '../net/match.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {IrmError} from '../core/errors.js'
import {stageDone} from '../core/stages.js'
import {type ExposureMeta, lastSegment, ParseState, parsePortText, permitsToExposures, ruleText, serviceBoxes} from './cloud-common.js'
import {type EvalRule, evaluateList} from '../model/evaluate.js'
import {asObjects, asStrings, asText, isObject, type JsonObject, type JsonValue, parseJsonWithPositions, type PositionedJson} from './json-positions.js'
import type {SourceParser} from './types.js'
import {azureNatOrder, LbExport, lbExposures} from './azure-lb.js'
import {composeNat} from '../model/nat.js'

export interface NsgRule {
  name: string
  priority: number
  direction: Direction
  access: string
  protocol: string
  sourcePrefixes: string[]
  destinationPrefixes: string[]
  sourcePorts: string[]
  destinationPorts: string[]
  sourceAsgs: string[]
  destinationAsgs: string[]
  line: number
  text: string
  /** Added by us because the export had no defaultSecurityRules. */
  implied?: boolean
}

export interface Nsg {
  name: string
  line: number
  rules: NsgRule[]
  /** Subnets and NICs it is attached to (names), when the export says. */
  attachments: string[]
  hasDefaults: boolean
}

// https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules
const DEFAULT_RULES: Array<[string, number, Direction, string, string, string]> = [
  ['AllowVnetInBound', 65000, 'inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
  ['AllowAzureLoadBalancerInBound', 65001, 'inbound', 'Allow', 'AzureLoadBalancer', '*'],
  ['DenyAllInBound', 65500, 'inbound', 'Deny', '*', '*'],
  ['AllowVnetOutBound', 65000, 'outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'],
  ['AllowInternetOutBound', 65001, 'outbound', 'Allow', '*', 'Internet'],
  ['DenyAllOutBound', 65500, 'outbound', 'Deny', '*', '*'],
]

// the documented source address of Azure's health probes (the AzureLoadBalancer tag)
const AZURE_LB_PROBE = AddressSet.of('168.63.129.16/32')

const PROTOCOLS: Record<string, number[]> = {tcp: [6], udp: [17], icmp: [1, 58], esp: [50], ah: [51]}

function strings(o: JsonObject, key: string): string[] {
  return asStrings(o[key]).filter((s) => s !== '')
}

/** One rule, flattened (`az`, azure-native, azure classic provider) or ARM (`properties`). */
export function readNsgRule(o: JsonObject, lineOf: (node: object) => number, text: string): NsgRule {
  const p = isObject(o.properties) ? o.properties : o
  const plural = (one: string, many: string) => {
    const list = strings(p, many)
    return list.length ? list : strings(p, one)
  }
  // ARM: [{id}]; the azure classic Pulumi provider: [id]
  const asgs = (key: string, idsKey: string) =>
    [...asObjects(p[key]).map((a) => asText(a.id) ?? 'asg'), ...asStrings(p[idsKey])].map(lastSegment)
  const direction = (asText(p.direction) ?? '').toLowerCase() === 'outbound' ? 'outbound' : 'inbound'
  return {
    name: lastSegment(asText(o.name) ?? asText(p.name) ?? 'rule'),
    priority: Number(asText(p.priority) ?? 65535),
    direction,
    access: asText(p.access) ?? '',
    protocol: asText(p.protocol) ?? '*',
    sourcePrefixes: plural('sourceAddressPrefix', 'sourceAddressPrefixes'),
    destinationPrefixes: plural('destinationAddressPrefix', 'destinationAddressPrefixes'),
    sourcePorts: plural('sourcePortRange', 'sourcePortRanges'),
    destinationPorts: plural('destinationPortRange', 'destinationPortRanges'),
    sourceAsgs: asgs('sourceApplicationSecurityGroups', 'sourceApplicationSecurityGroupIds'),
    destinationAsgs: asgs('destinationApplicationSecurityGroups', 'destinationApplicationSecurityGroupIds'),
    line: lineOf(o),
    text,
  }
}

export function impliedDefaultRules(nsg: Pick<Nsg, 'line'>): NsgRule[] {
  return DEFAULT_RULES.map(([name, priority, direction, access, src, dst]) => ({
    name,
    priority,
    direction,
    access,
    protocol: '*',
    sourcePrefixes: [src],
    destinationPrefixes: [dst],
    sourcePorts: ['*'],
    destinationPorts: ['*'],
    sourceAsgs: [],
    destinationAsgs: [],
    line: nsg.line,
    text: `${name} ${priority} ${access} ${src} -> ${dst} (Azure default rule)`,
    implied: true,
  }))
}

interface Side {
  set: AddressSet
  names: string[]
  doubts: DoubtNote[]
  /** Only named sets, no addresses (application security groups). */
  namedOnly: boolean
  /** Every part is a real address set (a deny on it may shadow). */
  concrete: boolean
  bad: string[]
}

const TAG = /^[A-Za-z][A-Za-z0-9._-]*$/

const NO_NAMES: string[] = []
const NO_DOUBTS: DoubtNote[] = []

function readSide(prefixes: string[], asgs: string[]): Side {
  // nearly every side of a big NSG is one plain prefix: its set alone, nothing named, nothing doubted
  if (prefixes.length === 1 && asgs.length === 0) {
    const cidr = AddressSet.parseIpv4(prefixes[0])
    if (cidr) return {set: cidr, names: NO_NAMES, doubts: NO_DOUBTS, namedOnly: false, concrete: true, bad: NO_NAMES}
  }
  const side: Side = {set: AddressSet.EMPTY, names: [], doubts: [], namedOnly: false, concrete: true, bad: []}
  const sets: AddressSet[] = []
  for (const prefix of prefixes) {
    const lower = prefix.toLowerCase()
    const cidr = AddressSet.parse(prefix)
    if (cidr) {
      sets.push(cidr)
    } else if (lower === 'azureloadbalancer') {
      sets.push(AZURE_LB_PROBE)
      side.names.push('AzureLoadBalancer')
    } else if (TAG.test(prefix)) {
      // Internet, VirtualNetwork, Storage.WestEurope, AzureCloud…: not expandable from the export
      sets.push(AddressSet.ANY)
      side.names.push(prefix)
      side.concrete = false
      side.doubts.push(note('unexpanded-set', `service tag ${prefix} not expanded: shown as any`))
    } else {
      // unreadable (an ARM expression without a default): any, so an allow still shows (recall first)
      sets.push(AddressSet.ANY)
      side.bad.push(prefix)
      side.concrete = false
    }
  }
  if (asgs.length) {
    side.names.push(...asgs)
    side.concrete = false
    side.doubts.push(note('members-unknown', `application security group ${asgs.join(', ')}: member addresses are not in this export`))
    if (prefixes.length === 0) side.namedOnly = true
  }
  side.set = prefixes.length === 0 ? AddressSet.ANY : sets.length === 1 ? sets[0] : AddressSet.unionAll(sets)
  return side
}

/**
 * What the rules of one NSG share: port and protocol sets by their text and service boxes by their
 * sets, so 10^5 rules on a few dozen ports hold a few dozen sets (and the evaluator sees the same
 * objects, which it compares by identity first).
 */
class NsgReader {
  private readonly portTexts = new Map<string, PortSet | null>()
  private readonly protocolTexts = new Map<string, ProtocolSet | null>()
  private readonly services = new Map<ProtocolSet, Map<PortSet, Map<PortSet, Array<Pick<Box, 'protocols' | 'ports' | 'sourcePorts'>>>>>()

  ports(list: string[], bad: string[]): PortSet {
    if (list.length === 0) return PortSet.ALL
    let out = PortSet.EMPTY
    for (const t of list) {
      let p = this.portTexts.get(t)
      if (p === undefined) {
        p = parsePortText(t)
        this.portTexts.set(t, p)
      }
      if (p) out = out.union(p)
      else bad.push(t)
    }
    return out.isEmpty() ? PortSet.ALL : out
  }

  /** ALL for `*`/`any`, null when unknown. */
  protocols(text: string): ProtocolSet | null {
    let p = this.protocolTexts.get(text)
    if (p === undefined) {
      const proto = text.toLowerCase()
      p = proto === '*' || proto === 'any' ? ProtocolSet.ALL : PROTOCOLS[proto] ? ProtocolSet.of(...PROTOCOLS[proto]) : null
      this.protocolTexts.set(text, p)
    }
    return p
  }

  serviceBoxes(protocols: ProtocolSet, ports: PortSet, sourcePorts: PortSet): Array<Pick<Box, 'protocols' | 'ports' | 'sourcePorts'>> {
    let byPorts = this.services.get(protocols)
    if (!byPorts) this.services.set(protocols, (byPorts = new Map()))
    let bySource = byPorts.get(ports)
    if (!bySource) byPorts.set(ports, (bySource = new Map()))
    let out = bySource.get(sourcePorts)
    if (!out) bySource.set(sourcePorts, (out = serviceBoxes(protocols, ports, sourcePorts)))
    return out
  }
}

function nsgRule(nsg: Nsg, r: NsgRule, state: ParseState, reader: NsgReader): Array<EvalRule<ExposureMeta>> {
  const access = r.access.toLowerCase()
  const problems: string[] = []
  if (access !== 'allow' && access !== 'deny') problems.push(`unknown access '${r.access}'`)
  const protocols = reader.protocols(r.protocol)
  if (!protocols) problems.push(`unknown protocol '${r.protocol}'`)
  const src = readSide(r.sourcePrefixes, r.sourceAsgs)
  const dst = readSide(r.destinationPrefixes, r.destinationAsgs)
  for (const b of src.bad) problems.push(`not an address, CIDR or service tag: '${b}'`)
  for (const b of dst.bad) problems.push(`not an address, CIDR or service tag: '${b}'`)
  const badPorts: string[] = []
  const ports = reader.ports(r.destinationPorts, badPorts)
  const sourcePorts = reader.ports(r.sourcePorts, badPorts)
  for (const b of badPorts) problems.push(`not a port or port range: '${b}'`)
  // every problem of a rule is a value that does not read (access, protocol, prefix, port)
  for (const p of problems) state.unknown(r.line, 'bad-value', p, r.text)
  if (!r.implied) state.count(problems.length === 0)
  if (access !== 'allow' && access !== 'deny') return []

  const doubts = src.doubts.length || dst.doubts.length ? [...src.doubts, ...dst.doubts] : []
  if (!protocols) doubts.push(note('unknown-service', `unknown protocol '${r.protocol}' read as any; exposure may be broader`))
  if (problems.length) doubts.push(note('partly-understood', 'part of this rule was not understood; exposure may be broader or narrower'))
  if (r.implied) doubts.push(note('vendor-default', 'Azure default rule, added because the export has no defaultSecurityRules'))
  // where the rule's `*` lands: the subnets/NICs the NSG is attached to
  const attached = nsg.attachments.length ? nsg.attachments : [nsg.name]
  const inbound = r.direction === 'inbound'
  const name = `${nsg.name}/${r.name}`
  const meta: ExposureMeta = {
    kind: 'filter',
    direction: r.direction,
    line: r.line,
    rule: name,
    name,
    text: r.text,
    doubts,
    fromSets: src.names.length ? src.names : inbound ? [] : attached,
    toSets: dst.names.length ? dst.names : inbound ? attached : [],
    // only the peer side of a named-only ASG is empty; the protected side stays any, named
    namedSourceOnly: src.namedOnly && inbound,
    namedDestinationOnly: dst.namedOnly && !inbound,
  }
  // an NSG filters at the subnets and NICs it is attached to: inbound enters there, outbound leaves there
  if (nsg.attachments.length) {
    if (inbound) meta.ingress = attachment(nsg.attachments)
    else meta.egress = attachment(nsg.attachments)
  }
  const opaque = access === 'deny' && (problems.length > 0 || !src.concrete || !dst.concrete)
  const action = access === 'allow' ? 'allow' : 'deny'
  const services = reader.serviceBoxes(protocols ?? ProtocolSet.ALL, ports, sourcePorts)
  const out: Array<EvalRule<ExposureMeta>> = []
  for (const s of services) {
    out.push({match: {from: src.set, to: dst.set, protocols: s.protocols, ports: s.ports, sourcePorts: s.sourcePorts}, action, opaque, meta})
  }
  return out
}

/** Both directions of one NSG, priority order, first match; the defaults end each list. */
export function nsgExposures(nsg: Nsg, state: ParseState): void {
  const rules = nsg.hasDefaults ? nsg.rules : [...nsg.rules, ...impliedDefaultRules(nsg)]
  const reader = new NsgReader()
  for (const direction of ['inbound', 'outbound'] as const) {
    const ordered = rules.filter((r) => r.direction === direction).sort((a, b) => a.priority - b.priority)
    const evalRules: Array<EvalRule<ExposureMeta>> = []
    for (const r of ordered) for (const e of nsgRule(nsg, r, state, reader)) evalRules.push(e)
    permitsToExposures(evaluateList(evalRules, 'deny', undefined, {recordDenies: true}), state)
  }
}

/** The subnets and NICs the NSGs are attached to (names only: an NSG export holds no addresses). */
export function nsgDevice(nsgs: Nsg[]): ReturnType<typeof deviceModel> {
  const interfaces: DeviceInterface[] = []
  for (const nsg of nsgs) for (const name of nsg.attachments) if (!interfaces.some((i) => i.name === name)) interfaces.push({name, addresses: [], line: nsg.line})
  return deviceModel(interfaces)
}

const PARAMETER = /^\[parameters\('([^']+)'\)\]$/

/**
 * ARM templates: `[parameters('x')]` values take the parameter's defaultValue, in place (so the
 * objects keep their lines). Other expressions stay as written and are reported.
 */
function applyParameterDefaults(value: JsonValue, defaults: Map<string, JsonValue>): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      const m = typeof v === 'string' ? PARAMETER.exec(v) : null
      if (m && defaults.has(m[1])) value[i] = defaults.get(m[1]) ?? v
      else applyParameterDefaults(v, defaults)
    })
  } else if (isObject(value)) {
    for (const [k, v] of Object.entries(value)) {
      const m = typeof v === 'string' ? PARAMETER.exec(v) : null
      if (m && defaults.has(m[1])) value[k] = defaults.get(m[1]) ?? v
      else applyParameterDefaults(v, defaults)
    }
  }
}

function looksLikeNsg(o: JsonObject): boolean {
  const p = isObject(o.properties) ? o.properties : o
  return (
    'securityRules' in p ||
    'defaultSecurityRules' in p ||
    (asText(o.type) ?? '').toLowerCase() === 'microsoft.network/networksecuritygroups'
  )
}

function looksLikeRule(o: JsonObject): boolean {
  const p = isObject(o.properties) ? o.properties : o
  return 'access' in p && 'direction' in p && 'priority' in p
}

function readNsg(o: JsonObject, json: PositionedJson): Nsg {
  const p = isObject(o.properties) ? o.properties : o
  const lineOf = (n: object) => json.lineOf(n)
  const defaults = asObjects(p.defaultSecurityRules)
  const attachments = [...asObjects(p.subnets), ...asObjects(p.networkInterfaces)].map((a) => lastSegment(asText(a.id) ?? ''))
  const nsg: Nsg = {name: asText(o.name) ?? 'nsg', line: json.lineOf(o), rules: [], attachments: attachments.filter(Boolean), hasDefaults: defaults.length > 0}
  for (const r of [...asObjects(p.securityRules), ...defaults]) nsg.rules.push(readNsgRule(r, lineOf, ruleText(r)))
  return nsg
}

/** The NSG a standalone rule belongs to: `.../networkSecurityGroups/<nsg>/securityRules/<rule>` or ARM `nsg/rule`. */
function parentNsgName(o: JsonObject): string {
  const id = asText(o.id) ?? ''
  const m = /networkSecurityGroups\/([^/]+)\/securityRules\//i.exec(id)
  if (m) return m[1]
  const name = asText(o.name) ?? ''
  return name.includes('/') ? name.split('/')[0] : 'nsg'
}

/** The NSGs of an export (load balancers go to `lb`); only line numbers outlive the JSON tree. */
function readExport(text: string, state: ParseState, lb: LbExport): {nsgs: Map<string, Nsg>; lineOf: (node: object) => number} {
  const json = parseJsonWithPositions(text)
  stageDone('tokenize')
  const root = json.value
  if (!isObject(root) && !Array.isArray(root)) {
    throw new IrmError('CONFIG_WRONG_FORMAT', 'not an Azure NSG JSON document (expected an object or an array)', {line: 1})
  }
  let items: JsonValue[]
  if (Array.isArray(root)) items = root
  else if (Array.isArray(root.value)) items = root.value
  else if (Array.isArray(root.resources)) {
    items = root.resources
    const defaults = new Map<string, JsonValue>()
    if (isObject(root.parameters)) {
      for (const [name, p] of Object.entries(root.parameters)) if (isObject(p) && p.defaultValue !== undefined) defaults.set(name, p.defaultValue)
    }
    applyParameterDefaults(items, defaults)
  } else items = [root]
  const nsgs = new Map<string, Nsg>()
  const loose: JsonObject[] = []
  for (const item of items) {
    if (isObject(item) && lb.take(item)) continue
    if (isObject(item) && looksLikeNsg(item)) {
      const nsg = readNsg(item, json)
      const seen = nsgs.get(nsg.name)
      if (seen) seen.rules.push(...nsg.rules)
      else nsgs.set(nsg.name, nsg)
    } else if (isObject(item) && looksLikeRule(item)) {
      loose.push(item)
    } else {
      const where = isObject(item) || Array.isArray(item) ? json.lineOf(item) : 1
      const type = isObject(item) ? asText(item.type) : undefined
      // ARM templates hold other resources (VMs, VNets): not permits, understood and skipped
      if (type && Array.isArray(isObject(root) ? root.resources : undefined)) continue
      state.count(false)
      state.unknown(where, 'unknown-statement', 'not a network security group or security rule', ruleText(item))
    }
  }
  for (const r of loose) {
    const name = parentNsgName(r)
    let nsg = nsgs.get(name)
    if (!nsg) {
      // a rule list from `az network nsg rule list` carries no defaults: Azure adds them
      nsg = {name, line: json.lineOf(r), rules: [], attachments: [], hasDefaults: false}
      nsgs.set(name, nsg)
    }
    nsg.rules.push(readNsgRule(r, (n) => json.lineOf(n), ruleText(r)))
  }
  return {nsgs, lineOf: json.lineOf}
}

export const azure: SourceParser = {
  type: 'azure',
  description:
    'Azure network security groups and load-balancer inbound NAT rules as JSON: az network nsg/lb/nic/public-ip list, REST/ARM resources, {value:[...]} lists and ARM templates',
  detection: 'JSON with securityRules/defaultSecurityRules or Microsoft.Network/networkSecurityGroups',
  extensions: ['.json'],
  detect(head) {
    const t = head.trimStart()
    if (!t.startsWith('{') && !t.startsWith('[')) return 0
    if (/"(securityRules|defaultSecurityRules|inboundNatRules)"\s*:/.test(head) || /Microsoft\.Network\/(networkSecurityGroups|loadBalancers)/i.test(head)) {
      // a Pulumi state names Azure types too; it has its own parser
      return /"urn"\s*:\s*"urn:pulumi:/.test(head) ? 0 : 0.9
    }
    return /"sourceAddressPrefix(es)?"\s*:/.test(head) && /"access"\s*:/.test(head) ? 0.7 : 0
  },
  parse(text) {
    const state = new ParseState()
    const lb = new LbExport()
    // the JSON tree is garbage once the rules are read: the evaluation below does not keep it alive
    const {nsgs, lineOf} = readExport(text, state, lb)
    stageDone('model')
    for (const nsg of nsgs.values()) nsgExposures(nsg, state)
    // load-balancer inbound NAT rules, composed with the NSG rules on their backends
    const backends = lbExposures(lb, lineOf, state)
    const result = state.result()
    if (!lb.lbs.length) return {...result, device: nsgDevice([...nsgs.values()])}
    const nat = composeNat(result.exposures, azureNatOrder(backends))
    return {...result, exposures: nat.exposures, ...(nat.doubts.length ? {doubts: nat.doubts} : {}), device: nsgDevice([...nsgs.values()])}
  },
}
