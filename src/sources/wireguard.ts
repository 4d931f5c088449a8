/**
 * WireGuard wg-quick configs (`/etc/wireguard/wg0.conf`): the UDP listener, one route per peer, and the
 * iptables commands of PreUp/PostUp hooks (read by the iptables parser). systemd-networkd `.netdev`
 * files (`[NetDev] Kind=wireguard`, `[WireGuard]`, `[WireGuardPeer]`) are read the same way; their
 * addresses live in a `.network` file, so routes go to any there.
 *
 * Modelled: `[Interface]` ListenPort → vpn-listener udp/port from any to any (the host's own addresses
 * are not in the file); `[Peer]` AllowedIPs → vpn-route from the peer's AllowedIPs (what the peer may
 * send through the tunnel: wg drops any other source) to the interface Address networks (any when
 * Address is unset). No ListenPort means the kernel picks a random port, as roaming clients do: no
 * listener is listed then. PrivateKey and PresharedKey are never echoed.
 */
import {inputLines} from './input.js'
import {deviceModel, interfaceAddress} from '../model/device.js'
import type {Exposure} from '../model/exposure.js'
import {AddressSet} from '../net/address-set.js'
import {PortSet, ProtocolSet} from '../net/number-set.js'
import {IrmError, isIrmError} from '../core/errors.js'
import {iptables} from './iptables.js'
import {redactLine} from './redact.js'
import type {ParseResult, SourceParser, Unparsed, UnparsedCode} from './types.js'
import {ALL_PROTOCOLS, UDP, matchFamilies, parseAddress, redactSetting, vpnExposure} from './vpn-common.js'
import {type IgnoredTable, ParseLedger} from './kit/ledger.js'
import {addDoubts} from '../model/build.js'
import {note} from '../model/doubts.js'

/** wg(8) and wg-quick(8) keys we read but that open nothing, with why (keys are case-insensitive). */
const IGNORED_INTERFACE: IgnoredTable = new Map(Object.entries({
  dns: 'resolver for the tunnel, opens nothing',
  mtu: 'link MTU',
  table: 'routing table choice for AllowedIPs routes',
  fwmark: 'packet mark of the tunnel socket',
  firewallmark: 'packet mark of the tunnel socket (networkd)',
  privatekeyfile: 'where networkd reads the private key (never echoed)',
  routetable: 'routing table for AllowedIPs routes (networkd)',
  routemetric: 'metric of AllowedIPs routes (networkd)',
  saveconfig: 'wg-quick writes the runtime config back on down',
  predown: 'teardown hook: runs when the tunnel goes down',
  postdown: 'teardown hook: runs when the tunnel goes down',
}))
const IGNORED_PEER: IgnoredTable = new Map(Object.entries({
  endpoint: 'where this side sends to; noted on the peer route',
  persistentkeepalive: 'keepalive timer',
  presharedkeyfile: 'where networkd reads the preshared key (never echoed)',
  routetable: 'routing table for this peer (networkd)',
  routemetric: 'route metric for this peer (networkd)',
}))
/** systemd.netdev(5) [NetDev] keys besides Name: identity of the link, nothing opened. */
const IGNORED_NETDEV: IgnoredTable = new Map(['kind', 'description', 'mtubytes', 'macaddress'].map((k) => [k, 'describes the link, opens nothing']))
/** Hook commands that change no filtering (sysctl forwarding is noted on the routes). */
const HARMLESS_COMMANDS = new Set(['sysctl', 'ip', 'echo', 'printf', 'logger', 'resolvconf', 'true', 'sleep', 'modprobe', 'touch'])
const IPTABLES_COMMANDS = new Set(['iptables', 'ip6tables', 'iptables-legacy', 'ip6tables-legacy', 'iptables-nft', 'ip6tables-nft'])

type Section = 'none' | 'interface' | 'peer' | 'netdev'

interface Peer {
  line: number
  publicKey?: string
  name?: string
  endpoint?: string
  allowed: Array<{line: number; text: string; set: AddressSet}>
}

interface HookLine {
  understood: boolean
  text: string
}

/** One iptables command from a PreUp/PostUp line, with the line it came from. */
interface HookCommand {
  line: number
  command: string
}

