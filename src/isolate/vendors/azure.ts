/**
 * Azure NSGs (az CLI): rules are evaluated by priority, lowest number first, per direction, and priorities
 * are unique per direction; the isolation takes the priorities just below the lowest existing rule of
 * each direction of each NSG in the export (100 and up when a direction has none). Kept traffic first,
 * then denies from and to the zone's addresses, one rule per address family (a rule cannot mix IPv4 and
 * IPv6 prefixes). Undo deletes the rules by name.
 */
import {hasPortRanges, isV6, keptPairs, portText, v4, v6} from '../common.js'
import type {IsolationGenerator, IsolationRequest, IsolationRules, KeptService} from '../types.js'

export interface Nsg {
  name: string
  resourceGroup: string
  /** Lowest custom priority per direction (undefined when the direction has no custom rule). */
  lowest: {Inbound?: number; Outbound?: number}
}

/** NSGs of an az / ARM / REST export: objects with `securityRules` (or `properties.securityRules`) and a name. */
export function azureNsgs(text: string): Nsg[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return []
  }
  const out: Nsg[] = []
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk)
    if (!v || typeof v !== 'object') return
    const o = v as Record<string, unknown>
    const props = (o.properties && typeof o.properties === 'object' ? o.properties : {}) as Record<string, unknown>
    const rules = Array.isArray(o.securityRules) ? o.securityRules : Array.isArray(props.securityRules) ? props.securityRules : undefined
    if (rules && typeof o.name === 'string') {
      const rg = typeof o.resourceGroup === 'string' ? o.resourceGroup : /\/resourceGroups\/([^/]+)\//i.exec(String(o.id ?? ''))?.[1]
      const lowest: Nsg['lowest'] = {}
      for (const r of rules as Array<Record<string, unknown>>) {
        const p = {...((r.properties as Record<string, unknown>) ?? {}), ...r}
        const dir = String(p.direction ?? '')
        const prio = Number(p.priority)
        if ((dir === 'Inbound' || dir === 'Outbound') && Number.isFinite(prio)) lowest[dir] = Math.min(lowest[dir] ?? prio, prio)
      }
      out.push({name: o.name, resourceGroup: rg ?? '<RESOURCE-GROUP>', lowest})
      return
    }
    for (const x of Object.values(o)) walk(x)
  }
  walk(doc)
  return out
}

function protocol(s: KeptService): string {
  if (s.protocol === 'tcp') return 'Tcp'
  if (s.protocol === 'udp') return 'Udp'
  if (s.protocol === 'icmp' || s.protocol === 'icmpv6') return 'Icmp'
  return "'*'"
}

export function azureRules(request: IsolationRequest, nsgs: Nsg[]): IsolationRules {
  const apply: string[] = []
  const undo: string[] = []
  const notes: string[] = []
  const any = "'*'"
  type Rule = {access: 'Allow' | 'Deny'; protocol: string; src: string; dst: string; ports: string; description: string}
  const rules: Rule[] = []
  for (const p of keptPairs(request.keep)) {
    if (!['tcp', 'udp', 'icmp', 'icmpv6', 'any'].includes(p.service.protocol)) notes.push(`kept ${p.id}: protocol ${p.service.protocol} is written as any protocol (NSGs name tcp, udp, icmp or any)`)
    const ports = hasPortRanges(p.service) ? p.service.ports.map((r) => portText(r)).join(' ') : any
    rules.push({access: 'Allow', protocol: protocol(p.service), src: p.from, dst: p.to, ports, description: `irm-audit isolate ${request.zone}: keep ${p.id}`})
  }
  for (const family of [v4(request.addresses), v6(request.addresses)]) {
    if (!family.length) continue
    const prefixes = family.join(' ')
    rules.push({access: 'Deny', protocol: any, src: prefixes, dst: any, ports: any, description: `irm-audit isolate ${request.zone}`})
    rules.push({access: 'Deny', protocol: any, src: any, dst: prefixes, ports: any, description: `irm-audit isolate ${request.zone}`})
  }
  for (const nsg of nsgs) {
    const base = `--resource-group ${nsg.resourceGroup} --nsg-name ${nsg.name}`
    for (const [direction, short] of [['Inbound', 'in'], ['Outbound', 'out']] as const) {
      const low = nsg.lowest[direction]
      const first = low === undefined ? 100 : low - rules.length
      if (first < 100) {
        notes.push(`${nsg.name} ${direction}: no ${rules.length} free priorities below ${low} (100 is the lowest allowed): renumber its rules first; this direction is not cut`)
        continue
      }
      rules.forEach((r, i) => {
        const name = `${request.tag}-${short}-${i + 1}`
        apply.push(
          `az network nsg rule create ${base} --name ${name} --priority ${first + i} --direction ${direction} --access ${r.access} --protocol ${r.protocol} --source-address-prefixes ${r.src} --source-port-ranges '*' --destination-address-prefixes ${r.dst} --destination-port-ranges ${r.ports} --description "${r.description}"`,
        )
        undo.push(`az network nsg rule delete ${base} --name ${name}`)
      })
    }
  }
  if (nsgs.some((n) => n.resourceGroup === '<RESOURCE-GROUP>')) notes.push('The export does not say the resource group of some NSGs: replace <RESOURCE-GROUP>.')
  notes.push(
    'Traffic between hosts of the zone behind the same NSG is cut too.',
    'NSG rules apply to new flows; existing flows of a removed allow rule may continue for a few minutes (Azure flow tracking).',
  )
  return {language: 'shell', apply, undo, notes}
}

export const azureGenerator: IsolationGenerator = {
  formats: ['azure'],
  syntax: 'Azure CLI (az network nsg rule create at priorities below the existing rules, undo with delete)',
  generate(request) {
    if (!request.config) return {refused: 'no exported NSGs (az network nsg list / show): their names and priorities are unknown'}
    if (!request.addresses.length) return {refused: 'the zone has no addresses (catch-all): NSG rules match addresses'}
    const nsgs = azureNsgs(request.config.text)
    if (!nsgs.length) return {refused: `${request.config.file} holds no network security group`}
    const rules = azureRules(request, nsgs)
    if (!rules.apply.length) return {refused: 'no NSG has free priorities below its rules'}
    return rules
  },
}
