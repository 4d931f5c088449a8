/**
 * Pulumi resources → the AWS / Azure / GCP objects their own parsers already evaluate, plus the
 * load balancers and Kubernetes services only a stack has. One function per concept; the rule logic
 * lives in aws/exposures.ts, azure.ts and gcp.ts.
 *
 * Pulumi secrets (`{"4dabf1…": "1b4706…", ciphertext|plaintext|value}`) are never decoded: a field
 * holding one reads as absent, and ruleText prints `<redacted>` in its place.
 */
import {type DeviceInterface, type DeviceModel, deviceModel} from '../../model/device.js'
import {AddressSet} from '../../net/address-set.js'
import {clientVpnExposure, listenerExposure, networkAclExposures, securityGroupExposures, vpnExposures} from '../aws/exposures.js'
import type {LoadBalancer, NaclEntry, NetworkAcl, SecurityGroup, SgPermission} from '../aws/model.js'
import {type Nsg, nsgDevice, nsgExposures, readNsgRule} from '../azure.js'
import {lastSegment, parseAddresses, type ParseState, ruleText} from '../cloud-common.js'
import {gcpExposures, type GcpPolicy, type GcpRule, readFirewall, readPolicyRule} from '../gcp.js'
import {asObjects, asStrings, asText, type JsonObject, type JsonValue} from '../json-positions.js'
import {kubernetesService} from './kubernetes.js'
import type {PulumiResource} from './read.js'

// Network-relevant types this parser does not model: reported so a reader knows what is missing.
const UNMODELLED_PREFIXES: Array<[string, string]> = [
  ['aws:networkfirewall/', 'AWS Network Firewall rules are not modelled'],
  ['aws:wafv2/', 'WAF rules are not modelled'],
  ['aws:ec2/vpcPeeringConnection', 'VPC peering (reach between VPCs) is not modelled'],
  ['aws:ec2transitgateway/', 'transit gateway routing is not modelled'],
  ['aws:apigateway/restApi', 'API Gateway endpoints are not modelled'],
  ['aws:apigatewayv2/api', 'API Gateway endpoints are not modelled'],
  ['aws:lightsail/instancePublicPorts', 'Lightsail public ports are not modelled'],
  ['aws:globalaccelerator/', 'Global Accelerator listeners are not modelled'],
  ['aws:ec2clientvpn/authorizationRule', 'client VPN authorization rules are not modelled'],
  ['azure-native:network:AzureFirewall', 'Azure Firewall rules are not modelled'],
  ['azure-native:network:FirewallPolicy', 'Azure Firewall policies are not modelled'],
  ['azure-native:network:LoadBalancer', 'Azure load balancer rules are not modelled'],
  ['azure-native:network:ApplicationGateway', 'application gateways are not modelled'],
  ['azure-native:network:VirtualNetworkGateway', 'VPN gateways are not modelled'],
  ['azure:lb/', 'Azure load balancer rules are not modelled'],
  ['azure:network/firewall', 'Azure Firewall rules are not modelled'],
  ['gcp:compute/forwardingRule', 'forwarding rules (load balancer front ends) are not modelled'],
  ['gcp:compute/globalForwardingRule', 'forwarding rules (load balancer front ends) are not modelled'],
  ['gcp:compute/firewallPolicyAssociation', 'where a GCP firewall policy applies is not modelled (its rules are)'],
  ['gcp:compute/vpnTunnel', 'Cloud VPN tunnels are not modelled'],
  ['kubernetes:networking.k8s.io/v1:Ingress', 'Kubernetes Ingress is not modelled'],
  ['kubernetes:networking.k8s.io/v1:NetworkPolicy', 'Kubernetes NetworkPolicy is not modelled'],
]

const prefixed = (table: Array<[string, string]>, type: string) => table.find(([p]) => type.startsWith(p))?.[1]

/** `azure-native:network/v20230201:NetworkSecurityGroup` → `azure-native:network:NetworkSecurityGroup`. */
function canonicalType(type: string): string {
  return type.replace(/^(azure-native:[a-z]+)\/v\d[\w-]*:/i, '$1:')
}

function num(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v)
  return undefined
}

