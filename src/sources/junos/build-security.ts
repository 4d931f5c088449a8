/** `security`: zones and address books (build-zones.ts), policies, NAT (build-nat.ts), IKE gateways. */
import {type BuildState, newBook, notModelled, type Outcome, unitName} from './build-state.js'
import {handleNat} from './build-nat.js'
import {handleZone, readAddressBook} from './build-zones.js'
import type {Policy} from './model.js'
import {headLine, type Statement} from './read.js'

export function handleSecurity(st: BuildState, w: string[], s: Statement): Outcome {
  switch (w[1]) {
    case 'zones':
      if (w[2] === 'security-zone') return handleZone(st, w.slice(3), s, false)
      if (w[2] === 'functional-zone') return handleZone(st, w.slice(3), s, true)
      return notModelled(`zones '${w[2] ?? ''}' not modelled`)
    case 'address-book': {
      const name = w[2]
      if (!name) return null
      let book = st.config.books.get(name)
      if (!book) {
        book = newBook(name)
        st.config.books.set(name, book)
      }
      return readAddressBook(book, w.slice(3), s)
    }
    case 'policies':
      return handlePolicy(st, w.slice(2), s)
    case 'nat':
      return handleNat(st, w.slice(2), s)
    case 'ike':
      if (w[2] === 'gateway' && w[3]) return handleIkeGateway(st, w[3], w.slice(4), s)
      return notModelled(`ike '${w[2] ?? ''}' not modelled`)
    default:
      return notModelled(`security '${w[1] ?? ''}' not modelled`)
  }
}

function handleIkeGateway(st: BuildState, name: string, w: string[], s: Statement): Outcome {
  let g = st.config.ikeGateways.get(name)
  if (!g) {
    g = {name, line: headLine(s, 'gateway'), text: `ike gateway ${name}`, addresses: [], dynamic: false}
    st.config.ikeGateways.set(name, g)
  }
  switch (w[0]) {
    case undefined:
      return null
    case 'address':
      if (w[1]) g.addresses.push(w[1])
      return null
    case 'dynamic':
      g.dynamic = true
      return null
    case 'external-interface':
      g.externalInterface = w[1] ? unitName(w[1]) : undefined
      return null
    case 'local-address':
      g.localAddress = w[1]
      return null
    case 'ike-policy':
    case 'dead-peer-detection':
    case 'no-nat-traversal':
    case 'nat-keepalive':
    case 'version':
    case 'local-identity':
    case 'remote-identity':
    case 'general-ikeid':
    case 'aaa':
    case 'xauth':
    case 'advpn':
    case 'description':
    case 'fragmentation':
    case 'tcp-encap-profile':
      return null
    default:
      return notModelled(`ike gateway option '${w[0]}' not modelled`)
  }
}

/** The policy a statement adds to: `from-zone A to-zone B policy P …` or `global policy P …`; null otherwise. */
function policyOf(st: BuildState, w: string[], s: Statement): {policy: Policy; at: number} | null {
  const zoned = w[0] === 'from-zone' && w[2] === 'to-zone' && w[4] === 'policy' && w[5] !== undefined
  const global = !zoned && w[0] === 'global' && w[1] === 'policy' && w[2] !== undefined
  if (!zoned && !global) return null
  const at = zoned ? 6 : 3
  // a policy's statements follow each other: the previous one usually names the same policy
  const last = st.lastPolicy
  if (last && last.global === global && sameWords(last.words, w, at)) return {policy: last.policy, at}
  const key = zoned ? `${w[1]}>${w[3]}>${w[5]}` : `global>${w[2]}`
  let p = st.policyIndex.get(key)
  if (!p) {
    p = {
      name: zoned ? w[5] : w[2],
      line: headLine(s, 'policy'),
      fromZones: zoned ? [w[1]] : [],
      toZones: zoned ? [w[3]] : [],
      global,
      source: [],
      destination: [],
      sourceExcluded: false,
      destinationExcluded: false,
      applications: [],
      unknownMatch: [],
      thenExtra: [],
      inactive: s.inactive,
    }
    st.policyIndex.set(key, p)
    st.config.policies.push(p)
  }
  st.lastPolicy = {words: w, global, policy: p}
  return {policy: p, at}
}

function sameWords(a: readonly string[], b: readonly string[], n: number): boolean {
  if (a.length < n || b.length < n) return false
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false
  return true
}

function handlePolicy(st: BuildState, w: string[], s: Statement): Outcome {
  if (w[0] === 'default-policy') {
    if (w[1] === 'permit-all' || w[1] === 'deny-all') {
      st.config.defaultPolicy = {action: w[1], line: s.line, text: s.text}
      return null
    }
    return notModelled(`default-policy '${w[1] ?? ''}' not modelled`)
  }
  if (w[0] === 'from-zone' && w[2] === 'to-zone' && w.length <= 4) return null
  const found = policyOf(st, w, s)
  if (!found) return notModelled(`policies '${w[0] ?? ''}' not modelled`)
  const {policy: p, at} = found
  const first = w[at]
  if (first === undefined || first === 'description') return null
  if (first === 'scheduler-name') {
    // active only in a time window: a scheduled deny may not apply, a scheduled permit is listed
    if (w[at + 1]) p.unknownMatch.push(`scheduler-name ${w[at + 1]}`)
    return null
  }
  if (first === 'match') {
    // several keyword/value pairs may share one statement (`match source-address any application any`)
    for (let i = at + 1; i < w.length; i++) {
      const k = w[i]
      const v = k.endsWith('-excluded') ? undefined : w[++i]
      const miss = policyMatch(p, k, v)
      if (miss) return miss
    }
    return null
  }
  if (first === 'then') {
    const a = w[at + 1]
    if (a === 'permit' || a === 'deny' || a === 'reject') {
      p.action = a
      const extra = w[at + 2]
      if (a === 'permit' && extra && extra !== 'services-offload' && extra !== 'application-services') p.thenExtra.push(w.slice(at + 2).join(' '))
      return null
    }
    if (a === 'log' || a === 'count' || a === 'trace') return null
    return notModelled(`policy action '${a ?? ''}' not modelled`)
  }
  return notModelled(`policy option '${first}' not modelled`)
}

function policyMatch(p: Policy, k: string, v: string | undefined): Outcome {
  switch (k) {
    case 'source-address':
      if (v) p.source.push(v)
      return null
    case 'destination-address':
      if (v) p.destination.push(v)
      return null
    case 'source-address-excluded':
      p.sourceExcluded = true
      return null
    case 'destination-address-excluded':
      p.destinationExcluded = true
      return null
    case 'application':
      if (v) p.applications.push(v)
      return null
    case 'from-zone':
      if (v) p.fromZones.push(v)
      return null
    case 'to-zone':
      if (v) p.toZones.push(v)
      return null
    case 'dynamic-application':
    case 'source-identity':
    case 'url-category':
    case 'source-end-user-profile':
      // `any`/`none` do not narrow; a named one does, which only makes the permit narrower than listed
      if (v && v !== 'any' && v !== 'none') p.unknownMatch.push(`${k} ${v}`)
      return null
    default:
      p.unknownMatch.push(k)
      return notModelled(`policy match '${k}' not modelled`)
  }
}
