/**
 * GCP VPC firewall rules (gcloud): evaluated per direction by priority, lowest number first, a deny
 * winning at equal priority; the isolation takes the priorities just below the lowest existing rule of
 * each direction of each network in the export. Kept traffic first, then denies from and to the zone's
 * addresses (one rule per address family: a rule's ranges are of one family). Undo deletes them by name.
 */
import {ANY4, ANY6, hasPortRanges, keptPairs, portText, v4, v6} from '../common.js'
import type {IsolationGenerator, IsolationRequest, IsolationRules, KeptService} from '../types.js'

export interface GcpNetwork {
  name: string
  lowest: {INGRESS?: number; EGRESS?: number}
}

/** Networks of a `gcloud compute firewall-rules list --format=json` export, with their lowest priorities. */
export function gcpNetworks(text: string): GcpNetwork[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return []
  }
  const list = Array.isArray(doc) ? doc : Array.isArray((doc as {items?: unknown}).items) ? (doc as {items: unknown[]}).items : []
  const nets = new Map<string, GcpNetwork>()
  for (const r of list as Array<Record<string, unknown>>) {
    const name = String(r.network ?? 'default').split('/').pop() as string
    const net = nets.get(name) ?? {name, lowest: {}}
    nets.set(name, net)
    const dir = r.direction === 'EGRESS' ? 'EGRESS' : 'INGRESS'
    const prio = r.priority === undefined ? 1000 : Number(r.priority)
    if (Number.isFinite(prio)) net.lowest[dir] = Math.min(net.lowest[dir] ?? prio, prio)
  }
  return [...nets.values()]
}

function gcpRules(s: KeptService, six: boolean): string {
  if (s.protocol === 'any') return 'all'
  if (s.protocol === 'icmpv6' || (s.protocol === 'icmp' && six)) return '58'
  if (hasPortRanges(s)) return s.ports.map((r) => `${s.protocol}:${portText(r)}`).join(',')
  return s.protocol
}

export function gcpFirewallRules(request: IsolationRequest, networks: GcpNetwork[]): IsolationRules {
  type Rule = {action: 'ALLOW' | 'DENY'; rules: string; src: string; dst: string; description: string}
  const rules: Rule[] = []
  for (const p of keptPairs(request.keep)) {
    rules.push({action: 'ALLOW', rules: gcpRules(p.service, p.from.includes(':')), src: p.from, dst: p.to, description: `irm-audit isolate ${request.zone}: keep ${p.id}`})
  }
  for (const [family, any] of [[v4(request.addresses), ANY4], [v6(request.addresses), ANY6]] as const) {
    if (!family.length) continue
    rules.push({action: 'DENY', rules: 'all', src: family.join(','), dst: any, description: `irm-audit isolate ${request.zone}`})
    rules.push({action: 'DENY', rules: 'all', src: any, dst: family.join(','), description: `irm-audit isolate ${request.zone}`})
  }
  const apply: string[] = []
  const undo: string[] = []
  const notes: string[] = []
  for (const net of networks) {
    for (const [direction, short] of [['INGRESS', 'in'], ['EGRESS', 'out']] as const) {
      const low = net.lowest[direction]
      const first = low === undefined ? 1000 - rules.length : low - rules.length
      if (first < 0) {
        notes.push(`network ${net.name} ${direction}: no ${rules.length} free priorities below ${low}: renumber its rules first; this direction is not cut`)
        continue
      }
      rules.forEach((r, i) => {
        const name = `${request.tag}-${short}-${i + 1}`
        apply.push(
          `gcloud compute firewall-rules create ${name} --network ${net.name} --direction ${direction} --priority ${first + i} --action ${r.action} --rules ${r.rules} --source-ranges ${r.src} --destination-ranges ${r.dst} --description "${r.description}"`,
        )
        undo.push(`gcloud compute firewall-rules delete ${name} --quiet`)
      })
    }
  }
  if (networks.length > 1) notes.push('Rule names are per project: with several networks in one project, suffix the names per network.')
  notes.push(
    'Hierarchical (organization/folder) policies are evaluated before VPC rules and may allow or deny first: check none lets the zone through (goto_next is fine).',
    'Firewall rules apply to new connections; established ones continue until they idle out (connection tracking).',
    'Traffic between VMs of the zone is cut too.',
  )
  return {language: 'shell', apply, undo, notes}
}

export const gcpGenerator: IsolationGenerator = {
  formats: ['gcp'],
  syntax: 'gcloud compute firewall-rules create at priorities below the existing rules (undo with delete)',
  generate(request) {
    if (!request.config) return {refused: 'no exported firewall rules (gcloud compute firewall-rules list --format=json): the networks and priorities are unknown'}
    if (!request.addresses.length) return {refused: 'the zone has no addresses (catch-all): firewall rules match ranges'}
    const networks = gcpNetworks(request.config.text)
    if (!networks.length) return {refused: `${request.config.file} holds no firewall rule`}
    const rules = gcpFirewallRules(request, networks)
    if (!rules.apply.length) return {refused: 'no network has free priorities below its rules'}
    return rules
  },
}
