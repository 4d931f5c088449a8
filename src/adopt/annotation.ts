/**
 * The comment a rule carries, read from its (redacted) text as the parser kept it: the reviewer's
 * first clue to why an opening exists. One table of the annotation spellings configs use; a rule with
 * none gets its name instead, and the justification says so.
 */
import type {Exposure} from '../model/exposure.js'

const QUOTED = String.raw`"((?:[^"\\]|\\.)*)"`

/** Annotation spellings, first match wins. */
const ANNOTATIONS: ReadonlyArray<{re: RegExp; what: string}> = [
  // netfilter: -m comment --comment "…" (iptables-save quotes it when it has spaces)
  {re: new RegExp(String.raw`--comment\s+${QUOTED}`), what: 'comment'},
  {re: /--comment\s+([^\s"]+)/, what: 'comment'},
  // nftables: … comment "…"
  {re: new RegExp(String.raw`(?:^|\s)comment\s+${QUOTED}`), what: 'comment'},
  // FortiOS: set comments "…"
  {re: new RegExp(String.raw`\bset comments?\s+${QUOTED}`), what: 'comments'},
  // cloud rules exported as JSON (AWS, Azure, GCP, Pulumi): "description": "…"
  {re: new RegExp(String.raw`"description"\s*:\s*${QUOTED}`), what: 'description'},
  // Junos, PAN-OS set syntax, IOS: description "…"
  {re: new RegExp(String.raw`\bdescription\s+${QUOTED}`), what: 'description'},
]

/** The rule's own comment or description, unquoted; undefined when its text carries none. */
export function ruleAnnotation(e: Pick<Exposure, 'text'>): string | undefined {
  const text = e.text ?? ''
  for (const {re} of ANNOTATIONS) {
    const m = re.exec(text)
    const value = m?.[1]?.replace(/\\(.)/g, '$1').trim()
    if (value) return value
  }
  return undefined
}
