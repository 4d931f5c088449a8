/**
 * pfSense config.xml: floating rules with `quick` are evaluated before every interface tab and the first
 * matching quick rule wins, so the isolation is a set of floating quick rules (direction any) to put at
 * the top of <filter>: kept traffic first, then blocks on the zone's own interfaces and blocks from and
 * to its addresses on every interface. Undo deletes the rules by their description.
 */
import {ANY4, ANY6, hasPortRanges, isV6, keptPairs, portText, splitCidr, v4, v6} from '../common.js'
import type {IsolationGenerator, IsolationRequest, IsolationRules, KeptService} from '../types.js'

/** The interface names of config.xml (`wan`, `lan`, `opt1`…), in order. */
export function pfsenseInterfaces(text: string): string[] {
  const block = /<interfaces>([\s\S]*?)<\/interfaces>/.exec(text)?.[1] ?? ''
  const out: string[] = []
  let depth = 0
  for (const m of block.matchAll(/<(\/?)([A-Za-z0-9_.-]+)(\s[^>]*)?(\/?)>/g)) {
    if (m[4] === '/') continue
    if (m[1] === '/') depth--
    else {
      if (depth === 0) out.push(m[2])
      depth++
    }
  }
  return out
}

const T = '\t'

function side(tag: string, cidr: string | undefined, port?: string): string[] {
  const inner = cidr === undefined || cidr === ANY4 || cidr === ANY6 ? `${T}${T}<any></any>` : `${T}${T}<address>${/\/(32|128)$/.test(cidr) ? splitCidr(cidr)[0] : cidr}</address>`
  return [`${T}<${tag}>`, inner, ...(port ? [`${T}${T}<port>${port}</port>`] : []), `${T}</${tag}>`]
}

function protocol(s: KeptService): string | undefined | null {
  if (s.protocol === 'any') return undefined
  if (s.protocol === 'icmpv6') return 'icmp'
  // pfSense names the protocols it filters on; a bare number is not one of them
  return /^\d+$/.test(s.protocol) ? null : s.protocol
}

export function pfsenseRules(request: IsolationRequest, interfaces: string[]): IsolationRules {
  const {tag} = request
  const all = interfaces.join(',')
  const apply: string[] = []
  const notes: string[] = []
  let count = 0
  const rule = (type: 'pass' | 'block', ifaces: string, ipprotocol: string, proto: string | undefined, src: string | undefined, dst: string | undefined, port: string | undefined, descr: string) => {
    count++
    apply.push(
      '<rule>',
      `${T}<type>${type}</type>`,
      `${T}<interface>${ifaces}</interface>`,
      `${T}<ipprotocol>${ipprotocol}</ipprotocol>`,
      ...(proto ? [`${T}<protocol>${proto}</protocol>`] : []),
      ...side('source', src),
      ...side('destination', dst, port),
      `${T}<descr><![CDATA[${descr}]]></descr>`,
      `${T}<floating>yes</floating>`,
      `${T}<quick>yes</quick>`,
      `${T}<direction>any</direction>`,
      '</rule>',
    )
  }
  for (const p of keptPairs(request.keep)) {
    const proto = protocol(p.service)
    if (proto === null) {
      notes.push(`kept ${p.id} uses protocol ${p.service.protocol}, which pfSense rules cannot name: it is cut`)
      continue
    }
    const ipp = isV6(p.from) ? 'inet6' : 'inet'
    for (const r of hasPortRanges(p.service) ? p.service.ports : [undefined]) rule('pass', all, ipp, proto, p.from, p.to, r ? portText(r) : undefined, `${tag} keep ${p.id}`)
  }
  for (const f of request.faces) {
    if (f.interface === undefined) continue
    if (!interfaces.includes(f.interface)) {
      notes.push(`interface ${f.interface} (devices[].interfaces) is not in config.xml (use wan, lan, optN): it is not cut by interface`)
      continue
    }
    rule('block', f.interface, 'inet46', undefined, undefined, undefined, undefined, tag)
  }
  for (const [ipp, zone] of [['inet', v4(request.addresses)], ['inet6', v6(request.addresses)]] as const) {
    for (const z of zone) {
      rule('block', all, ipp, undefined, z, undefined, undefined, tag)
      rule('block', all, ipp, undefined, undefined, z, undefined, tag)
    }
  }
  const undo = [
    `Firewall > Rules > Floating: delete the ${count} rules whose description starts with "${tag}", then Apply Changes.`,
    `Or remove from <filter> in config.xml every <rule> whose <descr> starts with "${tag}" and reload the filter (Status > Filter Reload).`,
  ]
  notes.push(
    'Insert the rules as the first children of <filter> in config.xml (Diagnostics > Backup & Restore, restore the edited file) or create them in that order under Firewall > Rules > Floating; floating quick rules come before every interface tab.',
    'Blocking does not end open states: clear them for the zone (Diagnostics > States, filter by the zone\'s addresses) after applying.',
  )
  return {language: 'xml', apply, undo, notes}
}

export const pfsenseGenerator: IsolationGenerator = {
  formats: ['pfsense'],
  syntax: 'pfSense config.xml floating quick rules (top of <filter>)',
  generate(request) {
    if (!request.config) return {refused: 'no exported config.xml: its interface names are unknown'}
    const interfaces = pfsenseInterfaces(request.config.text)
    if (!interfaces.length) return {refused: `${request.config.file} has no <interfaces>`}
    if (!request.addresses.length && !request.faces.some((f) => f.interface !== undefined && interfaces.includes(f.interface))) {
      return {refused: 'the zone has no addresses (catch-all) and no interface of the device faces it alone'}
    }
    return pfsenseRules(request, interfaces)
  },
}