export const wireguard: SourceParser = {
  type: 'wireguard',
  description: 'WireGuard wg-quick config (wg0.conf): UDP listener, peer AllowedIPs routes, PostUp iptables rules',
  detection: 'an [Interface] section with PrivateKey, ListenPort, Address or a [Peer] section; a networkd .netdev of Kind=wireguard',
  extensions: ['.conf', '.netdev'],
  detect(head, fileName) {
    if (/^[ \t]*Kind[ \t]*=[ \t]*wireguard[ \t\r]*$/im.test(head) || /^[ \t]*\[WireGuard(Peer)?\][ \t\r]*$/im.test(head)) return 0.9
    if (!/^[ \t]*\[Interface\][ \t\r]*$/im.test(head)) return 0
    const signs = [/^[ \t]*\[Peer\][ \t\r]*$/im, /^[ \t]*PrivateKey[ \t]*=/im, /^[ \t]*ListenPort[ \t]*=/im, /^[ \t]*AllowedIPs[ \t]*=/im]
    const hits = signs.filter((re) => re.test(head)).length
    if (hits === 0) return 0.3
    return /\bwg[\w-]*\.conf$/i.test(fileName) ? 0.95 : 0.9
  },
  parse(text, {file}) {
    return parseWireguard(text, file)
  },
}

function interfaceName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? ''
  const m = /^(.+)\.conf$/i.exec(base)
  // wg-quick names the interface after the file; fall back to the usual name
  return m && /^[\w.=+-]{1,15}$/.test(m[1]) ? m[1] : 'wg0'
}

