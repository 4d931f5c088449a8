/**
 * Secret redaction for config text that leaves the parser (exposure `text`, unparsed lines, errors).
 * Parsers call `redactLine` on every line they echo; the patterns cover every vendor's keywords so that
 * a line is safe whichever parser echoes it. Secrets never reach a report.
 *
 * Keywords match as whole tokens (`secret`, `client-secret`; never `secrets-dir` or `hashlimit`), and
 * the vendor forms whose value is not simply "the next word" are listed one by one.
 */
import {MAX_ECHO} from '../core/limits.js'
import {isWhiteSpace} from './input.js'

export const REDACTED = '<redacted>'
// Echoed text is cut to MAX_ECHO characters before redaction, so no line costs more than that to redact.
export {MAX_ECHO} from '../core/limits.js'

// A token boundary: config words are made of letters, digits, `-` and `_`.
const B = String.raw`(?<![\w-])`
const E = String.raw`(?![\w-])`

// Words whose next value is a secret. A compound ending in one of them is one too (`bind-password`,
// `client_secret`, `bcrypt-hash`); the last part must be the whole word (`secrets`, `tokenizer` are not).
const SECRET_WORDS = [
  'password', 'passwd2?', 'secret', 'passphrase', 'psk', 'psksecret', 'pre-?shared-?key', 'private-?key',
  'secret-?key', 'api-?key', 'auth-?key', 'shared-?key', 'bindpw', 'authentication-key', 'key-?string', 'community', 'token',
  'ciphertext', 'phash', 'hash', 'md5', 'auth[-_]pass', 'plain-text-password-value', 'ascii-text', 'hexadecimal',
  // IOS `key config-key password-encrypt X`, FortiOS `set md5-keys`, AWS `aws_secret_access_key = X`, swanctl `pin = X`
  'password-encrypt', 'md5-keys', 'access[-_]?key', 'pin', 'otp[-_]?seed', 'plaintext',
].join('|')
// A run of letters ending in a password word: FortiOS `authpasswd`, `bindpassword`
const GLUED = String.raw`[A-Za-z0-9]*(?:passwd|password)`
// The rest of the value after a secret keyword, qualifiers included (`7`, `md5`, `local`, `remote 0`,
// `ascii-text`): every word up to the end of the statement (`;`, `{`, `}`, a comment, the end of the line).
// Words are separated by blanks and never contain one, so there is one way to match.
// A word may glue quoted and bare parts (`"a"b""`); only its first part may be an unclosed quote (which
// takes the rest of the line). Each alternative starts with its own character: one way to match.
const WORD = String.raw`(?:"[^"]*"?|'[^']*'?|[^\s;{}"'#])(?:"[^"]*"|'[^']*'|[^\s;{}"'#])*`
const REST = String.raw`(${WORD}(?:[ \t]+${WORD})*)`
const KEYWORD_VALUE = new RegExp(
  String.raw`${B}(-{0,2}(?:(?:[A-Za-z0-9]+[-_])*(?:${SECRET_WORDS})|${GLUED}))${E}("?[ \t]*[=:][ \t]*|[ \t]+)${REST}`,
  'gi',
)

// Other secret words glued to letters or digits (`clientsecret=`, `accesstoken:`, `9secret=` in a
// comment) are secrets when a value is assigned to them; followed by a blank they are as often prose
// (`FortiToken MFA`). `key` is left out: glued, it names other things (`hotkey`, `monkey`).
const GLUED_ASSIGNED = new RegExp(String.raw`${B}([A-Za-z0-9]+(?:secret|token|passphrase))${E}("?[ \t]*[=:][ \t]*)${REST}`, 'gi')

