/**
 * Which semantics each format's parser models, for `irm-audit sources`: one row per format (Aerleon's
 * habit of a platform declaring what it supports). Where `ingress` is not `yes`, the diff cannot tell
 * where traffic enters and falls back to source addresses alone.
 *
 * - ingress / egress: exposures say where their traffic enters / leaves (interfaces, vendor zones, attachments)
 * - nat: inbound translations (port forwards, VIPs, static NAT) are composed with the filter rule that
 *   passes them, in the vendor's order (model/nat.ts): `nat-forward` exposures with `translated` and
 *   `filter`; a NAT no filter passes is a `nat-dead` doubt
 * - hostLocal: rules that protect the device itself target its own addresses (`host_local`)
 * - includes: statements that pull in other files are followed (parsers never read other files: `no`)
 * - objectGroups: named address/service groups are expanded
 */
export type Support = 'yes' | 'partial' | 'no' | 'n/a'

export interface Semantics {
  ingress: Support
  egress: Support
  nat: Support
  hostLocal: Support
  includes: Support
  objectGroups: Support
}

/** Short reasons for the `partial` cells, shown under the table. */
export interface SemanticsRow extends Semantics {
  notes?: string
}

export const SEMANTICS: Readonly<Record<string, SemanticsRow>> = {
  // (ingress, egress, nat, hostLocal, includes, objectGroups)
  aws: {...row('partial', 'partial', 'n/a', 'n/a', 'n/a', 'partial'), notes: 'attachments when the export lists ENIs/instances/subnets; prefix lists stay named'},
  azure: {...row('partial', 'partial', 'no', 'n/a', 'n/a', 'partial'), notes: 'attachments when the NSG lists its subnets/NICs; service tags and ASGs stay named'},
  'cisco-asa': row('no', 'no', 'yes', 'no', 'n/a', 'yes'),
  'cisco-ios': row('no', 'no', 'yes', 'no', 'n/a', 'yes'),
  fortios: row('yes', 'yes', 'yes', 'yes', 'n/a', 'yes'),
  gcp: {...row('partial', 'partial', 'no', 'n/a', 'n/a', 'partial'), notes: 'target tags/service accounts; source tags stay named'},
  iptables: {...row('no', 'no', 'yes', 'no', 'n/a', 'partial'), notes: 'ipsets stay named'},
  junos: {...row('yes', 'yes', 'yes', 'yes', 'partial', 'yes'), notes: 'apply-groups at the top level'},
  nftables: row('no', 'no', 'yes', 'no', 'no', 'yes'),
  openvpn: row('yes', 'n/a', 'yes', 'yes', 'no', 'n/a'),
  panos: row('yes', 'yes', 'yes', 'yes', 'n/a', 'yes'),
  pfsense: row('yes', 'yes', 'yes', 'yes', 'n/a', 'yes'),
  pulumi: {...row('partial', 'partial', 'no', 'n/a', 'n/a', 'partial'), notes: 'as aws, azure and gcp'},
  'pulumi-program': {...row('partial', 'partial', 'no', 'n/a', 'n/a', 'partial'), notes: 'as aws, azure and gcp'},
  strongswan: row('no', 'n/a', 'n/a', 'n/a', 'no', 'n/a'),
  wireguard: {...row('yes', 'n/a', 'partial', 'n/a', 'n/a', 'n/a'), notes: 'NAT only through PostUp iptables commands'},
}

function row(ingress: Support, egress: Support, nat: Support, hostLocal: Support, includes: Support, objectGroups: Support): Semantics {
  return {ingress, egress, nat, hostLocal, includes, objectGroups}
}

/** The row of a format; a format without one models none of these (shown as `no`). */
export function semanticsOf(type: string): SemanticsRow {
  return SEMANTICS[type] ?? row('no', 'no', 'no', 'no', 'no', 'no')
}

const COLUMNS: Array<[keyof Semantics, string]> = [
  ['ingress', 'ingress'],
  ['egress', 'egress'],
  ['nat', 'nat'],
  ['hostLocal', 'host-local'],
  ['includes', 'includes'],
  ['objectGroups', 'object-groups'],
]

/** The semantics as a plain-text table, one format a line, with the partial cells explained below. */
export function semanticsTable(types: string[]): string[] {
  const width = Math.max(6, ...types.map((t) => t.length)) + 2
  const cell = (text: string, w: number) => text + ' '.repeat(Math.max(1, w - text.length))
  // every column fits its header and the longest value (`partial`)
  const col = (h: string) => Math.max(h.length, 'partial'.length) + 2
  const lines = [cell('format', width) + COLUMNS.map(([, h]) => cell(h, col(h))).join('').trimEnd()]
  const remarks: string[] = []
  for (const t of types) {
    const s = semanticsOf(t)
    lines.push(cell(t, width) + COLUMNS.map(([k, h]) => cell(s[k], col(h))).join('').trimEnd())
    if (s.notes) remarks.push(`  ${t}: ${s.notes}`)
  }
  lines.push('', 'yes / partial / no; n/a: the format has no such construct. Where ingress is not "yes", reach is decided by source addresses alone.')
  return [...lines, ...remarks]
}
