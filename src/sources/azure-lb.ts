/**
 * Azure load-balancer inbound NAT rules (`Microsoft.Network/loadBalancers`, `properties.inboundNatRules`):
 * the frontend IP configuration's public (or private) address and `frontendPort` go to `backendPort` on
 * the backend NIC IP configuration's private address. Each rule is a `nat-forward` exposure composed
 * (model/nat.ts) with the NSG rules that filter the backend: Azure NSGs see the translated address and
 * port. Addresses come from `publicIPAddresses` and `networkInterfaces` in the same export; what cannot
 * be resolved stays an exposure with a typed doubt (recall first), kept out of the composition.
 */
import {buildExposure} from '../model/build.js'
import {type DoubtNote, note} from '../model/doubts.js'
import type {Exposure} from '../model/exposure.js'
import {forwardingFilter, type NatOrder} from '../model/nat.js'
import {AddressSet} from '../net/address-set.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {lastSegment, type ParseState, ruleText} from './cloud-common.js'
import {asObjects, asText, isObject, type JsonObject} from './json-positions.js'

const TYPES = {
  lb: 'microsoft.network/loadbalancers',
  pip: 'microsoft.network/publicipaddresses',
  nic: 'microsoft.network/networkinterfaces',
}

/** The resources an inbound NAT rule is resolved against, collected from the export. */
export class LbExport {
  readonly lbs: JsonObject[] = []
  /** ARM child resources `loadBalancers/inboundNatRules`, named `lb/rule`. */
  readonly childRules: JsonObject[] = []
  private readonly pips = new Map<string, string | undefined>()
  private readonly ipconfigs = new Map<string, Backend>()

  /** Take `o` when it is a load balancer, public IP or NIC; false otherwise. */
  take(o: JsonObject): boolean {
    const type = (asText(o.type) ?? '').toLowerCase()
    const p = props(o)
    if (type === TYPES.lb || (!type && Array.isArray(p.inboundNatRules))) this.lbs.push(o)
    else if (type === `${TYPES.lb}/inboundnatrules`) this.childRules.push(o)
    else if (type === TYPES.pip) this.pips.set((asText(o.name) ?? '').toLowerCase(), get(p, 'ipAddress'))
    else if (type === TYPES.nic || (!type && Array.isArray(p.ipConfigurations) && 'networkSecurityGroup' in p)) this.readNic(o)
    else return false
    return true
  }

  private readNic(o: JsonObject): void {
    const p = props(o)
    const nic = asText(o.name) ?? 'nic'
    const nsgId = isObject(p.networkSecurityGroup) ? asText(p.networkSecurityGroup.id) : undefined
    for (const c of asObjects(p.ipConfigurations)) {
      const cp = props(c)
      const subnet = isObject(cp.subnet) ? asText(cp.subnet.id) : undefined
      this.ipconfigs.set(`${nic}/${asText(c.name) ?? ''}`.toLowerCase(), {
        address: get(cp, 'privateIPAddress'),
        nic,
        ...(subnet ? {subnet: lastSegment(subnet)} : {}),
        ...(nsgId ? {nsg: lastSegment(nsgId)} : {}),
      })
    }
  }

  /** `.../networkInterfaces/<nic>/ipConfigurations/<ipconfig>` (ARM `resourceId(...)` expressions included). */
  backend(id: string | undefined): Backend | undefined {
    if (!id) return undefined
    // ARM: [resourceId('Microsoft.Network/networkInterfaces/ipConfigurations', 'nic', 'ipconfig')]
    const args = [...id.matchAll(/'([^']*)'/g)].map((a) => a[1])
    const m = args.length >= 3 ? [args[args.length - 2], args[args.length - 1]] : /networkInterfaces\/([^/]+)\/ipConfigurations\/([^/]+)$/i.exec(id)?.slice(1)
    return m ? this.ipconfigs.get(`${m[0]}/${m[1]}`.toLowerCase()) : undefined
  }

  /** A public IP's address by its id's last segment (or `resourceId(..., 'name')`). */
  publicAddress(id: string): string | undefined {
    const m = /'([^']+)'\)\]?$/.exec(id)
    return this.pips.get((m ? m[1] : lastSegment(id)).toLowerCase())
  }
}

export interface Backend {
  address?: string
  nic: string
  subnet?: string
  /** The NSG on the NIC itself. */
  nsg?: string
  /** The NAT's frontend is a public IP (Internet clients, never VirtualNetwork sources). */
  publicFrontend?: boolean
}

function props(o: JsonObject): JsonObject {
  return isObject(o.properties) ? o.properties : o
}

/** ARM spells `privateIPAddress`, `az` flattens to `privateIpAddress`. */
function get(o: JsonObject, key: string): string | undefined {
  const k = Object.keys(o).find((x) => x.toLowerCase() === key.toLowerCase())
  return k === undefined ? undefined : asText(o[k])
}

function getObject(o: JsonObject, key: string): JsonObject | undefined {
  const k = Object.keys(o).find((x) => x.toLowerCase() === key.toLowerCase())
  const v = k === undefined ? undefined : o[k]
  return isObject(v) ? v : undefined
}

const PROTOCOLS: Record<string, ProtocolSet> = {tcp: ProtocolSet.of(6), udp: ProtocolSet.of(17), all: ProtocolSet.ALL}

/**
 * One `nat-forward` exposure per inbound NAT rule, and the backend each rule goes to (for the NAT order).
 */
