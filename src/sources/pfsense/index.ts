/**
 * pfSense and OPNsense `config.xml`: interfaces, aliases, filter rules (floating and per interface, in
 * order, through the shared evaluator), port forwards and 1:1 NAT, OpenVPN servers, IPsec phase 1, and
 * the management plane (webGUI, SSH, SNMP) as far as the rules let it be reached.
 *
 * pf order, as pfSense generates it: floating `quick` rules, then interface rules (all quick), then
 * floating non-quick rules, where the LAST match wins (so they are evaluated in reverse), then the
 * default block. Floating rules with direction `out` give `outbound` exposures (pfSense passes all
 * egress by default, so only explicit pass-out rules are listed).
 */
import {stageDone} from '../../core/stages.js'
import {addDoubts, buildExposure} from '../../model/build.js'
import {note} from '../../model/doubts.js'
import {ANY_BOX} from '../../net/match.js'
import {IrmError} from '../../core/errors.js'
import {interfaceAddress} from '../../model/device.js'
import type {Exposure} from '../../model/exposure.js'
import {composeNat, forwardingFilter, type NatOrder} from '../../model/nat.js'
import {AddressSet} from '../../net/address-set.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {redactLine} from '../redact.js'
import type {ParseResult, SourceParser} from '../types.js'
import {child, children, dig, parseXml, textOf} from '../xml.js'
import {Accounting, elementCount} from './accounting.js'
import {evaluateInterfaces, managementServices} from './chains.js'
import {attachExposures, describeDevice} from './device.js'
import {AliasTable, type Context, type Iface, readAlias, readInterface, readSide} from './objects.js'
import {type FilterRule, isSet, legacyRule, type NatRule, readNat, readRule, sideText} from './rules.js'
import {IGNORED_SECTIONS} from './sections.js'
import {vpnExposures} from './vpn.js'

// nat/outbound (source NAT) and npt (prefix translation) do not open inbound access
const NAT_SECTIONS = new Set(['rule', 'onetoone', 'outbound', 'separator', 'npt', 'advancedoutbound'])
const MODELLED = new Set(['system', 'interfaces', 'aliases', 'filter', 'nat', 'openvpn', 'ipsec', 'virtualip', 'OPNsense', 'snmpd'])

