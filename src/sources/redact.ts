/**
 * Secret redaction for config text that leaves the parser (exposure `text`, unparsed lines, errors).
 * Parsers call `redactLine` on every line they echo; the patterns cover every vendor's keywords so that
 * a line is safe whichever parser echoes it. Secrets never reach a report.
 */
export const REDACTED = '<redacted>'

// keyword followed by its secret value (the rest of the token, or the rest of the line for some)
const KEYWORD_VALUE: RegExp[] = [
  // Cisco/ASA/IOS: enable secret 5 $1$..., username x password 7 ..., key 7 ..., pre-shared-key ...
  /\b(password|passwd|secret|pre-shared-key|ikev[12]\s+(?:local|remote)-authentication\s+pre-shared-key|key-string|authentication-key|md5|community|psk|passphrase|private-key|privatekey|presharedkey|auth[-_]pass(?:word)?|shared-secret|secret-key|api-key|apikey|token|ciphertext|phash|hash|set\s+key|encrypted-password|auth-password|priv-password|psksecret|ppk-secret|passwd2?|keystring)(\s*[=:]?\s*)(?:(\d{1,2})\s+)?("[^"]*"|'[^']*'|\S+)/gi,
]

// Junos/PAN-OS forms the keyword list misses: the value follows a qualifier (`pre-shared-key ascii-text X`,
// `authentication md5 1 key X`), or sits in an XML element (`<key>X</key>`)
const QUALIFIED_VALUE = /(?<![-\w])(ascii-text|hexadecimal|plain-text-password-value|key)(\s+)(?:(\d{1,2})\s+)?("[^"]*"|'[^']*'|[^\s<]+)/gi
// JSON members whose name says secret: `"PreSharedKey": "…"`, `"private_key": "…"`
const JSON_SECRET = /"([\w-]*(?:password|passwd|secret|pre[-_]?shared[-_]?key|private[-_]?key|psk|passphrase|api[-_]?key|token|community|auth[-_]?key)[\w-]*)"(\s*:\s*)"(?:[^"\\]|\\.)*"/gi
const XML_SECRET = /<(key|phash|password|pre-shared-key|secret|auth-key|private-key|passphrase|community|auth-password|priv-password|api-key|bind-password|shared-secret)>([^<]*)(<\/\1>)?/gi

// whole-line forms: "set psksecret ENC xxx", "<key>...</key>", PEM blocks handled by callers
const ENC_VALUE = /\bENC\s+\S+/g
const JUNOS_9 = /"?\$9\$[^"\s;]*"?/g
const CRYPT = /\$(?:1|5|6|2[aby]?|y|sha512|8|9)\$[^\s"';]+/g
const PEM_LINE = /^[A-Za-z0-9+/=]{40,}$/

/** Redact one line of config text. */
export function redactLine(line: string): string {
  let out = line
  // before the keyword rules, which would otherwise take `ENC` or the JSON quote as the value
  out = out.replace(ENC_VALUE, `ENC ${REDACTED}`)
  out = out.replace(JSON_SECRET, (_m, name: string, sep: string) => `"${name}"${sep}"${REDACTED}"`)
  out = out.replace(XML_SECRET, (_m, tag: string, _v: string, close: string | undefined) => `<${tag}>${REDACTED}${close ?? ''}`)
  out = out.replace(QUALIFIED_VALUE, (_m, kw: string, sep: string, level: string | undefined) => `${kw}${sep}${level ? `${level} ` : ''}${REDACTED}`)
  for (const re of KEYWORD_VALUE) {
    out = out.replace(re, (_m, kw: string, sep: string, level: string | undefined) =>
      `${kw}${sep}${level ? `${level} ` : ''}${REDACTED}`,
    )
  }
  out = out.replace(JUNOS_9, REDACTED)
  out = out.replace(CRYPT, REDACTED)
  if (PEM_LINE.test(out.trim())) return REDACTED
  return out
}

/** Redact a value known to be secret, keeping nothing of it. */
export function redactValue(_value: string): string {
  return REDACTED
}