/** What an EC2 security group is attached to, when every attachment in the stack has known addresses. */
class Attachments {
  private readonly addresses = new Map<string, AddressSet[]>()
  private readonly unresolved = new Set<string>()
  /** Resources (instances, launch templates, load balancers…) that name the group: where its rules apply. */
  private readonly holders = new Map<string, string[]>()

  add(group: string, addresses: AddressSet | undefined, holder: string): void {
    this.holders.set(group, [...new Set([...(this.holders.get(group) ?? []), holder])])
    if (!addresses || addresses.isEmpty()) {
      this.unresolved.add(group)
      return
    }
    const list = this.addresses.get(group) ?? []
    list.push(addresses)
    this.addresses.set(group, list)
  }

  of(ids: string[]): AddressSet | undefined {
    if (ids.some((id) => this.unresolved.has(id))) return undefined
    const sets = ids.flatMap((id) => this.addresses.get(id) ?? [])
    return sets.length ? AddressSet.unionAll(sets) : undefined
  }

  holdersOf(group: string): string[] | undefined {
    return this.holders.get(group)
  }
}

function instanceAddresses(props: JsonObject, eips: Map<string, string[]>, id: string | undefined): AddressSet | undefined {
  const texts = [...asStrings(props.privateIp), ...asStrings(props.publicIp), ...asStrings(props.ipv6Addresses), ...(id ? (eips.get(id) ?? []) : [])]
  const set = parseAddresses(texts.filter(Boolean), [])
  return set.isEmpty() ? undefined : set
}

function sgPermission(o: JsonObject, egress: boolean, rule: string, line: number): SgPermission {
  return {
    egress,
    protocol: asText(o.protocol) ?? asText(o.ipProtocol) ?? '-1',
    fromPort: num(o.fromPort),
    toPort: num(o.toPort),
    cidrs: [...asStrings(o.cidrBlocks), ...asStrings(o.ipv6CidrBlocks), ...asStrings(o.cidrIpv4), ...asStrings(o.cidrIpv6)].filter(Boolean),
    prefixLists: [...asStrings(o.prefixListIds), ...asStrings(o.prefixListId)].filter(Boolean),
    groups: [...asStrings(o.securityGroups), ...asStrings(o.sourceSecurityGroupId), ...asStrings(o.referencedSecurityGroupId)]
      .filter(Boolean)
      .map((id) => ({id, label: id})),
    self: o.self === true,
    rule,
    line,
    text: ruleText(o),
  }
}

function naclEntry(o: JsonObject, egress: boolean, aclId: string, line: number): NaclEntry {
  const ruleNumber = num(o.ruleNo) ?? num(o.ruleNumber) ?? 32767
  return {
    ruleNumber,
    egress,
    action: asText(o.action) ?? asText(o.ruleAction) ?? '',
    protocol: asText(o.protocol) ?? '-1',
    cidr: asText(o.cidrBlock) || asText(o.ipv6CidrBlock) || undefined,
    fromPort: num(o.fromPort),
    toPort: num(o.toPort),
    icmpType: num(o.icmpType),
    rule: `${aclId} ${egress ? 'egress' : 'ingress'}#${ruleNumber}`,
    line,
    text: ruleText(o),
  }
}

