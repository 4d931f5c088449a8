/** What every Junos build step shares: the model being filled and the indexes that find its parts again. */
import {AddressSet} from '../../net/address-set.js'
import {parseCidr, parseIp} from '../../net/ip.js'
import {headLine, type Statement} from './read.js'
import type {AddressBook, HostInbound, JunosConfig, NatRuleSet, Policy} from './model.js'
import {IGNORED} from './tables.js'

export interface BuildState {
  config: JunosConfig
  /** `from>to>name` / `global>name` → the policy its statements add to. */
  policyIndex: Map<string, Policy>
  /** `kind>name` → NAT rule-set. */
  ruleSets: Map<string, NatRuleSet>
}

export function newState(): BuildState {
  const config: JunosConfig = {
    units: new Map(),
    zones: new Map(),
    books: new Map([['global', newBook('global')]]),
    prefixLists: new Map(),
    applications: new Map(),
    applicationSets: new Map(),
    policies: [],
    filters: new Map(),
    natPools: new Map(),
    natRuleSets: [],
    ikeGateways: new Map(),
    systemServices: new Map(),
  }
  return {config, policyIndex: new Map(), ruleSets: new Map()}
}

export function newBook(name: string): AddressBook {
  return {name, entries: new Map(), attach: []}
}

export function hostInbound(s: Statement, where: string): HostInbound {
  return {services: new Map(), protocols: new Map(), line: headLine(s, 'host-inbound-traffic'), text: `${where} host-inbound-traffic`}
}

/** The IGNORED table's reason for the longest matching prefix of the statement (up to six words). */
export function ignoredReason(w: string[]): string | undefined {
  let key = ''
  let found: string | undefined
  for (let i = 0; i < Math.min(w.length, 6); i++) {
    key = i === 0 ? w[0] : `${key} ${w[i]}`
    if (IGNORED[key] !== undefined) found = IGNORED[key]
  }
  return found
}

/** Zones and NAT name units (`ge-0/0/0.0`); a bare interface means its unit 0. */
/** Zones and NAT name units (`ge-0/0/0.0`); a bare interface means its unit 0. */
export function unitName(name: string): string {
  return name.includes('.') ? name : `${name}.0`
}

/** A prefix, a host, `any`/`any-ipv4`/`any-ipv6`. */
/** A prefix, a host, `any`/`any-ipv4`/`any-ipv6`. */
export function parseAddress(text: string): AddressSet | null {
  if (text === 'any-ipv4') return AddressSet.ANY4
  if (text === 'any-ipv6') return AddressSet.ANY6
  if (text.includes('-') && !text.includes('/')) return null
  return AddressSet.parse(text)
}

/**
 * `wildcard-address 10.0.0.1/255.0.255.255`: the mask says which bits must match (Junos writes it as a
 * netmask, 1 = must match). A contiguous mask is a prefix; a discontiguous one matches addresses spread
 * over its leading prefix, so we take that covering prefix (recall first: broader, never narrower).
 */
export function wildcardCover(addr: string, mask: string): AddressSet | null {
  const m = parseIp(mask)
  if (!m || m.family !== 4 || !parseIp(addr)) return null
  const value = Number(m.value)
  let prefix = 0
  while (prefix < 32 && value & (0x80000000 >>> prefix)) prefix++
  const c = parseCidr(`${addr}/${prefix}`)
  return c ? AddressSet.parse(c.network) : null
}
