/**
 * PAN-OS set commands: security rules created with `set rulebase security rules …` land at the bottom,
 * so the first is moved to the top (`move … top`) and each next one after the previous. Kept traffic
 * first, then deny rules for the zone's own vendor zones (from and to) and for its addresses. Undo
 * deletes the rules and the service objects the isolation created.
 */
import {keptPairs, portText} from '../common.js'
import type {IsolationGenerator, IsolationRequest, IsolationRules, KeptService} from '../types.js'

const list = (items: string[]) => (items.length === 1 ? items[0] : `[ ${items.join(' ')} ]`)

export function panosRules(request: IsolationRequest): IsolationRules {
  const {tag} = request
  const apply: string[] = []
  const undo: string[] = []
  const notes: string[] = []
  const services = new Map<string, string>()
  const rules: string[] = []
  /** Service and application of a kept service: a service object for tcp/udp ports, App-ID for ICMP. */
  const match = (s: KeptService, six: boolean): {service: string; application: string} => {
    if ((s.protocol === 'tcp' || s.protocol === 'udp') && s.ports.length) {
      const name = `${tag}-${s.protocol}-${s.ports.map((r) => portText(r)).join('_')}`
      services.set(name, `set service ${name} protocol ${s.protocol} port ${s.ports.map((r) => portText(r)).join(',')}`)
      return {service: name, application: 'any'}
    }
    if (s.protocol === 'icmp' || s.protocol === 'icmpv6') return {service: 'any', application: six ? 'ipv6-icmp' : 'icmp'}
    if (s.protocol !== 'any') notes.push(`kept protocol ${s.protocol} is written as any service between its addresses (PAN-OS services are tcp/udp)`)
    return {service: 'any', application: 'any'}
  }
  const rule = (body: string, description: string) => {
    const name = `${tag}-${rules.length + 1}`
    rules.push(name)
    apply.push(`set rulebase security rules ${name} ${body} description "${description}"`)
  }
  for (const p of keptPairs(request.keep)) {
    const m = match(p.service, p.from.includes(':'))
    rule(`from any to any source ${p.from} destination ${p.to} application ${m.application} service ${m.service} action allow`, `irm-audit isolate ${request.zone}: keep ${p.id}`)
  }
  const deny = 'application any service any action deny'
  for (const f of request.faces) {
    if (f.vendorZone === undefined) continue
    rule(`from ${f.vendorZone} to any source any destination any ${deny}`, `irm-audit isolate ${request.zone}`)
    rule(`from any to ${f.vendorZone} source any destination any ${deny}`, `irm-audit isolate ${request.zone}`)
  }
  if (request.addresses.length) {
    rule(`from any to any source ${list(request.addresses)} destination any ${deny}`, `irm-audit isolate ${request.zone}`)
    rule(`from any to any source any destination ${list(request.addresses)} ${deny}`, `irm-audit isolate ${request.zone}`)
  }
  apply.unshift(...services.values())
  rules.forEach((name, i) => apply.push(i === 0 ? `move rulebase security rules ${name} top` : `move rulebase security rules ${name} after ${rules[i - 1]}`))
  undo.push(...rules.map((name) => `delete rulebase security rules ${name}`), ...[...services.keys()].map((s) => `delete service ${s}`))
  if (request.faces.some((f) => f.vendorZone === undefined)) notes.push('PAN-OS rules match zones, not interfaces: map the zone to a vendor zone (devices[].interfaces vendor_zone) to cut it by zone')
  notes.push(
    'Commit to activate. With "Rematch all sessions on config policy change" (the default) open sessions are re-evaluated at commit; otherwise clear them (clear session all filter source/destination …).',
    'Traffic between hosts of the zone that crosses the firewall is cut too. On a multi-vsys firewall prefix each command with `set vsys NAME` / run it in that vsys.',
  )
  return {language: 'cli', apply, undo, notes}
}

export const panosGenerator: IsolationGenerator = {
  formats: ['panos'],
  syntax: 'PAN-OS configure-mode set commands (move … top / after, undo with delete)',
  generate(request) {
    if (!request.addresses.length && !request.faces.some((f) => f.vendorZone !== undefined)) {
      return {refused: 'the zone has no addresses (catch-all) and no vendor zone of the device carries it alone'}
    }
    return panosRules(request)
  },
}
