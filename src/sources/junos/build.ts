/**
 * Statements → the Junos vendor model. Each statement is modelled, ignored on purpose (IGNORED, with
 * a reason) or returned as unparsed with a reason. Inactive statements are understood and dropped.
 */
import {AddressSet} from '../../net/address-set.js'
import {parseCidr} from '../../net/ip.js'
import {handleApplications, handleFirewall, handlePolicyOptions} from './build-objects.js'
import {handleSecurity} from './build-security.js'
import {badValue, type BuildState, ignore, ignoredReason, miss, newState, notModelled, type Outcome, skipIf, unitName} from './build-state.js'
import type {ParseLedger} from '../kit/ledger.js'
import type {Unparsed} from '../types.js'
import {expandGroups} from './groups.js'
import {headLine, type Statement} from './read.js'
import {INTERFACE_IGNORED, L2_FAMILIES, UNIT_FAMILY_IGNORED} from './tables.js'
import type {JunosConfig, Unit} from './model.js'

export {parseAddress, unitName} from './build-state.js'

/**
 * Every statement gets one verdict in the ledger, by its id (a `[ ]` list expands to statements that
 * share one): modelled, ignored on purpose (IGNORED tables, with the reason), or not understood with a
 * code. A statement whose id already failed stays failed.
 */
export function buildConfig(statements: Statement[], ledger: ParseLedger): {config: JunosConfig; unparsed: Unparsed[]} {
  const st = newState()
  const unparsed: Unparsed[] = []
  const failed = new Set<number>()
  // applied configuration groups behave as if written where they apply (groups.ts)
  for (const s of expandGroups(statements)) {
    const outcome = s.inactive ? null : handle(st, s, s.words)
    if (failed.size && failed.has(s.id)) continue
    if (outcome === null) ledger.ok(s.id)
    else if ('ignored' in outcome) ledger.ignored(s.id, outcome.ignored)
    else {
      const entry: Unparsed = {line: s.line, code: outcome.code, reason: outcome.reason, text: s.text}
      failed.add(s.id)
      ledger.lost(s.id)
      ledger.add(entry, {cost: 0})
      unparsed.push(entry)
    }
  }
  return {config: st.config, unparsed}
}

function handle(st: BuildState, s: Statement, w: string[]): Outcome {
  const ignored = ignoredReason(w)
  if (ignored !== undefined) return ignore(ignored)
  // apply-groups / apply-groups-except at any level were expanded by expandGroups
  if (namesGroups(w)) return ignore('configuration groups (applied where they apply)')
  switch (w[0]) {
    case 'logical-systems':
      return miss('unsupported', 'logical systems are not modelled (export each one as its own device)')
    case 'groups':
      // a template: its content is read where expandGroups applied it
      return ignore('configuration group (read where it is applied)')
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
      return miss('unknown-statement', `unknown top-level statement '${w[0]}'`)
  }
}

/** Does the statement apply configuration groups (at any level)? One pass over its words. */
function namesGroups(w: readonly string[]): boolean {
  for (const x of w) if (x === 'apply-groups' || x === 'apply-groups-except') return true
  return false
}

function handleSystem(st: BuildState, w: string[], s: Statement): Outcome {
  if (w[1] === 'host-name' && w[2]) {
    st.config.hostName = w[2]
    return null
  }
  if (w[1] !== 'services' || !w[2]) return notModelled(`system '${w[1] ?? ''}' not modelled`)
  const name = w[2]
  const known = ['ssh', 'telnet', 'ftp', 'netconf', 'web-management', 'xnm-ssl', 'xnm-clear-text', 'finger', 'rlogin', 'rsh', 'tftp', 'dhcp', 'rest']
  if (!known.includes(name)) return notModelled(`system service '${name}' not modelled`)
  let svc = st.config.systemServices.get(name)
  if (!svc) {
    svc = {name, line: headLine(s, 'services'), text: `system services ${name}`, interfaces: []}
    st.config.systemServices.set(name, svc)
  }
  if (name === 'web-management') {
    const proto = w[3]
    if (!proto) return null
    if (proto !== 'http' && proto !== 'https') return notModelled(`web-management '${proto}' not modelled`)
    let sub = st.config.systemServices.get(`web-management ${proto}`)
    if (!sub) {
      sub = {name: `web-management ${proto}`, line: headLine(s, 'web-management'), text: `system services web-management ${proto}`, interfaces: []}
      st.config.systemServices.set(sub.name, sub)
    }
    if (w[4] === 'interface' && w[5]) sub.interfaces.push(unitName(w[5]))
    else if (w[4] === 'port' && w[5]) sub.port = Number(w[5])
    else if (w[4] && !['system-generated-certificate', 'pki-local-certificate', 'local-certificate'].includes(w[4])) return notModelled(`web-management ${proto} '${w[4]}' not modelled`)
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

function handleInterface(st: BuildState, w: string[], s: Statement): Outcome {
  const ifName = w[1]
  if (!ifName) return miss('malformed', 'interface without a name')
  if (w.length === 2) return null
  let unitNo = '0'
  let rest = w.slice(2)
  if (rest[0] === 'unit') {
    if (!rest[1]) return miss('malformed', 'unit without a number')
    unitNo = rest[1]
    rest = rest.slice(2)
    const u = unit(st, ifName, unitNo, s.line)
    if (rest.length === 0) return null
    if (rest[0] !== 'family') return skipIf(INTERFACE_IGNORED, rest[0], notModelled(`unit option '${rest[0]}' not modelled`))
    const family = rest[1]
    if (family !== 'inet' && family !== 'inet6') {
      return skipIf(L2_FAMILIES, family, notModelled(`family '${family ?? ''}' not modelled`))
    }
    rest = rest.slice(2)
    if (rest.length === 0) return null
    if (rest[0] === 'address') {
      const c = parseCidr(rest[1] ?? '')
      if (!c) return badValue(`'${rest[1] ?? ''}' is not an interface address`)
      const ip = rest[1].split('/')[0]
      u.hostAddresses = u.hostAddresses.union(AddressSet.parse(ip) ?? AddressSet.EMPTY)
      if (!u.addresses.includes(rest[1])) u.addresses.push(rest[1])
      if (rest.length > 2 && !['primary', 'preferred', 'vrrp-group', 'vrrp-inet6-group', 'arp', 'broadcast', 'destination', 'eui-64'].includes(rest[2])) return notModelled(`address option '${rest[2]}' not modelled`)
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
      return notModelled(`filter option '${dir ?? ''}' not modelled`)
    }
    return skipIf(UNIT_FAMILY_IGNORED, rest[0], notModelled(`family ${family} option '${rest[0]}' not modelled`))
  }
  return skipIf(INTERFACE_IGNORED, rest[0], notModelled(`interface option '${rest[0]}' not modelled`))
}
