import {readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {IrmError} from '../../src/core/errors.js'
import {parseText} from '../../src/sources/load.js'
import {allParsers} from '../../src/sources/registry.js'
import {strongswan} from '../../src/sources/strongswan.js'
import {readSelectors} from '../../src/sources/strongswan/common.js'
import {corpusFiles, FIXTURES, goldenPath, parseCorpusFile, parseFixture} from '../helpers/sources.js'

const TYPE = 'strongswan'
const FIXTURE_NAMES = [
  'swanctl-secrets.conf',
  'ipsec-roadwarrior.conf',
  'libreswan-ipsec.conf',
  'swanctl-templates.conf',
  'branch-ipsec.secrets',
  'swanctl-warnings.conf',
  'ipsec-warnings.conf',
  'swanctl-listeners.conf',
]

function bestParser(text: string, file: string): string {
  const scored = allParsers()
    .filter((p) => !p.executes)
    .map((p) => {
      let score = 0
      try {
        score = p.detect(text.slice(0, 65536), file)
      } catch {
        score = 0
      }
      return {type: p.type, score}
    })
    .sort((a, b) => b.score - a.score)
  return scored[0].score > 0 && scored[0].score > (scored[1]?.score ?? 0) ? scored[0].type : 'none'
}

describe('strongswan fixtures (golden)', () => {
  for (const name of FIXTURE_NAMES) {
    it(name, async () => {
      const report = await parseFixture(TYPE, name)
      await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, name))
    })
  }

  it('swanctl: IKE listener from remote_addrs, routes per child, selectors, pools', async () => {
    const r = await parseFixture(TYPE, 'swanctl-secrets.conf')
    const paris = r.exposures.filter((e) => e.rule === 'branch-paris')
    expect(paris.map((e) => [e.protocol, e.ports.join()])).toEqual([['esp', ''], ['udp', '500,4500']])
    expect(paris[1]).toMatchObject({from: ['198.51.100.20/31'], to: ['203.0.113.1/32']})
    expect(r.exposures.find((e) => e.rule === 'branch-paris/lan')).toMatchObject({from: ['192.168.20.0/23'], to: ['10.1.0.0/16', '10.2.0.0/16'], protocol: 'any'})
    expect(r.exposures.find((e) => e.rule === 'branch-paris/web')).toMatchObject({protocol: 'tcp', ports: ['443'], to: ['10.3.0.0/24']})
    // mode = pass: a bypass policy, no route
    expect(r.exposures.some((e) => e.rule === 'branch-paris/local-bypass')).toBe(false)
    // custom local_port: no NAT-T float
    expect(r.exposures.find((e) => e.rule === 'partner-acme' && e.protocol === 'udp')?.ports).toEqual(['4510'])
    expect(r.exposures.find((e) => e.rule === 'rw-eap/full')).toMatchObject({from: ['10.3.128.0/24', 'fd00:3::/112'], to: ['0.0.0.0/0', '::/0']})
    expect(r.exposures.find((e) => e.rule === 'rw-radius/intranet')).toMatchObject({from: ['0.0.0.0/0'], from_sets: ['radius']})
    expect(r.unparsed).toEqual([])
    expect(r.stats.understood).toBe(r.stats.lines)
  })

  it('ipsec.conf: %default and also= inheritance, auto=ignore and passthrough excluded, side swap', async () => {
    const r = await parseFixture(TYPE, 'ipsec-roadwarrior.conf')
    const rules = new Set(r.exposures.map((e) => e.rule))
    expect([...rules].sort()).toEqual(['admin-ssh', 'backup-dc', 'legacy-psk', 'roadwarriors', 'to-hq'])
    expect(r.exposures.find((e) => e.rule === 'legacy-psk' && e.protocol === 'udp')?.notes).toContain(
      'IKEv1 aggressive mode with a PSK: the key can be cracked offline',
    )
    expect(r.exposures.find((e) => e.rule === 'to-hq' && e.kind === 'vpn-route')).toMatchObject({from: ['10.10.0.0/16', '10.20.0.0/16'], to: ['192.168.30.0/24']})
    expect(r.exposures.find((e) => e.rule === 'to-hq' && e.protocol === 'udp')).toMatchObject({from: ['203.0.113.1/32'], to: ['192.0.2.10/32']})
    expect(r.exposures.find((e) => e.rule === 'roadwarriors' && e.kind === 'vpn-route')?.from).toEqual(['10.30.0.0/24'])
    expect(r.exposures.find((e) => e.rule === 'admin-ssh' && e.kind === 'vpn-route')).toMatchObject({protocol: 'tcp', ports: ['22'], to: ['192.168.30.5/32']})
    const backup = r.exposures.find((e) => e.rule === 'backup-dc' && e.kind === 'vpn-route')
    expect(backup, 'right=%defaultroute: right is local').toMatchObject({from: ['172.16.40.0/24'], to: ['192.168.31.0/24']})
    expect(r.stats.understood).toBe(r.stats.lines)
  })

  it('swanctl section references: inherited settings and children, own values win', async () => {
    const r = await parseFixture(TYPE, 'swanctl-templates.conf')
    expect(r.exposures.find((e) => e.rule === 'site-nantes/lan')).toMatchObject({from: ['192.168.44.0/24'], to: ['10.1.0.0/16']})
    expect(r.exposures.find((e) => e.rule === 'site-nantes' && e.protocol === 'udp')).toMatchObject({from: ['198.51.100.44/32'], to: ['203.0.113.1/32']})
    // lille inherits nantes' remote_ts through the second reference, keeps its own remote_addrs
    expect(r.exposures.find((e) => e.rule === 'site-lille/lan')?.from).toEqual(['192.168.44.0/24'])
    expect(r.exposures.find((e) => e.rule === 'site-lille' && e.protocol === 'udp')?.from).toEqual(['198.51.100.59/32'])
    expect(r.stats.understood).toBe(r.stats.lines)
  })

  it('Libreswan ipsec.conf: leftsubnets={…} lists, rightaddresspool as the client pool', async () => {
    const r = await parseFixture(TYPE, 'libreswan-ipsec.conf')
    expect(r.exposures.find((e) => e.rule === 'branch-lyon' && e.kind === 'vpn-route')).toMatchObject({
      from: ['192.168.70.0/23'],
      to: ['10.70.0.0/24', '10.71.0.0/24'],
    })
    expect(r.exposures.find((e) => e.rule === 'xauth-rw' && e.kind === 'vpn-route')).toMatchObject({to: ['0.0.0.0/0']})
    expect(r.exposures.find((e) => e.rule === 'xauth-rw' && e.kind === 'vpn-route')?.from[0]).toBe('10.80.0.10/31')
    expect(r.stats.understood).toBe(r.stats.lines)
  })

  it('ipsec.secrets: no exposures, one stray line reported redacted, include reported', async () => {
    const r = await parseFixture(TYPE, 'branch-ipsec.secrets', true)
    expect(r.type).toBe(TYPE)
    expect(r.exposures).toEqual([])
    expect(r.unparsed.map((u) => [u.line, u.text])).toEqual([
      [12, '<redacted>'],
      [13, 'include /etc/ipsec.d/*.secrets'],
    ])
  })

  it('swanctl warnings: exact unparsed lines and reasons', async () => {
    const r = await parseFixture(TYPE, 'swanctl-warnings.conf')
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [3, "setting 'charon_debug' outside any section"],
      [8, "unknown connection setting 'frobnicate'"],
      [12, "unknown local setting 'colour'"],
      [17, 'local_ts: cannot read intranet.example.net (read as any)'],
      [20, "unknown child setting 'magic'"],
      [24, "unknown section 'weird' in connection 'gw'"],
      [30, 'include not followed: parse that file too'],
      [32, "section 'charon-frob' not modelled (a strongswan.conf section?): its 2 lines are not read"],
      [36, 'not a section, setting or include'],
      [37, "section 'pools' is never closed (truncated file?)"],
      [40, 'pool addrs: cannot read somewhere'],
      [43, "setting 'psk_typo' directly in pools"],
    ])
    expect(r.unparsed.find((u) => u.line === 43)?.text).toBe('psk_typo = <redacted>')
    // the lines inside the unknown sections are not understood either
    expect(r.stats).toEqual({lines: 31, understood: 18})
  })

  it('ipsec.conf warnings: exact unparsed lines and reasons', async () => {
    const r = await parseFixture(TYPE, 'ipsec-warnings.conf')
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [3, 'setting outside a section'],
      [7, "unknown conn setting 'frobnicate'"],
      [9, "unknown conn setting 'leftcolour'"],
      [11, 'also=missing: no such conn'],
      [13, 'not a key=value line'],
      [15, 'include not followed: parse that file too'],
      [17, 'not a section header (config setup, conn NAME, ca NAME, include)'],
      [21, 'rightsubnet: cannot read not-a-subnet (read as any)'],
      [27, "conn 'c' defined twice: the later one is used"],
      [31, "unknown conn setting 'leftpsk'"],
    ])
    expect(r.unparsed.find((u) => u.line === 31)?.text).toBe('leftpsk=<redacted>')
  })

  it('secrets never appear', async () => {
    for (const name of FIXTURE_NAMES) {
      const text = JSON.stringify(await parseFixture(TYPE, name))
      expect(text, name).not.toMatch(/PLANTED/i)
    }
  })
})

