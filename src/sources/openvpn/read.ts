/**
 * OpenVPN config text → directives with line numbers (openvpn(8) "options may be given in a config
 * file", one per line, without the leading `--`). Inline blocks are consumed here and never echoed.
 */
import {inputLines} from '../input.js'
import {IrmError} from '../../core/errors.js'
import {redactSetting} from '../vpn-common.js'
import type {IgnoredTable, ParseLedger} from '../kit/ledger.js'

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
  'duplicate-cn', 'verify-client-cert', 'client-cert-not-required', 'iroute', 'iroute-ipv6', 'config',
])

/** Directives that open nothing, grouped by why (openvpn(8) option list). */
const IGNORED: IgnoredTable = new Map(
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

export interface Directive {
  name: string
  args: string[]
  line: number
  text: string
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

/** Every non-blank, non-comment line gets its verdict here, or (modelled directives) when the model reads it. */
export function readDirectives(text: string, file: string, ledger: ParseLedger) {
  const lines = inputLines({file: '', text}).map((l) => l.text)
  const directives: Directive[] = []
  const inline = new Set<string>()
  let known = 0
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]
    const trimmed = raw.trim()
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) continue
    const n = i + 1
    const open = /^<([\w-]+)>$/.exec(trimmed)
    if (open) {
      const name = open[1].toLowerCase()
      if (name === 'connection') {
        ledger.ok(n) // a <connection> profile's directives are read like top-level ones
        continue
      }
      // the block's lines are consumed without echo, whatever they hold
      let j = i + 1
      while (j < lines.length && lines[j].trim().toLowerCase() !== `</${name}>`) j++
      const inner = lines.slice(i + 1, j).filter((l) => l.trim() !== '').length
      if (j >= lines.length) {
        // the tag and every line after it, one entry
        ledger.count(inner + 1)
        ledger.unparsed(n, `inline <${name}> block is never closed (truncated file?): the rest of the file is not read`, `<${name}>`, {code: 'malformed', cost: inner + 1})
      } else if (INLINE_BLOCKS.has(name)) {
        for (let k = i; k <= j; k++) if (lines[k].trim() !== '') ledger.ok(k + 1)
        known++
        inline.add(name)
      } else {
        ledger.ok(j + 1) // the closing tag
        const what = `${inner} line${inner === 1 ? '' : 's'}`
        ledger.count(inner + 1)
        ledger.unparsed(n, `unknown inline block <${name}> (${what}): not read, not echoed`, `<${name}>`, {code: 'unknown-statement', cost: inner + 1})
      }
      i = j
      continue
    }
    if (trimmed.toLowerCase() === '</connection>') {
      ledger.ok(n)
      continue
    }
    const tokens = tokenize(trimmed)
    if (!tokens) {
      ledger.unparsed(n, 'unclosed quote', redactSetting(trimmed.split(/\s/)[0], trimmed), {code: 'malformed'})
      continue
    }
    // a line holding only a comment after blanks is no line
    if (tokens.length === 0) continue
    const name = tokens[0].replace(/^--/, '').toLowerCase()
    const directive = {name, args: tokens.slice(1), line: n, text: redactSetting(tokens[0], trimmed.replace(/(?<!\s)\s+[#;][^]*$/, ''))}
    if (MODELLED.has(name)) {
      known++
      directives.push(directive) // understood or not is decided when the model reads it
    } else if (ledger.ignoreFrom(IGNORED, name, n)) {
      known++
    } else {
      ledger.unparsed(n, `unknown directive '${tokens[0]}'`, redactSetting(tokens[0], trimmed), {code: 'unknown-statement'})
    }
  }
  if (known === 0) {
    throw new IrmError('CONFIG_WRONG_FORMAT', 'not an OpenVPN config: no OpenVPN directive found', {
      file,
      hint: 'An OpenVPN config has lines like "dev tun", "proto udp", "remote HOST PORT"; check --type.',
    })
  }
  return {directives, inline}
}