// `key X`: Cisco keyrings, tacacs/radius `key 7 X`, `crypto isakmp key X address …`, FortiOS `set key X`,
// Junos `key 0 { secret … }`; unless the word after `key` names something else (`crypto key generate rsa`).
const KEY_VALUE = new RegExp(String.raw`${B}(key)([ \t]*[=:][ \t]*|[ \t]+)((?:\d{1,2}[ \t]+)?)(${WORD})`, 'gi')
const KEY_WORDS_NOT_SECRET = new Set(['chain', 'config-key', 'generate', 'zeroize', 'import', 'export', 'pubkey-chain', 'rsa', 'storage'])

// Positional secrets (Cisco syntax, but no other vendor gives these words another meaning): SNMPv3 users
// `auth sha X priv aes 128 Y`, WPA `wpa-psk ascii 0 X`, VRRP/HSRP `authentication text X`.
const POSITIONAL: RegExp[] = [
  /(\bauth[ \t]+(?:md5|sha\S*)[ \t]+)(?!<redacted>)\S+/gi,
  /(\bpriv[ \t]+(?:des\S*|3des|aes(?:[ \t]+\d+)?)[ \t]+)(?!<redacted>|\d+[ \t]+<redacted>)\S+/gi,
  /(\bwpa-psk[ \t]+(?:ascii|hex)[ \t]+(?:\d[ \t]+)?)\S+/gi,
  /(\bauthentication[ \t]+text[ \t]+)\S+/gi,
]
// Statements whose whole rest is a secret: HSRP `standby 1 authentication [md5 key-string] X`, NHRP
// `ip nhrp authentication X`, strongSwan secrets `: RSA file "X"`, `: P12 …`, `: PIN %smartcard X`, `: EAP X`
const REST_AFTER: RegExp[] = [
  new RegExp(String.raw`(\bstandby(?:[ \t]+\d+)?[ \t]+authentication[ \t]+)${REST}`, 'gi'),
  new RegExp(String.raw`(\bnhrp[ \t]+authentication[ \t]+)${REST}`, 'gi'),
  new RegExp(String.raw`((?:^|[ \t]):[ \t]*(?:PSK|RSA|ECDSA|BLISS|PKCS8|PKCS12|P12|PIN|EAP|XAUTH|NTLM)[ \t]+)${REST}`, 'gi'),
]
// IOS/NX-OS: snmp-server host ADDR [traps|informs] [version 1|2c|3 auth|noauth|priv] COMMUNITY [udp-port N] …
// ASA: snmp-server host IF ADDR [trap|poll] COMMUNITY (the long form says `community X`, which KEYWORD_VALUE knows)
const SNMP_HOST_VERSION = /((?:^|[ \t])snmp-server[ \t]+host[ \t]+\S+[ \t]+(?:(?:traps|informs)[ \t]+)?version[ \t]+(?:1|2c|3[ \t]+(?:auth|noauth|priv))[ \t]+)(\S+)/i
const SNMP_HOST_PLAIN = /((?:^|[ \t])snmp-server[ \t]+host[ \t]+(?:[A-Za-z][\w./-]*[ \t]+)?(?:\d[\d.]*|[0-9a-f]*:[0-9a-f:]*)[ \t]+(?:(?:traps|informs|trap|poll)[ \t]+)?)(?!version\b|udp-port\b|vrf\b)(\S+)/i

