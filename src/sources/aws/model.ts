/**
 * AWS network objects as the EC2 API (and the Pulumi aws provider) describe them, before any
 * evaluation. `describe-*` JSON and Pulumi state both read into these shapes, so the rule logic in
 * exposures.ts is written once.
 */
import type {AddressSet} from '../../net/address-set.js'

export interface GroupRef {
  id: string
  label: string
}

/** One IpPermission (or one security-group rule resource), ingress or egress. */
export interface SgPermission {
  egress: boolean
  /** `-1`, `tcp`, `6`, `icmp`, `icmpv6`, `58`, `all`… as written. */
  protocol: string
  /** Port range for tcp/udp; ICMP type/code for icmp. -1 or absent = all. */
  fromPort?: number
  toPort?: number
  cidrs: string[]
  prefixLists: string[]
  /** Referenced security groups: id, and the label shown (`sg-… (name) via pcx-…`). */
  groups: GroupRef[]
  /** Pulumi `self: true`: the group itself is a source. */
  self?: boolean
  /** Rule name: `sg-0abc (web) ingress#2`, or the Pulumi resource name. */
  rule: string
  line: number
  text: string
}

export interface SecurityGroup {
  id: string
  name?: string
  /** The VPC: the zone its members sit in. */
  vpcId?: string
  line: number
  permissions: SgPermission[]
  /** Addresses of what the group is attached to, when the input says (Pulumi instances, EIPs). */
  attached?: AddressSet
  /** Ids of what the group is attached to (ENIs, instances), when the input says: where its rules apply. */
  attachedTo?: string[]
}

export interface NaclEntry {
  ruleNumber: number
  egress: boolean
  action: string
  protocol: string
  cidr?: string
  fromPort?: number
  toPort?: number
  icmpType?: number
  rule: string
  line: number
  text: string
}

export interface NetworkAcl {
  id: string
  vpcId?: string
  line: number
  subnets: string[]
  /** CIDRs of the associated subnets, when the input lists every one of them (describe-subnets). */
  addresses?: AddressSet
  entries: NaclEntry[]
}

export interface VpnConnection {
  id: string
  line: number
  /** AWS-side tunnel outside addresses (the listeners). */
  tunnelAddresses: string[]
  /** Customer gateway public address, when the input has it. */
  customerGateway?: string
  /** Networks on the customer side routed into the VPN (static routes, remote CIDR option). */
  remoteCidrs: string[]
  /** Networks on the AWS side (local CIDR option), any when absent. */
  localCidrs: string[]
  text: string
}

/** A load balancer as the listeners see it. */
export interface LoadBalancer {
  /** DNS name (or name): the named destination of its listeners. */
  target: string
  internal: boolean
  securityGroups: string[]
}

/** One listener (ELBv2 listener, classic ELB listener): a port open on the load balancer. */
export interface LbListener {
  port: number
  /** HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, SSL… as written. */
  protocol: string
  /** Undefined when the input does not hold the listener's load balancer. */
  lb?: LoadBalancer
  rule: string
  line: number
  text: string
}