function parseWireguard(text: string, file: string): ParseResult {
  const lines = inputLines({file: '', text}).map((l) => l.text)
  let iface = interfaceName(file)
  const exposures: Exposure[] = []
  const ledger = new ParseLedger()
  let section: Section = 'none'
  let sawInterface = false
  let address = AddressSet.EMPTY
  // Address as written (`10.0.44.1/24`: the host's own address on its network), for the device model
  const addressCidrs: string[] = []
  let addressLine: number | undefined
  let listen: {line: number; text: string; port: number} | undefined
  let forwarding = false
  const peers: Peer[] = []
  const hooks: HookCommand[] = []
  // lines whose hook commands were all understood so far; an iptables problem demotes them later
  const hookLines = new Map<number, HookLine>()
  let pendingName: string | undefined
  let keysInSection = 0

  const fail = (line: number, raw: string, reason: string, code: UnparsedCode) => {
    // indexOf, not a lazy regex: a long line without '=' must cost one pass
    const eq = raw.indexOf('=')
    const key = eq < 0 ? '' : raw.slice(0, eq).trim()
    const name = /^[A-Za-z][\w ]*$/.test(key) ? key : ''
    ledger.unparsed(line, reason, redactSetting(name, raw.trim()), {code})
  }

  for (let i = 0; i < lines.length; i++) {
    const n = i + 1
    const raw = lines[i]
    const trimmed = raw.trim()
    if (trimmed === '') continue
    if (trimmed.startsWith('#') || trimmed.startsWith(';')) {
      // "# Name = laptop": the wg-quick docs' convention for naming a peer
      // (inside a section before its first key it names that section, else the next [Peer])
      const named = /^#[ \t]*Name[ \t]*=([^]+)$/i.exec(trimmed)
      if (named && keysInSection > 0) pendingName = named[1].trim()
      else if (named && section === 'peer') peers[peers.length - 1].name ??= named[1].trim()
      continue
    }
    ledger.see(n)
    // wg-quick strips everything after '#' (keys are base64, never contain it)
    const hash = trimmed.indexOf('#')
    const stripped = hash < 0 ? trimmed : trimmed.slice(0, hash).trimEnd()
    const header = /^\[(\w+)\]$/.exec(stripped)
    keysInSection = header ? 0 : keysInSection + 1
    if (header) {
      const name = header[1].toLowerCase()
      if (name === 'netdev') {
        section = 'netdev'
        ledger.ok(n)
      } else if (name === 'interface' || name === 'wireguard') {
        section = 'interface'
        if (sawInterface) fail(n, raw, 'second [Interface] section: wg-quick merges them; read as one', 'unsupported')
        else ledger.ok(n)
        sawInterface = true
      } else if (name === 'peer' || name === 'wireguardpeer') {
        section = 'peer'
        peers.push({line: n, name: pendingName, allowed: []})
        ledger.ok(n)
      } else {
        section = 'none'
        fail(n, raw, `unknown section [${header[1]}]`, 'unknown-statement')
      }
      pendingName = undefined
      continue
    }
    const kv = /^([A-Za-z]+)\s*=\s*([^]*)$/.exec(stripped)
    if (!kv) {
      fail(n, raw, 'not a key = value line', 'malformed')
      continue
    }
    const key = kv[1].toLowerCase()
    const value = kv[2].trim()
    if (section === 'none') {
      fail(n, raw, `'${kv[1]}' outside [Interface] or [Peer]`, 'malformed')
      continue
    }
    if (section === 'netdev') {
      // systemd.netdev(5): Name= is the interface; other keys describe the link
      if (key === 'name') iface = value
      if (key === 'name') ledger.ok(n)
      else if (!ledger.ignoreFrom(IGNORED_NETDEV, key, n)) fail(n, raw, `unknown [NetDev] key '${kv[1]}'`, 'unknown-statement')
      continue
    }
    if (section === 'interface') {
      switch (key) {
        case 'privatekey':
          ledger.ok(n) // never echoed
          break
        case 'listenport': {
          const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN
          if (port >= 1 && port <= 65535) {
            listen = {line: n, text: `${kv[1]} = ${value}`, port}
            ledger.ok(n)
          } else if (port === 0) {
            ledger.ok(n) // 0 = random port, like no ListenPort
          } else fail(n, raw, `ListenPort '${value}' is not a port`, 'bad-value')
          break
        }
        case 'address': {
          const bad = addList(value, (s) => (address = address.union(s)))
          addressLine ??= n
          for (const item of value.split(',')) {
            const cidr = interfaceAddress(item)
            if (cidr) addressCidrs.push(cidr)
          }
          if (bad.length) fail(n, raw, `Address: cannot read ${bad.map((b) => `'${b}'`).join(', ')}`, 'bad-value')
          else ledger.ok(n)
          break
        }
        case 'preup':
        case 'postup': {
          const result = readHook(value.replace(/%i/g, iface), n, hooks)
          if (result.forwarding) forwarding = true
          if (result.problem) fail(n, raw, result.problem, 'unsupported')
          hookLines.set(n, {understood: !result.problem, text: raw.trim()})
          break
        }
        default:
          if (!ledger.ignoreFrom(IGNORED_INTERFACE, key, n)) fail(n, raw, `unknown [Interface] key '${kv[1]}'`, 'unknown-statement')
      }
      continue
    }
    const peer = peers[peers.length - 1]
    switch (key) {
      case 'publickey':
        if (peer.publicKey) fail(n, raw, 'second PublicKey in one [Peer]', 'malformed')
        else {
          peer.publicKey = value
          ledger.ok(n)
        }
        break
      case 'presharedkey':
        ledger.ok(n) // secret, never echoed
        break
      case 'allowedips': {
        let set = AddressSet.EMPTY
        const bad = addList(value, (s) => (set = set.union(s)))
        if (bad.length) fail(n, raw, `AllowedIPs: cannot read ${bad.map((b) => `'${b}'`).join(', ')}`, 'bad-value')
        else ledger.ok(n)
        peer.allowed.push({line: n, text: `AllowedIPs = ${value}`, set})
        break
      }
      case 'endpoint':
        peer.endpoint = value
        ledger.ok(n)
        break
      default:
        if (!ledger.ignoreFrom(IGNORED_PEER, key, n)) fail(n, raw, `unknown [Peer] key '${kv[1]}'`, 'unknown-statement')
    }
  }

  if (!sawInterface && peers.length === 0) {
    throw new IrmError('CONFIG_WRONG_FORMAT', 'not a WireGuard config: no [Interface], [Peer] or [WireGuard] section', {
      file,
      hint: 'A wg-quick config starts with [Interface]; check --type.',
    })
  }

  if (listen) {
    exposures.push(
      vpnExposure({
        kind: 'vpn-listener',
        from: AddressSet.ANY,
        to: AddressSet.ANY,
        protocols: ProtocolSet.of(UDP),
        ports: PortSet.range(listen.port),
        line: listen.line,
        rule: `${iface} listener`,
        text: listen.text,
        doubts: [note('unknown-address', "the host's own addresses are not in this file: it listens on all of them (to = any)")],
      }),
    )
  }

  const to = address.isEmpty() ? AddressSet.ANY : address
  for (const peer of peers) {
    const fingerprint = peer.publicKey ? peer.publicKey.slice(0, 8) : `#${peer.line}`
    if (!peer.publicKey) {
      // the [Peer] header was read; the peer as a whole is not usable: its verdict becomes unparsed
      fail(peer.line, '[Peer]', 'peer without PublicKey: wg refuses it, no route listed', 'malformed')
      continue
    }
    for (const allowed of peer.allowed) {
      if (allowed.set.isEmpty()) continue
      const doubts = [
        ...(address.isEmpty() ? [note('unknown-address', 'no Address in the file: destination is any')] : []),
        ...(forwarding ? [note('opens-more', 'PreUp/PostUp enable IP forwarding: the peer may reach beyond the interface networks')] : []),
        note('peer-info', peer.endpoint ? `peer endpoint ${redactLine(peer.endpoint)}` : 'peer has no Endpoint: it connects in (roaming client)'),
      ]
      exposures.push(
        vpnExposure({
          kind: 'vpn-route',
          from: allowed.set,
          to,
          protocols: ALL_PROTOCOLS,
          line: allowed.line,
          rule: `${iface} peer ${fingerprint}${peer.name ? ` (${peer.name})` : ''}`,
          text: allowed.text,
          interfaces: {in: [iface]},
          doubts,
        }),
      )
    }
  }

  const all = exposures.flatMap(matchFamilies)
  applyHooks(hooks, hookLines, file, all, ledger)
  const device = deviceModel(
    sawInterface ? [{name: iface, addresses: addressCidrs, ...(addressLine ? {line: addressLine} : {})}] : [],
    // wg binds the port on every address of the host
    listen ? [{service: 'wireguard', bind: [], line: listen.line}] : [],
  )
  const {unparsed, stats, status} = ledger.finish()
  return {exposures: all, unparsed, stats, status, device}
}

