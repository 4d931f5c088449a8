/**
 * IOS zone-based policy firewall: inspect class-maps, inspect policy-maps and zone-pairs. A zone-pair's
 * policy is an ordered class list (first match); `class-default` drops unless told otherwise.
 */
import {AddressSet} from '../../net/address-set.js'
import {type Box, intersectBox} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {ciscoPort, type CiscoNode, type LineLedger} from '../cisco-common.js'
import {TCP_UDP} from '../../net/terms.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import {aclPermits} from './acl.js'
import type {IosConfig, PolicyClass} from './model.js'

/** `match protocol` names of inspect class-maps, as protocol and port. */
const INSPECT_PROTOCOLS: Record<string, {protocols: ProtocolSet; ports?: PortSet}> = {
  tcp: {protocols: ProtocolSet.of(6)},
  udp: {protocols: ProtocolSet.of(17)},
  icmp: {protocols: ProtocolSet.of(1, 58)},
  dns: {protocols: TCP_UDP, ports: PortSet.range(53)},
  http: {protocols: ProtocolSet.of(6), ports: PortSet.range(80)},
  https: {protocols: ProtocolSet.of(6), ports: PortSet.range(443)},
  ssh: {protocols: ProtocolSet.of(6), ports: PortSet.range(22)},
  telnet: {protocols: ProtocolSet.of(6), ports: PortSet.range(23)},
  ftp: {protocols: ProtocolSet.of(6), ports: PortSet.range(21)},
  smtp: {protocols: ProtocolSet.of(6), ports: PortSet.range(25)},
  esmtp: {protocols: ProtocolSet.of(6), ports: PortSet.range(25)},
  pop3: {protocols: ProtocolSet.of(6), ports: PortSet.range(110)},
  imap: {protocols: ProtocolSet.of(6), ports: PortSet.range(143)},
  ldap: {protocols: ProtocolSet.of(6), ports: PortSet.range(389)},
  'ms-sql': {protocols: ProtocolSet.of(6), ports: PortSet.range(1433)},
  mysql: {protocols: ProtocolSet.of(6), ports: PortSet.range(3306)},
  'ms-wbt': {protocols: ProtocolSet.of(6), ports: PortSet.range(3389)},
  'ftps': {protocols: ProtocolSet.of(6), ports: PortSet.range(990)},
  'h323': {protocols: ProtocolSet.of(6), ports: PortSet.range(1720)},
  'sip': {protocols: TCP_UDP, ports: PortSet.range(5060)},
  'ntp': {protocols: ProtocolSet.of(17), ports: PortSet.range(123)},
  'snmp': {protocols: ProtocolSet.of(17), ports: PortSet.range(161)},
  'tftp': {protocols: ProtocolSet.of(17), ports: PortSet.range(69)},
  'isakmp': {protocols: ProtocolSet.of(17), ports: PortSet.range(500)},
  'syslog': {protocols: ProtocolSet.of(17), ports: PortSet.range(514)},
  'l2tp': {protocols: ProtocolSet.of(17), ports: PortSet.range(1701)},
  'bootps': {protocols: ProtocolSet.of(17), ports: PortSet.range(67)},
  'radius': {protocols: ProtocolSet.of(17), ports: PortSet.range(1645)},
  'echo': {protocols: ProtocolSet.of(1)},
  'gre': {protocols: ProtocolSet.of(47)},
  'esp': {protocols: ProtocolSet.of(50)},
}

export function readClassMap(n: CiscoNode, config: IosConfig, ledger: LineLedger): void {
  const w = n.words
  const matchAll = w[3] !== 'match-any'
  const name = w[3] === 'match-any' || w[3] === 'match-all' ? w[4] : w[3]
  if (!name) return ledger.badTree(n, 'class-map without a name', 'malformed')
  ledger.ok(n)
  config.classMaps.set(name, {node: n, matchAll, matches: n.children})
}

export function readPolicyMap(n: CiscoNode, config: IosConfig, ledger: LineLedger): void {
  const name = n.words[3]
  if (!name) return ledger.badTree(n, 'policy-map without a name', 'malformed')
  ledger.ok(n)
  const classes: PolicyClass[] = []
  for (const c of n.children) {
    const w = c.words
    const className = w[0] === 'class' ? (w[1] === 'type' ? w[3] : w[1]) : undefined
    if (!className) {
      ledger.badTree(c, `unknown policy-map statement '${w[0]}'`, 'unknown-statement')
      continue
    }
    ledger.ok(c)
    // ZBF: class-default drops unless told otherwise; a class without an action also drops
    let action: 'allow' | 'deny' = 'deny'
    for (const a of c.children) {
      if (a.words[0] === 'inspect' || a.words[0] === 'pass') action = 'allow'
      else if (a.words[0] === 'drop') action = 'deny'
      else if (a.words[0] !== 'police' && a.words[0] !== 'service-policy' && a.words[0] !== 'log') {
        ledger.bad(a, `unknown class action '${a.words[0]}'`, 'unknown-statement')
        continue
      }
      ledger.okTree(a)
    }
    classes.push({node: c, className, action})
  }
  config.policies.set(name, classes)
}

