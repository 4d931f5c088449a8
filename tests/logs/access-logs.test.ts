import {join} from 'node:path'

import {beforeAll, describe, expect, it} from 'vitest'

import {loadInventory, type LoadedInventory} from '../../src/inventory/load.js'
import {runAccessLogs} from '../../src/logs/access/run.js'
import {ROOT} from '../helpers/sources.js'

const DIR = join(ROOT, 'tests/fixtures/logs')
const A = (f: string) => join(DIR, 'access', f)
let loaded: LoadedInventory
beforeAll(async () => {
  loaded = await loadInventory(join(DIR, 'inventory'), {displayBase: ROOT})
})
const run = (files: string[], more: Partial<Parameters<typeof runAccessLogs>[0]> = {}) =>
  runAccessLogs({inventoryDir: '', files: files.map(A), displayBase: ROOT, year: 2026, loaded, ...more})
const brief = (r: Awaited<ReturnType<typeof run>>) => r.findings.map((f) => `${f.severity} ${f.id} @${f.line}`)

describe('irm-audit access-logs', () => {
  it('OpenVPN log with a location table: the far-away login and the new Lyon network, exactly', async () => {
    const r = await run(['openvpn.log'], {geo: [A('geo.csv')], policy: {baseline_days: 7}})
    expect(r.events).toEqual({total: 64, success: 63, failed: 1})
    expect(r.window).toEqual({from: '2026-10-01T08:00:00.000Z', to: '2026-10-12T11:01:40.000Z', learning_until: '2026-10-08T08:00:00.000Z'})
    expect(brief(r)).toEqual([
      'high impossible-travel:alice:198.51.100.23>198.18.0.7 @92',
      'high rare-country:KP:alice @92',
      'high unexpected-vpn-source:alice:198.18.0.0/24 @92',
      'high unexpected-vpn-source:bob:192.0.2.0/24 @93',
      'medium new-source-network:alice:198.18.0.0/24 @92',
      'medium rare-asn:AS64510:alice @92',
      'medium new-country-for-user:bob:FR @93',
      'medium new-source-network:bob:192.0.2.0/24 @93',
      'medium rare-asn:AS64502:bob @93',
    ])
    expect(r.findings[0].message).toBe('alice logged in from 198.51.100.23 (FR) then from 198.18.0.7 (KP): 8772 km in 1.0 h (openvpn)')
  })

  it('without a location table, only the network checks run, and the report says so', async () => {
    const r = await run(['openvpn.log'], {policy: {baseline_days: 7}})
    expect(r.location).toEqual({source: null, note: 'no location table (--geo): country, AS and impossible-travel checks skipped; network checks only'})
    expect(r.findings.map((f) => f.rule).sort()).toEqual(['new-source-network', 'new-source-network', 'unexpected-vpn-source', 'unexpected-vpn-source'])
  })

  it('pseudonymizes users on request', async () => {
    const r = await run(['openvpn.log'], {policy: {baseline_days: 7}, pseudonymize: true})
    expect(JSON.stringify(r)).not.toMatch(/alice|bob/)
    // alice, bob and the unnamed failed peer
    expect(r.users).toHaveLength(3)
    expect(r.users.every((u) => /^user-[0-9a-f]{10}$/.test(u.user))).toBe(true)
  })

  it('reads every format: events, failures and skipped lines', async () => {
    const cases: Array<[string, string, {total: number; success: number; failed: number}, number]> = [
      ['openvpn-status.log', 'openvpn', {total: 2, success: 2, failed: 0}, 0],
      // carol's 722022 tunnel alone (no 113039 parent session in the file) is not a login
      ['asa.log', 'cisco-asa', {total: 3, success: 2, failed: 1}, 0],
      ['fortigate.log', 'fortigate', {total: 2, success: 1, failed: 1}, 1],
      ['charon.log', 'strongswan', {total: 3, success: 2, failed: 1}, 0],
      ['cloudtrail.json', 'cloudtrail', {total: 3, success: 2, failed: 1}, 0],
      ['cloudtrail.json.gz', 'cloudtrail', {total: 3, success: 2, failed: 1}, 0],
      ['azure-signins.json', 'azure-signin', {total: 3, success: 2, failed: 1}, 0],
    ]
    for (const [file, format, events, skipped] of cases) {
      const r = await run([file])
      expect(r.files[0], file).toMatchObject({format, skipped})
      expect(r.events, file).toEqual(events)
    }
  })

  it('keeps who, from where and the line of each format', async () => {
    const r = await run(['asa.log', 'charon.log', 'cloudtrail.json', 'openvpn-status.log'])
    const users = Object.fromEntries(r.users.map((u) => [u.user, [u.logins, u.failed]]))
    expect(users).toEqual({
      Admin: [1, 0],
      alice: [3, 0],
      bob: [2, 0],
      'carol@example.org': [1, 0],
      dave: [1, 0],
      mallory: [0, 2],
      'mallory@example.org': [0, 1],
    })
    // VPN logins from outside partner/198.51.100.0/24 are unexpected; the cloud login of Admin is not VPN
    expect(brief(r)).toEqual(['high unexpected-vpn-source:bob:2001:db8:ffff::/48 @5'])
  })

  it('uses the locations Azure resolved itself', async () => {
    const r = await run(['azure-signins.json'])
    expect(r.location.source).toBe('locations in the logs')
    expect(brief(r)).toEqual(['high impossible-travel:alice@example.org:198.51.100.23>198.18.0.7 @5'])
  })

  it('refuses what is not an authentication log, and a bad location table, with file and line', async () => {
    await expect(run(['geo.csv'])).rejects.toMatchObject({code: 'CONFIG_UNKNOWN_FORMAT', file: 'tests/fixtures/logs/access/geo.csv'})
    await expect(run(['openvpn.log'], {geo: [A('asa.log')]})).rejects.toMatchObject({code: 'INPUT_UNREADABLE', line: 1})
  })
})

