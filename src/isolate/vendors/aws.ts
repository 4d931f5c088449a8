/**
 * AWS (CLI): security groups only allow, so a zone's instances are isolated the way AWS's incident
 * response guide does it — a quarantine security group per VPC, with no rules but the kept traffic (its
 * default allow-all egress revoked), replaces every group of each instance whose address lies in the zone
 * (`modify-instance-attribute --groups`). Security groups are stateful, so kept traffic needs no reply
 * rule. Network ACLs in the export get deny entries numbered below their lowest rule (evaluated first).
 * Undo gives each instance its groups back, deletes the entries and the quarantine group. Instances come
 * from describe-instances output or a Pulumi stack export, ACLs from describe-network-acls (with
 * describe-subnets for their subnets).
 */
import {AddressSet} from '../../net/address-set.js'
import {ANY4, ANY6, hasPortRanges, isV6, keptPairs, safeName} from '../common.js'
import type {IsolationGenerator, IsolationRequest, IsolationRules, KeptService} from '../types.js'

export interface AwsNacl {
  id: string
  /** CIDRs of the associated subnets, when the export holds describe-subnets output. */
  subnets: string[]
  /** Lowest rule number per direction, the default rule (32767) aside. */
  lowest: {ingress?: number; egress?: number}
}

export interface AwsInstance {
  id: string
  vpc?: string
  addresses: string[]
  groups: string[]
}

type Obj = Record<string, unknown>
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])

/** Network ACLs of a describe-network-acls output, with the CIDRs of their subnets (describe-subnets). */
export function awsNacls(text: string): AwsNacl[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return []
  }
  const acls: Obj[] = []
  const subnets = new Map<string, string[]>()
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk)
    if (!v || typeof v !== 'object') return
    const o = v as Obj
    if (typeof o.NetworkAclId === 'string' && Array.isArray(o.Entries)) acls.push(o)
    else if (typeof o.SubnetId === 'string' && (typeof o.CidrBlock === 'string' || Array.isArray(o.Ipv6CidrBlockAssociationSet))) {
      const six = (Array.isArray(o.Ipv6CidrBlockAssociationSet) ? o.Ipv6CidrBlockAssociationSet : []).map((a) => str((a as Obj).Ipv6CidrBlock)).filter((a): a is string => !!a)
      subnets.set(o.SubnetId, [...strs([o.CidrBlock]), ...six])
    }
    for (const x of Object.values(o)) walk(x)
  }
  walk(doc)
  return acls.map((o) => {
    const lowest: AwsNacl['lowest'] = {}
    for (const e of o.Entries as Obj[]) {
      const n = Number(e.RuleNumber)
      if (!Number.isFinite(n) || n >= 32767) continue
      const dir = e.Egress === true ? 'egress' : 'ingress'
      lowest[dir] = Math.min(lowest[dir] ?? n, n)
    }
    const assoc = (Array.isArray(o.Associations) ? o.Associations : []).map((a) => str((a as Obj).SubnetId)).filter((a): a is string => !!a)
    return {id: o.NetworkAclId as string, subnets: assoc.flatMap((id) => subnets.get(id) ?? []), lowest}
  })
}

/** Instances of a describe-instances output or a Pulumi stack export (any nesting). */
export function awsInstances(text: string): AwsInstance[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return []
  }
  const out: AwsInstance[] = []
  const groupVpc = new Map<string, string>()
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk)
    if (!v || typeof v !== 'object') return
    const o = v as Obj
    if (typeof o.InstanceId === 'string') {
      const groups = (Array.isArray(o.SecurityGroups) ? o.SecurityGroups : []).map((g) => str((g as Obj).GroupId)).filter((g): g is string => !!g)
      const six = (Array.isArray(o.Ipv6Addresses) ? o.Ipv6Addresses : []).map((a) => str((a as Obj).Ipv6Address)).filter((a): a is string => !!a)
      out.push({id: o.InstanceId, vpc: str(o.VpcId), addresses: [...strs([o.PrivateIpAddress]), ...six], groups})
      return
    }
    const type = str(o.type)
    const outputs = (o.outputs && typeof o.outputs === 'object' ? o.outputs : undefined) as Obj | undefined
    if (type === 'aws:ec2/instance:Instance' && outputs && str(outputs.id)) {
      out.push({
        id: str(outputs.id)!,
        vpc: str(outputs.vpcId),
        addresses: [...strs([outputs.privateIp]), ...strs(outputs.ipv6Addresses)],
        groups: [...strs(outputs.vpcSecurityGroupIds), ...strs(outputs.securityGroups).filter((g) => g.startsWith('sg-'))],
      })
      return
    }
    if (type === 'aws:ec2/securityGroup:SecurityGroup' && outputs && str(outputs.id) && str(outputs.vpcId)) groupVpc.set(str(outputs.id)!, str(outputs.vpcId)!)
    for (const x of Object.values(o)) walk(x)
  }
  walk(doc)
  // a Pulumi instance names its VPC through its groups
  for (const i of out) if (!i.vpc) i.vpc = i.groups.map((g) => groupVpc.get(g)).find((x) => x !== undefined)
  return out
}

