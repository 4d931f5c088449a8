/**
 * The OpenVPN vendor model: directives → listener settings, client pool, pushed and server-side routes.
 * Directive order is free in openvpn(8) (last one wins for single-valued options), so the mode
 * (server, client, p2p) is settled first and every directive is read against it.
 */
import {type DoubtNote, note} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import {parseCidr, parseIp} from '../../net/ip.js'
import type {ParseLedger} from '../kit/ledger.js'
import type {Directive} from './read.js'
import type {UnparsedCode} from '../types.js'

export type Mode = 'server' | 'client' | 'p2p'

/** Pool and routes as read; exposures are built once everything is known (directive order is free). */
export interface OpenvpnModel {
  mode: Mode
  proto: {name: string; line: number; text: string}
  port?: Directive
  lport?: Directive
  locals: Directive[]
  remotes: string[]
  nobind: boolean
  float: boolean
  ipv6only: boolean
  dev?: string
  pool: AddressSet
  poolNames: string[]
  poolLine?: Directive
  pushed: Array<{set: AddressSet; d: Directive; label: string}>
  /** `server`/`server-ipv6` take the first host of the network for themselves. */
  serverAddresses: Array<{set: AddressSet; d: Directive}>
  serverRoutes: Array<{set: AddressSet; d: Directive}>
  clientToClient?: Directive
  ccd?: string
  management: Directive[]
  portShare?: Directive
  listenerDoubts: DoubtNote[]
  tlsWrap: boolean
}

/** Reads every modelled directive into the model; each gets its verdict in the ledger. */
export function buildModel(directives: Directive[], inline: Set<string>, ledger: ParseLedger): OpenvpnModel {
  const m: OpenvpnModel = {
    mode: 'p2p',
    proto: {name: 'udp', line: 0, text: ''},
    locals: [],
    remotes: [],
    nobind: false,
    float: false,
    ipv6only: false,
    pool: AddressSet.EMPTY,
    poolNames: [],
    pushed: [],
    serverAddresses: [],
    serverRoutes: [],
    management: [],
    listenerDoubts: [],
    // an HMAC/encryption wrapper (or static key) means strangers get no answer
    tlsWrap: ['tls-auth', 'tls-crypt', 'tls-crypt-v2', 'secret'].some((b) => inline.has(b)),
  }
  const has = (name: string) => directives.some((d) => d.name === name)
  if (has('server') || has('server-bridge') || directives.some((d) => d.name === 'mode' && d.args[0] === 'server')) m.mode = 'server'
  else if (has('client') || has('pull') || has('tls-client')) m.mode = 'client'

  for (const d of directives) {
    const ok = readDirective(m, d)
    if (ok === true) ledger.ok(d.line)
    else ledger.unparsed(d.line, ok.reason, d.text, {code: ok.code})
  }
  return m
}

/** A network as `NET MASK` (route), `NET/BITS` (route-ipv6) or a bare address (host route). */
function readNetwork(net: string, mask?: string): AddressSet | null {
  const c = parseCidr(mask ? `${net}/${mask}` : net)
  return c ? AddressSet.fromRange(c.family, c.start, c.end) : null
}

export function readPort(text: string | undefined): number | null {
  if (!text || !/^\d{1,5}$/.test(text)) return null
  const p = Number(text)
  return p >= 1 && p <= 65535 ? p : null
}

/** Why a directive was not understood: its code and the rendered reason. */
interface Unread {
  code: UnparsedCode
  reason: string
}
const badValue = (reason: string): Unread => ({code: 'bad-value', reason})
const malformed = (reason: string): Unread => ({code: 'malformed', reason})
const notFollowed = (reason: string): Unread => ({code: 'not-followed', reason})
const unsupported = (reason: string): Unread => ({code: 'unsupported', reason})