// FortiOS `set psksecret ENC …`, `set passwd ENC …`: the value after ENC, before the keyword rule would
// take `ENC` for the value
const ENC_VALUE = new RegExp(String.raw`${B}ENC[ \t]+\S+`, 'g')
// JSON members: `"PreSharedKey": "…"`, `"private_key": "…"`; the name is judged by SECRET_NAME
const JSON_MEMBER = /"([\w-]+)"([ \t]*:[ \t]*)"((?:[^"\\]|\\.)*)"/g
// (Azure `sharedKey`, storage `accountKey`/`primaryKey`, `connectionString` with its AccountKey=, Pulumi
// `ciphertext` and `plaintext` under --show-secrets)
const SECRET_NAME = /(?:password|passwd|secret|pre[-_]?shared[-_]?key|shared[-_]?key|private[-_]?key|(?:primary|secondary|account|storage)[-_]?key|psk|passphrase|api[-_]?key|token|community|auth[-_]?key|connection[-_]?string|ciphertext|plaintext|credential)/i
// XML elements holding a secret: PAN-OS `<key>`, `<phash>`, pfSense `<bcrypt-hash>`, `<ipsecpsk>`, `<prv>`,
// `<rocommunity>`, `<ldap_bindpw>`, `<radiuskey>`, `<auth_pass>`, `<otp_seed>`, OPNsense WireGuard
// `<privkey>`; the value may be CDATA. The tag is judged by XML_SECRET_TAG.
const XML_ELEMENT = /<([\w-]+)>(<!\[CDATA\[(?:[^\]]|\](?!\]>))*(?:\]\]>)?|[^<]*)(<\/[\w-]+>)?/g
const XML_SECRET_TAG = /(?:password|passwd|secret|psk|passphrase|community|key|hash|bindpw|pass|seed|prv|tls)$/i
const XML_PUBLIC_TAG = /(?:pub|public[-_]?)key$|^(?:keyid|hotkey)$/i
// Connection strings and query strings: Azure `AccountKey=X;`, `SharedAccessKey=X`, SAS `sig=X&`
const QUERY_SECRET = /(\b(?:AccountKey|SharedAccessKey|SharedAccessSignature|sig|Password|Pwd)=)([^;&\s"'<]+)/gi
// URL userinfo `scheme://user:X@host`
const URL_USERINFO = /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)@/gi
// HTTP `Authorization: Bearer X`, `Basic X`
const BEARER = /(\b(?:Bearer|Basic)[ \t]+)\S+/g
// A private key inline (JSON string, one-line export): everything up to its END line (found by indexOf:
// a lazy `[\s\S]*?` to a back-reference is polynomial on repeated BEGIN lines)
const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{0,40}PRIVATE KEY|PGP PRIVATE KEY BLOCK)-----/g

