/**
 * OpenVPN configs (server and client `.conf`/`.ovpn`): the listener, the routes the server offers its
 * clients, the management socket and port-share forwarding.
 *
 * Who listens (openvpn(8)): a server (`server`, `server-bridge`, `mode server`) and a point-to-point peer
 * bind `local`:`lport` (default all addresses, 1194/udp). A client does not when `nobind` is set, over
 * TCP (it connects out), or without an explicit `lport`: the usual client binds only to receive its
 * server's replies, so no listener is listed then (documented choice). A peer that names `remote`
 * peers without `float` only accepts packets from them: the listener's source is those peers.
 *
 * Routes (vpn-route) go from the client pool (`server`, `server-ipv6`, `ifconfig-pool`, `server-bridge`)
 * to each network the server pushes (`push "route …"`, `push "route-ipv6 …"`, `redirect-gateway` = any);
 * server-side `route` networks sit behind a client (its `iroute` lives in client-config-dir, not given)
 * and reach what the VPN serves. Inline key material (`<key>`, `<tls-auth>`, `<secret>`…) is never echoed.
 */
import type {Exposure} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {parseCidr, parseIp} from '../net/ip.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {IrmError} from '../core/errors.js'
import {redactLine} from './redact.js'
import type {ParseResult, SourceParser, Unparsed} from './types.js'
import {ALL_PROTOCOLS, TCP, UDP, readPeerAddresses, vpnExposure} from './vpn-common.js'

/** Inline blocks (`<ca>…</ca>`): their lines are understood and never echoed, secret or not. */
const INLINE_BLOCKS = new Set([
  'ca', 'cert', 'key', 'dh', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'secret', 'pkcs12', 'extra-certs',
  'crl-verify', 'http-proxy-user-pass', 'auth-user-pass', 'peer-fingerprint',
])

/** Directives read by the model below. */
const MODELLED = new Set([
  'local', 'port', 'lport', 'rport', 'proto', 'dev', 'server', 'server-ipv6', 'server-bridge', 'mode',
  'ifconfig', 'ifconfig-pool', 'ifconfig-ipv6-pool', 'push', 'route', 'route-ipv6', 'redirect-gateway',
  'client-to-client', 'client-config-dir', 'management', 'port-share', 'remote', 'nobind', 'bind', 'float',
  'client', 'pull', 'tls-client', 'tls-server', 'tls-auth', 'tls-crypt', 'tls-crypt-v2', 'secret',
  'duplicate-cn', 'verify-client-cert', 'iroute', 'iroute-ipv6', 'config',
])

