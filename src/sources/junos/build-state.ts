/** What every Junos build step shares: the model being filled and the indexes that find its parts again. */
import {AddressSet} from '../../net/address-set.js'
import {parseCidr, parseIp} from '../../net/ip.js'
import type {UnparsedCode} from '../types.js'
import {headLine, type Statement} from './read.js'
import type {AddressBook, HostInbound, JunosConfig, NatRuleSet, Policy} from './model.js'
import {IGNORED} from './tables.js'

/** A statement not understood: why, as a code and its text. */
export interface Miss {
  code: UnparsedCode
  reason: string
}

/** A statement read on purpose and not modelled: the reason from an IGNORED table. */
export interface Skip {
  ignored: string
}

/** What a build step says about a statement: modelled (null), skipped on purpose, or not understood. */
export type Outcome = null | Skip | Miss

export const miss = (code: UnparsedCode, reason: string): Miss => ({code, reason})
export const notModelled = (reason: string): Miss => ({code: 'unsupported', reason})
export const badValue = (reason: string): Miss => ({code: 'bad-value', reason})
export const ignore = (reason: string): Skip => ({ignored: reason})

/** Modelled, or skipped with the reason its table gives (undefined: not in the table). */
export function skipIf(table: ReadonlyMap<string, string>, word: string | undefined, otherwise: Miss): Outcome {
  const reason = word === undefined ? undefined : table.get(word)
  return reason === undefined ? otherwise : ignore(reason)
}

export interface BuildState {
  config: JunosConfig
  /** `from>to>name` / `global>name` → the policy its statements add to. */
  policyIndex: Map<string, Policy>
  /** The policy the previous statement added to (a policy's statements follow each other). */
  lastPolicy?: {words: readonly string[]; global: boolean; policy: Policy}
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

interface IgnoredNode {
  reason?: string
  next: Map<string, IgnoredNode>
}

/** The IGNORED table as a tree of words: a statement is looked up word by word, no key strings built. */
const IGNORED_TREE: IgnoredNode = {next: new Map()}
for (const [key, reason] of Object.entries(IGNORED)) {
  let node = IGNORED_TREE
  for (const word of key.split(' ')) {
    let next = node.next.get(word)
    if (!next) node.next.set(word, (next = {next: new Map()}))
    node = next
  }
  node.reason = reason
}

/** The IGNORED table's reason for the longest matching prefix of the statement. */
export function ignoredReason(w: readonly string[]): string | undefined {
  let found: string | undefined
  let node: IgnoredNode | undefined = IGNORED_TREE
  for (let i = 0; i < w.length; i++) {
    node = node.next.get(w[i])
    if (!node) break
    if (node.reason !== undefined) found = node.reason
  }
  return found
}

/** Zones and NAT name units (`ge-0/0/0.0`); a bare interface means its unit 0. */
export function unitName(name: string): string {
  return name.includes('.') ? name : `${name}.0`
}

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