function redactPem(text: string): string {
  let out = ''
  let from = 0
  PEM_BEGIN.lastIndex = 0
  for (let m = PEM_BEGIN.exec(text); m; m = PEM_BEGIN.exec(text)) {
    const bodyStart = m.index + m[0].length
    const end = `-----END ${m[1]}-----`
    const at = text.indexOf(end, bodyStart)
    out += `${text.slice(from, bodyStart)}${REDACTED}`
    from = at < 0 ? text.length : at
    if (at >= 0) out += end
    from = at < 0 ? text.length : at + end.length
    PEM_BEGIN.lastIndex = from
  }
  return out + text.slice(from)
}
// Junos `$9$…`, crypt(3) hashes `$1$…`, `$6$…`, IOS type 8/9
const JUNOS_9 = /"?\$9\$[^"\s;]*"?/g
const CRYPT = /\$(?:1|5|6|2[aby]?|y|sha512|8|9)\$[^\s"';]+/g
// A 32-byte key in base64 (WireGuard, Curve25519) anywhere, unless the line says it is the public half
const BASE64_KEY = /(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/g
const PUBLIC_KEY_LINE = /public[-_\s]?key|pubkey/i

/** `text` without its last, possibly cut, word. */
function cutWord(text: string): string {
  let i = text.length
  while (i > 0 && !/[\s;{}<>"',]/.test(text[i - 1])) i--
  return text.slice(0, i)
}

/** A line that is only base64 or hex: the body of a PEM block or of an OpenVPN static key. */
function isKeyBody(text: string): boolean {
  if (/^[0-9a-f]{32,}$/i.test(text)) return true
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) return false
  if (text.length >= 40 || text.endsWith('=')) return true
  // the short last line of a block: mixed case and digits, unlike a keyword (`exit`, `end`, `quit`)
  return text.length >= 12 && /\d/.test(text) && /[a-z]/.test(text) && /[A-Z]/.test(text)
}

// The keyword prefilter: every pattern above needs one of these words or characters (ASCII
// case-insensitive superset: `pass` covers password, passwd, auth_pass, Password=; `key` every *key form;
// `$` the crypt and `$9$` forms; `=` the base64 key; `://` URL userinfo; `-----` PEM; the strongSwan
// `: RSA …` types). A line without any of them, and with a blank inside (so not a bare key body), comes
// back unchanged from the whole chain: it skips it. tests/sources/redact-prefilter.test.ts holds both
// paths equal, and the scanner equal to the regex `PREFILTER_WORDS.join('|')` (flag i) it replaces.
export const PREFILTER_WORDS: readonly string[] = [
  'pass', 'secret', 'psk', 'key', 'token', 'communit', 'hash', 'md5', 'pin', 'cipher', 'plain', 'ascii-text', 'hex',
  'seed', 'bindpw', 'credential', 'connection', 'sig', 'pwd', 'auth', 'priv', 'wpa', 'standby', 'nhrp', 'snmp', 'bearer',
  'basic', 'enc', 'rsa', 'ecdsa', 'bliss', 'pkcs', 'p12', 'eap', 'ntlm', 'prv', 'tls', '$', '=', '://', '-----',
]

// The prefilter runs on every line a parser echoes (a big rule base: millions of characters), so it is
// one automaton over the characters (Aho-Corasick, made a full table: one lookup per character) instead
// of a regex trying each word at each position. States are rows of 128 ASCII columns; a character
// beyond ASCII is in no word (and /i folds none of them to ASCII) and goes back to the start.
/** The table's answer once a word is found (the scan stops, or starts again at state 0). */
export const PREFILTER_FOUND = 0xffff
/** The automaton: `table[(state << 7) | code]` is the next state for an ASCII character; state 0 is the start. */
export const PREFILTER_TABLE = ((): Uint16Array => {
  const next: number[][] = [new Array<number>(128).fill(-1)]
  const accepts: boolean[] = [false]
  for (const w of PREFILTER_WORDS) {
    let s = 0
    for (const ch of w.toLowerCase()) {
      const c = ch.charCodeAt(0)
      if (next[s][c] < 0) {
        next[s][c] = next.length
        next.push(new Array<number>(128).fill(-1))
        accepts.push(false)
      }
      s = next[s][c]
    }
    accepts[s] = true
  }
  // breadth first: each state's failure state is shallower, so its row is complete when it is needed
  const fail = new Array<number>(next.length).fill(0)
  const table = new Uint16Array(next.length * 128)
  const queue: number[] = []
  for (let c = 0; c < 128; c++) {
    const t = next[0][c]
    table[c] = t < 0 ? 0 : t
    if (t > 0) queue.push(t)
  }
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]
    accepts[s] ||= accepts[fail[s]]
    for (let c = 0; c < 128; c++) {
      const t = next[s][c]
      if (t < 0) table[s * 128 + c] = table[fail[s] * 128 + c]
      else {
        fail[t] = table[fail[s] * 128 + c]
        table[s * 128 + c] = t
        queue.push(t)
      }
    }
  }
  // a word found ends the scan; upper-case letters move as lower-case ones
  for (let s = 0; s < next.length; s++) {
    for (let c = 65; c <= 90; c++) table[s * 128 + c] = table[s * 128 + c + 32]
    for (let c = 0; c < 128; c++) if (accepts[table[s * 128 + c]]) table[s * 128 + c] = PREFILTER_FOUND
  }
  return table
})()

/** Whether `text` holds one of PREFILTER_WORDS, in any ASCII case. */
export function hasPrefilterWord(text: string): boolean {
  const table = PREFILTER_TABLE
  let s = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    s = c < 128 ? table[(s << 7) | c] : 0
    if (s === PREFILTER_FOUND) return true
  }
  return false
}

/** A blank between two other characters: a line made of one word (none) may be a key body. */
export function hasInnerBlank(line: string): boolean {
  // as /\S[ \t]+\S/: a blank run with a non-space character on each side (\s is wider than blank)
  let seen = false
  let blank = false
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c === 32 || c === 9) {
      if (seen) blank = true
    } else if (isWhiteSpace(c)) {
      seen = false
      blank = false
    } else {
      if (blank) return true
      seen = true
    }
  }
  return false
}

