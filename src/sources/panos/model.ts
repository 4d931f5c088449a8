/**
 * The PAN-OS vendor model: what the configuration says, before any evaluation. Names keep PAN-OS
 * spelling. Security rules and address objects, the bulk of a large rulebase, are read as soon as the
 * XML stream closes their entry (tree.ts `fold`), so no tree of them is kept.
 */

export interface SecurityRule {
  name: string
  line: number
  from: string[]
  to: string[]
  source: string[]
  destination: string[]
  negateSource: boolean
  negateDestination: boolean
  services: string[]
  applications: string[]
  action: string
  /** `universal` (default), `intrazone` or `interzone`. */
  ruleType: string
  /** Matches we do not model (users, HIP, URL category, devices, unknown fields): doubts about reach. */
  unknown: string[]
}

/** A rule where it was read: `rulebase`, `pre-rulebase`, `shared post-rulebase`… */
export interface PlacedRule extends SecurityRule {
  rulebase: string
}

export interface AddressObject {
  name: string
  line: number
  /** `ip-netmask` as written (its last value, and its first: an interface address names the host). */
  netmask?: string
  netmaskFirst?: string
  range?: string
  wildcard?: string
  fqdn?: string
}

/** Security rule actions PAN-OS documents; any other is a deny that shadows nothing. */
export const RULE_ACTIONS = ['allow', 'deny', 'drop', 'reset-client', 'reset-server', 'reset-both']

/** The default rules of a vsys or device-group: intrazone allow and interzone deny unless overridden. */
export interface DefaultRules {
  intrazone: string
  interzone: string
  line: number
}

/** A NAT rule (`rulebase nat rules`). Only translations that open a path inward are modelled. */
export interface NatRule {
  name: string
  line: number
  from: string[]
  to: string[]
  source: string[]
  destination: string[]
  service: string
  /** `destination-translation` or `dynamic-destination-translation`. */
  destinationTranslation?: {address?: string; port?: string}
  /** `source-translation static-ip`. */
  staticIp?: {address?: string; bidirectional: boolean}
  /** Report the static translation as unusable: its statements leave the understood count. */
  rejectStatic(reason: string): void
}

/** A vsys, a Panorama device-group, or `shared` when Panorama has only shared rulebases. */
export interface ContextConfig {
  name: string
  /** How exposures name it: `vsys1`, `device-group DG`, `shared`. */
  prefix: string
  /** Zone → member interfaces. */
  zones: Map<string, string[]>
  /** Pre-rulebase, rulebase, post-rulebase (shared ones around the context's own), in evaluation order. */
  rules: PlacedRule[]
  defaults: DefaultRules
  /** Custom App-IDs: their default ports (undefined: none given). */
  customApps: Map<string, string[] | undefined>
  nat: NatRule[]
}
