import {execFileSync} from 'node:child_process'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {inventoryChanges} from '../../src/git/changes.js'

let repo: string
let clock = Date.parse('2026-10-01T10:00:00Z')
const git = (...args: string[]) => {
  const date = new Date(clock).toISOString()
  return execFileSync('git', args, {cwd: repo, encoding: 'utf8', env: {...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date}})
}
const write = (path: string, text: string) => writeFileSync(join(repo, 'inventory', path), text)
const commit = (msg: string, author: string) => {
  git('add', '-A')
  clock += 86_400_000
  git('-c', `user.name=${author}`, '-c', `user.email=${author.toLowerCase()}@example.org`, 'commit', '-q', '-m', msg)
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'irm-changes-'))
  mkdirSync(join(repo, 'inventory'))
  git('init', '-q', '-b', 'main')
  write('access-points.yaml', `access_points:
  - id: ap-web
    kind: firewall-opening
    from: [internet]
    to: [dmz]
    services: [tcp/443]
    owner: web
  - id: ap-old-ftp
    kind: firewall-opening
    from: [partners]
    to: [dmz]
    services: [tcp/21]
    owner: web
`)
  write('zones.yaml', 'zones:\n  - {id: dmz, name: DMZ, trust: dmz, cidrs: [192.0.2.0/24]}\n')
  commit('initial inventory', 'Alice')
  // modify ap-web (a service added), delete the ftp opening, add a VPN, rename the zone id
  write('access-points.yaml', `access_points:
  - id: ap-web
    kind: firewall-opening
    from: [internet]
    to: [dmz]
    services: [tcp/443, tcp/80]
    owner: web
  - id: ap-vpn
    kind: vpn
    from: [internet]
    to: [198.51.100.1/32]
    services: [udp/1194]
    owner: netops
`)
  write('zones.yaml', 'zones:\n  - {id: dmz-paris, name: DMZ, trust: dmz, cidrs: [192.0.2.0/24]}\n')
  commit('open http, drop ftp, add vpn', 'Bob')
})

afterAll(() => rmSync(repo, {recursive: true, force: true}))

describe('irm-audit changes', () => {
  it('lists added, modified, removed and renamed entries with the commit that made them', async () => {
    const r = await inventoryChanges({inventoryDir: join(repo, 'inventory'), base: 'HEAD~1', head: 'HEAD', displayBase: repo})
    expect(r.summary).toEqual({added: 1, removed: 1, modified: 1, renamed: 1})
    const byId = Object.fromEntries(r.changes.map((c) => [c.id, c]))
    expect(byId['ap-web'].change).toBe('modified')
    expect(byId['ap-web'].fields).toEqual([{field: 'services', before: ['tcp/443'], after: ['tcp/443', 'tcp/80']}])
    expect(byId['ap-web'].file).toBe('inventory/access-points.yaml')
    expect(byId['ap-web'].line).toBe(2)
    expect((byId['ap-web'].commit as {author: string}).author).toBe('Bob')
    expect(byId['ap-vpn'].change).toBe('added')
    expect(byId['ap-old-ftp'].change).toBe('removed')
    expect((byId['ap-old-ftp'].commit as {summary: string}).summary).toBe('open http, drop ftp, add vpn')
    expect(byId['dmz-paris']).toMatchObject({change: 'renamed', previous_id: 'dmz', collection: 'zones'})
  })

  it('compares with the working tree and marks uncommitted entries', async () => {
    write('flows.yaml', 'flows:\n  - {id: erp, name: ERP, from: [dmz-paris], to: [dmz-paris], services: [tcp/1521], criticality: high}\n')
    try {
      const r = await inventoryChanges({inventoryDir: join(repo, 'inventory'), base: 'HEAD', displayBase: repo})
      expect(r.head.rev).toBe('working tree')
      expect(r.changes).toEqual([{collection: 'flows', id: 'erp', change: 'added', file: 'inventory/flows.yaml', line: 2, commit: {uncommitted: true}}])
    } finally {
      rmSync(join(repo, 'inventory/flows.yaml'))
    }
  })

  it('says which revision is unknown, with a hint', async () => {
    await expect(inventoryChanges({inventoryDir: join(repo, 'inventory'), base: 'no-such-branch', displayBase: repo})).rejects.toMatchObject({code: 'GIT', message: "unknown git revision 'no-such-branch'"})
  })

  it('refuses outside a git repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'irm-nogit-'))
    try {
      await expect(inventoryChanges({inventoryDir: plain, base: 'HEAD', displayBase: plain})).rejects.toMatchObject({code: 'GIT'})
    } finally {
      rmSync(plain, {recursive: true, force: true})
    }
  })
})