describe('strongswan device model (#14)', () => {
  it('#14: an IKE listener bound to loopback is reachable from this host only; binds become listeners', async () => {
    const r = await parseText(readFileSync(join(FIXTURES, TYPE, 'swanctl-listeners.conf'), 'utf8'), 'swanctl-listeners.conf', TYPE)
    const listener = (rule: string) => r.exposures.filter((e) => e.kind === 'vpn-listener' && e.rule === rule).map((e) => [e.from.toCidrs(), e.to.toCidrs()])
    expect(listener('local-test')).toEqual([[['127.0.0.0/8'], ['127.0.0.1/32']], [['127.0.0.0/8'], ['127.0.0.1/32']]])
    expect(listener('site-a')).toEqual([[['203.0.113.50/32'], ['198.51.100.1/32']], [['203.0.113.50/32'], ['198.51.100.1/32']]])
    expect(r.device).toEqual({
      interfaces: [],
      // a loopback bind is no address others reach
      ownAddresses: ['198.51.100.1/32'],
      listeners: [
        {service: 'ipsec', bind: ['127.0.0.1/32'], line: 7},
        {service: 'ipsec', bind: ['198.51.100.1/32'], line: 18},
        // local_addrs unset: every address
        {service: 'ipsec', bind: [], line: 33},
      ],
    })
  })
})

