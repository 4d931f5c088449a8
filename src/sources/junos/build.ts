/**
 * Statements → the Junos vendor model. Each statement is modelled, ignored on purpose (IGNORED, with
 * a reason) or returned as unparsed with a reason. Inactive statements are understood and dropped.
 */
import {AddressSet} from '../../net/address-set.js'
import {parseCidr} from '../../net/ip.js'
import {handleApplications, handleFirewall, handlePolicyOptions} from './build-objects.js'
import {handleSecurity} from './build-security.js'
import {type BuildState, ignoredReason, newState, unitName} from './build-state.js'
import {expandGroups} from './groups.js'
import {headLine, type Statement} from './read.js'
import {INTERFACE_IGNORED, UNIT_FAMILY_IGNORED} from './tables.js'
import type {JunosConfig, Unit} from './model.js'

export {parseAddress, unitName} from './build-state.js'

export interface BuildResult {
  config: JunosConfig
  /** Statement ids understood (modelled or ignored). */
  understood: Set<number>
  unparsed: Array<{line: number; reason: string; text: string}>
}

export function buildConfig(statements: Statement[]): BuildResult {
  const st = newState()
  const understood = new Set<number>()
  const failed = new Map<number, {line: number; reason: string; text: string}>()
  // applied configuration groups behave as if written where they apply (groups.ts)
  for (const s of expandGroups(statements)) {
    if (s.inactive) {
      understood.add(s.id)
      continue
    }
    const reason = handle(st, s, s.words)
    if (reason === null) {
      if (!failed.has(s.id)) understood.add(s.id)
    } else {
      understood.delete(s.id)
      if (!failed.has(s.id)) failed.set(s.id, {line: s.line, reason, text: s.text})
    }
  }
  return {config: st.config, understood, unparsed: [...failed.values()]}
}

function handle(st: BuildState, s: Statement, w: string[]): string | null {
  const ignored = ignoredReason(w)
  if (ignored) return null
  // apply-groups / apply-groups-except at any level were expanded by expandGroups
  if (w.includes('apply-groups') || w.includes('apply-groups-except')) return null
  switch (w[0]) {
    case 'logical-systems':
      return 'logical systems are not modelled (export each one as its own device)'
    case 'groups':
      // a template: its content is read where expandGroups applied it
      return null
    case 'system':
      return handleSystem(st, w, s)
    case 'interfaces':
      return handleInterface(st, w, s)
    case 'security':
      return handleSecurity(st, w, s)
    case 'applications':
      return handleApplications(st, w, s)
    case 'firewall':
      return handleFirewall(st, w, s)
    case 'policy-options':
      return handlePolicyOptions(st, w, s)
    default:
      return `unknown top-level statement '${w[0]}'`
  }
}

function handleSystem(st: BuildState, w: string[], s: Statement): string | null {
  if (w[1] === 'host-name' && w[2]) {
    st.config.hostName = w[2]
    return null
  }
  if (w[1] !== 'services' || !w[2]) return `system '${w[1] ?? ''}' not modelled`
  const name = w[2]
  const known = ['ssh', 'telnet', 'ftp', 'netconf', 'web-management', 'xnm-ssl', 'xnm-clear-text', 'finger', 'rlogin', 'rsh', 'tftp', 'dhcp', 'rest']
  if (!known.includes(name)) return `system service '${name}' not modelled`
  let svc = st.config.systemServices.get(name)
  if (!svc) {
    svc = {name, line: headLine(s, 'services'), text: `system services ${name}`, interfaces: []}
    st.config.systemServices.set(name, svc)
  }
  if (name === 'web-management') {
    const proto = w[3]
    if (!proto) return null
    if (proto !== 'http' && proto !== 'https') return `web-management '${proto}' not modelled`
    let sub = st.config.systemServices.get(`web-management ${proto}`)
    if (!sub) {
      sub = {name: `web-management ${proto}`, line: headLine(s, 'web-management'), text: `system services web-management ${proto}`, interfaces: []}
      st.config.systemServices.set(sub.name, sub)
    }
    if (w[4] === 'interface' && w[5]) sub.interfaces.push(unitName(w[5]))
    else if (w[4] === 'port' && w[5]) sub.port = Number(w[5])
    else if (w[4] && !['system-generated-certificate', 'pki-local-certificate', 'local-certificate'].includes(w[4])) return `web-management ${proto} '${w[4]}' not modelled`
    return null
  }
  if (name === 'ssh' && w[3] === 'port' && w[4]) svc.port = Number(w[4])
  if (name === 'netconf' && w[3] === 'ssh' && w[4] === 'port' && w[5]) svc.port = Number(w[5])
  // other options (root-login, ciphers, rate-limit…) do not change where the daemon listens
  return null
}

