/** `applications`, `firewall` filters and `policy-options prefix-list`. */
import {badValue, type BuildState, ignore, ignoredReason, notModelled, type Outcome, parseAddress} from './build-state.js'
import type {Application, AppTerm} from './model.js'
import {headLine, type Statement} from './read.js'

export function handleApplications(st: BuildState, w: string[], s: Statement): Outcome {
  const kind = w[1]
  const name = w[2]
  if (!name) return null
  if (kind === 'application-set') {
    let set = st.config.applicationSets.get(name)
    if (!set) {
      set = {line: headLine(s, 'application-set'), text: s.text, members: []}
      st.config.applicationSets.set(name, set)
    }
    if (w.length === 3 || w[3] === 'description') return null
    if ((w[3] === 'application' || w[3] === 'application-set') && w[4]) {
      set.members.push(w[4])
      return null
    }
    return notModelled(`application-set option '${w[3]}' not modelled`)
  }
  if (kind !== 'application') return notModelled(`applications '${kind ?? ''}' not modelled`)
  let app: Application | undefined = st.config.applications.get(name)
  if (!app) {
    app = {line: headLine(s, 'application'), text: `application ${name}`, base: {line: s.line}, terms: new Map()}
    st.config.applications.set(name, app)
  }
  let rest = w.slice(3)
  let term: AppTerm = app.base
  if (rest[0] === 'term' && rest[1]) {
    term = app.terms.get(rest[1]) ?? {line: s.line}
    app.terms.set(rest[1], term)
    rest = rest.slice(2)
  }
  // options come as keyword/value pairs, several on one line in the hierarchical form
  for (let i = 0; i < rest.length; i += 2) {
    const k = rest[i]
    const v = rest[i + 1]
    switch (k) {
      case 'protocol':
        term.protocol = v
        break
      case 'destination-port':
        term.destinationPort = v
        break
      case 'source-port':
        term.sourcePort = v
        break
      case 'description':
      case 'inactivity-timeout':
      case 'icmp-type':
      case 'icmp-code':
      case 'icmp6-type':
      case 'icmp6-code':
      case 'application-protocol':
      case 'alg':
      case 'rpc-program-number':
      case 'uuid':
      case 'ether-type':
      case 'ttl-threshold':
        break
      default:
        return notModelled(`application option '${k}' not modelled`)
    }
  }
  return null
}

export function handleFirewall(st: BuildState, w: string[], s: Statement): Outcome {
  let family: 'inet' | 'inet6' | 'any' = 'inet'
  let rest = w.slice(1)
  if (rest[0] === 'family') {
    const f = rest[1]
    if (f !== 'inet' && f !== 'inet6' && f !== 'any') return notModelled(`firewall family '${f ?? ''}' not modelled`)
    family = f
    rest = rest.slice(2)
  }
  if (rest[0] !== 'filter' || !rest[1]) {
    const reason = ignoredReason(['firewall', ...rest])
    return reason !== undefined ? ignore(reason) : notModelled(`firewall '${rest[0] ?? ''}' not modelled`)
  }
  const key = `${family}:${rest[1]}`
  let f = st.config.filters.get(key)
  if (!f) {
    f = {name: rest[1], family, terms: new Map(), line: headLine(s, 'filter')}
    st.config.filters.set(key, f)
  }
  rest = rest.slice(2)
  if (rest.length === 0 || rest[0] === 'interface-specific' || rest[0] === 'physical-interface-filter' || rest[0] === 'description') return null
  if (rest[0] !== 'term' || !rest[1]) return notModelled(`filter option '${rest[0]}' not modelled`)
  let t = f.terms.get(rest[1])
  if (!t) {
    t = {name: rest[1], line: headLine(s, 'term'), text: s.text, from: new Map(), then: [], inactive: s.inactive}
    f.terms.set(rest[1], t)
  }
  const body = rest.slice(2)
  if (body.length === 0) return null
  if (body[0] === 'from') {
    const cond = body[1]
    if (!cond) return null
    const list = t.from.get(cond) ?? []
    if (body[2] !== undefined) list.push({value: body[2], except: body[3] === 'except'})
    t.from.set(cond, list)
    return null
  }
  if (body[0] === 'then') {
    t.then.push(...body.slice(1))
    return null
  }
  return notModelled(`term option '${body[0]}' not modelled`)
}

/** `policy-options prefix-list` (firewall filters read it); the rest of policy-options is routing policy. */
export function handlePolicyOptions(st: BuildState, w: string[], s: Statement): Outcome {
  if (w[1] === 'prefix-list' && w[2]) {
    if (w.length === 3) return null
    const set = parseAddress(w[3])
    if (!set) return w[3] === 'apply-path' ? notModelled('prefix-list apply-path is not expanded') : badValue(`'${w[3]}' is not a prefix`)
    const prev = st.config.prefixLists.get(w[2])
    st.config.prefixLists.set(w[2], {line: prev?.line ?? s.line, set: prev ? prev.set.union(set) : set})
    return null
  }
  return notModelled(`policy-options '${w[1] ?? ''}' not modelled`)
}