/** Directives that open nothing, grouped by why (openvpn(8) option list). */
const IGNORED: Record<string, string> = Object.fromEntries(
  Object.entries({
    'crypto and identity (keys are never echoed)':
      'ca cert key dh pkcs12 cipher data-ciphers data-ciphers-fallback ncp-ciphers ncp-disable auth tls-cipher tls-ciphersuites tls-version-min tls-version-max ecdh-curve tls-groups key-direction crl-verify remote-cert-tls remote-cert-ku remote-cert-eku verify-x509-name tls-verify ns-cert-type extra-certs x509-username-field x509-track auth-nocache auth-token auth-token-user auth-gen-token reneg-sec reneg-bytes reneg-pkts hand-window tran-window tls-timeout key-method engine askpass auth-user-pass auth-user-pass-verify auth-user-pass-optional auth-retry username-as-common-name peer-fingerprint verify-hash keysize prng replay-window no-replay mute-replay-warnings tls-exit single-session providers static-challenge tls-cert-profile pkcs11-id pkcs11-providers cryptoapicert force-tls-key-material-export tls-export-cert',
    'compression': 'compress comp-lzo comp-noadapt allow-compression',
    'timers, logging and process settings':
      'keepalive ping ping-restart ping-exit ping-timer-rem persist-tun persist-key persist-local-ip persist-remote-ip user group chroot daemon writepid status status-version log log-append verb mute syslog suppress-timestamps machine-readable-output explicit-exit-notify connect-retry connect-retry-max connect-timeout server-poll-timeout resolv-retry nice fast-io sndbuf rcvbuf txqueuelen inactive remap-usr1 hash-size session-timeout mlock',
    'link and tunnel tuning': 'tun-mtu tun-mtu-extra link-mtu mssfix fragment mtu-disc mtu-test topology dev-node dev-type tun-ipv6 txqueuelen multihome mark bind-dev socket-flags passtos enable-dco disable-dco windows-driver vlan-tagging vlan-accept vlan-pvid ifconfig-ipv6',
    'client pool bookkeeping and per-client limits': 'ifconfig-pool-persist ifconfig-pool-linear max-clients max-routes-per-client max-routes tcp-queue-limit tcp-nodelay bcast-buffers stale-routes-check connect-freq ccd-exclusive ifconfig-push ifconfig-ipv6-push push-reset push-remove opt-verify disable-occ',
    'management socket options (the socket itself is modelled)': 'management-client-auth management-hold management-query-passwords management-log-cache management-up-down management-forget-disconnect management-client management-signal management-client-user management-client-group management-external-key management-external-cert',
    'scripts run by the daemon (not read)': 'script-security up down up-delay down-pre up-restart route-up route-pre-down ipchange learn-address client-connect client-disconnect setenv setenv-safe ignore-unknown-option plugin',
    'client-side routing and options': 'pull-filter route-nopull route-noexec ifconfig-noexec route-delay route-method route-metric route-gateway route-ipv6-gateway block-outside-dns dhcp-option redirect-private block-ipv6 allow-pull-fqdn register-dns ip-win32 client-nat remote-random remote-random-hostname http-proxy http-proxy-option http-proxy-retry socks-proxy socks-proxy-retry',
  }).flatMap(([reason, words]) => words.split(/\s+/).map((w) => [w, reason])),
)

interface Directive {
  name: string
  args: string[]
  line: number
  text: string
}

type Mode = 'server' | 'client' | 'p2p'

export const openvpn: SourceParser = {
  type: 'openvpn',
  description: 'OpenVPN server/client config: listener, pushed routes, client pool, management socket',
  detection: 'three or more OpenVPN directives (dev tun/tap, proto, remote, server, push "route", <ca> …)',
  extensions: ['.conf', '.ovpn'],
  detect(head) {
    const signs = [
      /^\s*dev\s+(tun|tap)\w*\s*$/m,
      /^\s*proto\s+(udp|tcp)[46]?(-server|-client)?\s*$/m,
      /^\s*remote\s+\S+(\s+\d+)?(\s+(udp|tcp)\S*)?\s*$/m,
      /^\s*server\s+\d+\.\d+\.\d+\.\d+\s+\d+\.\d+\.\d+\.\d+/m,
      /^\s*push\s+"/m,
      /^\s*<(ca|cert|key|tls-auth|tls-crypt)>\s*$/m,
      /^\s*(persist-tun|persist-key|nobind)\s*$/m,
      /^\s*(client|tls-client|tls-server)\s*$/m,
      /^\s*(remote-cert-tls|ifconfig-pool-persist|keepalive|verb|tls-auth|data-ciphers)\s+\S/m,
    ]
    const hits = signs.filter((re) => re.test(head)).length
    if (hits >= 3) return 0.85
    return hits === 2 && signs[0].test(head) ? 0.6 : 0
  },
  parse(text, {file}) {
    return parseOpenvpn(text, file)
  },
}

/** openvpn's own tokenizer: whitespace-separated, "double" and 'single' quotes, `#`/`;` comment a token start. */
function tokenize(line: string): string[] | null {
  const out: string[] = []
  let i = 0
  while (i < line.length) {
    const c = line[i]
    if (c === ' ' || c === '\t') {
      i++
      continue
    }
    if (c === '#' || c === ';') break
    let token = ''
    if (c === '"' || c === "'") {
      const close = c
      i++
      while (i < line.length && line[i] !== close) {
        if (close === '"' && line[i] === '\\' && i + 1 < line.length) i++
        token += line[i++]
      }
      if (i >= line.length) return null
      i++
    } else {
      while (i < line.length && line[i] !== ' ' && line[i] !== '\t') {
        if (line[i] === '\\' && i + 1 < line.length) i++
        token += line[i++]
      }
    }
    out.push(token)
  }
  return out
}

