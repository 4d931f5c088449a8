/**
 * `aws ec2 describe-security-groups | describe-security-group-rules | describe-network-acls |
 * describe-vpn-connections` JSON → AWS objects with line numbers. Several outputs may be merged into
 * one top-level object, or given as a bare array (`--query SecurityGroups`). Merged
 * `describe-network-interfaces` / `describe-instances` output gives the groups' member addresses, and
 * `describe-subnets` output the addresses behind a network ACL. elbv2 `describe-load-balancers` +
 * `describe-listeners` and classic `describe-load-balancers` give load balancer listeners.
 */
import type {DeviceInterface} from '../../model/device.js'
import {asArray, asObjects, asStrings, asText, isObject, type JsonObject, type JsonValue, type PositionedJson} from '../json-positions.js'
import {AddressSet} from '../../net/address-set.js'
import {parseAddresses, ParseState, ruleText} from '../cloud-common.js'
import type {LbListener, LoadBalancer, NaclEntry, NetworkAcl, SecurityGroup, SgPermission, VpnConnection} from './model.js'

export interface ClientVpnEndpoint {
  rule: string
  target: string
  port?: number
  transport?: string
  line: number
  text: string
}

export interface AwsInventory {
  clientVpnEndpoints: ClientVpnEndpoint[]
  securityGroups: SecurityGroup[]
  networkAcls: NetworkAcl[]
  vpnConnections: VpnConnection[]
  listeners: LbListener[]
  /** Member addresses of any group, from interfaces/instances in the input. */
  groupMembers: (id: string) => AddressSet | undefined
  /** The ENIs (or instances without ENIs listed) of the input, for the device model. */
  interfaces: DeviceInterface[]
}

// top-level keys of describe-* output that carry no permit
const IGNORED_KEYS: Record<string, string> = {
  NextToken: 'pagination token',
  ResponseMetadata: 'API response metadata',
}

// describe-* outputs of network objects this parser does not model (reported, not dropped)
const UNMODELLED_KEYS: Record<string, string> = {
  RouteTables: 'route tables are routing, not permits; not modelled',
  TransitGateways: 'transit gateways not modelled',
  FirewallPolicyResponse: 'AWS Network Firewall policy not modelled',
}

function num(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v)
  return undefined
}

function readPermission(perm: JsonObject, egress: boolean, index: number, sg: SecurityGroup & {ownerId?: string}, json: PositionedJson): SgPermission {
  const cidrs = [
    ...asObjects(perm.IpRanges).flatMap((r) => asStrings(r.CidrIp)),
    ...asObjects(perm.Ipv6Ranges).flatMap((r) => asStrings(r.CidrIpv6)),
  ]
  const prefixLists = asObjects(perm.PrefixListIds).flatMap((p) => asStrings(p.PrefixListId))
  const groups = asObjects(perm.UserIdGroupPairs).map((g) => {
    const id = asText(g.GroupId) ?? asText(g.GroupName) ?? 'unknown-group'
    const name = asText(g.GroupName)
    const owner = asText(g.UserId)
    // a pair in another account or VPC peering names its owner
    const where = asText(g.VpcPeeringConnectionId) ?? (owner && owner !== sg.ownerId ? `account ${owner}` : undefined)
    return {id, label: `${name && name !== id ? `${id} (${name})` : id}${where ? ` via ${where}` : ''}`}
  })
  return {
    egress,
    protocol: asText(perm.IpProtocol) ?? '-1',
    fromPort: num(perm.FromPort),
    toPort: num(perm.ToPort),
    cidrs,
    prefixLists,
    groups,
    rule: `${sg.name && sg.name !== sg.id ? `${sg.id} (${sg.name})` : sg.id} ${egress ? 'egress' : 'ingress'}#${index}`,
    line: json.lineOf(perm),
    text: ruleText(perm),
  }
}

