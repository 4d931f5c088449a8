/**
 * What the PAN-OS reader skips on purpose, per place in the configuration, with the reason (the
 * ledger's ignored verdicts): sections that say nothing about which traffic reaches what. Everything
 * else a context holds is modelled or reported as not understood.
 */
import type {IgnoredTable} from '../kit/ledger.js'
import {markDeep, type PNode} from './tree.js'

function table(groups: Record<string, readonly string[]>): IgnoredTable {
  const out = new Map<string, string>()
  for (const [reason, names] of Object.entries(groups)) for (const n of names) out.set(n, reason)
  return out
}

const PROFILES = ['profiles', 'profile-group', 'threats', 'botnet', 'content-preview']
const IDENTITY = ['local-user-database', 'authentication-profile', 'authentication-sequence', 'admin-role', 'dynamic-user-group', 'user-id-collector', 'device-id', 'access-domain', 'mfa-server-profile']
const CERTIFICATES = ['certificate', 'certificate-profile', 'ssl-tls-service-profile', 'ssl-decrypt', 'scep', 'ocsp-responder']
const REPORTING = ['log-settings', 'reports', 'report-group', 'pdf-summary-report', 'email-scheduler', 'alarm', 'server-profile']
const APPLICATIONS = ['application', 'application-group', 'application-filter', 'application-status']

/** Under `<config>`. */
export const IGNORED_CONFIG = table({
  'management settings (admin accounts, password policy)': ['mgt-config'],
  'read-only copy of Panorama data': ['readonly'],
})

/** Under `<shared>`. */
export const IGNORED_SHARED = table({
  'logging and reporting': REPORTING,
  'inspection profiles (they drop, never open)': PROFILES,
  'identity and administrator settings': IDENTITY,
  'certificates and TLS settings': CERTIFICATES,
  'App-ID definitions (custom App-IDs are read per context)': APPLICATIONS,
  'labels and text': ['tag', 'response-page', 'region'],
  'time windows for rules (a scheduled allow is listed as always on)': ['schedule'],
  'predefined object overrides': ['override'],
  'external dynamic lists (not referenced as addresses here)': ['external-list'],
  'log collectors': ['log-collector-group'],
  'default rules (read with each context)': ['default-security-rules'],
})

/** Under a device `<entry>`. */
export const IGNORED_DEVICE = table({
  'hardware settings': ['platform'],
  'log collectors': ['log-collector', 'log-collector-group'],
  'Panorama templates (pushed configuration, read on the firewall)': ['template', 'template-stack'],
})

/** Under `<network>`. */
export const IGNORED_NETWORK = table({
  'routing': ['virtual-router', 'logical-router', 'routing-profile'],
  'tunnels (their listeners come from IKE gateways)': ['tunnel', 'gre-tunnel'],
  'L2 and link settings': ['lldp', 'vlan', 'virtual-wire', 'lacp', 'arp'],
  'QoS': ['qos'],
  'DNS proxy and resolver': ['dns-proxy', 'dns'],
  'shared gateways': ['shared-gateway'],
  'DHCP server and relay': ['dhcp'],
  'SD-WAN profiles': ['sdwan-interface-profile'],
})

/** Under a vsys or device-group. */
export const IGNORED_VSYS = table({
  'logging and reporting': REPORTING.filter((n) => n !== 'alarm'),
  'inspection profiles (they drop, never open)': PROFILES.filter((n) => n !== 'content-preview'),
  'identity and administrator settings': [...IDENTITY.filter((n) => !['user-id-collector', 'access-domain', 'mfa-server-profile'].includes(n)), 'user-id-agent', 'user-id-collector', 'user-id-ssl-auth', 'ts-agent', 'captive-portal'],
  'certificates and TLS settings': CERTIFICATES,
  'App-ID definitions (custom App-IDs are read with the rules)': APPLICATIONS,
  'labels and text': ['tag', 'response-page', 'region', 'display-name'],
  'time windows for rules (a scheduled allow is listed as always on)': ['schedule'],
  'vsys settings': ['import', 'setting', 'url-admin-override'],
  'external dynamic lists (not referenced as addresses here)': ['external-list'],
})

/** Rulebases other than security and NAT: they do not decide what a security rule admits. */
export const IGNORED_RULEBASES = table({
  'decryption policy': ['decryption'],
  'policy-based forwarding (routing)': ['pbf'],
  'QoS policy': ['qos'],
  'application override (App-ID, not reach)': ['application-override'],
  'authentication policy (who, not what)': ['authentication'],
  'tunnel inspection': ['tunnel-inspect'],
  'DoS protection (drops only)': ['dos'],
  'SD-WAN path selection': ['sdwan'],
  'packet broker': ['network-packet-broker'],
})

/** A section skipped on purpose, for the ledger's ignored verdicts. */
export interface SkippedSection {
  node: PNode
  reason: string
}

/** Mark each listed child of `parent` read with all of it, and remember it with its reason. */
export function skipSections(parent: PNode | undefined, ignored: IgnoredTable, into: SkippedSection[]): void {
  if (!parent || parent.children.size === 0) return
  for (const [name, reason] of ignored) {
    const c = parent.children.get(name)
    if (!c) continue
    markDeep(c)
    into.push({node: c, reason})
  }
}

/** The source items (XML elements, statement ids) of each skipped section, with its reason. */
export function eachSkipped(sections: readonly SkippedSection[], visit: (id: number, reason: string) => void): void {
  const walk = (n: PNode, reason: string): void => {
    for (const id of n.ids) visit(id, reason)
    for (const c of n.children.values()) walk(c, reason)
  }
  for (const s of sections) walk(s.node, s.reason)
}
