/**
 * PAN-OS App-ID denies (issue 16): a deny naming an application shadows allows of that same application
 * on its ports (application-default included), and nothing else — other applications on those ports
 * still pass. Expectations written from PAN-OS first-match semantics before running the tool.
 */
import {describe, expect, it} from 'vitest'

import {exposureToJson} from '../../src/model/exposure.js'
import {panos} from '../../src/sources/panos.js'
import type {ParseResult} from '../../src/sources/types.js'

const CONFIG = [
  'set zone outside network layer3 ethernet1/1',
  'set zone dmz network layer3 ethernet1/2',
  'set network interface ethernet ethernet1/1 layer3 ip 203.0.113.1/24',
  'set network interface ethernet ethernet1/2 layer3 ip 192.0.2.1/24',
  'set address web ip-netmask 192.0.2.10',
  'set address partners ip-netmask 198.51.100.0/24',
  'set service tcp-22 protocol tcp port 22',
  'set service tcp-2222 protocol tcp port 2222',
  // the App-ID deny
  'set rulebase security rules deny-ssh from outside to dmz source any destination web application ssh service application-default action deny',
  // same application: shadowed entirely
  'set rulebase security rules allow-ssh from outside to dmz source partners destination web application ssh service application-default action allow',
  // two applications: only the ssh part is shadowed, web-browsing stays
  'set rulebase security rules allow-web from outside to dmz source any destination web application [ web-browsing ssh ] service application-default action allow',
  // any application on tcp/22: other applications than ssh still pass there
  'set rulebase security rules allow-22 from outside to dmz source partners destination web application any service tcp-22 action allow',
  // ssh on a port the deny (application-default: 22) does not cover
  'set rulebase security rules ssh-2222 from outside to dmz source partners destination web application ssh service tcp-2222 action allow',
].join('\n')

describe('PAN-OS application denies', () => {
  it('shadow allows of the same application on its ports, and only those', () => {
    const r = panos.parse(CONFIG + '\n', {file: 'appid.set'}) as ParseResult
    expect(r.unparsed).toEqual([])
    const rows = r.exposures
      .filter((e) => e.fromZones?.[0] === 'outside' && e.toZones?.[0] === 'dmz')
      .flatMap((e) => exposureToJson(e))
      .map((e) => [e.rule, e.from.join(' '), e.protocol, e.ports.join(',')])
    expect(rows).toEqual([
      ['vsys1 security rule "allow-web"', '0.0.0.0/0 ::/0', 'tcp', '80'],
      ['vsys1 security rule "allow-22"', '198.51.100.0/24', 'tcp', '22'],
      ['vsys1 security rule "ssh-2222"', '198.51.100.0/24', 'tcp', '2222'],
    ])
  })
})