function readSecurityGroup(o: JsonObject, json: PositionedJson): SecurityGroup {
  const sg: SecurityGroup & {ownerId?: string} = {
    id: asText(o.GroupId) ?? asText(o.GroupName) ?? 'unknown-group',
    name: asText(o.GroupName),
    vpcId: asText(o.VpcId),
    line: json.lineOf(o),
    permissions: [],
    ownerId: asText(o.OwnerId),
  }
  asObjects(o.IpPermissions).forEach((p, i) => sg.permissions.push(readPermission(p, false, i + 1, sg, json)))
  asObjects(o.IpPermissionsEgress).forEach((p, i) => sg.permissions.push(readPermission(p, true, i + 1, sg, json)))
  return sg
}

/** describe-security-group-rules: one object per rule, grouped into their groups. */
function readSecurityGroupRule(o: JsonObject, json: PositionedJson, groups: Map<string, SecurityGroup>): void {
  const groupId = asText(o.GroupId) ?? 'unknown-group'
  let sg = groups.get(groupId)
  if (!sg) {
    sg = {id: groupId, line: json.lineOf(o), permissions: []}
    groups.set(groupId, sg)
  }
  const egress = o.IsEgress === true
  const ref = isObject(o.ReferencedGroupInfo) ? asText(o.ReferencedGroupInfo.GroupId) : undefined
  sg.permissions.push({
    egress,
    protocol: asText(o.IpProtocol) ?? '-1',
    fromPort: num(o.FromPort),
    toPort: num(o.ToPort),
    cidrs: [...asStrings(o.CidrIpv4), ...asStrings(o.CidrIpv6)],
    prefixLists: asStrings(o.PrefixListId),
    groups: ref ? [{id: ref, label: ref}] : [],
    rule: `${groupId} ${asText(o.SecurityGroupRuleId) ?? (egress ? 'egress' : 'ingress')}`,
    line: json.lineOf(o),
    text: ruleText(o),
  })
}

function readNetworkAcl(o: JsonObject, json: PositionedJson): NetworkAcl {
  const id = asText(o.NetworkAclId) ?? 'unknown-acl'
  const entries: NaclEntry[] = asObjects(o.Entries).map((e) => {
    const egress = e.Egress === true
    const ruleNumber = num(e.RuleNumber) ?? 32767
    const range = isObject(e.PortRange) ? e.PortRange : undefined
    const icmp = isObject(e.IcmpTypeCode) ? e.IcmpTypeCode : undefined
    return {
      ruleNumber,
      egress,
      action: asText(e.RuleAction) ?? '',
      protocol: asText(e.Protocol) ?? '-1',
      cidr: asText(e.CidrBlock) ?? asText(e.Ipv6CidrBlock),
      fromPort: range ? num(range.From) : undefined,
      toPort: range ? num(range.To) : undefined,
      icmpType: icmp ? num(icmp.Type) : undefined,
      // rule 32767 is the `*` catch-all every ACL ends with
      rule: `${id} ${egress ? 'egress' : 'ingress'}#${ruleNumber === 32767 ? '*' : ruleNumber}`,
      line: json.lineOf(e),
      text: ruleText(e),
    }
  })
  return {id, vpcId: asText(o.VpcId), line: json.lineOf(o), subnets: asObjects(o.Associations).flatMap((a) => asStrings(a.SubnetId)), entries}
}

/** XML fields of CustomerGatewayConfiguration read by pattern; the document (with its PSKs) is never kept. */
function gatewayAddresses(xml: string, side: 'customer_gateway' | 'vpn_gateway'): string[] {
  const out: string[] = []
  const re = new RegExp(`<${side}>\\s*<tunnel_outside_address>\\s*<ip_address>([^<]+)</ip_address>`, 'g')
  for (const m of xml.matchAll(re)) out.push(m[1].trim())
  return out
}