function permission(s: KeptService, cidr: string, description: string): string {
  const range = isV6(cidr) ? {Ipv6Ranges: [{CidrIpv6: cidr, Description: description}]} : {IpRanges: [{CidrIp: cidr, Description: description}]}
  const proto = s.protocol === 'any' ? '-1' : s.protocol === 'icmpv6' ? 'icmpv6' : s.protocol
  const perms = (s.protocol === 'tcp' || s.protocol === 'udp') && s.ports.length
    ? s.ports.map(([lo, hi]) => ({IpProtocol: proto, FromPort: lo, ToPort: hi, ...range}))
    : [{IpProtocol: proto, ...(s.protocol === 'icmp' || s.protocol === 'icmpv6' ? {FromPort: -1, ToPort: -1} : {}), ...range}]
  return `'${JSON.stringify(perms)}'`
}

const NACL_PROTOCOL: Record<string, string> = {tcp: '6', udp: '17', icmp: '1', icmpv6: '58', any: '-1'}

/**
 * Network ACL entries (stateless, lowest rule number first): below the lowest existing entry of each
 * direction, kept traffic and its replies (where the ACL's subnets hold one end of it), then denies. An
 * ACL whose subnets all lie in the zone denies everything (0.0.0.0/0, ::/0); any other denies the zone's
 * addresses.
 */
function naclEntries(request: IsolationRequest, acl: AwsNacl, zone: AddressSet): {apply: string[]; undo: string[]; notes: string[]} {
  const subnets = AddressSet.unionAll(acl.subnets.map((c) => AddressSet.parse(c) ?? AddressSet.EMPTY))
  const inside = acl.subnets.length > 0 && zone.covers(subnets)
  const holds = (cidr: string) => !acl.subnets.length || subnets.overlaps(AddressSet.parse(cidr) ?? AddressSet.EMPTY)
  const cidr = (c: string) => (isV6(c) ? `--ipv6-cidr-block ${c}` : `--cidr-block ${c}`)
  type Entry = {proto: string; ports?: [number, number]; cidr: string; action: 'allow' | 'deny'}
  const entries: Record<'ingress' | 'egress', Entry[]> = {ingress: [], egress: []}
  const notes: string[] = []
  for (const p of keptPairs(request.keep)) {
    const proto = NACL_PROTOCOL[p.service.protocol] ?? p.service.protocol
    const ranges = hasPortRanges(p.service) ? p.service.ports : [undefined]
    const ephemeral: [number, number] | undefined = p.service.protocol === 'tcp' || p.service.protocol === 'udp' ? [1024, 65535] : undefined
    for (const r of ranges) {
      // forward: in at the destination's subnet, out at the source's; replies the other way, to ephemeral ports
      if (holds(p.to)) entries.ingress.push({proto, ports: r, cidr: p.from, action: 'allow'}), entries.egress.push({proto, ports: ephemeral, cidr: p.from, action: 'allow'})
      if (holds(p.from)) entries.egress.push({proto, ports: r, cidr: p.to, action: 'allow'}), entries.ingress.push({proto, ports: ephemeral, cidr: p.to, action: 'allow'})
    }
  }
  const denied = inside ? [ANY4, ANY6] : request.addresses
  for (const d of denied) for (const dir of ['ingress', 'egress'] as const) entries[dir].push({proto: '-1', cidr: d, action: 'deny'})
  const apply: string[] = []
  const undo: string[] = []
  for (const dir of ['ingress', 'egress'] as const) {
    const list = entries[dir]
    const top = acl.lowest[dir] ?? 100
    const first = top - list.length
    if (first < 1) {
      notes.push(`${acl.id} ${dir}: no ${list.length} free rule numbers below ${top}: renumber its entries first; this direction is not cut`)
      continue
    }
    list.forEach((e, i) => {
      const ports = e.ports ? ` --port-range From=${e.ports[0]},To=${e.ports[1]}` : e.proto === '1' || e.proto === '58' ? ' --icmp-type-code Type=-1,Code=-1' : ''
      apply.push(`aws ec2 create-network-acl-entry --network-acl-id ${acl.id} --${dir} --rule-number ${first + i} --protocol ${e.proto}${ports} ${cidr(e.cidr)} --rule-action ${e.action}`)
      undo.push(`aws ec2 delete-network-acl-entry --network-acl-id ${acl.id} --${dir} --rule-number ${first + i}`)
    })
  }
  if (entries.ingress.some((e) => e.action === 'allow' && e.ports?.[0] === 1024)) notes.push(`${acl.id}: network ACLs are stateless, so kept traffic's replies are allowed to ports 1024-65535 from its peer`)
  if (inside) notes.push(`${acl.id}: its subnets lie in the zone, so it denies everything but kept traffic, between the zone's subnets too`)
  return {apply, undo, notes}
}

