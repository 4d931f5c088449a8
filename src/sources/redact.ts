/**
 * Secret redaction for config text that leaves the parser (exposure `text`, unparsed lines, errors).
 * Parsers call `redactLine` on every line they echo; the patterns cover every vendor's keywords so that
 * a line is safe whichever parser echoes it. Secrets never reach a report.
 *
 * Keywords match as whole tokens (`secret`, `client-secret`; never `secrets-dir` or `hashlimit`), and
 * the vendor forms whose value is not simply "the next word" are listed one by one.
 */
export const REDACTED = '<redacted>'

// A token boundary: config words are made of letters, digits, `-` and `_`.
const B = String.raw`(?<![\w-])`
const E = String.raw`(?![\w-])`

// Words whose next value is a secret. A compound ending in one of them is one too (`bind-password`,
// `client_secret`, `bcrypt-hash`); the last part must be the whole word (`secrets`, `tokenizer` are not).
const SECRET_WORDS = [
  'password', 'passwd2?', 'secret', 'passphrase', 'psk', 'psksecret', 'pre-?shared-?key', 'private-?key',
  'secret-?key', 'api-?key', 'auth-?key', 'shared-?key', 'bindpw', 'authentication-key', 'key-?string', 'community', 'token',
  'ciphertext', 'phash', 'hash', 'md5', 'auth[-_]pass', 'plain-text-password-value', 'ascii-text', 'hexadecimal',
].join('|')
// Between the keyword and the value: an encryption level (`password 7 …`, `secret 5 …`), or the form of
// the value (`pre-shared-key ascii-text …`, `authentication-key 1 md5 …`).
const QUALIFIER = String.raw`(?:(?:\d{1,2}|md5|sha\d*|ascii-text|hexadecimal|ascii|hex|ENC|key)\s+)*`
// The value: a quoted string or a token, never the `{`/`;` of a block syntax.
const VALUE = String.raw`("[^"]*"|'[^']*'|(?![{};])\S+)`
const KEYWORD_VALUE = new RegExp(
  String.raw`${B}((?:[A-Za-z0-9]+[-_])*(?:${SECRET_WORDS}))${E}(\s*[=:]\s*|\s+)(${QUALIFIER})${VALUE}`,
  'gi',
)

// `key X`: Cisco keyrings, tacacs/radius `key 7 X`, `crypto isakmp key X address …`, FortiOS `set key X`,
// Junos `key 0 { secret … }`; unless the word after `key` names something else (`crypto key generate rsa`).
const KEY_VALUE = new RegExp(String.raw`${B}(key)(\s+)((?:\d{1,2}\s+)?)${VALUE}`, 'gi')
const KEY_WORDS_NOT_SECRET = new Set(['chain', 'config-key', 'generate', 'zeroize', 'import', 'export', 'pubkey-chain', 'rsa', 'storage'])

// Positional secrets (Cisco syntax, but no other vendor gives these words another meaning): SNMPv3 users
// `auth sha X priv aes 128 Y`, WPA `wpa-psk ascii 0 X`, VRRP/HSRP `authentication text X`.
const POSITIONAL: RegExp[] = [
  /(\bauth\s+(?:md5|sha\S*)\s+)(?!<redacted>)\S+/gi,
  /(\bpriv\s+(?:des\S*|3des|aes(?:\s+\d+)?)\s+)(?!<redacted>|\d+\s+<redacted>)\S+/gi,
  /(\bwpa-psk\s+(?:ascii|hex)\s+(?:\d\s+)?)\S+/gi,
  /(\bauthentication\s+text\s+)\S+/gi,
]
// IOS/NX-OS: snmp-server host ADDR [traps|informs] [version 1|2c|3 auth|noauth|priv] COMMUNITY [udp-port N] …
// (the ASA form says `community X`, which KEYWORD_VALUE knows)
const SNMP_HOST_VERSION = /^(\s*snmp-server\s+host\s+\S+\s+(?:(?:traps|informs)\s+)?version\s+(?:1|2c|3\s+(?:auth|noauth|priv))\s+)(\S+)/i
const SNMP_HOST_PLAIN = /^(\s*snmp-server\s+host\s+(?:\d[\d.]*|[0-9a-f]*:[0-9a-f:]*)\s+(?:(?:traps|informs)\s+)?)(?!version\b)(\S+)/i