describe('strongswan corpus', () => {
  const files = corpusFiles(TYPE)
  if (files.length === 0) it.skip('corpus folder absent', () => {})
  for (const path of files) {
    it(basename(path), async () => {
      const r = await parseCorpusFile(TYPE, path)
      const text = readFileSync(path, 'utf8')
      if (/connections\s*\{|^conn /m.test(text)) expect(r.exposures.length).toBeGreaterThan(0)
      for (const u of r.unparsed) {
        expect(u.line).toBeGreaterThan(0)
        expect(u.reason).not.toBe('')
      }
      expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
      const out = JSON.stringify(r)
      for (const secret of ['0sv+NkxY9LLZvwj4qCC2o/gGrWDF2d21jL', '0x45a30759df97dc26a15b88ff', 'strong password', 'castle', "Andi's home"]) {
        expect(out).not.toContain(secret)
      }
    })
  }

  it('net2net swanctl: gateway pair and the 10.2/16 -> 10.1/16 child', async () => {
    const path = files.find((f) => f.endsWith('ikev2-net2net-psk-moon-swanctl.conf'))
    if (!path) return
    const r = await parseCorpusFile(TYPE, path)
    expect(r.exposures.find((e) => e.protocol === 'udp')).toMatchObject({from: ['192.168.0.2/32'], to: ['192.168.0.1/32'], ports: ['500', '4500']})
    expect(r.exposures.find((e) => e.kind === 'vpn-route')).toMatchObject({rule: 'gw-gw/net-net', from: ['10.2.0.0/16'], to: ['10.1.0.0/16']})
    expect(r.stats.understood).toBe(r.stats.lines)
  })

  it('ip-pool swanctl: road warriors from the rw_pool to 10.1/16', async () => {
    const path = files.find((f) => f.endsWith('ikev2-ip-pool-moon-swanctl.conf'))
    if (!path) return
    const r = await parseCorpusFile(TYPE, path)
    expect(r.exposures.find((e) => e.kind === 'vpn-route')).toMatchObject({from: ['10.3.0.0/28'], to: ['10.1.0.0/16']})
    expect(r.exposures.find((e) => e.protocol === 'udp')?.from).toEqual(['0.0.0.0/0'])
  })

  it('stroke net-net: PH_IP_* placeholders kept as named sets', async () => {
    const path = files.find((f) => f.endsWith('ikev1-stroke-net2net-psk-moon-ipsec.conf'))
    if (!path) return
    const r = await parseCorpusFile(TYPE, path)
    expect(r.exposures.find((e) => e.protocol === 'udp')).toMatchObject({from_sets: ['PH_IP_SUN'], to_sets: ['PH_IP_MOON']})
    expect(r.exposures.find((e) => e.kind === 'vpn-route')).toMatchObject({from: ['10.2.0.0/16'], to: ['10.1.0.0/16']})
  })
})

describe('strongswan detection', () => {
  it('wins on its fixtures and corpus files', () => {
    for (const name of FIXTURE_NAMES) {
      const path = join(FIXTURES, TYPE, name)
      expect(bestParser(readFileSync(path, 'utf8'), path), name).toBe(TYPE)
    }
    for (const path of corpusFiles(TYPE)) expect(bestParser(readFileSync(path, 'utf8'), path), path).toBe(TYPE)
  })

  it('scores 0 on other formats', () => {
    for (const other of ['openvpn', 'wireguard', 'cisco-ios', 'junos', 'panos']) {
      for (const path of corpusFiles(other)) expect(strongswan.detect(readFileSync(path, 'utf8').slice(0, 65536), path), path).toBe(0)
    }
  })
})

describe('strongswan bad input', () => {
  it('another format given as strongswan: a clear IrmError', async () => {
    const err = await parseText('[Interface]\nListenPort = 51820\n', 'wg0.conf', TYPE).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IrmError)
    expect((err as IrmError).code).toBe('CONFIG_WRONG_FORMAT')
  })

  it('truncated swanctl.conf: what is there is read, the open section reported', async () => {
    const text = readFileSync(join(FIXTURES, TYPE, 'swanctl-secrets.conf'), 'utf8')
    const r = await parseText(text.slice(0, text.indexOf('partner-acme')), 'swanctl.conf', TYPE)
    expect(r.exposures.some((e) => e.rule === 'branch-paris/lan')).toBe(true)
    expect(r.unparsed.some((u) => /never closed/.test(u.reason))).toBe(true)
  })

  it('truncated inside secrets: nothing echoed', async () => {
    const text = readFileSync(join(FIXTURES, TYPE, 'swanctl-secrets.conf'), 'utf8')
    const r = await parseText(text.slice(0, text.indexOf('swanctl psk 2')), 'swanctl.conf', TYPE)
    const echoed = JSON.stringify(r.unparsed) + JSON.stringify(r.exposures.map((e) => [e.text, e.notes, e.rule]))
    expect(echoed).not.toMatch(/PLANTED/)
  })

  it('binary-ish junk inside a connection: unparsed lines, no crash', async () => {
    const junk = 'connections {\n gw {\n  remote_addrs = 192.0.2.1\n' + '\u0001\u0002\u00ff\ufffd\n'.repeat(3) + ' }\n}\n'
    const r = await parseText(junk, 'swanctl.conf', TYPE)
    expect(r.unparsed).toHaveLength(3)
  })
})

