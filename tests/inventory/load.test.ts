import {symlinkSync} from 'node:fs'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {IrmError} from '../../src/core/errors.js'
import {loadInventory} from '../../src/inventory/load.js'
import {cleanTemp, load, positionOf, tempInventory} from './helpers.js'

afterAll(cleanTemp)

/** The IrmError a load throws, for asserting code and position. */
async function loadError(files: Record<string, string | Buffer>, options = {}): Promise<IrmError> {
  const dir = tempInventory(files)
  const error = await loadInventory(dir, {displayBase: dir, ...options}).then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(IrmError)
  return error as IrmError
}

const AP = `access_points:
  - id: ap1
    kind: vpn
    from: [any]
    to: [dmz]
    services: [tcp/443, udp/500]
    owner: net
    approved: {by: CISO, date: 2026-01-02}
`

describe('loadInventory: files and merge', () => {
  it('reads yaml, yml and json recursively in sorted order, skipping live/, logs/, README* and dot files', async () => {
    const loaded = await load({
      'b.yaml': 'zones: [{id: b, name: B, trust: dmz}]\n',
      'a.yml': 'zones: [{id: a, name: A, trust: dmz}]\n',
      'sub/c.json': '{"zones": [{"id": "c", "name": "C", "trust": "dmz"}]}\n',
      'live/fw.yaml': 'this: is a live config, not inventory\n',
      'logs/flows.json': '["log records are read by the logs commands"]\n',
      'sub/live/x.yaml': 'zones: [{id: d, name: D, trust: dmz}]\n',
      'README.yaml': 'not: inventory\n',
      '.hidden.yaml': 'not: inventory\n',
      'notes.txt': 'ignored\n',
    })
    // only the top-level live/ and logs/ are skipped
    expect(loaded.files.map((f) => f.file)).toEqual(['a.yml', 'b.yaml', 'sub/c.json', 'sub/live/x.yaml'])
    expect(loaded.inventory.zones.map((z) => z.id)).toEqual(['a', 'b', 'c', 'd'])
    expect(loaded.inventory.devices).toEqual([])
    expect(loaded.fileOf(loaded.inventory.zones[2])).toBe('sub/c.json')
  })

  it('merges every collection across files and keeps the first organization', async () => {
    const loaded = await load({'1.yaml': 'organization: {name: First}\nzones: []\n', '2.yaml': AP, '3.yaml': 'organization: {name: Second}\n'})
    expect(loaded.inventory.organization?.name).toBe('First')
    expect(loaded.inventory.access_points).toHaveLength(1)
  })

  it('treats an empty or comment-only file as holding nothing', async () => {
    const loaded = await load({'empty.yaml': '', 'comment.yaml': '# nothing yet\n', 'ap.yaml': AP})
    expect(loaded.inventory.access_points).toHaveLength(1)
  })
})

describe('loadInventory: positions', () => {
  it('where() gives file:line:column of any field, list item or nested field', async () => {
    const loaded = await load({'ap.yaml': AP})
    const ap = loaded.inventory.access_points[0]
    const at = (needle: string) => ({file: 'ap.yaml', ...positionOf(AP, needle)})
    expect(loaded.where(ap)).toEqual(at('id: ap1'))
    expect(loaded.where(ap, 'services')).toEqual(at('[tcp/443'))
    expect(loaded.where(ap, ['services', 1])).toEqual(at('udp/500'))
    expect(loaded.where(ap, 'services.1')).toEqual(at('udp/500'))
    expect(loaded.where(ap, 'approved.date')).toEqual(at('2026-01-02'))
    // an absent field points at the entry, where it should be added
    expect(loaded.where(ap, 'review_by')).toEqual(at('id: ap1'))
    expect(loaded.pointerOf(ap, ['services', 1])).toBe('/access_points/0/services/1')
  })

  it('locate() resolves a JSON pointer to the key or the value', async () => {
    const loaded = await load({'ap.yaml': AP})
    const f = loaded.files[0]
    expect(loaded.locate(f, '/access_points/0/owner', 'key')).toEqual({file: 'ap.yaml', ...positionOf(AP, 'owner:')})
    expect(loaded.locate(f, '/access_points/0/owner')).toEqual({file: 'ap.yaml', ...positionOf(AP, 'net\n')})
    // a pointer past the end stops at the deepest node that exists
    expect(loaded.locate(f, '/access_points/0/services/9')).toEqual({file: 'ap.yaml', ...positionOf(AP, '[tcp/443')})
  })

  it('positions work for JSON files too', async () => {
    const json = '{\n  "zones": [\n    {"id": "z", "name": "Z", "trust": "dmz", "cidrs": ["10.0.0.0/8"]}\n  ]\n}\n'
    const loaded = await load({'z.json': json})
    expect(loaded.where(loaded.inventory.zones[0], ['cidrs', 0])).toEqual({file: 'z.json', ...positionOf(json, '"10.0.0.0/8"')})
  })

  it('indexes each entry of the file it comes from, not of the merged list', async () => {
    const loaded = await load({'a.yaml': 'zones: [{id: a, name: A, trust: dmz}]\n', 'b.yaml': '\n\nzones:\n  - {id: b, name: B, trust: dmz}\n'})
    const b = loaded.inventory.zones[1]
    expect(loaded.pointerOf(b)).toBe('/zones/0')
    expect(loaded.where(b)).toEqual({file: 'b.yaml', line: 4, column: 5})
  })
})

