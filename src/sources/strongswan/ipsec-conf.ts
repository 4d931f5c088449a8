/**
 * Legacy ipsec.conf (stroke): `config setup`, `conn NAME` and `ca NAME` sections with indented
 * `key=value` lines, `conn %default` and `also=` inheritance, `include`.
 *
 * Which side is this host: `left` by convention (ipsec.conf(5) "left and right… by convention left is
 * local"), unless the file itself says right is local: `right=%defaultroute`, or
 * `rightsourceip=%config` (only the local side asks for a virtual IP). charon decides at runtime by
 * matching its interfaces, which a file cannot show; the exposures then say which side was taken.
 * `auto=ignore` connections and `type=passthrough|drop|reject` shunts open nothing.
 */
import {inputLines} from '../input.js'
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {redactLine} from '../redact.js'
import type {ParseResult, Unparsed, UnparsedCode} from '../types.js'
import {matchFamilies, readPeerAddresses, redactSetting, type PeerAddresses} from '../vpn-common.js'
import {ParseLedger} from '../kit/ledger.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import {childExposures, describeDevice, listenerExposures, readSelectors, type TrafficSelector} from './common.js'

interface Value {
  value: string
  line: number
}

interface Conn {
  name: string
  line: number
  settings: Map<string, Value>
}

// ipsec.conf(5) conn keys besides the left*/right* family; the second string holds Libreswan's, whose
// ipsec.conf shares the grammar (same conn/also/%default, left/right, auto=ignore default)
const CONN_KEYS = new Set(
  [
    'also auto type keyexchange ike esp ah authby ikelifetime keylife lifetime rekeymargin margintime keyingtries rekey reauth rekeyfuzz dpdaction dpddelay dpdtimeout closeaction compress mobike forceencaps fragmentation aggressive mark mark_in mark_out reqid installpolicy eap_identity aaa_identity xauth xauth_identity modeconfig ikedscp inactivity tfc replay_window sha256_truncbug lifebytes lifepackets marginbytes marginpackets ikelifebytes pfs pfsgroup keyexchange_version me_peerid mediation mediated_by hw_offload connaddrfamily',
    'ikev2 phase2 phase2alg salifetime encapsulation narrowing ike_frag ikepad modecfgpull modecfgdns modecfgdomains modecfgbanner xauthby xauthfail nat-ikev1-method retransmit-timeout retransmit-interval sha2-truncbug vti-interface vti-routing vti-shared hostaddrfamily clientaddrfamily overlapip nflog-group priority sareftrack send-no-esp-tfc nic-offload ppk ms-dh-downgrade require-id-on-certificate dns-match-id ipsec-interface',
  ]
    .join(' ')
    .split(' '),
)
// the left*/right* suffixes (left, leftsubnet, leftid2…), Libreswan's last
const SIDE_SUFFIXES = new Set(
  ' subnet sourceip id id2 cert cert2 ca ca2 auth auth2 firewall hostaccess updown protoport groups groups2 sendcert rsasigkey sigkey nexthop ikeport allowany dns subnetwithin cert_policy subnets addresspool modecfgserver modecfgclient xauthserver xauthclient vti rsasigkey2 username'.split(
    ' ',
  ),
)
const CA_KEYS = new Set('cacert ldaphost ldapbase crluri crluri1 crluri2 ocspuri ocspuri1 ocspuri2 certuribase auto also'.split(' '))

