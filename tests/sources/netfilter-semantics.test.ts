/**
 * Netfilter verdict semantics the evaluator must share with the kernel (issue 16, class 3). Each
 * expectation is what the kernel does with the ruleset (checked against a live kernel by
 * tests/kernel/), written before running the tool.
 */
import {describe, expect, it} from 'vitest'

import {type Exposure, type ExposureJson, exposureToJson} from '../../src/model/exposure.js'
import {AddressSet} from '../../src/net/address-set.js'
import {iptables} from '../../src/sources/iptables.js'
import {nftables} from '../../src/sources/nftables.js'
import type {ParseResult} from '../../src/sources/types.js'

const ipt = (lines: string[]) => iptables.parse(lines.join('\n') + '\n', {file: 't.rules'}) as ParseResult
const nft = (lines: string[]) => nftables.parse(lines.join('\n') + '\n', {file: 't.nft'}) as ParseResult
const json = (xs: Exposure[]) => xs.flatMap((e) => exposureToJson(e))
/** rule, hook, from, ports — the columns that decide reach */
const rows = (xs: Exposure[]) => json(xs).map((e: ExposureJson) => [e.rule, e.hook, e.from, e.protocol, e.ports])

describe('iptables verdicts as the kernel gives them', () => {
  it('-j RETURN in a built-in chain applies the chain policy', () => {
    const r = ipt([
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':FORWARD DROP [0:0]',
      ':OUTPUT DROP [0:0]',
      '-A INPUT -s 192.0.2.0/24 -j RETURN',
      '-A INPUT -j DROP',
      'COMMIT',
    ])
    expect(r.unparsed).toEqual([])
    expect(rows(r.exposures)).toEqual([['INPUT policy ACCEPT', 'input', ['192.0.2.0/24'], 'any', []]])
    expect(r.exposures[0].line).toBe(2)
  })

  it('a user chain jumped to from INPUT and FORWARD gives one exposure per hook', () => {
    const r = ipt([
      '*filter',
      ':INPUT DROP [0:0]',
      ':FORWARD DROP [0:0]',
      ':OUTPUT DROP [0:0]',
      ':web - [0:0]',
      '-A INPUT -j web',
      '-A FORWARD -d 198.51.100.0/24 -j web',
      '-A web -p tcp --dport 443 -j ACCEPT',
      'COMMIT',
    ])
    expect(json(r.exposures).map((e) => [e.rule, e.hook, e.to, e.ports])).toEqual([
      ['web#1', 'input', ['0.0.0.0/0'], ['443']],
      ['web#1', 'forward', ['198.51.100.0/24'], ['443']],
    ])
  })

  it('a DROP on one input interface narrows the ACCEPT below it for that interface only', () => {
    const r = ipt([
      '*filter',
      ':INPUT DROP [0:0]',
      ':FORWARD DROP [0:0]',
      ':OUTPUT DROP [0:0]',
      '-A INPUT -i eth0 -s 203.0.113.0/24 -j DROP',
      '-A INPUT -p tcp --dport 22 -j ACCEPT',
      'COMMIT',
    ])
    const ssh = r.exposures.filter((e) => e.rule === 'INPUT#2')
    expect(ssh.map((e) => e.interfaces?.in)).toEqual([['eth0'], ['!eth0']])
    const [onEth0, elsewhere] = ssh
    expect(onEth0.from.overlaps(AddressSet.of('203.0.113.0/24'))).toBe(false)
    expect(onEth0.from.equals(AddressSet.ANY4.subtract(AddressSet.of('203.0.113.0/24')))).toBe(true)
    expect(elsewhere.from.equals(AddressSet.ANY4)).toBe(true)
    expect(ssh.every((e) => e.hook === 'input' && e.ports.toStrings().join() === '22')).toBe(true)
  })

  it('a DROP on an interface the ACCEPT already names removes the traffic outright', () => {
    const r = ipt([
      '*filter',
      ':INPUT DROP [0:0]',
      '-A INPUT -i eth0 -s 203.0.113.0/24 -j DROP',
      '-A INPUT -i eth0 -p tcp --dport 22 -j ACCEPT',
      'COMMIT',
    ])
    expect(r.exposures).toHaveLength(1)
    expect(r.exposures[0].interfaces?.in).toEqual(['eth0'])
    expect(r.exposures[0].from.overlaps(AddressSet.of('203.0.113.0/24'))).toBe(false)
  })

  it('a DNAT is composed with the FORWARD rule that passes it: NAT line, filter named, hook forward', () => {
    const r = ipt([
      '*nat',
      ':PREROUTING ACCEPT [0:0]',
      '-A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 198.51.100.10:80',
      'COMMIT',
      '*filter',
      ':INPUT DROP [0:0]',
      ':FORWARD DROP [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      '-A FORWARD -d 198.51.100.10/32 -p tcp --dport 80 -j ACCEPT',
      'COMMIT',
    ])
    expect(json(r.exposures).map((e) => [e.rule, e.kind, e.hook, e.line, e.filter])).toEqual([
      ['FORWARD#1', 'filter', 'forward', 9, undefined],
      ['OUTPUT policy ACCEPT', 'filter', 'output', 8, undefined],
      ['nat PREROUTING#1', 'nat-forward', 'forward', 3, {line: 9, rule: 'FORWARD#1'}],
    ])
    expect(r.doubts).toBeUndefined()
  })
  it('an -i limited RETURN above a jump into a dropping chain keeps its traffic for the policy', () => {
    const r = ipt([
      '*filter',
      ':INPUT DROP [0:0]',
      ':FORWARD ACCEPT [0:0]',
      ':OUTPUT DROP [0:0]',
      ':u0 - [0:0]',
      '-A FORWARD -i wan0 -s 192.0.2.144/28 -p tcp -j RETURN',
      '-A FORWARD -j u0',
      '-A u0 -j DROP',
      'COMMIT',
    ])
    expect(r.unparsed).toEqual([])
    expect(r.exposures.map((e) => [e.rule, e.hook, e.interfaces?.in, e.from.toCidrs(), e.protocols.toStrings()])).toEqual([
      ['FORWARD policy ACCEPT', 'forward', undefined, ['192.0.2.144/28'], ['6']],
    ])
  })
})