// FortiOS `set psksecret ENC …`, `set passwd ENC …`: the value after ENC, before the keyword rule would
// take `ENC` for the value
const ENC_VALUE = new RegExp(String.raw`${B}ENC\s+\S+`, 'g')
// JSON members whose name says secret: `"PreSharedKey": "…"`, `"private_key": "…"`
// (Azure `sharedKey`, storage `accountKey`/`primaryKey`, `connectionString` with its AccountKey=, Pulumi `ciphertext`)
const JSON_SECRET = /"([\w-]*(?:password|passwd|secret|pre[-_]?shared[-_]?key|shared[-_]?key|private[-_]?key|(?:primary|secondary|account|storage)[-_]?key|psk|passphrase|api[-_]?key|token|community|auth[-_]?key|connection[-_]?string|ciphertext|credential)[\w-]*)"(\s*:\s*)"(?:[^"\\]|\\.)*"/gi
// XML elements holding a secret: PAN-OS `<key>`, `<phash>`, pfSense `<bcrypt-hash>`, `<ipsecpsk>`, `<prv>`,
// `<rocommunity>`, `<ldap_bindpw>`, OPNsense WireGuard `<privkey>`
const XML_SECRET = /<((?:[\w]+[-_])*(?:password|passwd|secret|pre-?shared-?key|psk|passphrase|community|community-string|private-?key|auth-?key|authentication-key|api[-_]?key|hash|bindpw)|rocommunity|rwcommunity|privkey|key|phash|ipsecpsk|prv|shared_key|tls)>([^<]*)(<\/\1>)?/gi
// A private key inline (JSON string, one-line export): everything up to its END line
const PEM_INLINE = /(-----BEGIN ([A-Z0-9 ]*PRIVATE KEY|PGP PRIVATE KEY BLOCK)-----)[\s\S]*?(-----END \2-----|$)/g
// Junos `$9$…`, crypt(3) hashes `$1$…`, `$6$…`, IOS type 8/9
const JUNOS_9 = /"?\$9\$[^"\s;]*"?/g
const CRYPT = /\$(?:1|5|6|2[aby]?|y|sha512|8|9)\$[^\s"';]+/g
// A 32-byte key in base64 (WireGuard, Curve25519) anywhere, unless the line says it is the public half
const BASE64_KEY = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/g
const PUBLIC_KEY_LINE = /public[-_\s]?key|pubkey/i

/** A line that is only base64 or hex: the body of a PEM block or of an OpenVPN static key. */
function isKeyBody(text: string): boolean {
  if (/^[0-9a-f]{32,}$/i.test(text)) return true
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return false
  if (text.length >= 40 || text.endsWith('=')) return true
  // the short last line of a block: mixed case and digits, unlike a keyword (`exit`, `end`, `quit`)
  return text.length >= 12 && /\d/.test(text) && /[a-z]/.test(text) && /[A-Z]/.test(text)
}

/** Redact one line of config text. */
export function redactLine(line: string): string {
  let out = line
  out = out.replace(PEM_INLINE, (_m, begin: string, _kind: string, end: string) => `${begin}${REDACTED}${end}`)
  out = out.replace(ENC_VALUE, `ENC ${REDACTED}`)
  out = out.replace(JSON_SECRET, (_m, name: string, sep: string) => `"${name}"${sep}"${REDACTED}"`)
  out = out.replace(XML_SECRET, (m, tag: string, value: string, close: string | undefined) =>
    // an element with children (`<hash><member>sha256</member>`) holds no value of its own
    value.trim() === '' && !close ? m : `<${tag}>${REDACTED}${close ?? ''}`,
  )
  for (const re of POSITIONAL) out = out.replace(re, (_m, head: string) => `${head}${REDACTED}`)
  if (/^\s*snmp-server\s+host\b/i.test(out) && !/\bcommunity\b/i.test(out)) {
    const versioned = SNMP_HOST_VERSION.test(out)
    out = out.replace(versioned ? SNMP_HOST_VERSION : SNMP_HOST_PLAIN, (_m, head: string) => `${head}${REDACTED}`)
  }
  out = out.replace(KEYWORD_VALUE, (m, kw: string, sep: string, qualifier: string, value: string) =>
    value === REDACTED || value.startsWith(`${REDACTED}`) ? m : `${kw}${sep}${qualifier}${REDACTED}`,
  )
  out = out.replace(KEY_VALUE, (m, kw: string, sep: string, level: string, value: string) =>
    KEY_WORDS_NOT_SECRET.has(value.toLowerCase()) || value.startsWith(REDACTED) ? m : `${kw}${sep}${level}${REDACTED}`,
  )
  out = out.replace(JUNOS_9, REDACTED)
  out = out.replace(CRYPT, REDACTED)
  if (!PUBLIC_KEY_LINE.test(out)) out = out.replace(BASE64_KEY, REDACTED)
  if (isKeyBody(out.trim())) return REDACTED
  return out
}

/** Redact a value known to be secret, keeping nothing of it. */
export function redactValue(_value: string): string {
  return REDACTED
}