describe('loadInventory: unusable input is one IrmError with file:line', () => {
  it('missing folder', async () => {
    const e = await loadInventory('/nonexistent/irm-audit-inventory').catch((x: IrmError) => x)
    expect(e).toMatchObject({code: 'INPUT_NOT_FOUND'})
  })

  it('folder without inventory files', async () => {
    expect(await loadError({'notes.txt': 'x'})).toMatchObject({code: 'INPUT_NOT_FOUND'})
  })

  it('malformed YAML', async () => {
    const e = await loadError({'zones.yaml': 'zones:\n  - id: a\n    name: [unclosed\n'})
    expect(e).toMatchObject({code: 'INVENTORY_SYNTAX', file: 'zones.yaml'})
    expect(e.line).toBeGreaterThanOrEqual(3)
    expect(e.message).toMatch(/^YAML syntax error/)
  })

  it('duplicate keys in one mapping', async () => {
    const e = await loadError({'zones.yaml': 'zones:\n  - id: a\n    id: b\n'})
    expect(e).toMatchObject({code: 'INVENTORY_SYNTAX', file: 'zones.yaml', line: 3})
  })

  it('several YAML documents in one file', async () => {
    expect(await loadError({'z.yaml': 'zones: []\n---\nzones: []\n'})).toMatchObject({code: 'INVENTORY_SYNTAX', line: 2})
  })

  it('a file that is a list, not a mapping', async () => {
    const e = await loadError({'zones.yaml': '# zones\n- id: a\n  name: A\n'})
    expect(e).toMatchObject({code: 'INVENTORY_INVALID', file: 'zones.yaml', line: 2, column: 1})
    expect(e.hint).toMatch(/zones:/)
  })

  it('a scalar file', async () => {
    expect(await loadError({'x.yaml': 'just some text\n'})).toMatchObject({code: 'INVENTORY_INVALID', line: 1})
  })

  it('an unknown top-level key, with a suggestion', async () => {
    const e = await loadError({'z.yaml': 'zones: []\naccess-points: []\n'})
    expect(e).toMatchObject({code: 'INVENTORY_INVALID', file: 'z.yaml', line: 2, column: 1, path: '/access-points'})
    expect(e.hint).toMatch(/Did you mean 'access_points'/)
  })

  it('a file over the size limit (50 MB against the 10 MB default)', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 0x20)
    const e = await loadError({'big.yaml': big})
    expect(e).toMatchObject({code: 'INPUT_TOO_LARGE', file: 'big.yaml', line: 1})
    expect(e.message).toMatch(/50\.0 MB, over the 10\.0 MB limit/)
  })

  it('the size limit is an option', async () => {
    expect(await loadError({'z.yaml': 'zones: []\n'}, {maxFileBytes: 4})).toMatchObject({code: 'INPUT_TOO_LARGE'})
  })

  it('a YAML alias bomb (billion laughs)', async () => {
    const bomb = [
      'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
      'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
      '',
    ].join('\n')
    const e = await loadError({'bomb.yaml': bomb})
    expect(e).toMatchObject({code: 'INVENTORY_SYNTAX', file: 'bomb.yaml', line: 2})
    expect(e.message).toMatch(/alias bomb/)
  })

  it('a few ordinary aliases are fine', async () => {
    const loaded = await load({'z.yaml': 'zones:\n  - &z {id: a, name: A, trust: dmz, cidrs: &c [10.0.0.0/8]}\n  - {id: b, name: B, trust: dmz, cidrs: *c}\n'})
    expect(loaded.inventory.zones[1].cidrs).toEqual(['10.0.0.0/8'])
  })

  it('merge keys (<<) share defaults; a merged field points at the entry', async () => {
    const yaml = 'x-defaults: &d {kind: vpn, owner: net, from: [any]}\n'
    const e = await loadError({'z.yaml': yaml})
    // a top-level anchor holder is an unknown key: defaults live inside a collection entry instead
    expect(e.code).toBe('INVENTORY_INVALID')
    const text = 'access_points:\n  - &base {id: a, kind: vpn, owner: net, from: [any], to: [dmz], services: [udp/500]}\n  - <<: *base\n    id: b\n'
    const loaded = await load({'ap.yaml': text})
    const b = loaded.inventory.access_points[1]
    expect(b).toMatchObject({id: 'b', kind: 'vpn', owner: 'net'})
    expect(loaded.where(b, 'owner')).toEqual({file: 'ap.yaml', line: 3, column: 5})
    expect(loaded.where(b, 'id')).toEqual({file: 'ap.yaml', line: 4, column: 9})
  })

  it('custom tags', async () => {
    const e = await loadError({'z.yaml': 'zones:\n  - !!js/function "function () {}"\n'})
    expect(e).toMatchObject({code: 'INVENTORY_SYNTAX', file: 'z.yaml', line: 2})
    expect(e.message).toMatch(/custom YAML tags are not allowed/)
  })

  it('a symlink pointing outside the inventory folder', async () => {
    const outside = tempInventory({'secret.yaml': 'zones: []\n'})
    const dir = tempInventory({'zones.yaml': 'zones: []\n'})
    symlinkSync(join(outside, 'secret.yaml'), join(dir, 'linked.yaml'))
    const e = (await loadInventory(dir, {displayBase: dir}).catch((x: unknown) => x)) as IrmError
    expect(e).toMatchObject({code: 'INVENTORY_PATH_ESCAPE', file: 'linked.yaml', line: 1})
  })

  it('a symlinked folder outside is refused too; a link inside the folder is followed', async () => {
    const outside = tempInventory({'x.yaml': 'zones: []\n'})
    const dir = tempInventory({'real/zones.yaml': 'zones: [{id: a, name: A, trust: dmz}]\n'})
    symlinkSync(join(dir, 'real/zones.yaml'), join(dir, 'alias.yaml'))
    expect((await loadInventory(dir, {displayBase: dir})).files.map((f) => f.file)).toEqual(['alias.yaml', 'real/zones.yaml'])
    symlinkSync(outside, join(dir, 'elsewhere'))
    expect(await loadInventory(dir, {displayBase: dir}).catch((x: IrmError) => x.code)).toBe('INVENTORY_PATH_ESCAPE')
  })

  it('a non-UTF-8 file, with the line of the first bad byte', async () => {
    const latin1 = Buffer.concat([Buffer.from('zones:\n  - id: a\n    name: Caf'), Buffer.from([0xe9]), Buffer.from('\n    trust: dmz\n')])
    const e = await loadError({'z.yaml': latin1})
    expect(e).toMatchObject({code: 'INPUT_ENCODING', file: 'z.yaml', line: 3, column: 14})
  })

  it('an encoded UTF-16 surrogate is not UTF-8 either, and is located', async () => {
    const surrogate = Buffer.concat([Buffer.from('zones: []\n# note '), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('\n')])
    expect(await loadError({'z.yaml': surrogate})).toMatchObject({code: 'INPUT_ENCODING', line: 2, column: 8})
  })

  it('UTF-16 is named as such; a UTF-8 BOM is accepted', async () => {
    expect(await loadError({'z.yaml': Buffer.from('\ufeffzones: []\n', 'utf16le')})).toMatchObject({code: 'INPUT_ENCODING'})
    const loaded = await load({'z.yaml': Buffer.from('\ufeffzones: [{id: a, name: A, trust: dmz}]\n', 'utf8')})
    expect(loaded.inventory.zones).toHaveLength(1)
  })

  it('binary junk is an encoding or syntax error, never a crash', async () => {
    const junk = Buffer.from(Array.from({length: 4096}, (_, i) => (i * 7919) % 256))
    const e = await loadError({'junk.yaml': junk})
    expect(['INPUT_ENCODING', 'INVENTORY_SYNTAX', 'INVENTORY_INVALID']).toContain(e.code)
  })

  it('the message never carries a stack or the whole file', async () => {
    const e = await loadError({'z.yaml': 'zones: [\n'})
    expect(e.describe()).not.toMatch(/\n\s+at /)
  })
})
