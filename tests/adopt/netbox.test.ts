/**
 * adopt --netbox: the NetBox 4.x pages in tests/fixtures/netbox/northwind (see its README for what each
 * object exercises), read from the folder and replayed by a local HTTP server on 127.0.0.1.
 */
import {readFileSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {draftFromNetbox} from '../../src/adopt/netbox/draft.js'
import {runAdopt} from '../../src/adopt/run.js'
import {loadInventory} from '../../src/inventory/load.js'
import {scaffold} from '../../src/inventory/scaffold.js'
import {validateInventory} from '../../src/inventory/validate.js'
import {apiRoot, fetchNetbox, readNetboxDir} from '../../src/adopt/netbox/read.js'
import {isIrmError} from '../../src/core/errors.js'
import {emptyInventory} from '../../src/inventory/model.js'
import {ROOT} from '../helpers/sources.js'

const PAGES = join(ROOT, 'tests/fixtures/netbox/northwind')
const TOKEN = '0123456789abcdef0123456789abcdef01234567'
const display = (p: string) => p.slice(ROOT.length + 1)

/** The error a promise rejects with (never a resolve). */
async function failure(p: Promise<unknown>): Promise<{code: string; message: string; hint?: string; file?: string}> {
  try {
    await p
  } catch (e) {
    if (!isIrmError(e)) throw e
    return {code: e.code, message: e.message, hint: e.hint, file: e.file}
  }
  throw new Error('expected a failure')
}

describe('NetBox pages from a folder', () => {
  it('reads every endpoint, following the pages of a folder in order', async () => {
    const data = await readNetboxDir(PAGES, display)
    expect(data['ipam/prefixes'].map((p) => p.prefix)).toEqual([
      '10.50.0.0/16', '10.50.10.0/24', '10.50.11.0/24', '10.50.99.0/24', '10.60.0.0/16',
      '10.60.50.0/24', '198.51.100.192/28', '2001:db8:60::/48', '10.70.0.0/24', '10.50.20.0/24',
    ])
    expect(data['dcim/devices']).toHaveLength(2)
    expect(data['dcim/interfaces']).toHaveLength(5)
    expect(data['ipam/ip-addresses']).toHaveLength(6)
    expect(data['ipam/services']).toHaveLength(2)
  })

  it('drafts one zone per (site, role), owners from tenants, devices with their interface mappings, and services', async () => {
    const data = await readNetboxDir(PAGES, display)
    const {draft, services} = draftFromNetbox(data, emptyInventory(), new Set(), 'netbox/')
    const entries = Object.fromEntries(draft.entries.map((d) => [`${d.collection}:${d.id}`, d.entry]))
    expect(Object.keys(entries)).toEqual([
      'contacts:retail-it',
      'zones:berlin-management',
      'zones:berlin-users',
      'zones:global-prefixes',
      'zones:madrid-dc-dmz',
      'zones:madrid-dc-pci',
      'zones:madrid-dc-servers',
      'devices:core-madrid',
      'devices:fw-berlin',
    ])
    expect(entries['contacts:retail-it']).toEqual({id: 'retail-it', team: 'Retail IT', role: 'business', channels: [{type: 'email', value: 'to-confirm'}]})
    expect(entries['zones:berlin-users']).toEqual({
      id: 'berlin-users',
      name: 'Berlin Office Users',
      trust: 'internal',
      // the 4.0/4.1 `site` spelling joins the 4.2+ `scope` one
      cidrs: ['10.50.10.0/24', '10.50.11.0/24', '10.50.20.0/24'],
      owner: 'retail-it',
      site: 'berlin',
      description: 'NetBox prefixes (site Berlin Office, role Users).',
    })
    expect(entries['zones:berlin-management']).toMatchObject({trust: 'management', cidrs: ['10.50.99.0/24'], owner: 'owner-to-confirm'})
    expect(entries['zones:global-prefixes']).toEqual({id: 'global-prefixes', name: 'Global prefixes', trust: 'internal', cidrs: ['10.70.0.0/24'], owner: 'owner-to-confirm', description: 'NetBox prefixes (no site, no role).'})
    expect(entries['zones:madrid-dc-dmz']).toMatchObject({trust: 'dmz', cidrs: ['198.51.100.192/28']})
    // nested: declared with parent, right after trust
    expect(Object.keys(entries['zones:madrid-dc-pci'])).toEqual(['id', 'name', 'trust', 'parent', 'cidrs', 'owner', 'site', 'description'])
    expect(entries['zones:madrid-dc-pci']).toMatchObject({trust: 'restricted', parent: 'madrid-dc-servers', cidrs: ['10.60.50.0/24']})
    expect(entries['zones:madrid-dc-servers']).toMatchObject({trust: 'internal', cidrs: ['10.60.0.0/16', '2001:db8:60::/48']})
    expect(entries['zones:madrid-dc-servers']).not.toHaveProperty('parent')
    expect(entries['devices:fw-berlin']).toEqual({
      id: 'fw-berlin',
      name: 'fw-berlin',
      vendor: 'Fortinet FortiGate 60F',
      format: 'fortios',
      role: 'firewall',
      zones: ['berlin-management', 'berlin-users'],
      site: 'berlin',
      management_addresses: ['10.50.99.1'],
      owner: 'owner-to-confirm',
      // 203.0.113.5/29 on port1 lies in no zone: no mapping
      interfaces: [{name: 'internal1', zone: 'berlin-users'}, {name: 'mgmt', zone: 'berlin-management'}],
    })
    expect(entries['devices:core-madrid']).toEqual({
      id: 'core-madrid',
      name: 'core-madrid',
      vendor: 'Cisco C9500-48Y4C',
      format: 'cisco-ios',
      role: 'router',
      zones: ['madrid-dc-pci', 'madrid-dc-servers'],
      site: 'madrid-dc',
      owner: 'owner-to-confirm',
      // 10.60.50.1/24 lies in both zones: the innermost one
      interfaces: [{name: 'Vlan60', zone: 'madrid-dc-servers'}, {name: 'Vlan50', zone: 'madrid-dc-pci'}],
    })
    expect(draft.notes.map((n) => n.code)).toEqual(['netbox-skipped'])
    expect(draft.notes[0].message).toMatch(/^1 NetBox prefix\(es\) with status container or deprecated not adopted/)
    expect(services).toEqual([
      {address: '10.60.0.1', protocol: 'tcp', ports: [22], label: 'NetBox service ssh (break-glass access) on core-madrid'},
      // bound to no address: every address of its device
      {address: '203.0.113.5', protocol: 'tcp', ports: [443], label: 'NetBox service https-admin on fw-berlin'},
      {address: '10.50.99.1', protocol: 'tcp', ports: [443], label: 'NetBox service https-admin on fw-berlin'},
      {address: '10.50.10.1', protocol: 'tcp', ports: [443], label: 'NetBox service https-admin on fw-berlin'},
    ])
  })

  it('leaves out what the inventory already describes, and never drafts a zone overlapping one', async () => {
    const data = await readNetboxDir(PAGES, display)
    const inv = emptyInventory()
    inv.zones.push({id: 'madrid', name: 'Madrid', trust: 'internal', cidrs: ['10.60.0.0/16']}, {id: 'berlin-part', name: 'Part of Berlin users', trust: 'internal', cidrs: ['10.50.10.128/25']})
    const {draft} = draftFromNetbox(data, inv, new Set(['madrid', 'berlin-part']), 'netbox/')
    const zones = draft.entries.filter((d) => d.collection === 'zones')
    // 10.60.0.0/16 and 10.60.50.0/24 lie in `madrid`: described already; 10.50.10.0/24 holds berlin-part: skipped
    expect(zones.map((z) => [z.id, z.entry.cidrs])).toEqual([
      ['berlin-management', ['10.50.99.0/24']],
      ['berlin-users', ['10.50.11.0/24', '10.50.20.0/24']],
      ['global-prefixes', ['10.70.0.0/24']],
      ['madrid-dc-dmz', ['198.51.100.192/28']],
      ['madrid-dc-servers', ['2001:db8:60::/48']],
    ])
    expect(draft.notes.map((n) => n.message)).toContain(
      'NetBox prefix 10.50.10.0/24 overlaps zone berlin-part without lying inside it: not adopted; split it in NetBox or extend berlin-part by hand',
    )
  })

  it('refuses a page that is not a NetBox page, with the file and line', async () => {
    const {mkdtempSync, mkdirSync, writeFileSync, rmSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'irm-netbox-'))
    try {
      mkdirSync(join(dir, 'ipam'))
      writeFileSync(join(dir, 'ipam/prefixes.json'), '{"count": 1,\n "results": [\n  {"prefix": "10.0.0.0/8",}\n ]}\n')
      const bad = await failure(readNetboxDir(dir, (p) => p.slice(dir.length + 1)))
      expect(bad).toMatchObject({code: 'NETBOX', file: 'ipam/prefixes.json'})
      expect(bad.message).toMatch(/^not valid JSON/)
      writeFileSync(join(dir, 'ipam/prefixes.json'), '[{"prefix": "10.0.0.0/8"}]')
      expect(await failure(readNetboxDir(dir, (p) => p.slice(dir.length + 1)))).toMatchObject({code: 'NETBOX', message: 'not a NetBox API page (expected a JSON object)'})
      rmSync(join(dir, 'ipam'), {recursive: true})
      expect(await failure(readNetboxDir(dir, (p) => p))).toMatchObject({code: 'NETBOX', message: 'no NetBox pages in the folder'})
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('adopt --netbox on a fresh inventory', () => {
  it('merges the NetBox drafts into the starter inventory: it validates, and a second run adds nothing', async () => {
    const {mkdtempSync, rmSync} = await import('node:fs')
    const {tmpdir} = await import('node:os')
    const dir = mkdtempSync(join(tmpdir(), 'irm-netbox-adopt-'))
    try {
      await scaffold(dir, {asOf: '2026-12-07'})
      const inv = join(dir, 'inventory')
      const r = await runAdopt({inventoryDir: inv, netbox: PAGES, asOf: '2026-12-07', displayBase: dir})
      expect(r.added).toEqual({
        contacts: ['owner-to-confirm', 'retail-it'],
        zones: ['berlin-management', 'berlin-users', 'global-prefixes', 'madrid-dc-dmz', 'madrid-dc-pci', 'madrid-dc-servers'],
        devices: ['core-madrid', 'fw-berlin'],
        interfaces: [],
        access_points: [],
      })
      expect(r.files).toEqual([{file: 'inventory/inventory.yaml', created: false}])
      const loaded = await loadInventory(inv, {displayBase: dir})
      expect(validateInventory(loaded, {asOf: new Date('2026-12-07T00:00:00Z')})).toEqual([])
      const again = await runAdopt({inventoryDir: inv, netbox: PAGES, asOf: '2026-12-07', displayBase: dir})
      expect(again.nothing_to_add).toBe(true)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})

describe('NetBox live, replayed on 127.0.0.1', () => {
  let server: Server
  let base = ''
  const seen: Array<{path: string; auth?: string}> = []
  /** Under /nb: API path → fixture page. /deny answers 401, /slow never answers, anything else 404. */
  const routes = new Map<string, string>()

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://x')
      const offset = url.searchParams.get('offset')
      const [, mount, ...rest] = url.pathname.split('/')
      const path = `/${rest.join('/')}${offset ? `?offset=${offset}` : ''}`
      seen.push({path: `/${mount}${path}`, auth: req.headers.authorization})
      const answer = (status: number, text: string) => void res.writeHead(status, {'content-type': 'application/json'}).end(text)
      if (req.headers.authorization !== `Token ${TOKEN}` || mount === 'deny') return answer(401, '{"detail":"Invalid token."}')
      if (mount === 'slow') return // never answers: the client's timeout must fire
      const route = mount === 'nb' ? routes.get(path) : undefined
      if (!route) return answer(404, '{"detail":"Not found."}')
      // the saved pages link to netbox.example.com: served from here, they link here
      answer(200, readFileSync(join(PAGES, route), 'utf8').replaceAll('https://netbox.example.com/api/', `${base}/nb/api/`))
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    routes.set('/api/ipam/prefixes/', 'ipam/prefixes/page-1.json')
    routes.set('/api/ipam/prefixes/?offset=5', 'ipam/prefixes/page-2.json')
    routes.set('/api/dcim/devices/', 'dcim/devices.json')
    routes.set('/api/dcim/interfaces/', 'dcim/interfaces.json')
    routes.set('/api/ipam/ip-addresses/', 'ipam/ip-addresses.json')
    routes.set('/api/ipam/services/', 'ipam/services.json')
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  })

  it('reads every endpoint page by page, as the folder gives them', async () => {
    seen.length = 0
    const live = await fetchNetbox({url: `${base}/nb`, token: TOKEN, timeoutMs: 5000})
    expect(live).toEqual(await readNetboxDir(PAGES, display).then((d) => JSON.parse(JSON.stringify(d).replaceAll('https://netbox.example.com/api/', `${base}/nb/api/`))))
    // pagination by `next`, the token in the Authorization header of each request
    expect(seen.map((s) => s.path)).toEqual([
      '/nb/api/ipam/prefixes/', '/nb/api/ipam/prefixes/?offset=5', '/nb/api/dcim/devices/', '/nb/api/dcim/interfaces/', '/nb/api/ipam/ip-addresses/', '/nb/api/ipam/services/',
    ])
    expect(seen.every((s) => s.auth === `Token ${TOKEN}`)).toBe(true)
  })

  it('a rejected token is a clear error that never shows the token', async () => {
    const e = await failure(fetchNetbox({url: `${base}/deny`, token: TOKEN, timeoutMs: 5000}))
    expect(e).toMatchObject({code: 'NETBOX', message: 'NetBox refused the token (401 Unauthorized)', file: `${base}/deny/api/ipam/prefixes/?limit=1000`})
    expect(JSON.stringify(e)).not.toContain(TOKEN)
  })

  it('a NetBox that does not answer times out with the URL and a hint', async () => {
    const e = await failure(fetchNetbox({url: `${base}/slow`, token: TOKEN, timeoutMs: 300}))
    expect(e).toMatchObject({code: 'NETBOX', message: 'NetBox did not answer within 0.3 s', file: `${base}/slow/api/ipam/prefixes/?limit=1000`})
    expect(e.hint).toMatch(/--netbox-timeout/)
  })

  it('a wrong base URL is a 404 that says which URL to pass', async () => {
    const e = await failure(fetchNetbox({url: `${base}/elsewhere`, token: TOKEN, timeoutMs: 5000}))
    expect(e).toMatchObject({code: 'NETBOX', message: 'NetBox has no such API endpoint (404 Not Found)'})
  })

  it('needs a token, refuses plain http beyond loopback and credentials in the URL', async () => {
    expect(await failure(fetchNetbox({url: base}))).toMatchObject({code: 'USAGE', message: '--netbox URL needs an API token in NETBOX_TOKEN'})
    expect(await failure(fetchNetbox({url: 'http://netbox.example.com', token: TOKEN}))).toMatchObject({
      code: 'USAGE',
      message: '--netbox: plain http to netbox.example.com refused: the token would cross the network in clear',
    })
    const creds = await failure(fetchNetbox({url: 'https://admin:s3cret@netbox.example.com', token: TOKEN}))
    expect(creds).toMatchObject({code: 'USAGE', message: '--netbox: the URL holds credentials'})
    expect(JSON.stringify(creds)).not.toContain('s3cret')
    expect(apiRoot('http://localhost:8000/').href).toBe('http://localhost:8000/api/')
    expect(apiRoot('https://netbox.example.com/netbox/api').href).toBe('https://netbox.example.com/netbox/api/')
  })

  it('never follows a `next` link to another host (the token would go there)', async () => {
    const fake: typeof fetch = async () =>
      new Response(JSON.stringify({count: 2, next: 'https://evil.example.net/api/ipam/prefixes/?offset=1', previous: null, results: [{prefix: '10.0.0.0/8'}]}), {status: 200})
    const e = await failure(fetchNetbox({url: 'https://netbox.example.com', token: TOKEN, fetch: fake}))
    expect(e.message).toBe('the page\'s "next" link leads to another host (evil.example.net); not followed, the token would go there')
  })
})
