import {readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {IrmError} from '../../src/core/errors.js'
import {parseText} from '../../src/sources/load.js'
import {openvpn} from '../../src/sources/openvpn.js'
import {allParsers} from '../../src/sources/registry.js'
import {corpusFiles, FIXTURES, goldenPath, parseCorpusFile, parseFixture, placeRows} from '../helpers/sources.js'

const TYPE = 'openvpn'
const FIXTURE_NAMES = [
  'server-secrets.conf',
  'tcp-portshare.conf',
  'bridge-tap.conf',
  'client-lport-secrets.conf',
  'p2p-static.conf',
  'udp6-multi-local.conf',
  'udp6-ipv6only.conf',
  'openvpn-warnings.conf',
  'local-management.conf',
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

describe('openvpn device model (#14)', () => {
  it('#14: management on 127.0.0.1 is reachable from the host only; routes enter by the tunnel device', async () => {
    const r = await parseFixture(TYPE, 'local-management.conf')
    const row = (rule: string, protocol: string, ports: string[], to: string[], ingress: object | null, hostLocal: boolean) =>
      ({rule, protocol, ports, to, ingress, egress: null, host_local: hostLocal})
    const tun0 = {interfaces: ['tun0'], zones: []}
    expect(placeRows(r)).toEqual([
      row('listener 203.0.113.5', 'udp', ['1194'], ['203.0.113.5/32'], null, false),
      row('management', 'tcp', ['7505'], ['127.0.0.1/32'], null, true),
      // the server's own tunnel address is the host itself
      row('server 10.8.0.1/32', 'any', [], ['10.8.0.1/32'], tun0, true),
      row('push route 192.168.10.0/24', 'any', [], ['192.168.10.0/24'], tun0, false),
    ])
    // nobody outside the host can send to a loopback socket
    expect(r.exposures.find((e) => e.rule === 'management')?.from).toEqual(['127.0.0.0/8'])
    expect(r.exposures.find((e) => e.rule === 'listener 203.0.113.5')?.from).toEqual(['0.0.0.0/0'])
  })

  it('describes the tunnel device, the own addresses and both listeners with their binds', async () => {
    const r = await parseText(readFileSync(join(FIXTURES, TYPE, 'local-management.conf'), 'utf8'), 'local-management.conf', TYPE)
    expect(r.device).toEqual({
      interfaces: [{name: 'tun0', addresses: ['10.8.0.1/24'], line: 10}],
      ownAddresses: ['10.8.0.1/32', '203.0.113.5/32'],
      listeners: [
        {service: 'openvpn', bind: ['203.0.113.5/32'], line: 7},
        {service: 'openvpn-management', bind: ['127.0.0.1/32'], line: 9},
      ],
    })
  })
})

describe('openvpn fixtures (golden)', () => {
  for (const name of FIXTURE_NAMES) {
    it(name, async () => {
      const report = await parseFixture(TYPE, name)
      await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, name))
    })
  }

  it('server: listener on its local address, routes from the pool to every pushed network', async () => {
    const r = await parseFixture(TYPE, 'server-secrets.conf')
    expect(r.exposures.find((e) => e.rule === 'listener 203.0.113.10')).toMatchObject({
      kind: 'vpn-listener',
      protocol: 'udp',
      ports: ['1194'],
      // an IPv4 listener only hears IPv4 sources
      from: ['0.0.0.0/0'],
      to: ['203.0.113.10/32'],
    })
    const pushed = r.exposures.filter((e) => e.rule.startsWith('push '))
    expect(pushed.map((e) => e.to.join())).toEqual(['10.20.0.0/16', '192.168.50.0/24', '2001:db8:20::/48', '10.99.0.10/32'])
    // from the pool of the route's family
    expect(pushed.map((e) => e.from.join())).toEqual(['10.8.0.0/24', '10.8.0.0/24', 'fd00:8::/64', '10.8.0.0/24'])
    expect(r.exposures.find((e) => e.rule === 'route 192.168.100.0/24')?.from).toEqual(['192.168.100.0/24'])
    expect(r.exposures.find((e) => e.rule === 'client-to-client')?.to).toEqual(['10.8.0.0/24', 'fd00:8::/64'])
    // management on 0.0.0.0 without a password file
    const mgmt = r.exposures.find((e) => e.rule === 'management')
    expect(mgmt).toMatchObject({protocol: 'tcp', ports: ['7505'], to: ['0.0.0.0/0']})
    expect(mgmt?.notes?.join()).toMatch(/no password file/)
    expect(r.unparsed).toEqual([])
    expect(r.stats.understood).toBe(r.stats.lines)
  })

  it('tcp server: port-share forward, redirect-gateway to any, loopback management', async () => {
    const r = await parseFixture(TYPE, 'tcp-portshare.conf')
    expect(r.exposures.find((e) => e.kind === 'vpn-listener' && e.rule === 'listener')).toMatchObject({protocol: 'tcp', ports: ['443']})
    expect(r.exposures.find((e) => e.kind === 'nat-forward')?.translated).toEqual({to: ['127.0.0.1/32'], ports: ['8443']})
    // `ipv6` is pushed but the pool is IPv4-only: clients have no IPv6 to send from
    expect(r.exposures.find((e) => e.rule === 'push redirect-gateway')?.to).toEqual(['0.0.0.0/0'])
    expect(r.exposures.find((e) => e.rule === 'management')?.to).toEqual(['127.0.0.1/32', '::1/128'])
  })

  it('bridge: udp4 listener on lport, pool from server-bridge, unix management is no listener', async () => {
    const r = await parseFixture(TYPE, 'bridge-tap.conf')
    const listeners = r.exposures.filter((e) => e.kind === 'vpn-listener')
    expect(listeners).toHaveLength(1)
    expect(listeners[0]).toMatchObject({ports: ['1195'], to: ['0.0.0.0/0']})
    expect(r.exposures.find((e) => e.kind === 'vpn-route')?.from[0]).toBe('192.168.8.128/26')
  })

  it('client with lport listens; client-side routes open nothing', async () => {
    const r = await parseFixture(TYPE, 'client-lport-secrets.conf')
    expect(r.exposures).toHaveLength(1)
    expect(r.exposures[0]).toMatchObject({kind: 'vpn-listener', ports: ['1195'], from_sets: ['vpn2.example.net']})
  })

  it('p2p static key: listener only from its peer', async () => {
    const r = await parseFixture(TYPE, 'p2p-static.conf')
    expect(r.exposures.find((e) => e.kind === 'vpn-listener')?.from).toEqual(['198.51.100.9/32'])
    expect(r.exposures.find((e) => e.kind === 'vpn-route')?.from).toEqual(['10.9.9.2/32', '172.30.0.0/16'])
  })

  it('address families: one listener per local, udp6 dual-stack unless bind ipv6only', async () => {
    const multi = await parseFixture(TYPE, 'udp6-multi-local.conf')
    const listeners = multi.exposures.filter((e) => e.kind === 'vpn-listener')
    expect(listeners.map((e) => [e.to.join(), e.ports.join()])).toEqual([
      ['203.0.113.20/32', '1194'],
      ['2001:db8:20::20/128', '1195'],
    ])
    const v6only = await parseFixture(TYPE, 'udp6-ipv6only.conf')
    expect(v6only.exposures.find((e) => e.kind === 'vpn-listener')?.to).toEqual(['::/0'])
  })

  it('warnings: exact unparsed lines and reasons', async () => {
    const r = await parseFixture(TYPE, 'openvpn-warnings.conf')
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [7, "unknown directive 'frobnicate'"],
      [9, "lport 'http' is not a port"],
      [11, "push route: cannot read network '10.300.0.0 255.255.0.0'"],
      [13, "config include '/etc/openvpn/common.conf' not followed: read that file separately"],
      [15, "unknown proto 'sctp'"],
      [17, 'unclosed quote'],
      [19, 'management needs IP PORT'],
      [21, 'unknown inline block <frob> (1 line): not read, not echoed'],
      [25, 'server needs NETWORK NETMASK'],
      [27, "unknown directive 'tls-auth-key'"],
      [29, 'inline <secret> block is never closed (truncated file?): the rest of the file is not read'],
    ])
    expect(r.unparsed.find((u) => u.line === 27)?.text).toBe('tls-auth-key <redacted>')
    // the lines inside the unknown and the unclosed blocks are counted but not understood
    expect(r.stats).toEqual({lines: 18, understood: 5})
    // the good lines still give the listener, on the default port
    expect(r.exposures.find((e) => e.kind === 'vpn-listener')?.ports).toEqual(['1194'])
  })

  it('secrets never appear', async () => {
    for (const name of FIXTURE_NAMES) {
      const text = JSON.stringify(await parseFixture(TYPE, name))
      expect(text, name).not.toMatch(/PLANTED|BEGIN PRIVATE|BEGIN CERTIFICATE/i)
    }
  })
})

