/** `security zones`: zones, their interfaces and host-inbound-traffic; address books (zone and global). */
import {AddressSet} from '../../net/address-set.js'
import {badValue, type BuildState, hostInbound, miss, newBook, notModelled, type Outcome, parseAddress, unitName, wildcardCover} from './build-state.js'
import type {AddressBook, AddressObject, HostInbound, Zone} from './model.js'
import {headLine, type Statement} from './read.js'

function zone(st: BuildState, name: string, line: number, text: string, functional = false): Zone {
  let z = st.config.zones.get(name)
  if (!z) {
    z = {name, line, text, functional, interfaces: new Map(), book: newBook(`zone ${name}`)}
    st.config.zones.set(name, z)
  }
  return z
}

function readHostInbound(target: HostInbound, w: string[]): Outcome {
  // w = [system-services|protocols, name, except?]
  const kind = w[0]
  const name = w[1]
  if (!name) return null
  const except = w[2] === 'except'
  if (kind === 'system-services') target.services.set(name, except)
  else if (kind === 'protocols') target.protocols.set(name, except)
  else return notModelled(`host-inbound-traffic '${kind}' not modelled`)
  return null
}

export function handleZone(st: BuildState, w: string[], s: Statement, functional: boolean): Outcome {
  // w starts after `security-zone` / `functional-zone`
  const name = w[0]
  if (!name) return miss('malformed', 'zone without a name')
  const z = zone(st, name, headLine(s, functional ? 'functional-zone' : 'security-zone'), s.text, functional)
  const rest = w.slice(1)
  if (rest.length === 0) return null
  switch (rest[0]) {
    case 'interfaces': {
      if (!rest[1]) return null
      const ifu = unitName(rest[1])
      let entry = z.interfaces.get(ifu)
      if (!entry) {
        entry = {line: s.line}
        z.interfaces.set(ifu, entry)
      }
      if (rest.length === 2) return null
      if (rest[2] !== 'host-inbound-traffic') return notModelled(`zone interface option '${rest[2]}' not modelled`)
      entry.hostInbound ??= hostInbound(s, `security-zone ${name} interfaces ${ifu}`)
      return readHostInbound(entry.hostInbound, rest.slice(3))
    }
    case 'host-inbound-traffic':
      z.hostInbound ??= hostInbound(s, `security-zone ${name}`)
      return readHostInbound(z.hostInbound, rest.slice(1))
    case 'address-book':
      return readAddressBook(z.book, rest.slice(1), s)
    case 'screen':
    case 'tcp-rst':
    case 'description':
    case 'application-tracking':
    case 'source-identity-log':
    case 'enable-reverse-reroute':
    case 'advance-policy-based-routing-profile':
      return null
    default:
      return notModelled(`zone option '${rest[0]}' not modelled`)
  }
}

export function readAddressBook(book: AddressBook, w: string[], s: Statement): Outcome {
  const [kind, name] = w
  if (kind === 'description') return null
  if (kind === 'attach') {
    if (w[1] === 'zone' && w[2]) book.attach.push(w[2])
    return null
  }
  if (!name) return notModelled(`address-book '${kind ?? ''}' not modelled`)
  if (kind === 'address') {
    const entry: AddressObject = book.entries.get(name) ?? {line: headLine(s, 'address')}
    book.entries.set(name, entry)
    const v = w[2]
    if (v === undefined || v === 'description') return null
    if (v === 'dns-name') {
      entry.dnsName = w[3]
      return null
    }
    if (v === 'range-address') {
      const set = w[3] && w[5] && w[4] === 'to' ? AddressSet.parse(`${w[3]}-${w[5]}`) : null
      if (!set) return badValue('range-address not understood')
      entry.set = set
      return null
    }
    if (v === 'wildcard-address') {
      const [addr, mask] = (w[3] ?? '').split('/')
      const set = mask ? wildcardCover(addr, mask) : null
      if (!set) return badValue('wildcard-address not understood')
      entry.set = set
      return null
    }
    const set = parseAddress(v)
    if (!set) return badValue(`'${v}' is not an address`)
    entry.set = set
    return null
  }
  if (kind === 'address-set') {
    const entry: AddressObject = book.entries.get(name) ?? {line: headLine(s, 'address-set'), members: []}
    entry.members ??= []
    book.entries.set(name, entry)
    if (w.length === 2 || w[2] === 'description') return null
    if ((w[2] === 'address' || w[2] === 'address-set') && w[3]) {
      entry.members.push(w[3])
      return null
    }
    return notModelled(`address-set option '${w[2]}' not modelled`)
  }
  return notModelled(`address-book '${kind}' not modelled`)
}