describe('strongswan traffic selectors', () => {
  const read = (text: string) =>
    readSelectors(text).selectors.map((s) => ({
      addrs: s.dynamic ? 'dynamic' : s.addresses.set.toCidrs().join(','),
      protocols: s.protocols.isAll() ? 'any' : s.protocols.toStrings().join(','),
      ports: s.ports.isAll() ? 'all' : s.ports.toStrings().join(','),
    }))

  it('every spelling of tcp/80 reads the same', () => {
    for (const t of ['10.0.0.0/8[tcp/80]', '10.0.0.0/8[TCP/80]', '10.0.0.0/8[6/80]', '10.0.0.0/8[tcp/http]', '10.0.0.0/8[6/www]']) {
      expect(read(t), t).toEqual([{addrs: '10.0.0.0/8', protocols: '6', ports: '80'}])
    }
  })

  it('protocol only, port only, %any, icmp type, ranges and dynamic', () => {
    expect(read('10.1.0.0/16[udp]')).toEqual([{addrs: '10.1.0.0/16', protocols: '17', ports: 'all'}])
    expect(read('10.1.0.0/16[udp/%any]')).toEqual([{addrs: '10.1.0.0/16', protocols: '17', ports: 'all'}])
    // a port without a protocol means the protocols that have ports
    expect(read('10.1.0.0/16[/53]')).toEqual([{addrs: '10.1.0.0/16', protocols: '6,17,132', ports: '53'}])
    // icmp "port" is a type: not a port restriction
    expect(read('10.1.0.0/16[icmp/8]')).toEqual([{addrs: '10.1.0.0/16', protocols: '1', ports: 'all'}])
    expect(read('10.1.0.0/16[tcp/1024-2048]')).toEqual([{addrs: '10.1.0.0/16', protocols: '6', ports: '1024-2048'}])
    expect(read('192.0.2.10-192.0.2.11, dynamic[tcp]')).toEqual([
      {addrs: '192.0.2.10/31', protocols: 'any', ports: 'all'},
      {addrs: 'dynamic', protocols: '6', ports: 'all'},
    ])
  })

  it('an unreadable list reads as any and says so', () => {
    const r = readSelectors('intranet.example.net, also-bad')
    expect(r.problem).toBe('cannot read intranet.example.net, also-bad (read as any)')
    expect(r.selectors.map((s) => s.addresses.set.toCidrs())).toEqual([['0.0.0.0/0'], ['::/0']])
  })
})