describe('openvpn corpus', () => {
  const files = corpusFiles(TYPE)
  if (files.length === 0) it.skip('corpus folder absent', () => {})
  for (const path of files) {
    it(basename(path), async () => {
      const r = await parseCorpusFile(TYPE, path)
      for (const u of r.unparsed) {
        expect(u.line).toBeGreaterThan(0)
        expect(u.reason).not.toBe('')
      }
      expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
    })
  }

  it('sample server: udp/1194 from any, the only exposures are the listener and the server address', async () => {
    const path = files.find((f) => f.endsWith('openvpn-sample-server.conf'))
    if (!path) return
    const r = await parseCorpusFile(TYPE, path)
    expect(r.exposures.find((e) => e.kind === 'vpn-listener')).toMatchObject({protocol: 'udp', ports: ['1194'], line: 32})
    expect(r.exposures.find((e) => e.kind === 'vpn-route')).toMatchObject({from: ['10.8.0.0/24'], to: ['10.8.0.1/32']})
    // commented-out push/route lines are comments
    expect(r.exposures).toHaveLength(2)
    expect(r.unparsed).toEqual([])
  })

  it('sample client: nobind, so nothing listens', async () => {
    const path = files.find((f) => f.endsWith('openvpn-sample-client.conf'))
    if (!path) return
    const r = await parseCorpusFile(TYPE, path)
    expect(r.exposures).toEqual([])
    expect(r.stats.understood).toBe(r.stats.lines)
  })
})