function readVpnConnection(o: JsonObject, json: PositionedJson): VpnConnection {
  const id = asText(o.VpnConnectionId) ?? 'unknown-vpn'
  const xml = asText(o.CustomerGatewayConfiguration) ?? ''
  const options = isObject(o.Options) ? o.Options : {}
  const tunnels = new Set<string>([
    ...asObjects(o.VgwTelemetry).flatMap((t) => asStrings(t.OutsideIpAddress)),
    ...asObjects(options.TunnelOptions).flatMap((t) => asStrings(t.OutsideIpAddress)),
    ...gatewayAddresses(xml, 'vpn_gateway'),
  ])
  const customer = gatewayAddresses(xml, 'customer_gateway')[0]
  const remote = asText(options.RemoteIpv4NetworkCidr) ?? asText(options.RemoteIpv6NetworkCidr)
  const local = asText(options.LocalIpv4NetworkCidr) ?? asText(options.LocalIpv6NetworkCidr)
  const routes = asObjects(o.Routes).flatMap((r) => asStrings(r.DestinationCidrBlock))
  // a catch-all remote CIDR is the API default when unset, not a route
  const remoteCidrs = [...routes, ...(remote && remote !== '0.0.0.0/0' && remote !== '::/0' ? [remote] : [])]
  const summary: JsonObject = {}
  for (const k of ['VpnConnectionId', 'Type', 'State', 'CustomerGatewayId', 'VpnGatewayId', 'TransitGatewayId']) {
    if (o[k] !== undefined) summary[k] = o[k]
  }
  return {
    id,
    line: json.lineOf(o),
    tunnelAddresses: [...tunnels].sort(),
    customerGateway: customer,
    remoteCidrs,
    localCidrs: local && local !== '0.0.0.0/0' && local !== '::/0' ? [local] : [],
    text: ruleText(summary),
  }
}

function readLoadBalancer(o: JsonObject): LoadBalancer {
  return {
    target: asText(o.DNSName) ?? asText(o.LoadBalancerName) ?? 'load-balancer',
    internal: (asText(o.Scheme) ?? '').toLowerCase() === 'internal',
    securityGroups: asStrings(o.SecurityGroups),
  }
}

/** Addresses of one network interface (describe-network-interfaces, or an instance's NetworkInterfaces). */
function interfaceAddresses(eni: JsonObject): string[] {
  const out = asObjects(eni.PrivateIpAddresses).flatMap((p) => [
    ...asStrings(p.PrivateIpAddress),
    ...(isObject(p.Association) ? asStrings(p.Association.PublicIp) : []),
  ])
  out.push(...asStrings(eni.PrivateIpAddress), ...(isObject(eni.Association) ? asStrings(eni.Association.PublicIp) : []))
  out.push(...asObjects(eni.Ipv6Addresses).flatMap((a) => asStrings(a.Ipv6Address)))
  return out
}

/** Security group id → the addresses and ids of what it is attached to (ENIs and instances in the input). */
class Members {
  private readonly sets = new Map<string, AddressSet[]>()
  private readonly ids = new Map<string, string[]>()
  /** Each ENI (or instance without listed ENIs) once: its addresses, and whether one is public. */
  readonly interfaces: DeviceInterface[] = []

  add(groups: JsonValue | undefined, addresses: string[], id: string | undefined, publicIps: string[], line: number): void {
    const set = parseAddresses(addresses.filter(Boolean), [])
    if (id && !this.interfaces.some((i) => i.name === id)) {
      this.interfaces.push({
        name: id,
        // no vendor zone: a VPC is where the member lives, not a trust boundary traffic comes from
        addresses: set.toCidrs(),
        // an address the internet can send to: the ENI faces the internet
        ...(publicIps.length ? {wan: true} : {}),
        line,
      })
    }
    if (set.isEmpty()) return
    for (const g of asObjects(groups).flatMap((x) => asStrings(x.GroupId))) {
      const list = this.sets.get(g) ?? []
      list.push(set)
      this.sets.set(g, list)
      if (id) this.ids.set(g, [...(this.ids.get(g) ?? []), id])
    }
  }

