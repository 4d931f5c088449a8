/** `security nat`: destination pools and destination/static rule-sets (source NAT opens nothing inward). */
import {badValue, type BuildState, notModelled, type Outcome, parseAddress, unitName} from './build-state.js'
import {AddressSet} from '../../net/address-set.js'
import {headLine, type Statement} from './read.js'

export function handleNat(st: BuildState, w: string[], s: Statement): Outcome {
  const kind = w[0]
  if (kind !== 'destination' && kind !== 'static') return notModelled(`nat '${kind ?? ''}' not modelled`)
  if (kind === 'destination' && w[1] === 'pool' && w[2]) {
    let pool = st.config.natPools.get(w[2])
    if (!pool) {
      pool = {name: w[2], line: headLine(s, 'pool'), text: s.text}
      st.config.natPools.set(w[2], pool)
    }
    const rest = w.slice(3)
    if (rest.length === 0 || rest[0] === 'description' || rest[0] === 'routing-instance') return null
    if (rest[0] === 'address') {
      if (rest[1] === 'port' && rest[2]) {
        pool.port = Number(rest[2])
        return null
      }
      // `address A to B` is a range; a prefix (`10.10.10.10/24`) is a pool of every address in it
      const set = rest[2] === 'to' && rest[3] ? AddressSet.parse(`${rest[1].split('/')[0]}-${rest[3].split('/')[0]}`) : parseAddress(rest[1] ?? '')
      if (!set) return badValue(`pool address '${rest[1] ?? ''}' not understood`)
      pool.addresses = pool.addresses ? pool.addresses.union(set) : set
      const portAt = rest.indexOf('port')
      if (portAt > 0 && rest[portAt + 1]) pool.port = Number(rest[portAt + 1])
      return null
    }
    return notModelled(`pool option '${rest[0]}' not modelled`)
  }
  if (w[1] !== 'rule-set' || !w[2]) return notModelled(`nat ${kind} '${w[1] ?? ''}' not modelled`)
  const key = `${kind}>${w[2]}`
  let rs = st.ruleSets.get(key)
  if (!rs) {
    rs = {name: w[2], kind, from: [], rules: new Map(), line: headLine(s, 'rule-set'), text: s.text}
    st.ruleSets.set(key, rs)
    st.config.natRuleSets.push(rs)
  }
  const rest = w.slice(3)
  if (rest.length === 0 || rest[0] === 'description') return null
  if (rest[0] === 'from') {
    const fk = rest[1]
    if ((fk === 'zone' || fk === 'interface' || fk === 'routing-instance') && rest[2]) {
      rs.fromKind = fk
      rs.from.push(fk === 'interface' ? unitName(rest[2]) : rest[2])
      return null
    }
    return notModelled(`rule-set from '${fk ?? ''}' not modelled`)
  }
  if (rest[0] === 'rule' && rest[1]) {
    let r = rs.rules.get(rest[1])
    if (!r) {
      r = {name: rest[1], line: headLine(s, 'rule'), text: s.text, match: new Map(), then: [], inactive: s.inactive}
      rs.rules.set(rest[1], r)
    }
    const body = rest.slice(2)
    if (body.length === 0 || body[0] === 'description') return null
    if (body[0] === 'match' && body[1]) {
      const list = r.match.get(body[1]) ?? []
      list.push(body.slice(2).join(' '))
      r.match.set(body[1], list)
      return null
    }
    if (body[0] === 'then') {
      r.then.push(...body.slice(1))
      return null
    }
    return notModelled(`nat rule option '${body[0]}' not modelled`)
  }
  return notModelled(`rule-set option '${rest[0]}' not modelled`)
}