/** Everything a stack exposes. */
export function pulumiExposures(resources: PulumiResource[], state: ParseState): DeviceModel {
  // pass 1: indexes the rules need (addresses of instances, gateways, load balancers, groups)
  const eips = new Map<string, string[]>()
  const customerGateways = new Map<string, string>()
  const groupIdsByName = new Map<string, string>()
  for (const r of resources) {
    const t = canonicalType(r.type)
    if (t === 'aws:ec2/eip:Eip' || t === 'aws:ec2/eipAssociation:EipAssociation') {
      const instance = asText(r.props.instance) || asText(r.props.instanceId)
      const ip = asText(r.props.publicIp)
      if (instance && ip) eips.set(instance, [...(eips.get(instance) ?? []), ip])
    } else if (t === 'aws:ec2/customerGateway:CustomerGateway') {
      const ip = asText(r.props.ipAddress)
      if (ip) customerGateways.set(asText(r.props.id) ?? r.id ?? r.name, ip)
    } else if (t === 'aws:ec2/securityGroup:SecurityGroup') {
      const name = asText(r.props.name)
      if (name) groupIdsByName.set(name, asText(r.props.id) ?? r.id ?? r.name)
    }
  }
  const attachments = new Attachments()
  // EC2 instances are the stack's interfaces: their addresses, a public one (or an EIP) facing the internet
  const interfaces: DeviceInterface[] = []
  for (const r of resources) {
    const isInstance = canonicalType(r.type) === 'aws:ec2/instance:Instance'
    const id = asText(r.props.id) ?? r.id ?? r.name
    const addresses = isInstance ? instanceAddresses(r.props, eips, asText(r.props.id) ?? r.id) : undefined
    if (isInstance) {
      const wan = Boolean(asText(r.props.publicIp)) || (eips.get(id)?.length ?? 0) > 0
      interfaces.push({name: id, addresses: addresses?.toCidrs() ?? [], ...(wan ? {wan: true} : {}), line: r.line})
    }
    const refs = [...asStrings(r.props.vpcSecurityGroupIds), ...asStrings(r.props.securityGroups)].map((g) => groupIdsByName.get(g) ?? g)
    if (refs.length === 0) continue
    for (const g of refs) attachments.add(g, addresses, asText(r.props.id) ?? r.id ?? r.name)
  }

  // pass 2: each resource once
  const groups = new Map<string, SecurityGroup>()
  const acls = new Map<string, NetworkAcl>()
  const nsgs = new Map<string, Nsg>()
  const firewalls: GcpRule[] = []
  const policies = new Map<string, GcpPolicy>()
  const loadBalancers = new Map<string, PulumiResource>()
  const listeners: PulumiResource[] = []
  const vpnRoutes = new Map<string, string[]>()
  const vpns: PulumiResource[] = []

  const groupFor = (id: string, r: PulumiResource, name?: string): SecurityGroup => {
    let sg = groups.get(id)
    if (!sg) {
      sg = {id, name, vpcId: asText(r.props.vpcId) || undefined, line: r.line, permissions: []}
      groups.set(id, sg)
    }
    return sg
  }
  const aclFor = (id: string, r: PulumiResource): NetworkAcl => {
    let acl = acls.get(id)
    if (!acl) {
      acl = {id, vpcId: asText(r.props.vpcId) || undefined, line: r.line, subnets: [], entries: []}
      acls.set(id, acl)
    }
    return acl
  }
  const nsgFor = (name: string, r: PulumiResource): Nsg => {
    let nsg = nsgs.get(name)
    if (!nsg) {
      nsg = {name, line: r.line, rules: [], attachments: [], hasDefaults: false}
      nsgs.set(name, nsg)
    }
    return nsg
  }
  const lineOf = (r: PulumiResource) => () => r.line

  // Container resources (groups, ACLs, NSGs, load balancers) count once here; the rules inside them,
  // and rule resources, are counted by the shared rule logic.
  for (const r of resources) {
    const t = canonicalType(r.type)
    const p = r.props
    switch (t) {
      case 'aws:ec2/securityGroup:SecurityGroup':
      case 'aws:ec2/defaultSecurityGroup:DefaultSecurityGroup': {
        const sg = groupFor(asText(p.id) ?? r.id ?? r.name, r, asText(p.name))
        asObjects(p.ingress).forEach((o, i) => sg.permissions.push(sgPermission(o, false, `${r.name} ingress#${i + 1}`, r.line)))
        asObjects(p.egress).forEach((o, i) => sg.permissions.push(sgPermission(o, true, `${r.name} egress#${i + 1}`, r.line)))
        state.count(true)
        break
      }
      case 'aws:ec2/securityGroupRule:SecurityGroupRule':
      case 'aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule':
      case 'aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule': {
        const egress = t.endsWith('EgressRule') || asText(p.type) === 'egress'
        groupFor(asText(p.securityGroupId) ?? 'unknown-group', r).permissions.push(sgPermission(p, egress, r.name, r.line))
        break
      }
      case 'aws:ec2/networkAcl:NetworkAcl':
      case 'aws:ec2/defaultNetworkAcl:DefaultNetworkAcl': {
        const acl = aclFor(asText(p.id) ?? r.id ?? r.name, r)
        acl.subnets.push(...asStrings(p.subnetIds))
        for (const o of asObjects(p.ingress)) acl.entries.push(naclEntry(o, false, r.name, r.line))
        for (const o of asObjects(p.egress)) acl.entries.push(naclEntry(o, true, r.name, r.line))
        state.count(true)
        break
      }
      case 'aws:ec2/networkAclRule:NetworkAclRule':
        aclFor(asText(p.networkAclId) ?? 'unknown-acl', r).entries.push({...naclEntry(p, p.egress === true, r.name, r.line), rule: r.name})
        break
      case 'aws:ec2/networkAclAssociation:NetworkAclAssociation':
        aclFor(asText(p.networkAclId) ?? 'unknown-acl', r).subnets.push(...asStrings(p.subnetId))
        state.count(true)
        break
      case 'aws:lb/loadBalancer:LoadBalancer':
      case 'aws:alb/loadBalancer:LoadBalancer':
        loadBalancers.set(asText(p.arn) ?? r.id ?? r.name, r)
        state.count(true)
        break
      case 'aws:lb/listener:Listener':
      case 'aws:alb/listener:Listener':
        listeners.push(r)
        break
      case 'aws:elb/loadBalancer:LoadBalancer':
        classicLoadBalancer(r, state)
        break
      case 'aws:ec2clientvpn/endpoint:Endpoint':
        clientVpnEndpoint(r, state)
        break
      case 'aws:ec2/vpnConnection:VpnConnection':
        // counted by vpnExposures
        vpns.push(r)
        break
      case 'aws:ec2/vpnConnectionRoute:VpnConnectionRoute': {
        const id = asText(p.vpnConnectionId) ?? ''
        vpnRoutes.set(id, [...(vpnRoutes.get(id) ?? []), ...asStrings(p.destinationCidrBlock)])
        state.count(true)
        break
      }
      case 'azure-native:network:NetworkSecurityGroup':
      case 'azure:network/networkSecurityGroup:NetworkSecurityGroup': {
        const nsg = nsgFor(asText(p.networkSecurityGroupName) ?? asText(p.name) ?? r.name, r)
        const defaults = asObjects(p.defaultSecurityRules)
        nsg.hasDefaults ||= defaults.length > 0
        nsg.attachments.push(...[...asObjects(p.subnets), ...asObjects(p.networkInterfaces)].map((a) => lastSegment(asText(a.id) ?? '')).filter(Boolean))
        for (const o of [...asObjects(p.securityRules), ...defaults]) nsg.rules.push(readNsgRule(o, lineOf(r), ruleText(o)))
        state.count(true)
        break
      }
      case 'azure-native:network:SecurityRule':
      case 'azure:network/networkSecurityRule:NetworkSecurityRule': {
        const rule = readNsgRule({...p, name: asText(p.securityRuleName) ?? asText(p.name) ?? r.name}, lineOf(r), ruleText(p))
        nsgFor(asText(p.networkSecurityGroupName) ?? 'nsg', r).rules.push(rule)
        break
      }
      case 'gcp:compute/firewall:Firewall':
        firewalls.push(readFirewall(p, r.line, r.name))
        break
      case 'gcp:compute/firewallPolicyRule:FirewallPolicyRule':
      case 'gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule':
      case 'gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule': {
        // same shape as the REST policy rule; hierarchical (org/folder) policies run before VPC rules
        const name = lastSegment(asText(p.firewallPolicy) ?? 'policy')
        const key = `${t}|${name}`
        const policy = policies.get(key) ?? {name, hierarchical: t.startsWith('gcp:compute/firewallPolicyRule'), rules: []}
        policies.set(key, policy)
        policy.rules.push({...readPolicyRule(p, r.line, name), name: r.name})
        break
      }
      case 'gcp:compute/firewallPolicy:FirewallPolicy':
      case 'gcp:compute/networkFirewallPolicy:NetworkFirewallPolicy':
        // the container; its rules are separate resources
        state.count(true)
        break
      case 'kubernetes:core/v1:Service':
        kubernetesService(r, state)
        break
      case 'aws:ec2/instance:Instance':
      case 'aws:ec2/eip:Eip':
      case 'aws:ec2/eipAssociation:EipAssociation':
      case 'aws:ec2/customerGateway:CustomerGateway':
        // read in pass 1 (addresses of attachments and gateways)
        state.count(true)
        break
      default: {
        const missing = prefixed(UNMODELLED_PREFIXES, t)
        if (missing) {
          state.count(false)
          state.unknown(r.line, 'unsupported', `${missing} (${r.type} ${r.name})`, ruleText({type: r.type, urn: r.urn}))
        } else {
          // not network (lambda, iam, buckets…) or topology and routing only: understood, nothing to expose
          state.count(true)
        }
      }
    }
  }

  for (const sg of groups.values()) {
    const attached = attachments.of([sg.id])
    const attachedTo = attachments.holdersOf(sg.id)
    securityGroupExposures({...sg, ...(attached ? {attached} : {}), ...(attachedTo ? {attachedTo} : {})}, state, (id) => attachments.of([id]))
  }
  for (const acl of acls.values()) networkAclExposures(acl, state)
  for (const nsg of nsgs.values()) nsgExposures(nsg, state)
  if (firewalls.length || policies.size) gcpExposures(firewalls, [...policies.values()], state)
  for (const l of listeners) listener(l, loadBalancers, state)
  for (const v of vpns) {
    const p = v.props
    const id = asText(p.id) ?? v.id ?? v.name
    const remote = asText(p.remoteIpv4NetworkCidr)
    vpnExposures(
      {
        id: v.name,
        line: v.line,
        tunnelAddresses: [...asStrings(p.tunnel1Address), ...asStrings(p.tunnel2Address)].filter(Boolean),
        customerGateway: customerGateways.get(asText(p.customerGatewayId) ?? ''),
        remoteCidrs: [...(vpnRoutes.get(id) ?? []), ...(remote && remote !== '0.0.0.0/0' ? [remote] : [])],
        localCidrs: [],
        text: ruleText({type: v.type, customerGatewayId: p.customerGatewayId ?? null, vpnGatewayId: p.vpnGatewayId ?? null, transitGatewayId: p.transitGatewayId ?? null}),
      },
      state,
    )
  }
  return deviceModel([...interfaces, ...nsgDevice([...nsgs.values()]).interfaces])
}