  addInterface(eni: JsonObject, line: number): void {
    const publicIps = [...asObjects(eni.PrivateIpAddresses).flatMap((p) => (isObject(p.Association) ? asStrings(p.Association.PublicIp) : [])), ...(isObject(eni.Association) ? asStrings(eni.Association.PublicIp) : [])]
    this.add(eni.Groups, interfaceAddresses(eni), asText(eni.NetworkInterfaceId), publicIps, line)
  }

  addInstance(instance: JsonObject, line: number): void {
    const enis = asObjects(instance.NetworkInterfaces)
    if (enis.length) for (const eni of enis) this.addInterface(eni, line)
    else this.add(instance.SecurityGroups, [...asStrings(instance.PrivateIpAddress), ...asStrings(instance.PublicIpAddress)], asText(instance.InstanceId), asStrings(instance.PublicIpAddress), line)
  }

  of(group: string): AddressSet | undefined {
    const list = this.sets.get(group)
    return list ? AddressSet.unionAll(list) : undefined
  }

  /** ENI/instance ids a group is attached to, in input order. */
  idsOf(group: string): string[] | undefined {
    const list = this.ids.get(group)
    return list ? [...new Set(list)] : undefined
  }
}

/** Which describe-* object a bare array element is. */
function kindOf(o: JsonObject): 'sg' | 'sgr' | 'nacl' | 'vpn' | undefined {
  if ('IpPermissions' in o || 'IpPermissionsEgress' in o) return 'sg'
  if ('SecurityGroupRuleId' in o) return 'sgr'
  if ('NetworkAclId' in o && 'Entries' in o) return 'nacl'
  if ('VpnConnectionId' in o) return 'vpn'
  return undefined
}