/** Reads one modelled directive into the model; returns true or why it was not understood. */
function readDirective(m: OpenvpnModel, d: Directive): true | Unread {
  const a = d.args
  switch (d.name) {
    case 'port':
    case 'lport':
      if (readPort(a[0]) === null) return badValue(`${d.name} '${a[0] ?? ''}' is not a port`)
      if (d.name === 'port') m.port = d
      else m.lport = d
      return true
    case 'rport':
    case 'dev':
      if (d.name === 'dev') m.dev = a[0]
      return a.length ? true : malformed(`${d.name} needs an argument`)
    case 'proto':
      if (!/^(udp|tcp)[46]?(-server|-client)?$/.test(a[0] ?? '')) return badValue(`unknown proto '${a[0] ?? ''}'`)
      m.proto = {name: a[0], line: d.line, text: d.text}
      return true
    case 'local':
      if (!a[0]) return malformed('local needs an address')
      if (a[1] !== undefined && readPort(a[1]) === null) return badValue(`local port '${a[1]}' is not a port`)
      m.locals.push(d)
      return true
    case 'remote':
      if (!a[0]) return malformed('remote needs a host')
      m.remotes.push(a[0])
      return true
    case 'nobind':
      m.nobind = true
      return true
    case 'float':
      m.float = true
      return true
    case 'bind':
      if (a[0] === 'ipv6only') m.ipv6only = true
      return true
    case 'client':
    case 'pull':
    case 'tls-client':
    case 'tls-server':
    case 'secret':
    case 'config':
      if (d.name === 'config') return notFollowed(`config include '${a[0] ?? ''}' not followed: read that file separately`)
      if (d.name === 'secret') m.tlsWrap = true // static-key mode: nobody without the key gets an answer
      return true
    case 'tls-auth':
    case 'tls-crypt':
    case 'tls-crypt-v2':
      m.tlsWrap = true
      return true
    case 'mode':
      return a[0] === 'server' || a[0] === 'p2p' ? true : badValue(`unknown mode '${a[0] ?? ''}'`)
    case 'server':
    case 'server-ipv6':
    case 'ifconfig-ipv6-pool': {
      const c = d.name === 'server' ? (a.length >= 2 ? parseCidr(`${a[0]}/${a[1]}`) : null) : a[0] ? parseCidr(a[0]) : null
      if (!c || (d.name === 'server') !== (c.family === 4)) {
        return malformed(d.name === 'server' ? 'server needs NETWORK NETMASK' : `${d.name} needs an IPv6 network`)
      }
      m.pool = m.pool.union(AddressSet.fromRange(c.family, c.start, c.end))
      m.poolLine ??= d
      if (d.name !== 'ifconfig-ipv6-pool') {
        const first = c.family === 4 ? Number(c.start) + 1 : BigInt(c.start) + 1n
        m.serverAddresses.push({set: AddressSet.fromRange(c.family, first, first), d})
      }
      return true
    }
    case 'ifconfig-pool':
    case 'server-bridge': {
      if (d.name === 'server-bridge' && (a.length === 0 || a[0] === 'nogw')) {
        // the bridged LAN's own DHCP server hands out addresses: unknown here
        m.poolNames.push('bridged LAN (DHCP)')
        m.poolLine ??= d
        return true
      }
      const [start, end] = d.name === 'server-bridge' ? [a[2], a[3]] : [a[0], a[1]]
      const set = start && end ? AddressSet.parse(`${start}-${end}`) : null
      if (!set) return badValue(`${d.name}: cannot read the pool range`)
      m.pool = m.pool.union(set)
      m.poolLine ??= d
      return true
    }
    case 'ifconfig': {
      if (a.length < 2 || !parseIp(a[0])) return malformed('ifconfig needs LOCAL-ADDRESS REMOTE-ADDRESS|NETMASK')
      const far = parseIp(a[1]) && !/^255\./.test(a[1]) ? AddressSet.parse(a[1]) : null
      if (m.mode === 'server') {
        // `mode server` + ifconfig: the server's own tunnel address (clients come from ifconfig-pool)
        m.serverAddresses.push({set: AddressSet.parse(a[0])!, d})
      } else if (far) {
        // point-to-point tun: the far end is the only VPN address
        m.pool = m.pool.union(far)
        m.poolLine ??= d
      }
      return true
    }
    case 'push':
      return readPush(m, d)
    case 'route':
    case 'route-ipv6':
    case 'redirect-gateway': {
      // client-side routing: what this host sends into the tunnel
      if (m.mode === 'client' || d.name === 'redirect-gateway') return true
      if (/^(vpn_gateway|net_gateway|remote_host)$/.test(a[0] ?? '')) return true
      if ((d.name === 'route' ? a[2] : a[1]) === 'net_gateway') return true
      const set = a[0] ? readNetwork(a[0], d.name === 'route' ? (a[1] ?? '255.255.255.255') : undefined) : null
      if (!set) return badValue(`${d.name}: cannot read network '${a.slice(0, 2).join(' ')}'`)
      m.serverRoutes.push({set, d})
      return true
    }
    case 'iroute':
    case 'iroute-ipv6':
      return true // belongs in a client-config-dir file; the matching server `route` is what we list
    case 'client-to-client':
      m.clientToClient = d
      return true
    case 'client-config-dir':
      m.ccd = a[0]
      return a[0] ? true : malformed('client-config-dir needs a directory')
    case 'management':
      if (a[1] === 'unix' || (a[0] ?? '').startsWith('/')) return true // a unix socket: not on the network
      if (!a[0] || readPort(a[1]) === null) return malformed('management needs IP PORT')
      m.management.push(d)
      return true
    case 'port-share':
      if (!a[0] || readPort(a[1]) === null) return malformed('port-share needs HOST PORT')
      m.portShare = d
      return true
    case 'duplicate-cn':
      m.listenerDoubts.push(note('weak-listener', 'duplicate-cn: one certificate may be used by many clients at once'))
      return true
    case 'verify-client-cert':
      if (a[0] === 'none' || a[0] === 'optional') m.listenerDoubts.push(note('weak-listener', `verify-client-cert ${a[0]}: clients may connect without a certificate`))
      return true
    case 'client-cert-not-required': // OpenVPN 2.3 spelling of verify-client-cert none
      m.listenerDoubts.push(note('weak-listener', 'client-cert-not-required: clients may connect without a certificate'))
      return a.length === 0 ? true : malformed('client-cert-not-required takes no argument')
    default:
      return unsupported(`directive '${d.name}' not modelled`)
  }
}

