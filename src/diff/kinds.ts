/**
 * The finding kinds of the live diff, one row each: everything a renderer, the summary, the policy, SARIF
 * or the docs say about a kind is read from here (DESIGN §6). Adding a kind is one row here, one engine
 * method that emits it, one test, and its page docs/rules/<id>.md; tests/diff/kinds.test.ts ties the
 * report and policy schemas and the docs to this table.
 */
import type {Crosswalk} from '../readiness/frameworks.js'
import type {Severity} from '../core/severity.js'

export interface FindingKindRow<Id extends string = string, Key extends string = string, Policy extends string = string> {
  /** The `rule` of a finding, and the first field of its id (docs/finding-ids.md). */
  readonly id: Id
  /** Its count in the report's `summary` (older kinds keep their 0.1 short names). */
  readonly summaryKey: Key
  /**
   * Its key under `diff.severity` in a policy pack. `exposure`: the severity comes from the reach × risk
   * table (`severity.exposure`), not from one value.
   */
  readonly policyKey: Policy
  /** The severity when the policy pack does not name one (also SARIF's default level). */
  readonly defaultSeverity: Severity
  readonly title: string
  readonly description: string
  readonly remediation: string
  /** Framework requirements it gives evidence for (a policy pack's `crosswalk:` may add more). */
  readonly frameworks: Crosswalk
  /** The text summary's words for a count: `3 unwanted`, `2 devices unaudited`. */
  readonly counted: (n: number) => string
  /** Shown in the text summary even at 0 (the five kinds of the 0.1 report); the others only when present. */
  readonly alwaysCounted?: boolean
}

