/**
 * swanctl.conf (strongSwan's settings syntax: `name { … }` sections, `key = value` settings, `#`
 * comments, `include`). Read into a section tree with line numbers, then `connections`, `pools` and
 * `secrets` are interpreted. Secrets are counted as understood and never echoed, whatever they hold.
 *
 * swanctl.conf(5): local_addrs/remote_addrs default to %any; local_ts/remote_ts default to `dynamic`
 * (the IKE address, or the virtual IP a peer got from `pools`); IKE uses local_port 500 and floats to
 * 4500 for NAT-T.
 */
import {inputLines} from '../input.js'
import {IrmError} from '../../core/errors.js'
import {MAX_NESTING} from '../../core/limits.js'
import type {Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import {REDACTED, redactLine} from '../redact.js'
import type {ParseResult, Unparsed, UnparsedCode} from '../types.js'
import {matchFamilies, readPeerAddresses, redactSetting, type PeerAddresses} from '../vpn-common.js'
import {type IgnoredTable, ParseLedger} from '../kit/ledger.js'
import {type DoubtNote, note} from '../../model/doubts.js'
import {childExposures, describeDevice, listenerExposures, readSelectors, type TrafficSelector} from './common.js'

interface Setting {
  key: string
  value: string
  line: number
  text: string
}

interface Section {
  name: string
  line: number
  settings: Setting[]
  sections: Section[]
  /** Lines inside (for the message about sections we do not model). */
  lines: number
  /** `name : base1, base2 {` — sections whose content this one inherits (strongSwan ≥ 5.7). */
  refs: string[]
}

// swanctl.conf(5) keys, per section kind; anything else is reported
const CONNECTION_KEYS = new Set(
  'version local_addrs remote_addrs local_port remote_port proposals vips aggressive pull dscp encap mobike dpd_delay dpd_timeout fragmentation childless send_certreq send_cert ocsp ppk_id ppk_required keyingtries unique reauth_time rekey_time over_time rand_time pools if_id_in if_id_out mediation mediated_by mediation_peer'.split(' '),
)
const AUTH_KEYS = new Set('round certs pubkeys auth id eap_id aaa_id xauth_id revocation groups cert_policy ca_id cacerts'.split(' '))
const CHILD_KEYS = new Set(
  'ah_proposals esp_proposals sha256_96 local_ts remote_ts rekey_time life_time rand_time rekey_bytes life_bytes rand_bytes rekey_packets life_packets rand_packets updown hostaccess mode policies policies_fwd_out dpd_action ipcomp inactivity reqid priority interface mark_in mark_in_sa mark_out set_mark_in set_mark_out if_id_in if_id_out label label_mode tfc_padding replay_window hw_offload copy_df copy_ecn copy_dscp start_action close_action per_cpu_sas'.split(' '),
)
const POOL_KEYS = new Set('addrs dns nbns dhcp netmask server subnet split_include split_exclude'.split(' '))
/** Sections read on purpose but opening nothing. */
const IGNORED_SECTIONS: IgnoredTable = new Map(Object.entries({
  authorities: 'CA definitions (certificate sources and revocation URIs)',
  secrets: 'credentials: never echoed',
  // strongswan.conf(5) sections (same syntax, often concatenated with swanctl.conf): daemon and tool tuning
  ...Object.fromEntries(
    'charon charon-systemd charon-nm charon-cmd charon-svc libstrongswan libcharon libimcv libtnccs libtls starter pki swanctl attest pool manager medsrv scepclient aikgen sec-updater pt-tls-client tnc imv_policy_manager'
      .split(' ')
      .map((name) => [name, 'strongswan.conf daemon/tool settings (threads, plugins, logging): open nothing']),
  ),
}))
/** strongswan.conf keys that move the IKE listener: reported, the exposures keep ports 500/4500. */
const LISTENER_KEYS = new Set(['port', 'port_nat_t'])

/** strongswan.conf(5): names and keys hold any printable character but `. , : { } = " #` and blanks. */
const NAME = '[^.,:{}="#\\s]+'
const SECTION_HEAD = new RegExp(`^(${NAME})(?:\\s*:\\s*(${NAME}(?:\\s*,\\s*${NAME})*))?$`)
const SETTING = new RegExp(`^(${NAME})[ \\t]*=[ \\t]*([^]*)$`)

type Fail = (s: {line: number; text?: string}, reason: string, code: UnparsedCode) => void

export function parseSwanctl(text: string): ParseResult {
  const unparsed: Unparsed[] = []
  const {root, count, warning} = readTree(text, unparsed)
  inheritAll(root)
  // every line is understood unless reported (or inside a section we refuse to read)
  const notUnderstood = new Set(unparsed.map((u) => u.line))
  if (warning) unparsed.push(warning)
  const fail: Fail = (s, reason, code) => {
    unparsed.push({line: s.line, code, reason, text: s.text ?? ''})
    notUnderstood.add(s.line)
  }
  const failSection = (section: Section, reason: string, code: UnparsedCode) => {
    fail({line: section.line, text: `${section.name} {`}, reason, code)
    for (const line of settingLines(section)) notUnderstood.add(line)
  }

  const pools = new Map<string, AddressSet>()
  for (const top of root.sections) {
    if (top.name === 'pools') {
      for (const s of top.settings) fail(s, `setting '${s.key}' directly in pools`, 'malformed')
      for (const pool of top.sections) {
        for (const s of pool.settings) {
          if (!POOL_KEYS.has(s.key) && !/^\d+$/.test(s.key)) fail(s, `unknown pool setting '${s.key}'`, 'unknown-statement')
          else if (s.key === 'addrs') {
            const addrs = readPeerAddresses(s.value.split(','))
            if (addrs.names.length) fail(s, `pool addrs: cannot read ${addrs.names.join(', ')}`, 'bad-value')
            else pools.set(pool.name, addrs.set)
          }
        }
        for (const sub of pool.sections) failSection(sub, `unexpected section '${sub.name}' in pool '${pool.name}'`, 'unknown-statement')
      }
    }
  }

  const exposures: Exposure[] = []
  for (const top of root.sections) {
    if (top.name === 'connections') {
      for (const conn of top.sections) readConnection(conn, pools, exposures, fail, failSection)
      for (const s of top.settings) fail(s, `setting '${s.key}' directly in connections`, 'malformed')
    } else if (top.name.startsWith('charon') && IGNORED_SECTIONS.has(top.name)) {
      for (const s of top.settings) if (LISTENER_KEYS.has(s.key)) fail(s, `${top.name}.${s.key} moves the IKE listener: not modelled (exposures show 500/4500)`, 'unsupported')
    } else if (!IGNORED_SECTIONS.has(top.name) && top.name !== 'pools') {
      failSection(top, `section '${top.name}' not modelled (a strongswan.conf section?): its ${top.lines} lines are not read`, 'unsupported')
    }
  }
  for (const s of root.settings) fail(s, `setting '${s.key}' outside any section`, 'malformed')
  // an inherited setting is checked again in every section that inherits it: report it once
  const seen = new Set<string>()
  const ledger = new ParseLedger()
  ledger.total(count)
  // sections skipped on purpose, every line of them (a reported line below takes its own verdict)
  for (const top of root.sections) {
    const reason = IGNORED_SECTIONS.get(top.name)
    if (reason === undefined) continue
    ledger.ignored(top.line, reason)
    for (const line of settingLines(top)) ledger.ignored(line, reason)
  }
  // the warning's header was read: it costs no line
  for (const u of unparsed) if (!seen.has(`${u.line}|${u.reason}`) && seen.add(`${u.line}|${u.reason}`)) ledger.add(u, u === warning ? {cost: 0} : {})
  for (const line of notUnderstood) ledger.lost(line)
  const matched = exposures.flatMap(matchFamilies)
  const {unparsed: once, stats, status} = ledger.finish()
  return {exposures: matched, unparsed: once, stats, status, device: describeDevice(matched)}
}

/** Lines of the settings and sub-section headers in a section and below it. */
function settingLines(section: Section): number[] {
  return [...section.settings.map((s) => s.line), ...section.sections.flatMap((s) => [s.line, ...settingLines(s)])]
}

function readConnection(
  conn: Section,
  pools: Map<string, AddressSet>,
  exposures: Exposure[],
  fail: Fail,
  failSection: (section: Section, reason: string, code: UnparsedCode) => void,
): void {
  const get = (key: string) => conn.settings.find((s) => s.key === key)
  for (const s of conn.settings) if (!CONNECTION_KEYS.has(s.key)) fail(s, `unknown connection setting '${s.key}'`, 'unknown-statement')
  const localPortText = get('local_port')?.value
  const localPort = localPortText && /^\d{1,5}$/.test(localPortText) ? Number(localPortText) : undefined
  const remote = readAddrs(get('remote_addrs')?.value)
  const local = readAddrs(get('local_addrs')?.value)
  const doubts: DoubtNote[] = []
  if (!get('remote_addrs')) doubts.push(note('any-peer', 'remote_addrs unset: IKE is accepted from any address'))
  const psk = conn.sections.some((sub) => /^(local|remote)/.test(sub.name) && sub.settings.some((x) => x.key === 'auth' && x.value === 'psk'))
  // IKEv1 aggressive mode sends the PSK hash in the clear: crackable offline by anyone who asks
  if (psk && get('aggressive')?.value === 'yes') doubts.push(note('weak-listener', 'IKEv1 aggressive mode with a PSK: the key can be cracked offline'))
  exposures.push(
    // located at the value that opens it: remote_addrs (or the connection when it is unset)
    ...listenerExposures({name: conn.name, ...locate(conn, get('remote_addrs')), remote, local, localPort, doubts}),
  )

  // virtual IPs handed out to peers: `dynamic` on the remote side means one of these
  const poolNames = (get('pools')?.value ?? '').split(',').map((p) => p.trim()).filter(Boolean)
  let poolSet = AddressSet.EMPTY
  const unknownPools: string[] = []
  for (const p of poolNames) {
    const set = pools.get(p)
    if (set) poolSet = poolSet.union(set)
    else unknownPools.push(p) // radius, dhcp, or defined in another file
  }
  const remoteDynamic: PeerAddresses = poolNames.length
    ? unknownPools.length
      ? {set: AddressSet.ANY, names: unknownPools}
      : {set: poolSet, names: []}
    : remote

  for (const sub of conn.sections) {
    if (/^(local|remote)(-.+)?$/.test(sub.name)) {
      for (const s of sub.settings) if (!AUTH_KEYS.has(s.key)) fail(s, `unknown ${sub.name} setting '${s.key}'`, 'unknown-statement')
      // cert-*/cacert-* subsections name token or file certificates
      for (const c of sub.sections) {
        if (!/^(cert|cacert)/.test(c.name)) failSection(c, `unexpected section '${c.name}' in '${sub.name}'`, 'unknown-statement')
      }
    } else if (sub.name === 'children') {
      for (const child of sub.sections) readChild(conn.name, child, remoteDynamic, local, exposures, fail, failSection)
      for (const s of sub.settings) fail(s, `setting '${s.key}' directly in children`, 'malformed')
    } else {
      failSection(sub, `unknown section '${sub.name}' in connection '${conn.name}'`, 'unknown-statement')
    }
  }
}

/** Where an exposure points: the setting that decides it, else the section header. */
function locate(section: Section, setting: Setting | undefined): {line: number; text: string} {
  return setting ? {line: setting.line, text: setting.text} : {line: section.line, text: `${section.name} {`}
}

function readAddrs(value: string | undefined): PeerAddresses {
  return readPeerAddresses(value === undefined ? [] : value.split(','))
}

function readChild(
  connName: string,
  child: Section,
  remoteDynamic: PeerAddresses,
  local: PeerAddresses,
  exposures: Exposure[],
  fail: Fail,
  failSection: (section: Section, reason: string, code: UnparsedCode) => void,
): void {
  let remoteTs: TrafficSelector[] | undefined
  let localTs: TrafficSelector[] | undefined
  let at: Setting | undefined
  let mode = 'tunnel'
  for (const s of child.settings) {
    if (!CHILD_KEYS.has(s.key)) {
      fail(s, `unknown child setting '${s.key}'`, 'unknown-statement')
      continue
    }
    if (s.key === 'local_ts' || s.key === 'remote_ts') {
      const {selectors, problem} = readSelectors(s.value)
      if (problem) fail(s, `${s.key}: ${problem}`, 'bad-value')
      if (s.key === 'local_ts') localTs = selectors
      else remoteTs = selectors
      if (s.key === 'remote_ts' || !at) at = s
      continue
    }
    if (s.key === 'mode') mode = s.value.toLowerCase()
  }
  for (const sub of child.sections) failSection(sub, `unexpected section '${sub.name}' in child '${child.name}'`, 'unknown-statement')
  // pass/drop children install bypass or block policies: no tunnel, no route
  if (mode === 'pass' || mode === 'drop') return
  const defaults = readSelectors('dynamic').selectors
  const doubts: DoubtNote[] = []
  if (local.set.isAny() && (localTs ?? defaults).some((t) => t.dynamic)) doubts.push(note('unknown-address', "local_ts dynamic with local_addrs unset: the host's own address (any)"))
  exposures.push(
    ...childExposures({
      rule: `${connName}/${child.name}`,
      ...locate(child, at),
      remote: remoteTs ?? defaults,
      local: localTs ?? defaults,
      remoteDynamic,
      localDynamic: local,
      doubts,
    }),
  )
}

/**
 * The settings syntax, line by line: `name {`, `}`, `key = value`, `include path`. Counts every
 * non-blank non-comment line; structure lines (braces) of known sections count as understood.
 */
/** `name {` or `name { }` → [line, name, '}'?]; by slicing, as a lazy `(.*?)\s*\{` is quadratic on long lines. */
function sectionOpen(line: string): [string, string, string | undefined] | undefined {
  let body = line
  let closed: string | undefined
  if (body.endsWith('}')) {
    body = body.slice(0, -1).trimEnd()
    closed = '}'
  }
  if (!body.endsWith('{')) return undefined
  return [line, body.slice(0, -1).trimEnd(), closed]
}

function readTree(text: string, unparsed: Unparsed[]): {root: Section; count: number; warning?: Unparsed} {
  const root: Section = {name: '', line: 0, settings: [], sections: [], lines: 0, refs: []}
  const stack: Section[] = [root]
  let count = 0
  const lines = inputLines({file: '', text}).map((l) => l.text)
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1
    const line = stripComment(lines[i]).trim()
    if (line === '') continue
    count++
    for (const s of stack) s.lines++
    const top = stack[stack.length - 1]
    // any line ending in `{` opens a section, so that braces stay balanced even around a bad name
    const open = sectionOpen(line)
    if (open) {
      const head = SECTION_HEAD.exec(open[1])
      const section: Section = {name: head?.[1] ?? open[1], line: n, settings: [], sections: [], lines: 0, refs: head?.[2]?.split(',').map((r) => r.trim()) ?? []}
      if (!head) unparsed.push({line: n, code: 'malformed', reason: 'section name not understood: its content is read as written', text: redactLine(line)})
      top.sections.push(section)
      if (stack.length > MAX_NESTING) {
        throw new IrmError('CONFIG_SYNTAX', `sections nest deeper than ${MAX_NESTING} levels`, {line: n, hint: 'swanctl.conf nests a few levels; this file is damaged.'})
      }
      if (!open[2]) stack.push(section)
      continue
    }
    if (line === '}') {
      if (stack.length > 1) stack.pop()
      else unparsed.push({line: n, code: 'malformed', reason: "'}' without an open section", text: '}'})
      continue
    }
    const include = /^include\s+(\S+)$/.exec(line)
    if (include) {
      unparsed.push({line: n, code: 'not-followed', reason: 'include not followed: parse that file too', text: redactLine(line)})
      continue
    }
    // nothing under a top-level `secrets` section is kept, not even in memory
    const inSecrets = stack[1]?.name === 'secrets'
    const kv = SETTING.exec(line)
    if (kv) {
      const value = inSecrets ? '' : unquote(kv[2].trim())
      top.settings.push({key: kv[1], value, line: n, text: inSecrets ? `${kv[1]} = ${REDACTED}` : redactSetting(kv[1], line)})
      continue
    }
    unparsed.push({line: n, code: 'malformed', reason: 'not a section, setting or include', text: inSecrets ? REDACTED : redactLine(line)})
  }
  const unclosed = stack.length > 1 ? stack[stack.length - 1] : undefined
  // reported after the fact: the header itself was read, so it is not counted as not understood
  const warning = unclosed && {line: unclosed.line, code: 'malformed' as const, reason: `section '${unclosed.name}' is never closed (truncated file?)`, text: `${unclosed.name} {`}
  return {root, count, warning}
}