export function parseIpsecConf(text: string): ParseResult {
  const unparsed: Unparsed[] = []
  const conns = new Map<string, Conn>()
  let count = 0
  let section: 'none' | 'setup' | 'conn' | 'ca' = 'none'
  let current: Conn | undefined
  const lines = inputLines({file: '', text}).map((l) => l.text)
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1
    const raw = lines[i]
    const line = stripComment(raw)
    if (line.trim() === '') continue
    count++
    const fail = (reason: string, code: UnparsedCode) => unparsed.push({line: n, code, reason, text: redactSetting(/^\s*([\w-]+)\s*=/.exec(line)?.[1] ?? '', line.trim())})
    if (!/^\s/.test(line)) {
      // a section header or a top-level statement starts in column 0
      const words = line.trim().split(/\s+/)
      if (words[0] === 'config' && words[1] === 'setup' && words.length === 2) {
        section = 'setup'
      } else if (words[0] === 'conn' && words.length === 2) {
        section = 'conn'
        current = {name: words[1], line: n, settings: new Map()}
        if (conns.has(words[1])) fail(`conn '${words[1]}' defined twice: the later one is used`, 'malformed')
        conns.set(words[1], current)
      } else if (words[0] === 'ca' && words.length === 2) {
        section = 'ca'
      } else if (words[0] === 'version' && words.length === 2) {
        // `version 2`: pre-4.x file marker
      } else if (words[0] === 'include') {
        section = 'none'
        fail('include not followed: parse that file too', 'not-followed')
      } else {
        section = 'none'
        fail('not a section header (config setup, conn NAME, ca NAME, include)', 'unknown-statement')
      }
      continue
    }
    const kv = /^\s+([\w-]+)[ \t]*=[ \t]*([^]*)$/.exec(line)
    if (!kv) {
      fail('not a key=value line', 'malformed')
      continue
    }
    const key = kv[1]
    const value = unquote(kv[2].trim())
    if (section === 'setup') {
      // charon daemon settings (charondebug, uniqueids, strictcrlpolicy…) open nothing
    } else if (section === 'ca') {
      if (!CA_KEYS.has(key)) fail(`unknown ca setting '${key}'`, 'unknown-statement')
    } else if (section === 'conn' && current) {
      const side = /^(left|right)(\w*)$/.exec(key)
      // several also= lines add up; any other key set twice keeps the last value
      const also = key === 'also' ? current.settings.get('also') : undefined
      if (also) also.value += ` ${value}`
      else if (CONN_KEYS.has(key) || (side && SIDE_SUFFIXES.has(side[2]))) current.settings.set(key, {value, line: n})
      else fail(`unknown conn setting '${key}'`, 'unknown-statement')
    } else {
      fail('setting outside a section', 'malformed')
    }
  }

  const exposures: Exposure[] = []
  for (const conn of conns.values()) {
    if (conn.name === '%default') continue
    const resolved = resolve(conn, conns, unparsed)
    exposures.push(...connExposures(conn, resolved, unparsed))
  }
  // a line is understood unless some problem was reported on it (values are checked after inheritance)
  // a bad value inherited from %default or also= is found once per conn: report it once
  const seen = new Set<string>()
  const ledger = new ParseLedger()
  ledger.total(count)
  for (const u of unparsed) if (!seen.has(`${u.line}|${u.reason}`) && seen.add(`${u.line}|${u.reason}`)) ledger.add(u)
  const matched = exposures.flatMap(matchFamilies)
  const {unparsed: once, stats, status} = ledger.finish()
  return {exposures: matched, unparsed: once, stats, status, device: describeDevice(matched)}
}

/**
 * Effective settings: `conn %default`, then `also=` targets (recursively, in order), then the conn's
 * own lines; later wins, as the stroke starter merges them.
 */
function resolve(conn: Conn, conns: Map<string, Conn>, unparsed: Unparsed[]): Map<string, Value> {
  const out = new Map<string, Value>()
  const seen = new Set<string>()
  const merge = (c: Conn) => {
    if (seen.has(c.name)) return
    seen.add(c.name)
    for (const also of (c.settings.get('also')?.value ?? '').split(/\s+/).filter(Boolean)) {
      const target = conns.get(also)
      if (target) merge(target)
      else unparsed.push({line: c.settings.get('also')!.line, code: 'undefined-reference', reason: `also=${also}: no such conn`, text: `also=${also}`})
    }
    for (const [k, v] of c.settings) if (k !== 'also') out.set(k, v)
  }
  const defaults = conns.get('%default')
  if (defaults) for (const [k, v] of defaults.settings) out.set(k, v)
  merge(conn)
  return out
}

