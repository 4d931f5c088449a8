/** `security`: zones and address books (build-zones.ts), policies, NAT (build-nat.ts), IKE gateways. */
import {type BuildState, newBook, unitName} from './build-state.js'
import {handleNat} from './build-nat.js'
import {handleZone, readAddressBook} from './build-zones.js'
import type {Policy} from './model.js'
import {headLine, type Statement} from './read.js'

export function handleSecurity(st: BuildState, w: string[], s: Statement): string | null {
  switch (w[1]) {
    case 'zones':
      if (w[2] === 'security-zone') return handleZone(st, w.slice(3), s, false)
      if (w[2] === 'functional-zone') return handleZone(st, w.slice(3), s, true)
      return `zones '${w[2] ?? ''}' not modelled`
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
      return `ike '${w[2] ?? ''}' not modelled`
    default:
      return `security '${w[1] ?? ''}' not modelled`
  }
}

function handleIkeGateway(st: BuildState, name: string, w: string[], s: Statement): string | null {
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
      return `ike gateway option '${w[0]}' not modelled`
  }
}

function handlePolicy(st: BuildState, w: string[], s: Statement): string | null {
  if (w[0] === 'default-policy') {
    if (w[1] === 'permit-all' || w[1] === 'deny-all') {
      st.config.defaultPolicy = {action: w[1], line: s.line, text: s.text}
      return null
    }
    return `default-policy '${w[1] ?? ''}' not modelled`
  }
  let key: string
  let rest: string[]
  let from: string[] = []
  let to: string[] = []
  let global = false
  if (w[0] === 'from-zone' && w[2] === 'to-zone' && w[4] === 'policy' && w[5]) {
    key = `${w[1]}>${w[3]}>${w[5]}`
    from = [w[1]]
    to = [w[3]]
    rest = w.slice(6)
  } else if (w[0] === 'from-zone' && w[2] === 'to-zone' && w.length <= 4) {
    return null
  } else if (w[0] === 'global' && w[1] === 'policy' && w[2]) {
    key = `global>${w[2]}`
    global = true
    rest = w.slice(3)
  } else {
    return `policies '${w[0] ?? ''}' not modelled`
  }
  let p = st.policyIndex.get(key)
  if (!p) {
    p = {
      name: global ? w[2] : w[5],
      line: headLine(s, 'policy'),
      text: s.text,
      fromZones: from,
      toZones: to,
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
  if (rest.length === 0) return null
  if (rest[0] === 'description') return null
  if (rest[0] === 'scheduler-name') {
    // active only in a time window: a scheduled deny may not apply, a scheduled permit is listed
    if (rest[1]) p.unknownMatch.push(`scheduler-name ${rest[1]}`)
    return null
  }
  if (rest[0] === 'match') {
    // several keyword/value pairs may share one statement (`match source-address any application any`)
    const body = rest.slice(1)
    for (let i = 0; i < body.length; i++) {
      const k = body[i]
      const takesValue = !k.endsWith('-excluded')
      const v = takesValue ? body[++i] : undefined
      const reason = policyMatch(p, k, v)
      if (reason) return reason
    }
    return null
  }
  if (rest[0] === 'then') {
    const a = rest[1]
    if (a === 'permit' || a === 'deny' || a === 'reject') {
      p.action = a
      if (a === 'permit' && rest[2] && rest[2] !== 'services-offload' && rest[2] !== 'application-services') p.thenExtra.push(rest.slice(2).join(' '))
      return null
    }
    if (['log', 'count', 'trace'].includes(a ?? '')) return null
    return `policy action '${a ?? ''}' not modelled`
  }
  return `policy option '${rest[0]}' not modelled`
}

function policyMatch(p: Policy, k: string, v: string | undefined): string | null {
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
      return `policy match '${k}' not modelled`
  }
}