describe('access-logs: logs as real deployments write them', () => {
  const users = (r: Awaited<ReturnType<typeof run>>) => Object.fromEntries(r.users.map((u) => [u.user, [u.logins, u.failed]]))

  it('Cisco ASA: one login per session (113039, 751025 or 713228), 722022/722051 only enrich, failures in their documented forms', async () => {
    const r = await run(['asa-sessions.log'])
    expect(r.files[0]).toMatchObject({format: 'cisco-asa', events: 9, skipped: 0})
    expect(r.events).toEqual({total: 9, success: 5, failed: 4})
    expect(users(r)).toEqual({alice: [2, 0], bob: [1, 0], carol: [1, 0], dave: [1, 0], eve: [0, 1], mallory: [0, 1], oscar: [0, 1], trudy: [0, 1]})
    expect(r.findings).toEqual([])
  })

  it('Cisco ASA: 113005 without `user IP` takes the client of the SSL handshake before it', async () => {
    const {ciscoAsaLog} = await import('../../src/logs/access/cisco-asa.js')
    const {readAccessLog} = await import('../../src/logs/access/read.js')
    const r = await readAccessLog(A('asa-sessions.log'), 'asa', ciscoAsaLog(), 2026)
    expect(r.events.filter((e) => !e.success).map((e) => `${e.user}@${e.ip}:${e.line}`)).toEqual(['mallory@198.18.0.9:12', 'eve@198.18.0.10:14', 'trudy@198.18.0.11:15', 'oscar@198.18.0.20:16'])
    expect(r.events.filter((e) => e.success).map((e) => `${e.user}@${e.ip}:${e.line}`)).toEqual(['alice@198.51.100.23:2', 'bob@198.51.100.30:6', 'carol@203.0.113.77:9', 'dave@198.51.100.40:10', 'alice@198.51.100.23:19'])
  })

  it('strongSwan filelog with time_format %d %b %T and --year; site-to-site SAs counted apart', async () => {
    const r = await run(['strongswan-filelog.log'], {year: 2025})
    expect(r.files[0]).toEqual({file: 'tests/fixtures/logs/access/strongswan-filelog.log', format: 'strongswan', events: 3, skipped: 0, non_user: 3})
    expect(r.events).toEqual({total: 3, success: 2, failed: 1})
    expect(users(r)).toEqual({'198.18.0.9': [0, 1], 'carol@example.org': [1, 0], dave: [1, 0]})
    expect(r.window).toMatchObject({from: '2025-10-12T09:20:01.000Z', to: '2025-10-12T09:40:01.000Z'})
  })

  it('Entra sign-in CSV from the portal: quoted fields with commas, country from Location; service principals apart', async () => {
    const r = await run(['entra-signins.csv', 'entra-sp-signins.csv'])
    expect(r.files).toEqual([
      {file: 'tests/fixtures/logs/access/entra-signins.csv', format: 'azure-signin', events: 3, skipped: 0},
      {file: 'tests/fixtures/logs/access/entra-sp-signins.csv', format: 'azure-signin', events: 0, skipped: 0, non_user: 2},
    ])
    expect(r.events).toEqual({total: 3, success: 2, failed: 1})
    expect(r.users).toEqual([
      {user: 'alice@example.org', logins: 1, failed: 0, networks: 1, countries: ['FR']},
      {user: 'bob@example.org', logins: 0, failed: 1, networks: 1, countries: ['DE']},
      {user: 'carol@example.org', logins: 1, failed: 0, networks: 1, countries: ['BR']},
    ])
    expect(r.window).toMatchObject({from: '2026-10-12T09:40:00.000Z', to: '2026-10-12T11:40:00.000Z'})
  })

  it('Log Analytics results exported to CSV (TimeGenerated [UTC], US dates)', async () => {
    const r = await run(['entra-log-analytics.csv'])
    expect(r.files[0]).toEqual({file: 'tests/fixtures/logs/access/entra-log-analytics.csv', format: 'azure-signin', events: 2, skipped: 0})
    expect(r.users).toEqual([
      {user: 'alice@example.org', logins: 1, failed: 0, networks: 1, countries: ['FR']},
      {user: 'bob@example.org', logins: 0, failed: 1, networks: 1, countries: ['DE']},
    ])
    expect(r.window).toMatchObject({from: '2026-10-12T09:40:00.000Z', to: '2026-10-12T09:45:00.000Z'})
  })

  it('Graph sign-ins: service principals and managed identities are not user logins', async () => {
    const r = await run(['entra-graph.json'])
    expect(r.files[0]).toMatchObject({format: 'azure-signin', events: 2, non_user: 2})
    expect(users(r)).toEqual({'alice@example.org': [1, 0], 'bob@example.org': [0, 1]})
  })

  it('OpenVPN --log at verb 4 is detected past its banner and parameter dump', async () => {
    const r = await run(['openvpn-verb4.log'])
    expect(r.files[0]).toMatchObject({format: 'openvpn', events: 2, skipped: 0})
    expect(r.events).toEqual({total: 2, success: 1, failed: 1})
  })

  it('reads the location table with a CSV parser: "Google, LLC" keeps its columns', async () => {
    const {csvGeo} = await import('../../src/logs/access/geo.js')
    const g = await csvGeo(A('geo-quoted.csv'), 'geo-quoted.csv')
    expect(g.lookup(4, 0xcb007105)).toEqual({country: 'US', asn: 15169, org: 'Google, LLC', latitude: 37.42, longitude: -122.08})
    expect(g.lookup(4, 0xc6336417)).toEqual({country: 'FR', asn: 64500, org: 'Paris office ISP, SAS', latitude: 48.85, longitude: 2.35})
  })
})