function unit(st: BuildState, ifName: string, unitNo: string, line: number): Unit {
  const name = `${ifName}.${unitNo}`
  let u = st.config.units.get(name)
  if (!u) {
    u = {name, line, hostAddresses: AddressSet.EMPTY, addresses: [], filters: []}
    st.config.units.set(name, u)
  }
  return u
}

function handleInterface(st: BuildState, w: string[], s: Statement): string | null {
  const ifName = w[1]
  if (!ifName) return 'interface without a name'
  if (w.length === 2) return null
  let unitNo = '0'
  let rest = w.slice(2)
  if (rest[0] === 'unit') {
    if (!rest[1]) return 'unit without a number'
    unitNo = rest[1]
    rest = rest.slice(2)
    const u = unit(st, ifName, unitNo, s.line)
    if (rest.length === 0) return null
    if (rest[0] !== 'family') return INTERFACE_IGNORED.has(rest[0]) ? null : `unit option '${rest[0]}' not modelled`
    const family = rest[1]
    if (family !== 'inet' && family !== 'inet6') {
      // L2 and MPLS families carry no IP reachability of their own
      return ['ethernet-switching', 'mpls', 'iso', 'bridge', 'vpls', 'ccc', 'tcc'].includes(family ?? '') ? null : `family '${family ?? ''}' not modelled`
    }
    rest = rest.slice(2)
    if (rest.length === 0) return null
    if (rest[0] === 'address') {
      const c = parseCidr(rest[1] ?? '')
      if (!c) return `'${rest[1] ?? ''}' is not an interface address`
      const ip = rest[1].split('/')[0]
      u.hostAddresses = u.hostAddresses.union(AddressSet.parse(ip) ?? AddressSet.EMPTY)
      if (!u.addresses.includes(rest[1])) u.addresses.push(rest[1])
      if (rest.length > 2 && !['primary', 'preferred', 'vrrp-group', 'vrrp-inet6-group', 'arp', 'broadcast', 'destination', 'eui-64'].includes(rest[2])) return `address option '${rest[2]}' not modelled`
      return null
    }
    if (rest[0] === 'filter') {
      const dir = rest[1]
      if ((dir === 'input' || dir === 'output') && rest[2]) {
        u.filters.push({family, direction: dir, names: [rest[2]], line: s.line})
        return null
      }
      if ((dir === 'input-list' || dir === 'output-list') && rest[2]) {
        const direction = dir === 'input-list' ? 'input' : 'output'
        const prev = u.filters.find((f) => f.family === family && f.direction === direction && f.line === s.line)
        if (prev) prev.names.push(rest[2])
        else u.filters.push({family, direction, names: [rest[2]], line: s.line})
        return null
      }
      return `filter option '${dir ?? ''}' not modelled`
    }
    return UNIT_FAMILY_IGNORED.has(rest[0]) ? null : `family ${family} option '${rest[0]}' not modelled`
  }
  if (INTERFACE_IGNORED.has(rest[0])) return null
  return `interface option '${rest[0]}' not modelled`
}