export function readAws(json: PositionedJson, state: ParseState): AwsInventory {
  const inv: AwsInventory = {clientVpnEndpoints: [], securityGroups: [], networkAcls: [], vpnConnections: [], listeners: [], groupMembers: () => undefined, interfaces: []}
  const loadBalancers = new Map<string, LoadBalancer>()
  const pendingListeners: Array<{o: JsonObject; line: number}> = []
  const ruleGroups = new Map<string, SecurityGroup>()
  const members = new Members()
  const subnets = new Map<string, AddressSet>()
  const take = (o: JsonObject) => {
    switch (kindOf(o)) {
      case 'sg':
        inv.securityGroups.push(readSecurityGroup(o, json))
        return true
      case 'sgr':
        readSecurityGroupRule(o, json, ruleGroups)
        return true
      case 'nacl':
        inv.networkAcls.push(readNetworkAcl(o, json))
        return true
      case 'vpn':
        inv.vpnConnections.push(readVpnConnection(o, json))
        return true
      default:
        return false
    }
  }
  const root = json.value
  const items: Array<{o: JsonValue; line: number}> = []
  if (Array.isArray(root)) {
    for (const o of root) items.push({o, line: isObject(o) || Array.isArray(o) ? json.lineOf(o) : json.lineOf(root)})
  } else if (isObject(root)) {
    for (const [key, value] of Object.entries(root)) {
      const line = json.lineOf(root, key)
      if (key in IGNORED_KEYS) continue
      // attachments: they turn a group's "any" destination into real addresses
      if (key === 'ClientVpnEndpoints') {
        for (const o of asObjects(value)) {
          const id = asText(o.ClientVpnEndpointId) ?? 'client-vpn'
          // the DNS name is a wildcard (`*.cvpn-endpoint-….amazonaws.com`): the endpoint id names it better
          inv.clientVpnEndpoints.push({rule: id, target: id, port: num(o.VpnPort), transport: asText(o.TransportProtocol), line: json.lineOf(o), text: ruleText({ClientVpnEndpointId: id, VpnPort: o.VpnPort ?? null, TransportProtocol: o.TransportProtocol ?? null, ClientCidrBlock: o.ClientCidrBlock ?? null})})
          state.count(true)
        }
        continue
      }
      if (key === 'LoadBalancers') {
        // elbv2 describe-load-balancers: the listeners (describe-listeners) name them by ARN
        for (const o of asObjects(value)) {
          loadBalancers.set(asText(o.LoadBalancerArn) ?? '', readLoadBalancer(o))
          state.count(true)
        }
        continue
      }
      if (key === 'Listeners') {
        for (const o of asObjects(value)) pendingListeners.push({o, line: json.lineOf(o)})
        continue
      }
      if (key === 'LoadBalancerDescriptions') {
        // classic ELB: listeners inside the load balancer
        for (const o of asObjects(value)) {
          const lb = readLoadBalancer(o)
          const name = asText(o.LoadBalancerName) ?? lb.target
          asObjects(o.ListenerDescriptions).forEach((d, i) => {
            const l = isObject(d.Listener) ? d.Listener : {}
            const port = num(l.LoadBalancerPort)
            state.count(port !== undefined)
            if (port === undefined) state.unknown(json.lineOf(d), 'malformed', 'listener without a port', ruleText(d))
            else inv.listeners.push({port, protocol: asText(l.Protocol) ?? 'TCP', lb, rule: `${name} listener#${i + 1}`, line: json.lineOf(d), text: ruleText(l)})
          })
          state.count(true)
        }
        continue
      }
      if (key === 'Subnets') {
        // describe-subnets: the addresses a network ACL guards
        for (const o of asObjects(value)) {
          const cidrs = [...asStrings(o.CidrBlock), ...asObjects(o.Ipv6CidrBlockAssociationSet).flatMap((a) => asStrings(a.Ipv6CidrBlock))]
          subnets.set(asText(o.SubnetId) ?? '', parseAddresses(cidrs, []))
          state.count(true)
        }
        continue
      }
      if (key === 'NetworkInterfaces' || key === 'Reservations') {
        for (const o of asObjects(value)) {
          if (key === 'NetworkInterfaces') members.addInterface(o, json.lineOf(o))
          else for (const instance of asObjects(o.Instances)) members.addInstance(instance, json.lineOf(instance))
          state.count(true)
        }
        continue
      }
      if (key === 'SecurityGroups' || key === 'SecurityGroupRules' || key === 'NetworkAcls' || key === 'VpnConnections') {
        for (const o of asArray(value)) items.push({o, line})
      } else {
        state.count(false)
        const unmodelled = UNMODELLED_KEYS[key]
        state.unknown(line, unmodelled ? 'unsupported' : 'unknown-statement', unmodelled ?? `unknown top-level key '${key}'`, ruleText(value), {path: `/${key}`})
      }
    }
  }
  for (const {o, line} of items) {
    if (!isObject(o) || !take(o)) {
      state.count(false)
      state.unknown(line, 'unknown-statement', 'not a security group, security group rule, network ACL or VPN connection', ruleText(o))
    }
  }
  for (const {o, line} of pendingListeners) {
    const port = num(o.Port)
    state.count(port !== undefined)
    if (port === undefined) {
      state.unknown(line, 'malformed', 'listener without a port', ruleText(o))
      continue
    }
    const arn = asText(o.ListenerArn) ?? ''
    inv.listeners.push({
      port,
      protocol: asText(o.Protocol) ?? 'TCP',
      lb: loadBalancers.get(asText(o.LoadBalancerArn) ?? ''),
      rule: arn ? arn.split('/').slice(-3).join('/') : `listener:${port}`,
      line,
      text: ruleText(o),
    })
  }
  inv.securityGroups.push(...ruleGroups.values())
  for (const sg of inv.securityGroups) {
    sg.attached = members.of(sg.id)
    sg.attachedTo = members.idsOf(sg.id)
  }
  inv.groupMembers = (id) => members.of(id)
  inv.interfaces = members.interfaces
  for (const acl of inv.networkAcls) {
    const known = acl.subnets.map((id) => subnets.get(id)).filter((s): s is AddressSet => s !== undefined && !s.isEmpty())
    if (known.length > 0 && known.length === acl.subnets.length) acl.addresses = AddressSet.unionAll(known)
  }
  return inv
}