const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`

/** A row, its id and keys kept as literal types (the union types below are read from them). */
function kind<const Id extends string, const Key extends string, const Policy extends string>(row: FindingKindRow<Id, Key, Policy>): FindingKindRow<Id, Key, Policy> {
  return row
}

const ROWS = [
  kind({
    id: 'unwanted-access-point',
    summaryKey: 'unwanted',
    policyKey: 'exposure',
    defaultSeverity: 'high',
    title: 'Unwanted access point',
    description: 'A live rule lets an untrusted source (internet, partner, or any address outside the trusted zones) in, and no inventory access point approves it.',
    remediation: 'Close the opening on the device, or, if it is legitimate, add an access point to the inventory (owner, justification, ticket, review_by).',
    frameworks: {pci: ['1.2.5', '1.4.2'], cis: ['13.4'], csf: ['ID.AM-03'], nis2: ['21(2)(i)']},
    counted: (c) => `${c} unwanted`,
    alwaysCounted: true,
  }),
  kind({
    id: 'access-point-drift',
    summaryKey: 'drift',
    policyKey: 'exposure',
    defaultSeverity: 'high',
    title: 'Access point drift',
    description: 'A live rule allows more than the access point that approves it: more sources, ports, protocols or destinations.',
    remediation: 'Narrow the live rule to the approved access point, or widen the access point through review.',
    frameworks: {pci: ['1.2.5', '1.2.8'], cis: ['13.4'], csf: ['ID.AM-03']},
    counted: (c) => `${c} drift`,
    alwaysCounted: true,
  }),
  kind({
    id: 'stale-access-point',
    summaryKey: 'stale',
    policyKey: 'stale-access-point',
    defaultSeverity: 'low',
    title: 'Stale access point',
    description: 'An inventory access point that no live rule of its device provides (decommissioned, or broken).',
    remediation: 'Remove the access point from the inventory, or restore the rule if the service must work.',
    frameworks: {pci: ['1.2.7'], csf: ['ID.AM-03']},
    counted: (c) => `${c} stale`,
    alwaysCounted: true,
  }),
  kind({
    id: 'critical-flow-blocked',
    summaryKey: 'critical-flow-blocked',
    policyKey: 'critical-flow-blocked',
    defaultSeverity: 'high',
    title: 'Critical flow blocked',
    description: 'A business-critical flow that the live rules of a device on its path do not permit, in full or in part.',
    remediation: 'Restore the rule that carries the flow, or correct the flow in the inventory.',
    frameworks: {pci: ['1.2.4'], csf: ['ID.AM-03']},
    counted: (c) => `${n(c, 'critical flow')} blocked`,
    alwaysCounted: true,
  }),
  kind({
    id: 'access-point-expired',
    summaryKey: 'expired',
    policyKey: 'access-point-expired',
    defaultSeverity: 'medium',
    title: 'Access point expired',
    description: 'An access point whose review_by date has passed (a temporary opening left open).',
    remediation: 'Close the opening, or review it and set a new review_by date.',
    frameworks: {pci: ['1.2.7'], cis: ['13.5']},
    counted: (c) => `${c} expired`,
    alwaysCounted: true,
  }),
  kind({
    id: 'device-unaudited',
    summaryKey: 'device-unaudited',
    policyKey: 'device-unaudited',
    // raised to high for a device that carries internet access points (src/diff/unaudited.ts)
    defaultSeverity: 'medium',
    title: 'Device not audited',
    description: 'The live config of a device could not be read or parsed, so nothing it allows is checked.',
    remediation: 'Export the config again (devices[].config) or pass it with --live DEVICE=PATH[:type].',
    frameworks: {pci: ['1.2.8'], csf: ['PR.PS-01']},
    counted: (c) => `${n(c, 'device')} unaudited`,
  }),
  kind({
    id: 'unaudited-rules',
    summaryKey: 'unaudited-rules',
    policyKey: 'unaudited-rules',
    defaultSeverity: 'medium',
    title: 'Unaudited rules',
    description: 'Lines of a live config that the parser did not understand: what they allow is not checked.',
    remediation: "Look at the lines with 'irm-audit parse FILE'; report the syntax if it is valid for the vendor.",
    frameworks: {pci: ['1.2.8'], csf: ['PR.PS-01']},
    counted: (c) => `${n(c, 'file')} with unaudited rules`,
  }),
  kind({
    id: 'suppression-expired',
    summaryKey: 'suppression-expired',
    policyKey: 'suppression-expired',
    defaultSeverity: 'medium',
    title: 'Suppression expired',
    description: 'An entry of .irm-audit-ignore.yaml whose expiry date has passed; it no longer hides its findings.',
    remediation: 'Fix the findings it covered, or renew the suppression with a new reason and date.',
    frameworks: {pci: ['1.2.7']},
    counted: (c) => `${n(c, 'suppression')} expired`,
  }),
  kind({
    id: 'interface-unmapped',
    summaryKey: 'interface-unmapped',
    policyKey: 'interface-unmapped',
    defaultSeverity: 'medium',
    title: 'Interface not mapped to a zone',
    description:
      'Rules of the live config are bound to an interface or vendor zone that the inventory does not map to a zone and that cannot be inferred: reach through it is decided by source addresses alone.',
    remediation: 'Add it to devices[].interfaces ({name: IFACE, zone: ZONE} or {vendor_zone: NAME, zone: ZONE}).',
    // an interface no zone is mapped to: the inventory's picture of the connections is incomplete
    frameworks: {pci: ['1.2.3'], csf: ['ID.AM-03']},
    counted: (c) => `${n(c, 'interface')} unmapped`,
  }),
  kind({
    id: 'unwanted-path',
    summaryKey: 'unwanted-path',
    policyKey: 'unwanted-path',
    defaultSeverity: 'high',
    title: 'Unwanted path',
    description:
      'A restricted or management zone is reachable from the internet end to end, through a chain of devices whose hops are not all approved by access points; reported at the first unapproved hop (src/paths, issue #20).',
    remediation: 'Close the rule of the first unapproved hop, or approve the hop with an access point of that device (owner, justification, ticket, review_by).',
    frameworks: {pci: ['1.2.5', '1.4.2'], cis: ['13.4'], csf: ['ID.AM-03'], nis2: ['21(2)(i)']},
    counted: (c) => `${n(c, 'unwanted path')}`,
  }),
]

type Row = (typeof ROWS)[number]
export type FindingRule = Row['id']
export type SummaryKey = Row['summaryKey']
/** Kinds whose severity is one value of the policy pack (not the exposure table). */
export type RatedRule = Exclude<Row, FindingKindRow<string, string, 'exposure'>>['id']
export type FindingKind = FindingKindRow<FindingRule, SummaryKey>

/** The table, in report order. */
export const FINDING_KINDS: readonly FindingKind[] = ROWS
export const FINDING_RULES: readonly FindingRule[] = ROWS.map((k) => k.id)
const KIND = new Map<string, FindingKind>(ROWS.map((k) => [k.id, k]))

export function kindOf(rule: FindingRule): FindingKind {
  return KIND.get(rule)!
}

/** `docs/rules/<id>.md`, relative to the repository root. */
export function docPage(rule: string): string {
  return `docs/rules/${rule}.md`
}

/** Every summary key at 0, in table order. */
export function zeroCounts(): Record<SummaryKey, number> {
  return Object.fromEntries(FINDING_KINDS.map((k) => [k.summaryKey, 0])) as Record<SummaryKey, number>
}
