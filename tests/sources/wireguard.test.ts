import {readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {describe, expect, it} from 'vitest'

import {IrmError} from '../../src/core/errors.js'
import {parseText} from '../../src/sources/load.js'
import {allParsers} from '../../src/sources/registry.js'
import {wireguard} from '../../src/sources/wireguard.js'
import {corpusFiles, FIXTURES, goldenPath, parseCorpusFile, parseFixture} from '../helpers/sources.js'

const TYPE = 'wireguard'
const FIXTURE_NAMES = ['wg-hub-secrets.conf', 'wg-client.conf', 'networkd-wg1.netdev', 'wireguard-warnings.conf']

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

describe('wireguard fixtures (golden)', () => {
  for (const name of FIXTURE_NAMES) {
    it(name, async () => {
      const report = await parseFixture(TYPE, name)
      await expect(JSON.stringify(report, null, 2) + '\n').toMatchFileSnapshot(goldenPath(TYPE, name))
    })
  }

  it('hub: listener, per-peer routes to the interface networks, hook iptables rules', async () => {
    const r = await parseFixture(TYPE, 'wg-hub-secrets.conf')
    const listener = r.exposures.find((e) => e.kind === 'vpn-listener')
    expect(listener, 'udp/51820 from any is listed').toMatchObject({protocol: 'udp', ports: ['51820'], from: ['0.0.0.0/0', '::/0']})
    const paris = r.exposures.find((e) => e.rule.includes('branch-paris'))
    expect(paris?.from).toEqual(['10.44.0.2/32', '192.168.20.0/24'])
    // Address networks, host bits masked, of the families the peer may send from
    expect(paris?.to, 'destination = Address networks, host bits masked').toEqual(['10.44.0.0/24'])
    expect(r.exposures.find((e) => e.rule.includes('laptop-alice'))?.to).toEqual(['10.44.0.0/24', 'fd00:44::/64'])
    expect(paris?.rule).toBe('wg-hub-secrets peer pAr1sBra (branch-paris)')
    // the comment above [Peer] names the next peer
    expect(r.exposures.some((e) => e.rule.endsWith('(laptop-alice)'))).toBe(true)
    // two AllowedIPs lines of one peer: two routes, each at its line
    expect(r.exposures.filter((e) => e.rule.includes('branch-lyon')).map((e) => e.line)).toHaveLength(2)
    const full = r.exposures.find((e) => e.rule.startsWith('wg-hub-secrets peer FuLLTunn'))
    expect(full?.from, 'full-tunnel peer on a server accepts any source').toEqual(['0.0.0.0/0', '::/0'])
    // PostDown/PreDown are teardown: nothing from them
    expect(r.exposures.some((e) => e.line === 23 || e.line === 24)).toBe(false)
  })

  it('hub: PostUp iptables commands become filter exposures at the PostUp line', async () => {
    const r = await parseFixture(TYPE, 'wg-hub-secrets.conf')
    const filters = r.exposures.filter((e) => e.kind === 'filter')
    expect(r.unparsed).toEqual([])
    expect(filters.some((e) => e.line === 19 && e.protocol === 'udp' && e.ports.join() === '51820')).toBe(true)
    expect(filters.some((e) => e.line === 19 && e.to.includes('192.168.10.0/24') && e.interfaces?.in?.includes('wg-hub-secrets'))).toBe(true)
    expect(filters.some((e) => e.line === 21 && e.to.includes('2001:db8:10::/64'))).toBe(true)
  })

  it('client: no listener without ListenPort, full-tunnel route to its own address', async () => {
    const r = await parseFixture(TYPE, 'wg-client.conf')
    expect(r.exposures.filter((e) => e.kind === 'vpn-listener')).toHaveLength(0)
    expect(r.exposures).toHaveLength(1)
    expect(r.exposures[0]).toMatchObject({kind: 'vpn-route', from: ['0.0.0.0/0'], to: ['10.44.0.10/32']})
    expect(r.unparsed).toEqual([])
    expect(r.stats.understood).toBe(r.stats.lines)
  })

  it('networkd .netdev: Name= names the interface, routes go to any (addresses are in the .network file)', async () => {
    const r = await parseFixture(TYPE, 'networkd-wg1.netdev')
    expect(r.exposures.find((e) => e.kind === 'vpn-listener')).toMatchObject({rule: 'wg1 listener', ports: ['51821']})
    const routes = r.exposures.filter((e) => e.kind === 'vpn-route')
    expect(routes.map((e) => e.from.join())).toEqual(['10.60.0.2/32', '10.61.0.0/16'])
    expect(routes.every((e) => e.to.join() === '0.0.0.0/0' && e.rule === 'wg1 peer DRsitePu')).toBe(true)
    expect(r.unparsed).toEqual([])
    expect(r.stats.understood).toBe(r.stats.lines)
  })

  it('warnings: exact unparsed lines and reasons', async () => {
    const r = await parseFixture(TYPE, 'wireguard-warnings.conf')
    expect(r.unparsed.map((u) => [u.line, u.reason])).toEqual([
      [3, "'ListenPort' outside [Interface] or [Peer]"],
      [7, "ListenPort 'fifty' is not a port"],
      [9, "Address: cannot read '10.44.0.300/24'"],
      [11, "unknown [Interface] key 'Jc'"],
      [13, "hook command 'nft' not modelled: it may change filtering"],
      [15, 'not a key = value line'],
      [17, 'unknown section [Tunnel]'],
      [19, "'Foo' outside [Interface] or [Peer]"],
      [22, "unknown [Peer] key 'Weight'"],
      [24, "AllowedIPs: cannot read 'not-an-ip'"],
      [27, 'peer without PublicKey: wg refuses it, no route listed'],
      [30, "unknown [Peer] key 'PresharedKeys'"],
      [32, 'not a key = value line'],
    ])
    // a credential-looking key keeps its name, never its value
    expect(r.unparsed.slice(-2).map((u) => u.text)).toEqual(['PresharedKeys = <redacted>', 'Private Key = <redacted>'])
    expect(r.stats.lines - r.stats.understood).toBe(r.unparsed.length)
    // the good part of a half-bad AllowedIPs is kept
    expect(r.exposures.find((e) => e.kind === 'vpn-route')?.from).toEqual(['10.44.0.7/32'])
  })

  it('secrets never appear', async () => {
    for (const name of FIXTURE_NAMES) {
      const text = JSON.stringify(await parseFixture(TYPE, name))
      expect(text).not.toMatch(/PLANTED/i)
    }
  })
})

describe('wireguard device model (#14)', () => {
  it('wg-hub-secrets.conf: the tunnel interface with its addresses, a listener on every address, routes enter by the interface', async () => {
    const r = await parseText(readFileSync(join(FIXTURES, TYPE, 'wg-hub-secrets.conf'), 'utf8'), 'wg-hub-secrets.conf', TYPE)
    expect(r.device).toEqual({
      interfaces: [{name: 'wg-hub-secrets', addresses: ['10.44.0.1/24', 'fd00:44::1/64'], line: 7}],
      ownAddresses: ['10.44.0.1/32', 'fd00:44::1/128'],
      listeners: [{service: 'wireguard', bind: [], line: 9}],
    })
    const routes = r.exposures.filter((e) => e.kind === 'vpn-route')
    expect(routes.length).toBeGreaterThan(0)
    for (const e of routes) expect(e.ingress).toEqual({interfaces: ['wg-hub-secrets'], zones: []})
    // the listener binds every address: no ingress is named
    expect(r.exposures.find((e) => e.kind === 'vpn-listener')?.ingress).toBeUndefined()
  })
})

describe('wireguard corpus', () => {
  const files = corpusFiles(TYPE)
  if (files.length === 0) it.skip('corpus folder absent', () => {})
  for (const path of files) {
    it(basename(path), async () => {
      const r = await parseCorpusFile(TYPE, path)
      const text = readFileSync(path, 'utf8')
      if (/^\s*(ListenPort|AllowedIPs)\s*=/im.test(text)) expect(r.exposures.length).toBeGreaterThan(0)
      for (const u of r.unparsed) {
        expect(u.line).toBeGreaterThan(0)
        expect(u.reason).not.toBe('')
      }
      expect(r.stats.understood).toBeLessThanOrEqual(r.stats.lines)
      // every corpus file holds a real-looking PrivateKey: never echoed
      const key = /PrivateKey\s*=\s*(\S+)/.exec(text)?.[1]
      if (key) expect(JSON.stringify(r)).not.toContain(key)
    })
  }

  it('hub with four peers: one route each, /32 to the /24', async () => {
    const path = files.find((f) => f.endsWith('wgdocs-full-public-server1-wg0.conf'))
    if (!path) return
    const r = await parseCorpusFile(TYPE, path)
    const routes = r.exposures.filter((e) => e.kind === 'vpn-route')
    expect(routes.map((e) => e.from[0])).toEqual(['10.0.44.2/32', '10.0.44.3/32', '10.0.44.4/32', '10.0.44.5/32'])
    expect(routes.every((e) => e.to.join() === '10.0.44.0/24')).toBe(true)
    expect(routes[0].rule).toBe('wg0 peer SceMEaVZ (public-server2.example-vpn.dev)')
    expect(r.unparsed).toEqual([])
  })

  it('wiregate: PostUp iptables INPUT udp/51820 and FORWARD on wg0 are listed at the PostUp line', async () => {
    const path = files.find((f) => f.endsWith('wiregate-wg0.conf'))
    if (!path) return
    const r = await parseCorpusFile(TYPE, path)
    const filters = r.exposures.filter((e) => e.kind === 'filter')
    expect(filters.every((e) => e.line === 11)).toBe(true)
    expect(filters.some((e) => e.rule === 'INPUT#1' && e.protocol === 'udp' && e.ports.join() === '51820')).toBe(true)
    expect(filters.some((e) => e.interfaces?.in?.includes('wg0'))).toBe(true)
    expect(r.stats.understood).toBe(r.stats.lines)
  })

  it('LAN bridging: AllowedIPs with host bits read as the LAN network', async () => {
    const path = files.find((f) => f.endsWith('wgdocs-lan-bridging-newyork-wg0.conf'))
    if (!path) return
    const r = await parseCorpusFile(TYPE, path)
    expect(r.exposures.find((e) => e.line === 19)?.from).toEqual(['10.0.44.1/32', '192.168.1.0/24'])
    expect(r.exposures.find((e) => e.kind === 'vpn-listener')?.ports).toEqual(['51820'])
  })
})

describe('wireguard detection', () => {
  it('wins on its fixtures and corpus files', () => {
    for (const name of FIXTURE_NAMES) {
      const path = join(FIXTURES, TYPE, name)
      expect(bestParser(readFileSync(path, 'utf8'), path), name).toBe(TYPE)
    }
    for (const path of corpusFiles(TYPE)) expect(bestParser(readFileSync(path, 'utf8'), path), path).toBe(TYPE)
  })

  it('scores 0 on other VPN formats', () => {
    for (const other of ['openvpn', 'strongswan', 'iptables', 'cisco-asa']) {
      for (const path of corpusFiles(other)) expect(wireguard.detect(readFileSync(path, 'utf8').slice(0, 65536), path), path).toBe(0)
    }
  })
})

describe('wireguard bad input', () => {
  it('another format given as wireguard: a clear IrmError', async () => {
    const asa = corpusFiles('openvpn')[0]
    const text = asa ? readFileSync(asa, 'utf8') : 'port 1194\nproto udp\n'
    await expect(parseText(text, 'server.conf', TYPE)).rejects.toBeInstanceOf(IrmError)
  })

  it('truncated file: what is there is read, nothing throws', async () => {
    const text = readFileSync(join(FIXTURES, TYPE, 'wg-hub-secrets.conf'), 'utf8').slice(0, 900)
    const r = await parseText(text, 'wg0.conf', TYPE)
    expect(r.exposures.some((e) => e.kind === 'vpn-listener')).toBe(true)
  })

  it('binary-ish junk after a header: unparsed lines, no crash', async () => {
    const junk = '[Interface]\n' + '\u0001\u0002\u00ff\ufffd=?==\n'.repeat(5) + 'ListenPort = 1\n'
    const r = await parseText(junk, 'wg0.conf', TYPE)
    expect(r.unparsed.length).toBe(5)
  })
})