export function awsRules(request: IsolationRequest, instances: AwsInstance[], nacls: AwsNacl[] = []): IsolationRules {
  const zone = AddressSet.unionAll(request.addresses.map((a) => AddressSet.parse(a) ?? AddressSet.EMPTY))
  const inZone = (a: string) => zone.covers(AddressSet.parse(a) ?? AddressSet.ANY)
  const members = instances.filter((i) => i.addresses.some(inZone))
  const apply: string[] = []
  const undo: string[] = []
  const undoLast: string[] = []
  const notes: string[] = []
  const vpcs = [...new Set(members.map((i) => i.vpc ?? '<VPC-ID>'))]
  for (const vpc of vpcs) {
    const v = `SG_${safeName(vpc).replace(/[^A-Za-z0-9]/g, '_').toUpperCase()}`
    apply.push(
      `${v}=$(aws ec2 create-security-group --group-name ${request.tag} --description "irm-audit isolate ${request.zone}" --vpc-id ${vpc} --query GroupId --output text)`,
      `aws ec2 revoke-security-group-egress --group-id "$${v}" --ip-permissions '[{"IpProtocol":"-1","IpRanges":[{"CidrIp":"0.0.0.0/0"}]}]'`,
    )
    for (const p of keptPairs(request.keep)) {
      const description = `irm-audit keep ${p.id}`
      // kept traffic into the zone is the group's ingress; out of it, its egress
      if (inZone(p.to)) apply.push(`aws ec2 authorize-security-group-ingress --group-id "$${v}" --ip-permissions ${permission(p.service, p.from, description)}`)
      if (inZone(p.from)) apply.push(`aws ec2 authorize-security-group-egress --group-id "$${v}" --ip-permissions ${permission(p.service, p.to, description)}`)
    }
    for (const i of members.filter((m) => (m.vpc ?? '<VPC-ID>') === vpc)) {
      apply.push(`aws ec2 modify-instance-attribute --instance-id ${i.id} --groups "$${v}"`)
      undo.push(`aws ec2 modify-instance-attribute --instance-id ${i.id} --groups ${i.groups.join(' ')}`)
    }
    undoLast.push(
      `aws ec2 delete-security-group --group-id "$(aws ec2 describe-security-groups --filters Name=vpc-id,Values=${vpc} Name=group-name,Values=${request.tag} --query 'SecurityGroups[0].GroupId' --output text)"`,
    )
  }
  const naclUndo: string[] = []
  for (const acl of nacls) {
    const n = naclEntries(request, acl, zone)
    apply.push(...n.apply)
    naclUndo.push(...n.undo)
    notes.push(...n.notes)
  }
  undo.push(...naclUndo)
  if (vpcs.includes('<VPC-ID>')) notes.push('The export does not say the VPC of some instances: replace <VPC-ID>.')
  if (request.addresses.some(isV6)) notes.push('In a VPC with IPv6 the new group may also allow all IPv6 egress: revoke ::/0 too if `describe-security-groups` lists it.')
  notes.push(
    'Changing security groups does not end tracked connections: existing ones continue until they idle out (AWS connection tracking); stop them on the instance or with a network ACL deny if they must end at once.',
    'Only the instances in this export are moved; load balancers, RDS, Lambda and other network interfaces of the zone keep their groups.',
  )
  return {language: 'shell', apply, undo: [...undo, ...undoLast], notes}
}

export const awsGenerator: IsolationGenerator = {
  formats: ['aws', 'pulumi'],
  syntax: 'AWS CLI (quarantine security group replacing the groups of the zone\'s instances; network ACL entries below the lowest rule number)',
  generate(request) {
    if (!request.config) return {refused: 'no exported instances (aws ec2 describe-instances or a Pulumi stack): which instances to move is unknown'}
    if (!request.addresses.length) return {refused: 'the zone has no addresses (catch-all): which instances are in it is unknown'}
    const rules = awsRules(request, awsInstances(request.config.text), awsNacls(request.config.text))
    if (!rules.apply.length) return {refused: `no EC2 instance of ${request.config.file} has an address in the zone, and it holds no network ACL`}
    return rules
  },
}