export function lbExposures(x: LbExport, lineOf: (node: object) => number, state: ParseState): Map<Exposure, Backend> {
  const backends = new Map<Exposure, Backend>()
  for (const lb of x.lbs) {
    const lbName = asText(lb.name) ?? 'lb'
    const frontends = new Map<string, JsonObject>()
    for (const f of asObjects(props(lb).frontendIPConfigurations)) frontends.set((asText(f.name) ?? '').toLowerCase(), props(f))
    const children = x.childRules
      .filter((c) => (asText(c.name) ?? '').split('/')[0] === lbName)
      .map((r) => ({r, name: (asText(r.name) ?? '').split('/').slice(1).join('/')}))
    for (const {r, name: ruleName} of [...asObjects(props(lb).inboundNatRules).map((r) => ({r, name: asText(r.name)})), ...children]) {
      const p = props(r)
      const line = lineOf(r)
      const text = ruleText(r)
      const doubts: DoubtNote[] = []
      const proto = (asText(p.protocol) ?? '').toLowerCase()
      const protocols = PROTOCOLS[proto]
      if (!protocols) {
        state.unknown(line, 'bad-value', `unknown protocol '${asText(p.protocol) ?? ''}' (Tcp, Udp or All)`, text)
        doubts.push(note('unknown-service', `unknown protocol '${asText(p.protocol) ?? ''}' read as any; exposure may be broader`))
      }
      state.count(!!protocols)
      // the public side: the frontend's public IP (or an internal frontend's private address)
      const feId = asText(getObject(p, 'frontendIPConfiguration')?.id) ?? ''
      const fe = frontends.get((/'([^']+)'\)\]?$/.exec(feId)?.[1] ?? lastSegment(feId)).toLowerCase())
      const pipId = fe ? asText(getObject(fe, 'publicIPAddress')?.id) : undefined
      const publicText = fe ? (pipId ? x.publicAddress(pipId) : get(fe, 'privateIPAddress')) : undefined
      const publicSet = publicText ? AddressSet.parse(publicText) : null
      if (!publicSet) doubts.push(note('unknown-address', `frontend address of ${feId ? lastSegment(feId) : 'this rule'} not in this export (dynamic or not listed): shown as any`))
      // frontendPortRangeStart/End with a backend pool: one port per pool member, members not resolved here
      const start = Number(asText(p.frontendPortRangeStart) ?? NaN)
      const end = Number(asText(p.frontendPortRangeEnd) ?? NaN)
      const pooled = Number.isInteger(start) && Number.isInteger(end) && start > 0 && end >= start
      const ports = pooled ? PortSet.range(start, end) : portOf(asText(p.frontendPort))
      const backendPort = portOf(asText(p.backendPort))
      const beId = asText(getObject(p, 'backendIPConfiguration')?.id)
      const be = pooled ? undefined : x.backend(beId)
      const beSet = be?.address ? AddressSet.parse(be.address) : null
      if (pooled) doubts.push(note('load-balanced', `frontend ports ${start}-${end} map to the members of backend pool ${lastSegment(asText(getObject(p, 'backendAddressPool')?.id) ?? '?')}: backends not resolved`))
      else if (!beSet) doubts.push(note('translation-unknown', `backend ${beId ? lastSegment(beId.replace(/\/ipConfigurations\/[^/]+$/i, '')) : 'IP configuration'} has no private address in this export: translated address unknown`))
      if (/^true$/i.test(asText(p.enableFloatingIP) ?? '')) doubts.push(note('vendor-semantics', 'floating IP: the backend receives the frontend address, not its own'))
      const e = buildExposure({
        kind: 'nat-forward',
        box: {from: AddressSet.ANY, to: publicSet ?? AddressSet.ANY, protocols: protocols ?? ProtocolSet.ALL, ports: ports ?? PortSet.ALL},
        translated: {...(beSet ? {to: beSet} : {}), ...(backendPort && !pooled ? {ports: backendPort} : {})},
        line,
        rule: `${lbName}/${ruleName || 'natrule'}`,
        name: `${lbName}/${ruleName || 'natrule'}`,
        text,
        doubts,
      })
      state.exposures.push(e)
      if (be && beSet) backends.set(e, {...be, publicFrontend: !!pipId})
    }
  }
  return backends
}

function portOf(text: string | undefined): PortSet | undefined {
  const n = Number(text)
  return Number.isInteger(n) && n > 0 && n < 65536 ? PortSet.range(n) : undefined
}

/**
 * Azure order for the shared NAT step: the load balancer translates, then the NSGs on the backend NIC
 * and its subnet filter the translated packet. An NSG the export attaches elsewhere does not see it; an
 * NSG with no attachment in the export may (recall first). Rules whose backend is unresolved are not
 * composed: they stay as they are, with their doubt.
 */
export function azureNatOrder(backends: Map<Exposure, Backend>): NatOrder {
  return {
    filterWords: 'inbound NSG rule on the backend NIC or subnet',
    isNat: (e) => backends.has(e),
    candidate(f, n) {
      if (!forwardingFilter(f)) return false
      const b = backends.get(n)
      const nsg = (f.rule.split('/')[0] ?? '').toLowerCase()
      const attached = f.ingress?.interfaces ?? []
      if (!b) return true
      if (b.nsg && b.nsg.toLowerCase() === nsg) return true
      return !attached.length || attached.includes(b.nic) || (!!b.subnet && attached.includes(b.subnet))
    },
    sees: () => 'translated',
    // the default AllowVnetInBound (and probe) rules: their tags read as any, but Internet clients of a
    // public frontend are never VirtualNetwork or AzureLoadBalancer sources
    pairs(n, f) {
      const tags = (f.fromSets ?? []).map((t) => t.toLowerCase())
      return !backends.get(n)?.publicFrontend || !tags.length || !tags.every((t) => t === 'virtualnetwork' || t === 'azureloadbalancer')
    },
  }
}