function connExposures(conn: Conn, s: Map<string, Value>, unparsed: Unparsed[]): Exposure[] {
  const get = (k: string) => s.get(k)?.value
  const auto = get('auto') ?? 'ignore'
  // ipsec.conf(5): auto defaults to ignore — a conn nobody adds is not loaded
  if (auto === 'ignore') return []
  const type = get('type') ?? 'tunnel'
  if (type === 'passthrough' || type === 'pass' || type === 'drop' || type === 'reject') return []

  const rightIsLocal =
    (get('right') === '%defaultroute' && get('left') !== '%defaultroute') ||
    (/^%(config|modeconfig|cfg)\d?$/.test(get('rightsourceip') ?? '') && !/^%(config|modeconfig|cfg)\d?$/.test(get('leftsourceip') ?? ''))
  const [lo, re] = rightIsLocal ? ['right', 'left'] : ['left', 'right']
  const sideNote = rightIsLocal ? note('vendor-semantics', `${lo} side taken as this host (${lo}=%defaultroute or ${lo}sourceip=%config)`) : undefined
  const local = sideAddress(get(lo))
  const remote = sideAddress(get(re))
  const ikePortText = get(`${lo}ikeport`)
  const doubts = sideNote ? [sideNote] : []
  if (!get(re) || get(re) === '%any') doubts.push(note('any-peer', `${re}=%any: IKE is accepted from any address`))
  const psk = /^(secret|psk)$/.test(get('authby') ?? '') || get('leftauth') === 'psk' || get('rightauth') === 'psk'
  // IKEv1 aggressive mode sends the PSK hash in the clear: crackable offline by anyone who asks
  if (psk && get('aggressive') === 'yes') doubts.push(note('weak-listener', 'IKEv1 aggressive mode with a PSK: the key can be cracked offline'))
  // each exposure points at the value that opens it (possibly in %default or an also= conn)
  const at = (key: string) => {
    const v = s.get(key)
    return v ? {line: v.line, text: redactLine(`${key}=${v.value}`)} : {line: conn.line, text: `conn ${conn.name}`}
  }
  const out = listenerExposures({
    name: conn.name,
    ...at(re),
    remote,
    local,
    localPort: ikePortText && /^\d+$/.test(ikePortText) ? Number(ikePortText) : undefined,
    doubts,
  })

  // the remote side's traffic: its subnet, else the virtual IPs we hand it, else its own address
  const selectors = (side: string): TrafficSelector[] | undefined => {
    // Libreswan's `leftsubnets={a b}` lists several subnets, one child each: the same reach as a list
    const several = s.get(`${side}subnets`)
    const subnet = s.get(`${side}subnet`) ?? (several && {...several, value: several.value.replace(/[{}]/g, ' ').trim().split(/[\s,]+/).join(',')})
    const protoport = get(`${side}protoport`)
    const text = subnet?.value ?? (protoport ? 'dynamic' : undefined)
    if (text === undefined) return undefined
    const {selectors, problem} = readSelectors(text, protoport)
    if (problem) unparsed.push({line: subnet?.line ?? conn.line, code: 'bad-value', reason: `${side}subnet: ${problem}`, text: redactLine(`${side}subnet=${text}`)})
    return selectors
  }
  const dynamicSelectors = readSelectors('dynamic').selectors
  // strongSwan hands virtual IPs out of rightsourceip, Libreswan out of rightaddresspool
  const remotePool = get(`${re}sourceip`) ?? get(`${re}addresspool`)
  let remoteDynamic: PeerAddresses = remote
  if (remotePool && !/^%(config|modeconfig|cfg)\d?$/.test(remotePool)) {
    const pool = readPeerAddresses(remotePool.split(',').map((p) => (p.startsWith('%') ? p.slice(1) : p)))
    remoteDynamic = pool
  }
  const routeDoubts = sideNote ? [sideNote] : []
  out.push(
    ...childExposures({
      rule: conn.name,
      ...at([`${re}subnet`, `${re}subnets`, `${re}sourceip`, `${re}addresspool`, `${lo}subnet`, `${lo}subnets`].find((k) => s.has(k)) ?? `${re}subnet`),
      remote: selectors(re) ?? dynamicSelectors,
      local: selectors(lo) ?? dynamicSelectors,
      remoteDynamic,
      localDynamic: local,
      doubts: routeDoubts,
    }),
  )
  return out
}

/**
 * A side's address: IP, CIDR, range or list; `%any`; and names kept as names — `%defaultroute`,
 * hostnames (`%` prefix = resolve late), test-suite placeholders such as `PH_IP_MOON`.
 */
function sideAddress(value: string | undefined): PeerAddresses {
  if (value === undefined || value === '%any' || value === '') return {set: AddressSet.ANY, names: []}
  return readPeerAddresses(value.split(','))
}

function stripComment(line: string): string {
  let quote = false
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') quote = !quote
    else if (line[i] === '#' && !quote) return line.slice(0, i)
  }
  return line
}

function unquote(v: string): string {
  return /^"[^"]*"$/.test(v) ? v.slice(1, -1) : v
}
