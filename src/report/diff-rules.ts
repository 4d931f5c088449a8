/** Metadata of the diff's finding rules, as data: every renderer (SARIF, JUnit, markdown) reads it. */
import type {FindingRule} from '../diff/model.js'

export interface RuleInfo {
  id: FindingRule
  title: string
  description: string
  remediation: string
}

export const DIFF_RULES: readonly RuleInfo[] = [
  {
    id: 'unwanted-access-point',
    title: 'Unwanted access point',
    description: 'A live rule lets an untrusted source (internet, partner, or any address outside the trusted zones) in, and no inventory access point approves it.',
    remediation: 'Close the opening on the device, or, if it is legitimate, add an access point to the inventory (owner, justification, ticket, review_by).',
  },
  {
    id: 'access-point-drift',
    title: 'Access point drift',
    description: 'A live rule allows more than the access point that approves it: more sources, ports, protocols or destinations.',
    remediation: 'Narrow the live rule to the approved access point, or widen the access point through review.',
  },
  {
    id: 'stale-access-point',
    title: 'Stale access point',
    description: 'An inventory access point that no live rule of its device provides (decommissioned, or broken).',
    remediation: 'Remove the access point from the inventory, or restore the rule if the service must work.',
  },
  {
    id: 'critical-flow-blocked',
    title: 'Critical flow blocked',
    description: 'A business-critical flow that the live rules of a device on its path do not permit, in full or in part.',
    remediation: 'Restore the rule that carries the flow, or correct the flow in the inventory.',
  },
  {
    id: 'access-point-expired',
    title: 'Access point expired',
    description: 'An access point whose review_by date has passed (a temporary opening left open).',
    remediation: 'Close the opening, or review it and set a new review_by date.',
  },
  {
    id: 'device-unaudited',
    title: 'Device not audited',
    description: 'The live config of a device could not be read or parsed, so nothing it allows is checked.',
    remediation: 'Export the config again (devices[].config) or pass it with --live DEVICE=PATH[:type].',
  },
  {
    id: 'unaudited-rules',
    title: 'Unaudited rules',
    description: 'Lines of a live config that the parser did not understand: what they allow is not checked.',
    remediation: "Look at the lines with 'irm-audit parse FILE'; report the syntax if it is valid for the vendor.",
  },
  {
    id: 'suppression-expired',
    title: 'Suppression expired',
    description: 'An entry of .irm-audit-ignore.yaml whose expiry date has passed; it no longer hides its findings.',
    remediation: 'Fix the findings it covered, or renew the suppression with a new reason and date.',
  },
  {
    id: 'interface-unmapped',
    title: 'Interface not mapped to a zone',
    description:
      'Rules of the live config are bound to an interface or vendor zone that the inventory does not map to a zone and that cannot be inferred: reach through it is decided by source addresses alone.',
    remediation: 'Add it to devices[].interfaces ({name: IFACE, zone: ZONE} or {vendor_zone: NAME, zone: ZONE}).',
  },
]

export const RULE_INFO = new Map(DIFF_RULES.map((r) => [r.id, r]))
