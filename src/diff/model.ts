/**
 * The diff's own input and output shapes. The inventory adapter (inventory.ts) fills the input from the
 * inventory model; the engine knows nothing of YAML, vendors or renderers.
 */
import type {AddressSet} from '../net/address-set.js'
import type {PortSet, ProtocolSet} from '../net/number-set.js'
import type {DeviceModel} from '../model/device.js'
import type {Denial, Exposure, ExposureJson} from '../model/exposure.js'
import type {Unparsed} from '../sources/types.js'
import type {Severity} from '../core/severity.js'
import type {Trust} from '../core/trust.js'
import type {TrustModel} from '../policy/trust.js'
import type {FindingRule, RatedRule} from './kinds.js'

export {SEVERITIES, type Severity} from '../core/severity.js'
export type {Trust} from '../core/trust.js'
export type {FindingRule} from './kinds.js'

/** Where an inventory value or a config rule is written. */
export interface SourceRef {
  file: string
  line: number
}

export interface DiffZone {
  id: string
  trust: Trust
  addresses: AddressSet
  /** A zone without cidrs (or with /0): any address no other zone claims (typically `internet`). */
  catchAll?: boolean
  /** Symbolic cloud sources that mean this zone (`sg-…`, `pl-…`, `TAG@vnet`, `tag:NAME`, `sa:EMAIL`). */
  cloudRefs?: string[]
}

/** One protocol/port set of an access point or flow, as `tcp/443` is written in the inventory. */
export interface Service {
  text: string
  protocols: ProtocolSet
  ports: PortSet
}

/** An approved access point, resolved to sets. */
export interface ApprovedAccess {
  id: string
  device: string
  kind: string
  from: AddressSet
  to: AddressSet
  services: Service[]
  /** The inventory's words, for messages and snippets (`internet`, `partner-acme`, `10.0.0.0/8`). */
  fromText: string[]
  toText: string[]
  owner?: string
  /** ISO date (YYYY-MM-DD). */
  reviewBy?: string
  source: SourceRef
}

export interface CriticalFlow {
  id: string
  name?: string
  from: AddressSet
  to: AddressSet
  services: Service[]
  /** Zone ids of each end (for picking the devices on the path). */
  fromZones: string[]
  toZones: string[]
  /** Devices the flow is declared to cross; when empty, devices joining both end zones. */
  via: string[]
  criticality?: string
  source: SourceRef
}

/** One inventory `devices[].interfaces` entry: an interface or a vendor zone and the zone behind it. */
export interface InterfaceZone {
  name?: string
  vendorZone?: string
  zone: string
  source?: SourceRef
}

export interface DiffDevice {
  id: string
  zones: string[]
  /** Where its interfaces and vendor zones lead (inventory), read before any inference. */
  interfaces?: InterfaceZone[]
  /** `devices[].role`: a cloud account's attachments are the protected instances, not where traffic comes from. */
  role?: string
  /** `management_addresses`: the destination of host-local rules when the config has no interface address. */
  managementAddresses?: AddressSet
  /** `devices[].audit`: audited by hand until `reviewBy` (its device-unaudited finding is info). */
  audit?: {reason: string; reviewBy: string}
  /** Where the device is declared in the inventory. */
  source: SourceRef
}

/** The live config of one device: parsed, or why it could not be. */
export type LiveConfig =
  | {
      device: string
      file: string
      type: string
      exposures: Exposure[]
      unparsed: Unparsed[]
      stats: {lines: number; understood: number}
      model?: DeviceModel
      /** Denies in evaluation order and NAT rules as read (formats that record them): what decides a blocked flow. */
      denies?: Denial[]
      nats?: Exposure[]
    }
  | {device: string; file?: string; error: string; hint?: string}

export interface DiffPolicy {
  /** Zone trust levels whose addresses count as trusted sources. */
  trustedTrust: Trust[]
  /** tcp/udp ports that rank an opening as sensitive (remote admin, file sharing, databases). */
  sensitivePorts: PortSet
  severity: {
    /** [reach][risk] → severity, for the kinds whose policy key is `exposure` (unwanted, drift). */
    exposure: Record<'internet' | 'partner', Record<'all' | 'sensitive' | 'other' | 'icmp', Severity>>
    /** Every other kind's severity (src/diff/kinds.ts: the pack's value, else the kind's default). */
    rated: Record<RatedRule, Severity>
  }
}

export interface DiffInput {
  zones: DiffZone[]
  devices: DiffDevice[]
  accessPoints: ApprovedAccess[]
  flows: CriticalFlow[]
  live: LiveConfig[]
  /** ISO date the expiry checks use. */
  asOf: string
  policy: DiffPolicy
  /** Which zones are untrusted (src/policy/trust.ts), built once from the policy and the inventory. */
  trust: TrustModel
  /** Devices the baseline audited, and those with an internet-reachable finding there: they must stay audited. */
  baseline?: {audited: string[]; internet: string[]}
}

export type Reach = 'internet' | 'partner' | 'internal'

/** What a live rule allows beyond its access points, dimension by dimension (set differences). */
export interface Excess {
  from?: string[]
  to?: string[]
  protocols?: string[]
  ports?: string[]
  /** The exact uncovered traffic, as boxes, when the per-dimension view does not say it all. */
  boxes?: Array<{from: string[]; to: string[]; protocols: string[]; ports: string[]}>
}

/** A note on a finding that changes nothing in the verdict but asks for an edit. */
export interface FindingWarning {
  code: 'deprecated-id'
  message: string
  /** The suppression entry (or baseline) that used the old id. */
  file?: string
  line?: number
}

export interface Finding {
  /** Stable, what the finding is about (docs/finding-ids.md), never a line number. */
  id: string
  /** The 0.1 id (no destination), still matched by suppressions and baselines with a warning. */
  legacy_id?: string
  rule: FindingRule
  severity: Severity
  /** How sure the finding is, from its exposures' doubts (diff/confidence.ts); set when it stands on exposures. */
  confidence?: 'high' | 'medium' | 'low'
  device: string | null
  /** The inventory entry concerned or the nearest one (drift), null when none. */
  access_point: string | null
  /** Drift: every access point the rule partly matches; unwanted: those to the same destination. */
  access_points?: string[]
  flow?: string
  reach?: Reach
  service?: string
  source?: string
  exposure?: ExposureJson
  /** Every row of a rule that gets one finding for several services (FortiOS policy); `exposure` is the first. */
  exposures?: ExposureJson[]
  excess?: Excess
  /** Primary location: the config rule, else the inventory entry. */
  file?: string
  line?: number
  /** The inventory entry's location, when the primary location is a config. */
  inventory?: SourceRef
  /** More config rules with the same id. */
  also?: SourceRef[]
  message: string
  /** YAML for the inventory, when the finding is an opening someone may mean to approve. */
  suggestion?: string
  suppressed: boolean
  suppression?: {reason: string; expires: string; file: string; line: number}
  warnings?: FindingWarning[]
  /** Set in baseline mode. */
  status?: 'new' | 'unchanged'
}