export function parsePfsense(text: string, file: string): ParseResult {
  if (!/^\uFEFF?\s*</.test(text)) {
    throw new IrmError('CONFIG_WRONG_FORMAT', 'not XML: a pfSense/OPNsense config.xml starts with "<"', {
      file,
      line: 1,
      hint: 'Give the config.xml from Diagnostics > Backup & Restore, or pick another --type.',
    })
  }
  const doc = parseXml(text, file)
  stageDone('tokenize')
  const root = doc.children[0]
  if (!root || (root.name !== 'pfsense' && root.name !== 'opnsense')) {
    throw new IrmError('CONFIG_WRONG_FORMAT', `not a pfSense/OPNsense config.xml (root element <${root?.name ?? 'none'}>)`, {
      file,
      line: root?.line,
      hint: 'Give the config.xml from Diagnostics > Backup & Restore, or pick another --type.',
    })
  }
  const acc = new Accounting()
  // elements are the units; `total` (not `count`) so that ignored sections add no lines of their own
  acc.total(elementCount(root))
  for (const section of root.children) {
    if (MODELLED.has(section.name) || acc.ignoreFrom(IGNORED_SECTIONS, section.name, section.line)) continue
    acc.element(section, `section <${section.name}> not modelled`, 'unsupported')
  }

  // interfaces, with virtual IPs added to the firewall's own addresses
  const interfaces = new Map<string, Iface>()
  for (const el of child(root, 'interfaces')?.children ?? []) interfaces.set(el.name, readInterface(el))
  for (const vip of children(child(root, 'virtualip'), 'vip')) {
    const iface = interfaces.get(textOf(vip, 'interface') ?? '')
    const addr = AddressSet.parse(textOf(vip, 'subnet') ?? '')
    if (iface && addr) {
      iface.hosts = iface.hosts.union(addr)
      const cidr = interfaceAddress(`${textOf(vip, 'subnet')}/${textOf(vip, 'subnet_bits') || (textOf(vip, 'subnet')!.includes(':') ? 128 : 32)}`)
      if (cidr) iface.cidrs.push(cidr)
    } else acc.element(vip, 'virtual IP without a readable interface or address', 'bad-value')
  }
  const aliases = new AliasTable(interfaces)
  const aliasElements = [...children(child(root, 'aliases'), 'alias'), ...children(dig(root, 'OPNsense', 'Firewall', 'Alias', 'aliases'), 'alias')]
  for (const el of aliasElements) {
    const a = readAlias(el)
    if (!a) acc.element(el, 'alias without a name', 'malformed')
    else if (textOf(el, 'enabled') !== '0') aliases.aliases.set(a.name, a)
  }
  const ctx: Context = {interfaces, aliases}

  // NAT port forwards, by the id their filter rule points back to
  const exposures: Exposure[] = []
  const natById = new Map<string, NatRule>()
  const nat = child(root, 'nat')
  for (const el of nat?.children ?? []) if (!NAT_SECTIONS.has(el.name)) acc.element(el, `unknown NAT element '${el.name}'`, 'unknown-statement')
  children(nat, 'rule').forEach((el, i) => {
    const n = readNat(el, i + 1, ctx, acc)
    if (!n) return
    const id = textOf(el, 'associated-rule-id')
    if (id && id !== 'pass') natById.set(id, n)
    exposures.push(natExposure(n, 'nat-forward'))
    if (n.passes) {
      const pass = natExposure(n, 'filter')
      addDoubts(pass, [note('vendor-semantics', 'rdr pass: the NAT rule passes the traffic without a filter rule')])
      exposures.push(pass)
    }
  })
  children(nat, 'onetoone').forEach((el, i) => {
    const ext = AddressSet.parse(textOf(el, 'external') ?? '')
    const internal = readSide(child(el, 'source'), ctx)
    if (!ext) {
      acc.element(el, '1:1 NAT without a readable external address', 'bad-value')
      return
    }
    if (isSet(child(el, 'disabled'))) return
    const dst = readSide(child(el, 'destination'), ctx)
    exposures.push(
      buildExposure({
      kind: 'nat-forward',
      // binat answers for its own family only
      box: {...ANY_BOX, from: (dst.unresolved.length ? AddressSet.ANY : dst.set).intersect(AddressSet.anyOf(ext.hasFamily(4) ? 4 : 6)), to: ext},
      translated: {to: internal.set},
      line: el.line,
      rule: `nat 1:1 ${i + 1}${textOf(el, 'descr') ? ` "${textOf(el, 'descr')}"` : ''}`,
      text: redactLine(`binat on ${textOf(el, 'interface') ?? 'wan'} from ${sideText(child(el, 'source'))} to ${sideText(child(el, 'destination'))} -> ${textOf(el, 'external')}`),
      interfaces: {in: [textOf(el, 'interface') ?? 'wan']},
      }),
    )
  })

  // filter rules in config order; positions count per interface (floating separately)
  const rules: FilterRule[] = []
  const counters = new Map<string, number>()
  for (const el of child(root, 'filter')?.children ?? []) {
    if (el.name === 'separator' || el.name === 'bypassstaticroutes') continue
    if (el.name !== 'rule') {
      acc.element(el, `unknown filter element '${el.name}'`, 'unknown-statement')
      continue
    }
    const floating = isSet(child(el, 'floating'))
    const iface = textOf(el, 'interface') ?? '?'
    const comma = iface.indexOf(',')
    const key = floating ? 'floating' : comma < 0 ? iface : iface.slice(0, comma)
    const position = (counters.get(key) ?? 0) + 1
    counters.set(key, position)
    const r = readRule(el, String(position), ctx, acc)
    if (!r) continue
    const id = textOf(el, 'associated-rule-id')
    if (id) r.nat = natById.get(id)
    rules.push(r)
  }
  // OPNsense MVC rules (Firewall > Automation) are evaluated before the legacy ones, by sequence
  const mvc = children(dig(root, 'OPNsense', 'Firewall', 'Filter', 'rules'), 'rule')
    .map((el, i) => ({el, i, sequence: Number(textOf(el, 'sequence') ?? 0)}))
    .sort((a, b) => a.sequence - b.sequence || a.i - b.i)
  const automation = mvc.flatMap(({el}, k) => {
    const r = readRule(legacyRule(el, acc), String(k + 1), ctx, acc)
    return r ? [{...r, name: r.name.replace(/^floating rule/, 'automation rule')}] : []
  })
  rules.unshift(...automation)

  // interface groups: their rules apply to every member, before the member's own rules
  const groups = new Map<string, string[]>()
  for (const g of children(child(root, 'ifgroups'), 'ifgroupentry')) {
    const name = textOf(g, 'ifname')
    if (name) groups.set(name, (textOf(g, 'members') ?? '').split(/\s+/).filter(Boolean))
  }

  const mgmt = managementServices(root, interfaces)
  evaluateInterfaces(rules, interfaces, groups, mgmt, root, exposures)
  vpnExposures(root, ctx, acc, exposures)
  // a port forward opens only what its associated rule, `rdr pass` or a hand-made rule passes
  const composed = composeNat(exposures, PF_NAT)
  attachExposures(composed.exposures)
  const device = describeDevice(root, interfaces, mgmt, composed.exposures)
  const {unparsed, stats, status} = acc.finish()
  stageDone('evaluate')
  return {exposures: composed.exposures, unparsed, ...(composed.doubts.length ? {doubts: composed.doubts} : {}), stats, status, device}
}

/**
 * pf order for the shared NAT step (model/nat.ts): `rdr` translates first, then the interface's rules
 * filter the TRANSLATED packet (a hand-made pass rule names the internal host). A rule associated with
 * the port forward, and `rdr pass`, are read as that forward's traffic (their exposures carry it).
 */
const PF_NAT: NatOrder = {
  filterWords: 'pass rule (associated, rdr pass or hand-made)',
  candidate: forwardingFilter,
  sees: () => 'translated',
}

function natExposure(n: NatRule, kind: Exposure['kind']): Exposure {
  return buildExposure({
    kind,
    box: {from: n.from, to: n.to, protocols: n.protocols, ports: n.ports},
    ...(n.target || n.targetPorts ? {translated: {to: n.target, ports: n.targetPorts}} : {}),
    line: n.el.line,
    rule: n.name,
    text: n.text,
    interfaces: {in: n.interfaces},
    fromSets: n.fromSets,
    toSets: n.toSets,
    doubts: n.doubts,
  })
}

export const pfsense: SourceParser = {
  type: 'pfsense',
  description: 'pfSense and OPNsense config.xml (filter rules, NAT, aliases, OpenVPN, IPsec, management)',
  detection: 'XML whose root element is <pfsense> or <opnsense>',
  extensions: ['xml'],
  detect(head) {
    const start = head.replace(/^\uFEFF?\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*/, '')
    if (/^<pfsense[\s>]/.test(start) || /^<opnsense[\s>]/.test(start)) return 1
    const root = head.search(/<(pfsense|opnsense)>/)
    return root >= 0 && /<(filter|interfaces)>/.test(head.slice(root)) ? 0.6 : 0
  },
  parse(text, {file}) {
    return parsePfsense(text, file)
  },
}
