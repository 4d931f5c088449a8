/**
 * The frameworks an auditor asks in: requirement ids with the project's own one-line paraphrases (never
 * the standards' text), and the sections of each that `prepare --framework` lists in full, so that a
 * requirement no check covers shows as "not covered by this tool" instead of silently missing.
 */
import type {ReadinessPolicy} from '../policy/pack.js'

export type FrameworkId = 'pci' | 'cis' | 'csf' | 'nis2' | 'dora'
export const FRAMEWORK_IDS: readonly FrameworkId[] = ['cis', 'csf', 'dora', 'nis2', 'pci']

/** Requirement ids per framework, on a check or a finding kind. */
export type Crosswalk = Partial<Record<FrameworkId, string[]>>

export interface Requirement {
  id: string
  /** Our own paraphrase, a few words. */
  summary: string
  /** Why the policy's threshold is weaker than the requirement, when it is. */
  weaker?: (p: ReadinessPolicy, recertDays: number) => string | undefined
}

export interface Framework {
  id: FrameworkId
  name: string
  /** Short prefix of a tag: `pci-dss-4.0.1/1.2.5`. */
  tag: string
  /** Sections listed in full by `--framework`. */
  sections: string[]
  requirements: Requirement[]
}

const retention = (days: number, online?: number) => (p: ReadinessPolicy) => {
  const profile = p.retention_profiles[p.retention_profile] ?? {}
  if ((profile.min_total_days ?? 0) < days) return `retention profile '${p.retention_profile}' asks ${profile.min_total_days ?? 0} days, the requirement ${days}`
  if (online !== undefined && (profile.min_online_days ?? 0) < online) return `retention profile '${p.retention_profile}' asks ${profile.min_online_days ?? 0} days online, the requirement ${online}`
  return undefined
}
const atMost = (key: keyof ReadinessPolicy, days: number) => (p: ReadinessPolicy) =>
  typeof p[key] === 'number' && (p[key] as number) > days ? `policy ${key} is ${p[key]} days, the requirement ${days}` : undefined