/**
 * Section references (strongswan.conf(5) "sections may reference other sections of the same level"):
 * the referenced sections' settings and sub-sections are copied in unless the section sets them itself.
 */
function inheritAll(parent: Section): void {
  const byName = new Map(parent.sections.map((s) => [s.name, s]))
  const done = new Set<Section>()
  const resolve = (section: Section, path: Set<Section>) => {
    if (done.has(section) || path.has(section)) return // a reference loop copies nothing more
    path.add(section)
    for (const ref of section.refs) {
      const base = byName.get(ref)
      if (!base) continue
      resolve(base, path)
      merge(section, base)
    }
    done.add(section)
  }
  for (const s of parent.sections) resolve(s, new Set())
  for (const s of parent.sections) inheritAll(s)
}

function merge(into: Section, from: Section): void {
  const keys = new Set(into.settings.map((s) => s.key))
  for (const s of from.settings) if (!keys.has(s.key)) into.settings.push(s)
  for (const sub of from.sections) {
    const own = into.sections.find((s) => s.name === sub.name)
    if (own) merge(own, sub)
    else into.sections.push(copy(sub))
  }
}

function copy(section: Section): Section {
  return {...section, settings: [...section.settings], sections: section.sections.map(copy)}
}

/** `#` starts a comment outside quotes. */
function stripComment(line: string): string {
  let quote = ''
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote) {
      if (c === '\\') i++
      else if (c === quote) quote = ''
    } else if (c === '"' || c === "'") quote = c
    else if (c === '#') return line.slice(0, i)
  }
  return line
}

function unquote(v: string): string {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(v)
  return m ? m[1].replace(/\\(.)/g, '$1') : v
}
