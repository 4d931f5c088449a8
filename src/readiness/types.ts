/**
 * A readiness check is one file under checks/, its metadata a literal (trivy-checks style), mapping
 * one-to-one to an item of the IRM #5 Preparation step. Checks read the inventory, the policy pack,
 * git facts and the live diff through CheckContext; they never read files or print.
 */
import type {Inventory} from '../inventory/model.js'
import type {LineCommit} from '../git/repo.js'
import type {Crosswalk} from './frameworks.js'
import type {ReadinessPolicy} from '../policy/pack.js'
import type {TrustModel} from '../policy/trust.js'

import type {Severity} from '../core/severity.js'

export type {Severity}
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'not-applicable'
export type Section = 'Preparation/IDS-EDR' | 'Preparation/Network' | 'Preparation/Baseline' | 'Preparation/Logs-People'

export interface Evidence {
  message: string
  file?: string
  line?: number
  column?: number
}

export interface CheckOutcome {
  status: CheckStatus
  /** One line saying why the status is what it is. */
  summary: string
  findings: Evidence[]
}

/** Where a value sits in the inventory files. */
export type Locate = (entry: object, field?: string) => {file?: string; line?: number; column?: number}

/** What git says about the inventory, or why it cannot say. */
export type GitFacts =
  | {
      available: true
      shallow: boolean
      /** Latest commit of the lines of an entry (an access point, a zone). */
      lastChange(entry: object): LineCommit | undefined
      /** Uncommitted inventory paths. */
      uncommitted: string[]
    }
  | {available: false; reason: string}

/** What the live diff found, as far as readiness needs it. */
export type DiffFacts =
  | {
      available: true
      /** Findings by rule (`unwanted-access-point`, `critical-flow-blocked`, …), unsuppressed only. */
      findings: Array<{id: string; rule: string; severity: Severity; message: string; device?: string; file?: string; line?: number; flow?: string}>
      /** Devices whose config was parsed, and those that could not be audited. */
      audited: string[]
      unaudited: string[]
    }
  | {available: false; reason: string}

/** Results of the offline log analyses (access-logs, traffic), when given. */
export interface LogFacts {
  rareLocations?: {analysed: number; files: string[]; findings: Evidence[]}
  traffic?: {records: number; files: string[]; findings: Evidence[]}
}

/**
 * What `irm-audit isolate` would propose for a zone, as far as readiness needs it: whether every device on
 * its border gets rules, and why not. Unset when the caller did not compute it (tests of other checks).
 */
export type IsolationFacts = (zone: string) => {isolatable: boolean; devices: number; unsupported: Array<{device: string; reason: string}>}

export interface CheckContext {
  inventory: Inventory
  /** Which zones are untrusted: the same model the diff and the log analyses use. */
  trust: TrustModel
  locate: Locate
  policy: ReadinessPolicy
  asOf: Date
  git: GitFacts
  diff: DiffFacts
  logs: LogFacts
  isolation?: IsolationFacts
}

export interface ReadinessCheck {
  /** `IRM5-PREP-UPPER-KEBAB`, never reused. */
  id: string
  /** The IRM #5 Preparation item, in the sheet's words. */
  item: string
  section: Section
  severity: Severity
  /** Framework requirements the check gives evidence for (policy packs may add more). */
  crosswalk: Crosswalk
  rationale: string
  remediation: string
  /** Retired checks stay registered so ignore files keep resolving. */
  deprecated?: boolean
  run(ctx: CheckContext): CheckOutcome
}
