/**
 * FortiOS (`show full-configuration`, backup `.conf`): the block tree from read.ts → per-VDOM object
 * tables (objects.ts) → exposures: firewall policies in table order through the shared evaluator,
 * VIPs, management access (allowaccess, local-in-policy, admin trusted hosts), SSL VPN and IPsec listeners.
 */
import {stageDone} from '../../core/stages.js'
import {buildExposure} from '../../model/build.js'
import {note} from '../../model/doubts.js'
import {ANY_BOX} from '../../net/match.js'
import {IrmError} from '../../core/errors.js'
import type {DeviceListener} from '../../model/device.js'
import type {Denial, Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import type {ParseResult, SourceParser} from '../types.js'
import {type AdminPorts, managementExposures, readInterfaces, vpnExposures} from './device.js'
import {Accounting, type Item, itemsOf, type Scope} from './items.js'
import {addressWithMask, value, values} from './objects.js'
import {buildTables, permitsToExposures, POLICY_KEYS, policyRules, type VdomTables} from './policies.js'
import {attachExposures, describeDevice, zonesOf} from './neutral.js'
import {composeNat, type NatOrder} from '../../model/nat.js'
import {type Block, blockText, readFortios, settingsOf, statementText} from './read.js'
import {ignoredReason, LOCAL_IN_KEYS} from './sections.js'

const POLICY_SECTIONS = ['firewall policy', 'firewall policy6', 'firewall security-policy']
const MODELLED = new Set([
  'system interface',
  'system zone',
  'system global',
  'system admin',
  'firewall address',
  'firewall address6',
  'firewall addrgrp',
  'firewall addrgrp6',
  'firewall service custom',
  'firewall service group',
  'firewall vip',
  'firewall vip6',
  'firewall vipgrp',
  'firewall vipgrp6',
  'firewall local-in-policy',
  'firewall local-in-policy6',
  'vpn ssl settings',
  'vpn ipsec phase1-interface',
  'vpn ipsec phase1',
  ...POLICY_SECTIONS,
])

export function parseFortios(text: string, file: string): ParseResult {
  const read = readFortios(text)
  stageDone('tokenize')
  if (read.roots.length === 0) {
    throw new IrmError('CONFIG_WRONG_FORMAT', 'no FortiOS "config … end" section found', {
      file,
      line: read.stray[0]?.line,
      hint: 'Give a FortiOS backup or "show full-configuration" output, or pick another --type.',
    })
  }
  const acc = new Accounting()
  // the reader counted the lines; `total` (not `count`) so that ignored sections add no lines of their own
  acc.total(read.lines)
  for (const s of read.stray) acc.line(s.line, s.reason, s.text, s.lines, s.code)
  const vdomMode = read.roots.some((r) => r.name === 'vdom' && r.children.some((e) => e.children.length > 0))
  const global: Scope = {sections: new Map()}
  const scopes = new Map<string, Scope>()
  const top: Scope = {sections: new Map()}
  const add = (scope: Scope, b: Block) => {
    const list = scope.sections.get(b.name)
    if (list) list.push(b)
    else scope.sections.set(b.name, [b])
  }
  const unclosed = (b: Block) => {
    if (!b.closed) acc.line(b.line, `'${b.kind}' not closed (file truncated?)`, blockText(b), 0, 'malformed')
    for (const c of b.children) unclosed(c)
  }
  for (const root of read.roots) {
    unclosed(root)
    if (root.name === 'vdom') {
      for (const s of root.statements) acc.statement(s, "setting outside an entry in 'config vdom'", 'malformed')
      for (const o of root.ops ?? []) acc.op(o, `'${o.verb}' of a VDOM not modelled`, 'unsupported')
      for (const e of root.children) {
        if (e.kind !== 'edit') continue
        let scope = scopes.get(e.name)
        if (!scope) {
          scope = {vdom: e.name, sections: new Map()}
          scopes.set(e.name, scope)
        }
        for (const s of e.statements) acc.statement(s, 'setting directly inside a VDOM', 'malformed')
        for (const c of e.children) add(scope, c)
      }
    } else if (root.name === 'global') {
      for (const s of root.statements) acc.statement(s, "setting directly inside 'config global'", 'malformed')
      for (const o of root.ops ?? []) acc.op(o, `'${o.verb}' directly inside 'config global'`, 'unsupported')
      for (const c of root.children) add(global, c)
    } else {
      add(top, root)
    }
  }
  const allScopes = vdomMode ? [...scopes.values()] : [top, ...scopes.values()]
  const deviceScopes = [global, top]

  // sections nobody models: one unparsed entry per block, unless empty or ignored on purpose
  for (const scope of [global, top, ...scopes.values()]) {
    for (const [name, blocks] of scope.sections) {
      if (MODELLED.has(name)) continue
      const ignored = ignoredReason(name)
      if (ignored !== undefined) {
        for (const b of blocks) acc.ignored(b.line, ignored)
        continue
      }
      for (const b of blocks) if (b.statements.length || b.children.length || b.ops?.length) acc.block(b, `section 'config ${name}' not modelled`, 'unsupported')
    }
  }

  const exposures: Exposure[] = []
  const denies: Denial[] = []
  const listeners: DeviceListener[] = []
  const section = (name: string) => deviceScopes.flatMap((s) => s.sections.get(name) ?? [])
  const interfaces = readInterfaces(itemsOf(section('system interface'), 'system interface', acc, null, (n) => n === 'ipv6' || n === 'secondaryip'), acc)
  const globalSettings = settingsOf(section('system global').flatMap((b) => b.statements))
  const ports: AdminPorts = {}
  for (const [key, dflt] of [['admin-sport', 443], ['admin-port', 80], ['admin-ssh-port', 22], ['admin-telnet-port', 23]] as const) {
    const v = Number(globalSettings.get(key)?.values[0] ?? dflt)
    ports[key] = Number.isInteger(v) && v > 0 && v < 65536 ? v : dflt
  }
  // trusted hosts protect admin logins only when every administrator has some
  const admins = itemsOf(section('system admin'), 'system admin', acc, null)
  let trusted: AddressSet | undefined
  if (admins.length) {
    const perAdmin = admins.map((a) => {
      const sets: AddressSet[] = []
      for (let i = 1; i <= 10; i++) {
        const v4 = addressWithMask(values(a, `trusthost${i}`))
        if (v4 && !v4.equals(AddressSet.ANY4)) sets.push(v4)
        const v6 = AddressSet.parse(value(a, `ip6-trusthost${i}`) ?? '')
        if (v6 && !v6.equals(AddressSet.ANY6)) sets.push(v6)
      }
      return sets
    })
    if (perAdmin.every((s) => s.length)) trusted = AddressSet.unionAll(perAdmin.flat())
  }

  const localIn: Array<{item: Item; tables: VdomTables; prefix: string; family: 4 | 6}> = []
  for (const scope of allScopes) {
    const prefix = vdomMode && scope.vdom ? `vdom ${scope.vdom} ` : ''
    const tables = buildTables(scope, acc, interfaces, exposures, prefix)
    const group = {next: 0}
    // a zone with `intrazone allow` passes traffic between its members without any policy
    for (const zone of itemsOf(scope.sections.get('system zone'), 'system zone', acc, null)) {
      if (value(zone, 'intrazone') !== 'allow') continue
      const intrazone = zone.settings.get('intrazone')!
      exposures.push(
        buildExposure({
        kind: 'filter',
        box: ANY_BOX,
        line: intrazone.line,
        rule: `${prefix}zone ${zone.name} intrazone`,
        text: `edit ${zone.name}; ${statementText(intrazone)}; ${statementText(zone.settings.get('interface') ?? intrazone)}`,
        interfaces: {in: [zone.name], out: [zone.name]},
        doubts: [note('vendor-default', `traffic between the members of zone '${zone.name}' (${values(zone, 'interface').join(', ')}) passes without a policy`)],
        }),
      )
    }
    for (const name of POLICY_SECTIONS) {
      const items = itemsOf(scope.sections.get(name), name, acc, POLICY_KEYS)
      permitsToExposures(policyRules(items, name, tables, prefix, group), exposures, denies)
    }
    for (const name of ['firewall local-in-policy', 'firewall local-in-policy6']) {
      const family = name.endsWith('6') ? 6 : 4
      for (const item of itemsOf(scope.sections.get(name), name, acc, LOCAL_IN_KEYS)) localIn.push({item, tables, prefix, family})
    }
    vpnExposures(scope, tables, interfaces, read.version, prefix, acc, exposures, listeners)
  }
  managementExposures(interfaces, ports, trusted, localIn, acc, exposures, listeners)
  const zones = zonesOf([global, top, ...scopes.values()])
  // a VIP opens only what a policy naming it passes
  const nat = composeNat(exposures, FORTIOS_NAT)
  attachExposures(nat.exposures, zones)
  const device = describeDevice(interfaces, zones, [global, top, ...scopes.values()], listeners)
  stageDone('evaluate')
  const {unparsed, stats, status} = acc.finish()
  return {exposures: nat.exposures, unparsed, ...(nat.doubts.length ? {doubts: nat.doubts} : {}), ...(denies.length ? {denies} : {}), stats, status, device}
}

const HEAD = /^#config-version=[A-Z0-9]+-\d/m
const BLOCK_HEAD = /^config (system|firewall|vpn|router|log|user|global|vdom)\b/
const BLOCK_BODY = /^[ \t]+(edit |set )/

/** `config system …` followed by an indented `edit`/`set` line, line by line. */
function hasBlock(head: string): boolean {
  const lines = head.split('\n')
  return lines.some((line, i) => BLOCK_HEAD.test(line) && BLOCK_BODY.test(lines[i + 1] ?? ''))
}

/**
 * FortiOS order for the shared NAT step (model/nat.ts): a VIP translates only traffic that a firewall
 * policy naming it (dstaddr) accepts; the policy evaluation already read those policies on the VIP's
 * external address with its mapping (`translated`), so they are the only rules that pass a VIP.
 */
const FORTIOS_NAT: NatOrder = {
  filterWords: 'firewall policy naming the VIP',
  candidate: (f) => f.kind === 'filter' && f.direction === 'inbound' && !!f.translated,
  isNat: (e) => (e.kind === 'nat-forward' || e.kind === 'load-balancer') && /(^|\s)vip\s/.test(e.rule),
}

export const fortios: SourceParser = {
  type: 'fortios',
  description: 'FortiGate FortiOS configuration (backup .conf or "show full-configuration")',
  detection: 'a "#config-version=" header, or "config system/firewall/vpn …" blocks with edit/set/next/end',
  extensions: ['conf', 'cfg', 'txt'],
  detect(head) {
    if (HEAD.test(head)) return 1
    if (hasBlock(head) && /^[ \t]*(next|end)[ \t\r]*$/m.test(head)) return 0.8
    return 0
  },
  parse(text, {file}) {
    return parseFortios(text, file)
  },
}