export const FRAMEWORKS: Record<FrameworkId, Framework> = {
  pci: {
    id: 'pci',
    name: 'PCI DSS 4.0.1',
    tag: 'pci-dss-4.0.1',
    sections: ['1', '10', '11.5', '12.10'],
    requirements: [
      {id: '1.1.1', summary: 'network security control policies documented and in use'},
      {id: '1.1.2', summary: 'roles for network security controls assigned'},
      {id: '1.2.1', summary: 'configuration standards for rulesets defined'},
      {id: '1.2.2', summary: 'changes to network connections go through change control'},
      {id: '1.2.3', summary: 'network diagram of every connection kept accurate'},
      {id: '1.2.4', summary: 'data-flow diagram kept accurate'},
      {id: '1.2.5', summary: 'every allowed service, protocol and port approved with a business need'},
      {id: '1.2.6', summary: 'insecure services that are allowed have compensating features'},
      {id: '1.2.7', summary: 'rulesets reviewed at least every six months', weaker: (_p, recert) => (recert > 183 ? `recert.cadence_days is ${recert}, the requirement six months` : undefined)},
      {id: '1.2.8', summary: 'configuration files secured and consistent with the running config'},
      {id: '1.3.1', summary: 'inbound traffic to the cardholder environment limited to what is needed'},
      {id: '1.3.2', summary: 'outbound traffic from the cardholder environment limited'},
      {id: '1.3.3', summary: 'wireless networks separated from the cardholder environment'},
      {id: '1.4.1', summary: 'controls between trusted and untrusted networks'},
      {id: '1.4.2', summary: 'inbound from untrusted networks limited to authorised public services'},
      {id: '1.4.3', summary: 'anti-spoofing at the boundary'},
      {id: '1.4.4', summary: 'systems holding card data not reachable from untrusted networks'},
      {id: '1.4.5', summary: 'internal addressing disclosed only to authorised parties'},
      {id: '1.5.1', summary: 'devices that join untrusted networks and the cardholder environment controlled'},
      {id: '10.1.1', summary: 'logging policies documented and in use'},
      {id: '10.2.1', summary: 'audit logs enabled on every system component'},
      {id: '10.2.2', summary: 'log entries carry enough detail'},
      {id: '10.3.1', summary: 'read access to logs limited'},
      {id: '10.3.2', summary: 'log files protected from change'},
      {id: '10.3.3', summary: 'logs backed up to a central store promptly'},
      {id: '10.3.4', summary: 'change detection on logs'},
      {id: '10.4.1', summary: 'security events reviewed daily'},
      {id: '10.4.2', summary: 'other logs reviewed periodically'},
      {id: '10.4.3', summary: 'exceptions found in review followed up'},
      {id: '10.5.1', summary: 'logs kept 12 months, the last 3 at hand', weaker: retention(365, 90)},
      {id: '10.6.1', summary: 'clocks synchronised by a time technology'},
      {id: '10.6.2', summary: 'time sources configured and few'},
      {id: '10.6.3', summary: 'time settings protected'},
      {id: '10.7.2', summary: 'failures of critical security controls detected and alerted'},
      {id: '10.7.3', summary: 'failures of critical security controls answered'},
      {id: '11.5.1', summary: 'intrusion detection at the perimeter and critical points, kept up to date'},
      {id: '11.5.2', summary: 'change detection on critical files'},
      {id: '12.10.1', summary: 'incident response plan ready to start'},
      {id: '12.10.2', summary: 'plan reviewed and tested every year', weaker: (p) => atMost('procedure_review_days', 365)(p) ?? atMost('procedure_exercise_days', 365)(p)},
      {id: '12.10.3', summary: 'named people reachable around the clock'},
      {id: '12.10.4', summary: 'responders trained'},
      {id: '12.10.5', summary: 'plan covers alerts from monitoring systems'},
      {id: '12.10.6', summary: 'plan updated from lessons learned'},
      {id: '12.10.7', summary: 'procedure for card data found where not expected'},
    ],
  },
  cis: {
    id: 'cis',
    name: 'CIS Controls v8',
    tag: 'cis-v8',
    sections: ['8', '13', '17'],
    requirements: [
      {id: '8.1', summary: 'audit log management process'},
      {id: '8.2', summary: 'audit logs collected'},
      {id: '8.3', summary: 'enough log storage'},
      {id: '8.4', summary: 'time synchronised on at least two sources'},
      {id: '8.5', summary: 'detailed audit logs'},
      {id: '8.6', summary: 'DNS query logs'},
      {id: '8.7', summary: 'URL request logs'},
      {id: '8.8', summary: 'command-line logs'},
      {id: '8.9', summary: 'logs centralised'},
      {id: '8.10', summary: 'logs kept at least 90 days', weaker: retention(90)},
      {id: '8.11', summary: 'logs reviewed'},
      {id: '8.12', summary: 'service provider logs collected'},
      {id: '11.5', summary: 'recovery of data tested'},
      {id: '13.1', summary: 'security event alerting centralised'},
      {id: '13.2', summary: 'host intrusion detection'},
      {id: '13.3', summary: 'network intrusion detection'},
      {id: '13.4', summary: 'traffic filtered between network segments'},
      {id: '13.5', summary: 'access control for remote assets'},
      {id: '13.6', summary: 'network flow logs collected'},
      {id: '13.7', summary: 'host intrusion prevention'},
      {id: '13.8', summary: 'network intrusion prevention'},
      {id: '13.9', summary: 'port-level access control'},
      {id: '13.10', summary: 'application-layer filtering'},
      {id: '13.11', summary: 'alert thresholds tuned'},
      {id: '17.1', summary: 'incident handling personnel designated'},
      {id: '17.2', summary: 'contacts for incident reporting kept current'},
      {id: '17.3', summary: 'incident reporting process'},
      {id: '17.4', summary: 'incident response process'},
      {id: '17.5', summary: 'key roles assigned'},
      {id: '17.6', summary: 'communication during an incident defined'},
      {id: '17.7', summary: 'incident response exercised routinely'},
      {id: '17.8', summary: 'post-incident reviews'},
      {id: '17.9', summary: 'incident thresholds defined'},
    ],
  },
  csf: {
    id: 'csf',
    name: 'NIST CSF 2.0',
    tag: 'nist-csf-2.0',
    sections: ['ID.AM', 'PR.PS', 'DE.CM'],
    requirements: [
      {id: 'ID.AM-01', summary: 'hardware inventory'},
      {id: 'ID.AM-02', summary: 'software and service inventory'},
      {id: 'ID.AM-03', summary: 'authorised network communication and flows represented'},
      {id: 'ID.AM-04', summary: 'supplier service inventory'},
      {id: 'ID.AM-05', summary: 'assets prioritised'},
      {id: 'ID.AM-07', summary: 'data inventory'},
      {id: 'ID.AM-08', summary: 'systems managed through their life cycle'},
      {id: 'PR.PS-01', summary: 'configuration management practices'},
      {id: 'PR.PS-02', summary: 'software maintained'},
      {id: 'PR.PS-03', summary: 'hardware maintained'},
      {id: 'PR.PS-04', summary: 'log records generated and kept for monitoring'},
      {id: 'PR.PS-05', summary: 'unauthorised software prevented'},
      {id: 'PR.PS-06', summary: 'secure software development'},
      {id: 'DE.CM-01', summary: 'networks and network services monitored'},
      {id: 'DE.CM-02', summary: 'physical environment monitored'},
      {id: 'DE.CM-03', summary: 'personnel activity and technology use monitored'},
      {id: 'DE.CM-06', summary: 'external service provider activity monitored'},
      {id: 'DE.CM-09', summary: 'computing hardware, software and data monitored'},
    ],
  },
  nis2: {
    id: 'nis2',
    name: 'NIS2 (EU 2022/2555)',
    tag: 'nis2',
    sections: ['21(2)', '23'],
    requirements: [
      {id: '21(2)(a)', summary: 'risk analysis and security policies'},
      {id: '21(2)(b)', summary: 'incident handling'},
      {id: '21(2)(c)', summary: 'business continuity, backups and crisis management'},
      {id: '21(2)(d)', summary: 'supply chain security'},
      {id: '21(2)(e)', summary: 'security in acquisition, development and maintenance'},
      {id: '21(2)(f)', summary: 'assessing the effectiveness of measures'},
      {id: '21(2)(g)', summary: 'basic cyber hygiene and training'},
      {id: '21(2)(h)', summary: 'cryptography'},
      {id: '21(2)(i)', summary: 'human resources security, access control and asset management'},
      {id: '21(2)(j)', summary: 'multi-factor authentication and secured communications'},
      {id: '23(1)', summary: 'significant incidents notified to the CSIRT or authority'},
      {id: '23(4)', summary: 'early warning, notification and final report on time'},
    ],
  },
  dora: {
    id: 'dora',
    name: 'DORA RTS (EU) 2024/1774',
    tag: 'dora-rts-2024-1774',
    sections: ['12'],
    requirements: [
      {id: '12(1)', summary: 'logging procedures, protocols and tools in place'},
      {id: '12(2)(a)', summary: 'events to log chosen, and how long logs are kept'},
      {id: '12(2)(b)', summary: 'level of detail fits the purpose'},
      {id: '12(2)(c)', summary: 'logs protected from tampering and unauthorised access'},
      {id: '12(3)', summary: 'clocks synchronised on a reliable time reference'},
    ],
  },
}