describe('openvpn detection', () => {
  it('wins on its fixtures and corpus files', () => {
    for (const name of FIXTURE_NAMES) {
      const path = join(FIXTURES, TYPE, name)
      expect(bestParser(readFileSync(path, 'utf8'), path), name).toBe(TYPE)
    }
    for (const path of corpusFiles(TYPE)) expect(bestParser(readFileSync(path, 'utf8'), path), path).toBe(TYPE)
  })

  it('scores 0 on other formats', () => {
    for (const other of ['wireguard', 'strongswan', 'iptables', 'cisco-ios']) {
      for (const path of corpusFiles(other)) expect(openvpn.detect(readFileSync(path, 'utf8').slice(0, 65536), path), path).toBe(0)
    }
  })
})

describe('openvpn bad input', () => {
  it('another format given as openvpn: a clear IrmError', async () => {
    const wg = '[Interface]\nPrivateKey = S3cr3t-PLANTED-x=\nListenPort = 51820\n'
    const err = await parseText(wg, 'wg0.conf', TYPE).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IrmError)
    expect((err as IrmError).code).toBe('CONFIG_WRONG_FORMAT')
    expect(String((err as IrmError).message)).not.toMatch(/PLANTED/)
  })

  it('truncated inside an inline key: no echo, no throw', async () => {
    const text = readFileSync(join(FIXTURES, TYPE, 'server-secrets.conf'), 'utf8')
    const cut = text.slice(0, text.indexOf('S3cr3tPLANTEDprivatekeymaterialB'))
    const r = await parseText(cut, 'server.conf', TYPE)
    expect(JSON.stringify(r.unparsed)).not.toMatch(/PLANTED/)
    expect(r.exposures.some((e) => e.kind === 'vpn-listener')).toBe(true)
  })

  it('binary-ish junk among directives: unparsed lines, no crash', async () => {
    const junk = 'dev tun\n' + '\u0001\u0002\u00ff\ufffd "\n'.repeat(4) + 'port 1194\n'
    const r = await parseText(junk, 'x.conf', TYPE)
    expect(r.unparsed).toHaveLength(4)
  })
})