/** Splits a comma list of addresses; returns the items it could not read. */
function addList(value: string, add: (s: AddressSet) => void): string[] {
  const bad: string[] = []
  for (const item of value.split(',')) {
    const t = item.trim()
    if (t === '') continue
    const s = parseAddress(t)
    if (s) add(s)
    else bad.push(t)
  }
  return bad
}

/**
 * One PreUp/PostUp value: shell commands separated by `;`, `&&`, `||`. iptables commands are queued for
 * the iptables parser; harmless ones are understood; anything else may open ports and is reported.
 */
function readHook(value: string, line: number, hooks: HookCommand[]): {problem?: string; forwarding: boolean} {
  let forwarding = false
  const unknown: string[] = []
  for (const part of value.split(/;|&&|\|\|/)) {
    const command = part.trim()
    if (command === '') continue
    const words = command.split(/\s+/)
    if (words[0] === 'sudo') words.shift()
    const program = (words[0] ?? '').split('/').pop() ?? ''
    if (IPTABLES_COMMANDS.has(program)) {
      hooks.push({line, command: [program.replace(/-(legacy|nft)$/, ''), ...words.slice(1)].join(' ')})
    } else if (HARMLESS_COMMANDS.has(program)) {
      if (program === 'sysctl' && /\b(ip_forward|forwarding)\s*=\s*1\b/.test(command)) forwarding = true
    } else {
      unknown.push(program)
    }
  }
  if (unknown.length) return {problem: `hook command '${unknown[0]}' not modelled: it may change filtering`, forwarding}
  return {forwarding}
}

/**
 * Hands the hook's iptables commands, in order, to the iptables parser and maps its results back to
 * the wg-quick lines; each hook line ends understood when all its commands were.
 */
function applyHooks(hooks: HookCommand[], hookLines: Map<number, HookLine>, file: string, exposures: Exposure[], ledger: ParseLedger): void {
  if (hooks.length > 0) {
    const script = hooks.map((h) => h.command).join('\n')
    let result: ParseResult | undefined
    let failure = 'iptables parser unavailable'
    try {
      const r = iptables.parse(script, {file})
      result = r instanceof Promise ? undefined : r
    } catch (e) {
      // the iptables parser refuses a text where no command reads as iptables
      if (isIrmError(e) && e.code === 'CONFIG_WRONG_FORMAT') failure = 'no command reads as iptables'
    }
    if (!result) {
      for (const line of new Set(hooks.map((h) => h.line))) {
        const state = hookLines.get(line)!
        state.understood = false
        ledger.unparsed(line, `iptables commands in this hook could not be read (${failure})`, redactLine(state.text), {code: 'malformed'})
      }
    } else {
      const lineOf = (scriptLine: number) => hooks[Math.min(Math.max(scriptLine, 1), hooks.length) - 1].line
      for (const e of result.exposures) {
        e.line = lineOf(e.line)
        if (e.doubts) e.doubts = e.doubts.map((d) => ({...d, line: lineOf(d.line)}))
        addDoubts(e, [note('listener-info', 'from an iptables command in a wg-quick PreUp/PostUp hook')])
        exposures.push(e)
      }
      for (const u of result.unparsed) {
        const line = lineOf(u.line)
        hookLines.get(line)!.understood = false
        ledger.unparsed(line, `iptables: ${u.reason}`, redactLine(u.text), {code: u.code ?? 'unvisited'})
      }
    }
  }
  for (const [line, state] of hookLines) if (state.understood) ledger.ok(line)
}