describe('nftables verdicts as the kernel gives them', () => {
  it('return in a base chain applies its policy; no forward or output chain accepts everything', () => {
    const r = nft([
      'table ip f {',
      '  chain input {',
      '    type filter hook input priority 0; policy accept;',
      '    ip saddr 198.51.100.0/24 return',
      '    drop',
      '  }',
      '}',
    ])
    expect(r.unparsed).toEqual([])
    expect(rows(r.exposures)).toEqual([
      ['ip f input policy accept', 'input', ['198.51.100.0/24'], 'any', []],
      ['no forward chain', 'forward', ['0.0.0.0/0'], 'any', []],
      ['no output chain', 'output', ['0.0.0.0/0'], 'any', []],
    ])
    const forward = r.exposures.find((e) => e.hook === 'forward')!
    expect(forward).toMatchObject({line: 1, direction: 'inbound', notes: ['no filter chain on the forward hook: the kernel accepts every packet']})
  })

  it('goto into a chain that ends without a verdict applies the base chain policy', () => {
    const r = nft([
      'table ip f {',
      '  chain input {',
      '    type filter hook input priority 0; policy accept;',
      '    tcp dport 22 goto ssh',
      '    drop',
      '  }',
      '  chain ssh {',
      '    ip saddr 203.0.113.0/24 accept',
      '    ip saddr 192.0.2.0/24 drop',
      '  }',
      '  chain forward { type filter hook forward priority 0; policy drop; }',
      '  chain output { type filter hook output priority 0; policy drop; }',
      '}',
    ])
    const input = r.exposures.filter((e) => e.hook === 'input')
    expect(input.map((e) => [e.rule, e.protocols.toStrings(), e.ports.toStrings()])).toEqual([
      ['ip f ssh#1', ['6'], ['22']],
      ['ip f input policy accept', ['6'], ['22']],
    ])
    expect(input[0].from.toCidrs()).toEqual(['203.0.113.0/24'])
    // tcp/22 from anywhere but the two /24s falls off `ssh` into the accept policy
    expect(input[1].from.equals(AddressSet.ANY4.subtract(AddressSet.of('192.0.2.0/24', '203.0.113.0/24')))).toBe(true)
    expect(r.exposures.filter((e) => e.hook !== 'input')).toEqual([])
  })

  it('dnat to $VAR:443 keeps the translated address and port', () => {
    const r = nft([
      'define WEB = 192.0.2.10',
      'table ip nat {',
      '  chain prerouting {',
      '    type nat hook prerouting priority dstnat;',
      '    tcp dport 8443 dnat to $WEB:443',
      '  }',
      '}',
      'table ip f {',
      '  chain input { type filter hook input priority 0; policy drop; }',
      '  chain forward { type filter hook forward priority 0; policy drop;',
      '    ip daddr 192.0.2.10 tcp dport 443 accept',
      '  }',
      '  chain output { type filter hook output priority 0; policy drop; }',
      '}',
    ])
    expect(r.unparsed).toEqual([])
    expect(json(r.exposures).filter((e) => e.kind === 'nat-forward')).toMatchObject([
      {kind: 'nat-forward', hook: 'forward', rule: 'ip nat prerouting#1', ports: ['8443'], translated: {to: ['192.0.2.10/32'], ports: ['443']}, filter: {line: 11, rule: 'ip f forward#1'}},
    ])
  })

  it('a DNAT whose translated traffic the forward chain drops is no exposure but a nat-dead doubt', () => {
    const r = nft([
      'table ip nat {',
      '  chain prerouting { type nat hook prerouting priority dstnat; tcp dport 2222 dnat to 198.51.100.22:22; }',
      '}',
      'table ip f {',
      '  chain input { type filter hook input priority 0; policy drop; tcp dport 22 accept; }',
      '  chain forward { type filter hook forward priority 0; policy drop; ip daddr 198.51.100.22 tcp dport 80 accept; }',
      '  chain output { type filter hook output priority 0; policy accept; }',
      '}',
    ])
    expect(r.exposures.filter((e) => e.kind === 'nat-forward')).toEqual([])
    expect(r.doubts).toEqual([{code: 'nat-dead', effect: 'dead', line: 2, detail: 'ip nat prerouting#1: no input or forward filter rule passes the translated traffic'}])
  })

  it('a user chain jumped to from input and forward says which hook each exposure belongs to', () => {
    const r = nft([
      'table inet f {',
      '  chain input { type filter hook input priority 0; policy drop; jump web; }',
      '  chain forward { type filter hook forward priority 0; policy drop; ip daddr 198.51.100.0/24 jump web; }',
      '  chain output { type filter hook output priority 0; policy drop; }',
      '  chain web { tcp dport 443 accept; }',
      '}',
    ])
    expect(json(r.exposures).map((e) => [e.rule, e.hook, e.to])).toEqual([
      ['inet f web#1', 'input', ['0.0.0.0/0']],
      ['inet f web#1', 'forward', ['198.51.100.0/24']],
      ['inet f web#1', 'input', ['::/0']],
    ])
  })

  it('an iifname-limited drop narrows the accept for that interface only', () => {
    const r = nft([
      'table ip f {',
      '  chain input {',
      '    type filter hook input priority 0; policy drop;',
      '    iifname "eth0" ip saddr 203.0.113.0/24 drop',
      '    tcp dport 22 accept',
      '  }',
      '  chain forward { type filter hook forward priority 0; policy drop; }',
      '  chain output { type filter hook output priority 0; policy drop; }',
      '}',
    ])
    expect(r.exposures.map((e) => [e.interfaces?.in, e.from.overlaps(AddressSet.of('203.0.113.0/24'))])).toEqual([
      [['eth0'], false],
      [['!eth0'], true],
    ])
  })
  it('an iifname-limited return above a jump into a dropping chain keeps its traffic for the policy (kernel suite seed 1647396119)', () => {
    const r = nft([
      'table ip f {',
      '  chain forward {',
      '    type filter hook forward priority 0; policy accept;',
      '    iifname "wan0" ip saddr 192.0.2.145-192.0.2.161 meta l4proto tcp return',
      '    jump u0',
      '  }',
      '  chain u0 {',
      '    drop',
      '  }',
      '  chain input { type filter hook input priority 0; policy drop; }',
      '  chain output { type filter hook output priority 0; policy drop; }',
      '}',
    ])
    expect(r.unparsed).toEqual([])
    const fwd = r.exposures.filter((e) => e.hook === 'forward')
    expect(fwd.map((e) => [e.rule, e.interfaces?.in, e.from.toCidrs(), e.protocols.toStrings()])).toEqual([
      ['ip f forward policy accept', undefined, ['192.0.2.145/32', '192.0.2.146/31', '192.0.2.148/30', '192.0.2.152/29', '192.0.2.160/31'], ['6']],
    ])
  })
})