export function readZonePair(n: CiscoNode, config: IosConfig, ledger: LineLedger): void {
  const w = n.words
  const s = w.indexOf('source')
  const d = w.indexOf('destination')
  if (!w[2] || s < 0 || d < 0 || !w[s + 1] || !w[d + 1]) return ledger.badTree(n, 'expected zone-pair security NAME source Z1 destination Z2', 'malformed')
  ledger.ok(n)
  let policy: string | undefined
  for (const c of n.children) {
    if (c.words[0] === 'service-policy' && c.words[1] === 'type' && c.words[2] === 'inspect' && c.words[3]) policy = c.words[3]
    else if (c.words[0] !== 'description') {
      ledger.bad(c, `unknown zone-pair statement '${c.words[0]}'`, 'unknown-statement')
      continue
    }
    ledger.ok(c)
  }
  // entering a zone-pair again edits it (a config pasted twice): one entry per name, a service-policy
  // not named again stays
  const earlier = config.zonePairs.findIndex((zp) => zp.name === w[2])
  const pair = {node: n, name: w[2], source: w[s + 1], destination: w[d + 1], policy}
  if (earlier < 0) config.zonePairs.push(pair)
  else {
    const was = config.zonePairs[earlier]
    ledger.ignored(was.node.line, `zone-pair ${w[2]} is entered again at line ${n.line}`)
    config.zonePairs[earlier] = {...pair, policy: policy ?? was.policy}
  }
}

/** The traffic a `match` line of an inspect class-map selects, as boxes (null: not understood). */
function matchBoxes(config: IosConfig, m: CiscoNode, depth: number): {boxes: Box[]; doubts: DoubtNote[]} | null {
  const w = m.words
  if (w[0] !== 'match' || depth > 8) return null
  if (w[1] === 'access-group') {
    const name = w[2] === 'name' ? w[3] : w[2]
    const acl = name ? config.acls.get(name) : undefined
    if (!acl) return null
    return {boxes: aclPermits(acl), doubts: []}
  }
  if (w[1] === 'protocol' && w[2]) {
    const p = INSPECT_PROTOCOLS[w[2]]
    if (p) return {boxes: [{from: AddressSet.ANY, to: AddressSet.ANY, protocols: p.protocols, ports: p.ports ?? PortSet.ALL, sourcePorts: PortSet.ALL}], doubts: []}
    // other application names: their well-known port, on tcp and udp (recall first)
    const port = ciscoPort(w[2])
    if (port !== undefined) return {boxes: [{from: AddressSet.ANY, to: AddressSet.ANY, protocols: TCP_UDP, ports: PortSet.range(port), sourcePorts: PortSet.ALL}], doubts: [note('approximated', `application '${w[2]}' read as tcp and udp port ${port}`)]}
    return {boxes: [{from: AddressSet.ANY, to: AddressSet.ANY, protocols: ProtocolSet.ALL, ports: PortSet.ALL, sourcePorts: PortSet.ALL}], doubts: [note('unknown-service', `application '${w[2]}' read as any traffic`)]}
  }
  if (w[1] === 'class-map' && w[2]) {
    const cm = config.classMaps.get(w[2])
    return cm ? classBoxes(config, cm.matches, cm.matchAll, undefined, depth + 1) : null
  }
  if (w[1] === 'any') return {boxes: [{from: AddressSet.ANY, to: AddressSet.ANY, protocols: ProtocolSet.ALL, ports: PortSet.ALL, sourcePorts: PortSet.ALL}], doubts: []}
  return null
}

/**
 * match-all: the intersection of the matches; match-any: their union. With a ledger (while reading),
 * each top-level match line gets its verdict.
 */
export function classBoxes(config: IosConfig, matches: CiscoNode[], matchAll: boolean, ledger?: LineLedger, depth = 0): {boxes: Box[]; doubts: DoubtNote[]} {
  const doubts: DoubtNote[] = []
  let acc: Box[] | null = null
  for (const m of matches) {
    const r = matchBoxes(config, m, depth)
    if (!r) {
      ledger?.bad(m, m.words[1] === 'access-group' ? `ACL '${m.words[m.words.length - 1]}' is not defined` : `class-map match not understood`, m.words[1] === 'access-group' ? 'undefined-reference' : 'unknown-statement')
      doubts.push(note('unknown-match', `match '${m.words.slice(1).join(' ')}' not understood; read as any traffic`))
      continue
    }
    ledger?.ok(m)
    doubts.push(...r.doubts)
    if (acc === null) acc = r.boxes
    else if (matchAll) {
      const next: Box[] = []
      for (const a of acc) for (const b of r.boxes) {
        const i = intersectBox(a, b)
        if (i) next.push(i)
      }
      acc = next
    } else acc = [...acc, ...r.boxes]
  }
  return {boxes: acc ?? [{from: AddressSet.ANY, to: AddressSet.ANY, protocols: ProtocolSet.ALL, ports: PortSet.ALL, sourcePorts: PortSet.ALL}], doubts}
}