function lbOf(r: PulumiResource): LoadBalancer {
  return {
    target: asText(r.props.dnsName) || asText(r.props.name) || r.name,
    internal: r.props.internal === true,
    securityGroups: asStrings(r.props.securityGroups),
  }
}

function listener(r: PulumiResource, loadBalancers: Map<string, PulumiResource>, state: ParseState): void {
  const p = r.props
  const lb = loadBalancers.get(asText(p.loadBalancerArn) ?? '')
  const port = num(p.port)
  state.count(port !== undefined)
  const text = ruleText({type: r.type, port: p.port ?? null, protocol: p.protocol ?? null, loadBalancerArn: p.loadBalancerArn ?? null})
  if (port === undefined) {
    state.unknown(r.line, 'malformed', 'listener without a port', text)
    return
  }
  listenerExposure({port, protocol: asText(p.protocol) ?? 'TCP', lb: lb ? lbOf(lb) : undefined, rule: r.name, line: r.line, text}, state)
}

function classicLoadBalancer(r: PulumiResource, state: ParseState): void {
  state.count(true)
  for (const l of asObjects(r.props.listeners)) {
    const port = num(l.lbPort)
    if (port !== undefined) listenerExposure({port, protocol: asText(l.lbProtocol) ?? 'TCP', lb: lbOf(r), rule: r.name, line: r.line, text: ruleText(l)}, state)
  }
}

function clientVpnEndpoint(r: PulumiResource, state: ParseState): void {
  const p = r.props
  state.count(true)
  const text = ruleText({type: r.type, vpnPort: p.vpnPort ?? null, transportProtocol: p.transportProtocol ?? null, clientCidrBlock: p.clientCidrBlock ?? null})
  clientVpnExposure({rule: r.name, target: asText(p.dnsName) || r.name, port: num(p.vpnPort), transport: asText(p.transportProtocol), line: r.line, text}, state)
}