/** `push "route …"`, `push "route-ipv6 …"`, `push "redirect-gateway …"`; other pushed options open nothing. */
function readPush(m: OpenvpnModel, d: Directive): true | Unread {
  if (d.args.length !== 1) return malformed('push takes one quoted option')
  const words = d.args[0].trim().split(/\s+/)
  const option = words[0]
  if (option === 'route' || option === 'route-ipv6') {
    if (/^(vpn_gateway|net_gateway|remote_host)$/.test(words[1] ?? '')) return true
    // a route via net_gateway keeps that network out of the tunnel
    if ((option === 'route' ? words[3] : words[2]) === 'net_gateway') return true
    const set = words[1] ? readNetwork(words[1], option === 'route' ? (words[2] ?? '255.255.255.255') : undefined) : null
    if (!set) return badValue(`push ${option}: cannot read network '${words.slice(1, 3).join(' ')}'`)
    m.pushed.push({set, d, label: `push ${option} ${set.toCidrs().join(',')}`})
    return true
  }
  if (option === 'redirect-gateway' || option === 'redirect-private') {
    if (option === 'redirect-private') return true // routes the server's LAN only, no default route
    const flags = new Set(words.slice(1))
    let set = flags.has('!ipv4') ? AddressSet.EMPTY : AddressSet.ANY4
    if (flags.has('ipv6')) set = set.union(AddressSet.ANY6)
    m.pushed.push({set, d, label: 'push redirect-gateway'})
    return true
  }
  return true // dhcp-option, ping, topology, block-outside-dns… configure the client only
}