/** Whether the redaction chain can change `line` at all (false: it returns it as is). */
export function mayHoldSecret(line: string): boolean {
  return hasPrefilterWord(line) || !hasInnerBlank(line)
}

/**
 * The keyword test of the prefilter alone, on one piece of text. A keyword never spans JSON's quotes or
 * punctuation, so a JSON text whose every string (as printed) passes holds none (ruleText tests a rule's
 * strings one by one: the repeated ones once).
 */
export function holdsSecretWord(text: string): boolean {
  return hasPrefilterWord(text)
}

/**
 * Whether the chain can change a JSON text of an object or array (`{…}`, `[…]`, as JSON.stringify
 * prints it): compact JSON has no blank, so `mayHoldSecret` always says yes, but such a text is never a
 * bare key body, the one pattern the keyword prefilter does not cover.
 */
export function jsonMayHoldSecret(json: string): boolean {
  const c = json.charCodeAt(0)
  return json.length > MAX_ECHO || (c !== 0x7b && c !== 0x5b) || hasPrefilterWord(json)
}

/**
 * Redact one line of config text. A line over MAX_ECHO characters is cut first (and its cut last word
 * dropped, so no half of a secret survives the cut): the patterns then run on a bounded input.
 */
export function redactLine(line: string): string {
  return line.length <= MAX_ECHO && !mayHoldSecret(line) ? line : redactEveryPattern(line)
}

/** The whole chain, whatever the line (redactLine skips it for lines the prefilter clears). */
export function redactEveryPattern(line: string): string {
  let out = line.length > MAX_ECHO ? `${cutWord(line.slice(0, MAX_ECHO))}…` : line
  out = redactPem(out)
  out = out.replace(ENC_VALUE, `ENC ${REDACTED}`)
  out = out.replace(JSON_MEMBER, (m, name: string, sep: string) => (SECRET_NAME.test(name) ? `"${name}"${sep}"${REDACTED}"` : m))
  out = out.replace(XML_ELEMENT, (m, tag: string, value: string, close: string | undefined) =>
    // an element with children (`<hash><member>sha256</member>`) holds no value of its own
    !XML_SECRET_TAG.test(tag) || XML_PUBLIC_TAG.test(tag) || (value.trim() === '' && !close) ? m : `<${tag}>${REDACTED}${close ?? ''}`,
  )
  out = out.replace(QUERY_SECRET, (m, head: string, value: string) => (value.startsWith(REDACTED) ? m : `${head}${REDACTED}`))
  out = out.replace(URL_USERINFO, (_m, head: string) => `${head}${REDACTED}@`)
  out = out.replace(BEARER, (_m, head: string) => `${head}${REDACTED}`)
  for (const re of POSITIONAL) out = out.replace(re, (_m, head: string) => `${head}${REDACTED}`)
  for (const re of REST_AFTER) out = out.replace(re, (m, head: string, value: string) => (value === REDACTED ? m : `${head}${REDACTED}`))
  if (/(?:^|[ \t])snmp-server[ \t]+host\b/i.test(out) && !/\bcommunity\b/i.test(out)) {
    const versioned = SNMP_HOST_VERSION.test(out)
    out = out.replace(versioned ? SNMP_HOST_VERSION : SNMP_HOST_PLAIN, (_m, head: string) => `${head}${REDACTED}`)
  }
  out = out.replace(KEYWORD_VALUE, (m, kw: string, sep: string, value: string) =>
    value === REDACTED || value.startsWith(`${REDACTED}`) ? m : `${kw}${sep}${REDACTED}`,
  )
  out = out.replace(GLUED_ASSIGNED, (m, kw: string, sep: string, value: string) => (value.startsWith(REDACTED) ? m : `${kw}${sep}${REDACTED}`))
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