function readDirectives(text: string, file: string) {
  const lines = text.split(/\r?\n/)
  const directives: Directive[] = []
  const inline = new Set<string>()
  const unparsed: Unparsed[] = []
  let count = 0
  let understood = 0
  let known = 0
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue
    count++
    const n = i + 1
    const open = /^<([\w-]+)>$/.exec(trimmed)
    if (open) {
      const name = open[1].toLowerCase()
      if (name === 'connection' || trimmed.toLowerCase() === '</connection>') {
        understood++ // a <connection> profile's directives are read like top-level ones
        continue
      }
      // the block's lines are consumed without echo, whatever they hold
      let j = i + 1
      while (j < lines.length && lines[j].trim().toLowerCase() !== `</${name}>`) j++
      const inner = lines.slice(i + 1, j).filter((l) => l.trim() !== '').length
      count += inner + (j < lines.length ? 1 : 0)
      if (j >= lines.length) {
        unparsed.push({line: n, reason: `inline <${name}> block is never closed (truncated file?): the rest of the file is not read`, text: `<${name}>`})
      } else if (INLINE_BLOCKS.has(name)) {
        understood += inner + 2
        known++
        inline.add(name)
      } else {
        understood++ // the closing tag
        const what = `${inner} line${inner === 1 ? '' : 's'}`
        unparsed.push({line: n, reason: `unknown inline block <${name}> (${what}): not read, not echoed`, text: `<${name}>`})
      }
      i = j
      continue
    }
    if (trimmed.toLowerCase() === '</connection>') {
      understood++
      continue
    }
    const tokens = tokenize(trimmed)
    if (!tokens) {
      unparsed.push({line: n, reason: 'unclosed quote', text: redactLine(trimmed)})
      continue
    }
    if (tokens.length === 0) {
      count-- // a line holding only a comment after blanks
      continue
    }
    const name = tokens[0].replace(/^--/, '').toLowerCase()
    const directive = {name, args: tokens.slice(1), line: n, text: redactLine(trimmed.replace(/\s+[#;].*$/, ''))}
    if (MODELLED.has(name)) {
      known++
      directives.push(directive) // understood or not is decided when the model reads it
    } else if (name in IGNORED) {
      known++
      understood++
    } else {
      unparsed.push({line: n, reason: `unknown directive '${tokens[0]}'`, text: redactLine(trimmed)})
    }
  }
  if (known === 0) {
    throw new IrmError('CONFIG_WRONG_FORMAT', 'not an OpenVPN config: no OpenVPN directive found', {
      file,
      hint: 'An OpenVPN config has lines like "dev tun", "proto udp", "remote HOST PORT"; check --type.',
    })
  }
  return {directives, inline, unparsed, count, understood}
}

/** Pool and routes as read; exposures are built once everything is known (directive order is free). */
interface OpenvpnModel {
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
  listenerNotes: string[]
  tlsWrap: boolean
}

function parseOpenvpn(text: string, file: string): ParseResult {
  const read = readDirectives(text, file)
  const {directives, unparsed} = read
  let understood = read.understood
  const fail = (d: Directive, reason: string) => unparsed.push({line: d.line, reason, text: d.text})

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
    listenerNotes: [],
    // an HMAC/encryption wrapper (or static key) means strangers get no answer
    tlsWrap: ['tls-auth', 'tls-crypt', 'tls-crypt-v2', 'secret'].some((b) => read.inline.has(b)),
  }
  const has = (name: string) => directives.some((d) => d.name === name)
  if (has('server') || has('server-bridge') || directives.some((d) => d.name === 'mode' && d.args[0] === 'server')) m.mode = 'server'
  else if (has('client') || has('pull') || has('tls-client')) m.mode = 'client'

  for (const d of directives) {
    const ok = readDirective(m, d)
    if (ok === true) understood++
    else fail(d, ok)
  }
  const exposures = toExposures(m)
  return {exposures, unparsed, stats: {lines: read.count, understood}}
}

/** A network as `NET MASK` (route), `NET/BITS` (route-ipv6) or a bare address (host route). */
function readNetwork(net: string, mask?: string): AddressSet | null {
  const c = parseCidr(mask ? `${net}/${mask}` : net)
  return c ? AddressSet.fromRange(c.family, c.start, c.end) : null
}

/** A bind address: `0.0.0.0`/`::` are every address, `localhost` the loopbacks; names stay names. */
function bindAddress(text: string): {set: AddressSet; names: string[]} {
  if (text === '0.0.0.0') return {set: AddressSet.ANY4, names: []}
  if (text === '::' || text === '[::]') return {set: AddressSet.ANY, names: []}
  if (text === 'localhost') return {set: AddressSet.of('127.0.0.1', '::1'), names: []}
  return readPeerAddresses([text])
}

function readPort(text: string | undefined): number | null {
  if (!text || !/^\d{1,5}$/.test(text)) return null
  const p = Number(text)
  return p >= 1 && p <= 65535 ? p : null
}

/** Reads one modelled directive into the model; returns true or the reason it was not understood. */
function readDirective(m: OpenvpnModel, d: Directive): true | string {
  const a = d.args
  switch (d.name) {
    case 'port':
    case 'lport':
      if (readPort(a[0]) === null) return `${d.name} '${a[0] ?? ''}' is not a port`
      if (d.name === 'port') m.port = d
      else m.lport = d
      return true
    case 'rport':
    case 'dev':
      if (d.name === 'dev') m.dev = a[0]
      return a.length ? true : `${d.name} needs an argument`
    case 'proto':
      if (!/^(udp|tcp)[46]?(-server|-client)?$/.test(a[0] ?? '')) return `unknown proto '${a[0] ?? ''}'`
      m.proto = {name: a[0], line: d.line, text: d.text}
      return true
    case 'local':
      if (!a[0]) return 'local needs an address'
      if (a[1] !== undefined && readPort(a[1]) === null) return `local port '${a[1]}' is not a port`
      m.locals.push(d)
      return true
    case 'remote':
      if (!a[0]) return 'remote needs a host'
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
      if (d.name === 'config') return `config include '${a[0] ?? ''}' not followed: read that file separately`
      if (d.name === 'secret') m.tlsWrap = true // static-key mode: nobody without the key gets an answer
      return true
    case 'tls-auth':
    case 'tls-crypt':
    case 'tls-crypt-v2':
      m.tlsWrap = true
      return true
    case 'mode':
      return a[0] === 'server' || a[0] === 'p2p' ? true : `unknown mode '${a[0] ?? ''}'`
    case 'server':
    case 'server-ipv6':
    case 'ifconfig-ipv6-pool': {
      const c = d.name === 'server' ? (a.length >= 2 ? parseCidr(`${a[0]}/${a[1]}`) : null) : a[0] ? parseCidr(a[0]) : null
      if (!c || (d.name === 'server') !== (c.family === 4)) {
        return d.name === 'server' ? 'server needs NETWORK NETMASK' : `${d.name} needs an IPv6 network`
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
      if (!set) return `${d.name}: cannot read the pool range`
      m.pool = m.pool.union(set)
      m.poolLine ??= d
      return true
    }
    case 'ifconfig':
      // point-to-point tun: the far end is the only VPN address (its ifconfig-pool decides in server mode)
      if (m.mode === 'p2p' && m.dev?.startsWith('tun') !== false && a[1] && parseIp(a[1])) {
        m.pool = m.pool.union(AddressSet.parse(a[1])!)
        m.poolLine ??= d
      }
      return a.length >= 2 ? true : 'ifconfig needs two arguments'
    case 'push':
      return readPush(m, d)
    case 'route':
    case 'route-ipv6':
    case 'redirect-gateway': {
      // client-side routing: what this host sends into the tunnel
      if (m.mode === 'client' || d.name === 'redirect-gateway') return true
      if (/^(vpn_gateway|net_gateway|remote_host)$/.test(a[0] ?? '')) return true
      const set = a[0] ? readNetwork(a[0], d.name === 'route' ? (a[1] ?? '255.255.255.255') : undefined) : null
      if (!set) return `${d.name}: cannot read network '${a.slice(0, 2).join(' ')}'`
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
      return a[0] ? true : 'client-config-dir needs a directory'
    case 'management':
      if (a[1] === 'unix' || (a[0] ?? '').startsWith('/')) return true // a unix socket: not on the network
      if (!a[0] || readPort(a[1]) === null) return 'management needs IP PORT'
      m.management.push(d)
      return true
    case 'port-share':
      if (!a[0] || readPort(a[1]) === null) return 'port-share needs HOST PORT'
      m.portShare = d
      return true
    case 'duplicate-cn':
      m.listenerNotes.push('duplicate-cn: one certificate may be used by many clients at once')
      return true
    case 'verify-client-cert':
      if (a[0] === 'none' || a[0] === 'optional') m.listenerNotes.push(`verify-client-cert ${a[0]}: clients may connect without a certificate`)
      return true
    default:
      return `directive '${d.name}' not modelled`
  }
}

/** `push "route …"`, `push "route-ipv6 …"`, `push "redirect-gateway …"`; other pushed options open nothing. */
function readPush(m: OpenvpnModel, d: Directive): true | string {
  if (d.args.length !== 1) return 'push takes one quoted option'
  const words = d.args[0].trim().split(/\s+/)
  const option = words[0]
  if (option === 'route' || option === 'route-ipv6') {
    if (/^(vpn_gateway|net_gateway|remote_host)$/.test(words[1] ?? '')) return true
    const set = words[1] ? readNetwork(words[1], option === 'route' ? (words[2] ?? '255.255.255.255') : undefined) : null
    if (!set) return `push ${option}: cannot read network '${words.slice(1, 3).join(' ')}'`
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

function toExposures(m: OpenvpnModel): Exposure[] {
  const out: Exposure[] = []
  const tcp = m.proto.name.startsWith('tcp')
  const protocols = ProtocolSet.of(tcp ? TCP : UDP)
  const family = /^(udp|tcp)4/.test(m.proto.name) ? 4 : /^(udp|tcp)6/.test(m.proto.name) && m.ipv6only ? 6 : 0
  const anyLocal = family === 4 ? AddressSet.ANY4 : family === 6 ? AddressSet.ANY6 : AddressSet.ANY

  const listens =
    m.mode === 'server' ||
    (m.mode === 'p2p' && !m.nobind && m.proto.name !== 'tcp-client') ||
    (m.mode === 'client' && !m.nobind && !!m.lport && !tcp)
  const portDirective = m.lport ?? m.port
  const port = readPort(portDirective?.args[0]) ?? 1194
  const peers = readPeerAddresses(m.mode === 'server' || m.float ? [] : m.remotes)
  const notes = [...m.listenerNotes]
  if (m.mode === 'server' && !m.tlsWrap) notes.push('no tls-auth/tls-crypt: anyone who reaches the port gets a TLS handshake')
  if (peers.names.length) notes.push(`peer hostnames not resolved: ${peers.names.join(', ')}`)
  if (m.mode === 'client') notes.push('client bound to lport: accepts packets from its servers only')

  let listenTo = anyLocal
  const localNames: string[] = []
  if (listens) {
    const locals = m.locals.length ? m.locals : [undefined]
    for (const local of locals) {
      let to = anyLocal
      if (local) {
        const addr = bindAddress(local.args[0])
        to = addr.set
        localNames.push(...addr.names)
      }
      listenTo = to
      const p = readPort(local?.args[1]) ?? port
      const d = portDirective ?? local
      out.push(
        vpnExposure({
          kind: 'vpn-listener',
          from: peers.set,
          to,
          protocols,
          ports: PortSet.range(p),
          line: local?.line ?? d?.line ?? (m.proto.line || m.poolLine?.line || 1),
          rule: local ? `listener ${local.args[0]}` : 'listener',
          text: local?.text ?? d?.text ?? (m.proto.text || undefined),
          fromSets: peers.names,
          toSets: localNames,
          notes: [...notes, ...(localNames.length ? [`local hostname not resolved: ${localNames.join(', ')}`] : [])],
        }),
      )
    }
  }

  for (const d of m.management) {
    const to = bindAddress(d.args[0])
    out.push(
      vpnExposure({
        kind: 'vpn-listener',
        from: AddressSet.ANY,
        to: to.set,
        protocols: ProtocolSet.of(TCP),
        ports: PortSet.range(Number(d.args[1])),
        line: d.line,
        rule: 'management',
        text: d.text,
        toSets: to.names,
        notes: [
          'OpenVPN management interface: full control of the daemon',
          d.args[2] ? 'password file set' : 'no password file: anyone who connects controls the daemon',
        ],
      }),
    )
  }

  if (m.portShare && listens && tcp) {
    const [host, p] = m.portShare.args
    const target = readPeerAddresses([host])
    out.push(
      vpnExposure({
        kind: 'nat-forward',
        from: AddressSet.ANY,
        to: listenTo,
        protocols: ProtocolSet.of(TCP),
        ports: PortSet.range(port),
        line: m.portShare.line,
        rule: 'port-share',
        text: m.portShare.text,
        translated: {to: target.set, ports: PortSet.range(Number(p))},
        notes: ['non-OpenVPN connections to the listener are forwarded', ...(target.names.length ? [`forward target hostname not resolved: ${target.names.join(', ')}`] : [])],
      }),
    )
  }

  if (m.mode === 'p2p') {
    // the peer's tunnel address and the networks routed to it may send anything this host routes
    const from = AddressSet.unionAll([m.pool, ...m.serverRoutes.map((r) => r.set)])
    const d = m.poolLine ?? m.serverRoutes[0]?.d
    if (d && !from.isEmpty()) {
      out.push(
        vpnExposure({
          kind: 'vpn-route',
          from,
          to: AddressSet.ANY,
          protocols: ALL_PROTOCOLS,
          line: d.line,
          rule: 'peer',
          text: d.text,
          interfaces: m.dev ? {in: [m.dev]} : undefined,
          notes: ["point-to-point tunnel: what the peer reaches on this side is not in the file (destination any)"],
        }),
      )
    }
  }
  if (m.mode !== 'server') return out
  // clients' traffic comes from the pool; unknown pools (bridged DHCP, ccd-only addressing) are any
  const poolKnown = !m.pool.isEmpty() && m.poolNames.length === 0
  const pool = poolKnown ? m.pool : AddressSet.ANY
  const routeNotes: string[] = []
  if (!poolKnown) routeNotes.push(m.poolNames.length ? `client addresses come from ${m.poolNames.join(', ')}: source is any` : 'no client pool in the file: source is any')
  if (m.ccd) routeNotes.push(`client-config-dir ${m.ccd} is not read: per-client iroute/push there are not seen`)
  const route = (from: AddressSet, to: AddressSet, d: Directive, rule: string, extra: string[] = [], fromPool = true) =>
    out.push(
      vpnExposure({
        kind: 'vpn-route',
        from,
        to,
        protocols: ALL_PROTOCOLS,
        line: d.line,
        rule,
        text: d.text,
        fromSets: fromPool && !poolKnown ? m.poolNames : [],
        interfaces: m.dev ? {in: [m.dev]} : undefined,
        notes: [...(fromPool ? routeNotes : routeNotes.slice(poolKnown ? 0 : 1)), ...extra],
      }),
    )
  for (const s of m.serverAddresses) {
    route(pool, s.set, s.d, `server ${s.set.toCidrs()[0]}`, ["the server's own tunnel address: every service the host listens on"])
  }
  for (const p of m.pushed) if (!p.set.isEmpty()) route(pool, p.set, p.d, p.label)
  if (m.clientToClient) route(pool, pool, m.clientToClient, 'client-to-client', ['clients reach each other through the server'])
  const served = AddressSet.unionAll([pool, ...m.pushed.map((p) => p.set)])
  for (const r of m.serverRoutes) {
    route(r.set, served, r.d, `route ${r.set.toCidrs().join(',')}`, [
      'network behind a VPN client (its iroute is in client-config-dir): reaches the pool and the pushed networks',
    ], false)
  }
  return out
}