/** Section of a requirement id: the longest listed section it falls in. */
export function sectionOf(fw: Framework, id: string): string | undefined {
  return fw.sections
    .filter((s) => id === s || id.startsWith(`${s}.`) || id.startsWith(`${s}-`) || id.startsWith(`${s}(`))
    .sort((a, b) => b.length - a.length)[0]
}

export function requirementTag(fw: FrameworkId, id: string): string {
  return `${FRAMEWORKS[fw].tag}/${id}`
}

/** `PCI DSS 4.0.1 1.2.5` */
export function requirementLabel(fw: FrameworkId, id: string): string {
  return `${FRAMEWORKS[fw].name} ${fw === 'nis2' || fw === 'dora' ? `Art. ${id}` : id}`
}

/** Merge crosswalks: ids added, order of each framework's list by code units. */
export function mergeCrosswalk(...parts: Array<Crosswalk | undefined>): Crosswalk {
  const out: Crosswalk = {}
  for (const part of parts) for (const fw of FRAMEWORK_IDS) if (part?.[fw]) out[fw] = [...new Set([...(out[fw] ?? []), ...part[fw]!])]
  for (const fw of FRAMEWORK_IDS) if (out[fw]) out[fw] = out[fw]!.sort(compareIds)
  return out
}

/** `1.2.10` after `1.2.9`: numeric parts compare as numbers. */
export function compareIds(a: string, b: string): number {
  const pa = a.split(/(\d+)/)
  const pb = b.split(/(\d+)/)
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue
    const na = Number(pa[i])
    const nb = Number(pb[i])
    if (pa[i] !== '' && pb[i] !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb
    return pa[i] < pb[i] ? -1 : 1
  }
  return pa.length - pb.length
}

export function crosswalkTags(c: Crosswalk): string[] {
  return FRAMEWORK_IDS.flatMap((fw) => (c[fw] ?? []).map((id) => requirementTag(fw, id)))
}

/** `PCI DSS 4.0.1 1.2.5, 1.4.2 · CIS Controls v8 13.4` */
export function crosswalkLine(c: Crosswalk): string {
  return FRAMEWORK_IDS.filter((fw) => c[fw]?.length)
    .map((fw) => `${FRAMEWORKS[fw].name} ${c[fw]!.map((id) => (fw === 'nis2' || fw === 'dora' ? `Art. ${id}` : id)).join(', ')}`)
    .join(' · ')
}

/** `1, 10, 11.5, 12.10` or `Art. 21(2), 23` */
export function sectionsLabel(fw: FrameworkId): string {
  const list = FRAMEWORKS[fw].sections.join(', ')
  return fw === 'nis2' || fw === 'dora' ? `Art. ${list}` : list
}
