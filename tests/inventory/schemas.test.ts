/** schemas/*.schema.json are written from src/inventory/schemas.ts; this fails when one is stale. */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'

import {Ajv2020} from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import {describe, expect, it} from 'vitest'

import {SCHEMA_FILES, inventorySchema} from '../../src/inventory/schemas.js'
import {readService} from '../../src/inventory/resolve.js'
import {compileInventorySchema} from '../../src/inventory/schema-validator.js'
import {ROOT} from '../helpers/sources.js'

describe('inventory schemas', () => {
  for (const [file, schema] of Object.entries(SCHEMA_FILES)) {
    it(`schemas/${file} is current (refresh with -u)`, async () => {
      await expect(JSON.stringify(schema, null, 2) + '\n').toMatchFileSnapshot(join(ROOT, 'schemas', file))
    })
  }

  it('compile in strict mode with their $refs resolved from the committed files', () => {
    const ajv = new Ajv2020({strict: true, allErrors: true, allowUnionTypes: true})
    addFormats.default(ajv)
    for (const file of Object.keys(SCHEMA_FILES)) ajv.addSchema(JSON.parse(readFileSync(join(ROOT, 'schemas', file), 'utf8')))
    const validate = ajv.getSchema(inventorySchema.$id)
    expect(validate?.({zones: [{id: 'dmz', name: 'DMZ', trust: 'dmz', cidrs: ['198.51.100.0/24']}]})).toBe(true)
    expect(validate?.({zone: []})).toBe(false)
  })

  it('the service pattern accepts what readService reads', () => {
    for (const s of ['tcp/443', 'udp/500-501', 'tcp', 'icmp', 'icmpv6', 'esp', 'ah', 'gre', '47', 'any']) {
      expect('protocols' in readService(s), s).toBe(true)
    }
    expect(readService('tcp/70000')).toEqual({kind: 'port', port: '70000'})
    expect(readService('tcp/0')).toEqual({kind: 'port', port: '0'})
    expect(readService('udp/600-500')).toEqual({kind: 'port', port: '600-500'})
    expect(readService('icmp/8')).toEqual({kind: 'syntax'})
    expect(readService('http')).toEqual({kind: 'syntax'})
  })
})

describe('the standalone inventory validator of the build (dist/)', () => {
  it('is what `npm run build` writes, and gives the errors a fresh compile gives', async () => {
    const {parse} = await import('yaml')
    const compiledUrl = pathToFileURL(join(ROOT, 'dist/inventory/schema-validator.compiled.js')).href
    const standalone = ((await import(compiledUrl)) as {default: (d: unknown) => boolean & {errors?: unknown}}).default as ((d: unknown) => boolean) & {errors?: unknown}
    const fresh = compileInventorySchema().validate
    const documents: unknown[] = [
      ...['access-points', 'contacts', 'devices', 'zones'].map((f) => parse(readFileSync(join(ROOT, 'tests/fixtures/inventory/broken', `${f}.yaml`), 'utf8'))),
      ...['access-points', 'zones', 'devices'].map((f) => parse(readFileSync(join(ROOT, 'inventory', `${f}.yaml`), 'utf8'))),
      {zones: [{id: 'a b', name: 3, trust: 'nowhere', cidrs: 'x'}], unknown: 1},
      {access_points: [{id: 1, ports: [70000], approved: 'yesterday'}]},
      {devices: [{id: 'fw', type: 'no-such-type', config: 5}]},
    ]
    let invalid = 0
    for (const d of documents) {
      const ok = standalone(d)
      expect(ok).toBe(fresh(d))
      expect(JSON.stringify(standalone.errors ?? null)).toBe(JSON.stringify(fresh.errors ?? null))
      if (!ok) invalid++
    }
    expect(invalid).toBeGreaterThanOrEqual(4)
  })
})
