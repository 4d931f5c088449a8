/**
 * Typed doubts (DESIGN §10 `doubts`): something the parser understood only in part, that may make an
 * exposure differ from what the device really lets through. The code is a closed union; each code has
 * one `effect`, which says how the device's real reach may differ from the exposure shown:
 * - `narrower`: the device may let less through than shown (a condition we could not apply: an unknown
 *   match ignored, a set read as any, a time range). Recall first: we show more, and say so. A finding
 *   on such an exposure has lower confidence.
 * - `broader`: the device may let more through than shown (a default that may open more, replies).
 * - `dead`: the rule opens nothing at all (a NAT no filter passes); a dead exposure is never a finding.
 * - `unknown`: worth knowing, but not a statement about reach (a weak key exchange, a dynamic peer).
 * Rendered text (`notes`) is the detail: tests assert codes, never sentences.
 */
export type DoubtEffect = 'broader' | 'narrower' | 'dead' | 'unknown'

export const DOUBT_EFFECTS = {
  // a match, option, setting or element the parser does not model was ignored
  'unknown-match': 'narrower',
  // part of the rule was not understood, in ways that may go either way
  'partly-understood': 'unknown',
  // an object (address group, alias, ipset, service tag, security group) not expanded: read as any
  'unexpanded-set': 'narrower',
  // a host or DNS name, resolved only at run time: read as any
  'unresolved-name': 'narrower',
  // an unknown or undefined service, application or protocol: read as any
  'unknown-service': 'narrower',
  // an address we cannot know (DHCP, negotiated, not in the export): read as any
  'unknown-address': 'narrower',
  // a referenced object that is not defined
  'undefined-object': 'narrower',
  // a port text that could not be read: all ports shown
  'unreadable-port': 'narrower',
  // only some ICMP types are allowed; the exposure shows all ICMP
  'icmp-type': 'narrower',
  // only during a time range or schedule
  'time-limited': 'narrower',
  // only some applications (App-ID) or only non-initial fragments
  'application-limited': 'narrower',
  'fragments-only': 'narrower',
  // a condition evaluated outside the box (conntrack, marks, rate limits…) that must also hold
  'conditional': 'narrower',
  // a non-pass action (or an unknown one) read as pass
  'action-assumed': 'narrower',
  // a limit the vendor applies and we do not (exclusions, service destinations, security groups)
  'limit-not-applied': 'narrower',
  // only traffic on the loopback interface matches (the host talking to itself)
  'loopback-only': 'narrower',
  // another layer drops part of this traffic (zone-based firewall, internal load balancer, loopback)
  'restricted-elsewhere': 'narrower',
  // a service assumed enabled because the config does not say
  'assumed-enabled': 'narrower',
  // the listener may be unreachable (a zone that does not allow it)
  'maybe-unreachable': 'narrower',
  // a default the config leaves unset may open more than shown (telnet on vty lines)
  'default-may-open-more': 'broader',
  // some of the device's addresses are assigned at run time and not listed: it may be reachable on more
  'unlisted-address': 'broader',
  // a named group whose member addresses are not in the input: the exposure names it, lists no address
  'members-unknown': 'broader',
  // the rule also opens reply traffic, or forwarding that reaches beyond the shown networks
  'opens-more': 'broader',
  // a referenced file (client-config-dir) is not read: what it opens is not seen
  'unread-file': 'broader',
  // the decision is made by rules that are not in this input (GCP policy fall-through)
  'outside-input': 'unknown',
  // a NAT translation we could not compute (map, pool, type): the translated side is unknown
  'translation-unknown': 'unknown',
  // one of several backends (load-balanced NAT)
  'load-balanced': 'unknown',
  // any peer may negotiate (dynamic crypto map, dial-up, roaming client)
  'any-peer': 'unknown',
  // the exposure is the device itself (management plane, host-local traffic)
  'device-itself': 'unknown',
  // a default the vendor applies because the config leaves it unset (default port, default rule, ALL service)
  'vendor-default': 'unknown',
  // a weakness of the listener itself (no tls-auth, aggressive mode with a PSK)
  'weak-listener': 'unknown',
  // further facts about the peer or the inspection (endpoint, L7 profile, then-actions)
  'peer-info': 'unknown',
  'inspected': 'unknown',
  // a vendor behaviour worth knowing that the exposure already follows (ASA ignores port operators
  // after a service object; before 8.3 ACLs name mapped addresses)
  'vendor-semantics': 'unknown',
  // what a listener is (SSL VPN portal, HTTP redirect)
  'listener-info': 'unknown',
  // an ACL or filter not applied in this file, evaluated as if applied inbound: it may apply nowhere
  'not-applied': 'narrower',
  // an address approximated by a covering range (non-contiguous masks)
  'approximated': 'narrower',
  // a NAT no filter passes: it opens nothing
  'nat-dead': 'dead',
  // rules a later block of the same table replaces (iptables-restore flushes a table it starts again)
  'replaced-block': 'dead',
} as const satisfies Record<string, DoubtEffect>

export type DoubtCode = keyof typeof DOUBT_EFFECTS

/** A doubt before it is placed on a line (collected while resolving objects). */
export interface DoubtNote {
  code: DoubtCode
  effect: DoubtEffect
  /** The rendered text (`notes`), secrets never included. */
  detail: string
}

export interface Doubt extends DoubtNote {
  line: number
  /** The file of the line, when not the config itself (an include). */
  file?: string
}

export function doubtEffect(code: DoubtCode): DoubtEffect {
  return DOUBT_EFFECTS[code]
}

/** A doubt about the rule being built: its line is the exposure's. */
export function note(code: DoubtCode, detail: string): DoubtNote {
  return {code, effect: DOUBT_EFFECTS[code], detail}
}

export function placed(d: DoubtNote, line: number): Doubt {
  return {code: d.code, effect: d.effect, detail: d.detail, line}
}

/** The rendered string of a doubt, as `notes` shows it. */
export function renderDoubt(d: DoubtNote): string {
  return d.detail
}

/** Doubts without repeats (same code and detail), first occurrence kept: notes were deduplicated by text. */
export function uniqueDoubts<D extends DoubtNote>(list: readonly D[]): D[] {
  const seen = new Set<string>()
  const out: D[] = []
  for (const d of list) {
    const k = d.detail
    if (seen.has(k)) continue
    seen.add(k)
    out.push(d)
  }
  return out
}

/** The strongest statement a set of doubts makes about reach: dead beats narrower beats the rest. */
export function worstEffect(doubts: readonly {effect: DoubtEffect}[] | undefined): DoubtEffect | undefined {
  if (!doubts?.length) return undefined
  for (const e of ['dead', 'narrower', 'broader', 'unknown'] as const) if (doubts.some((d) => d.effect === e)) return e
  return undefined
}
