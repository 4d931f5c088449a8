/**
 * `--jobs`: live configs parsed on worker threads come back in request order, equal to one thread's,
 * whatever order the workers finish in (the first device's config is 20 times the others', so it
 * finishes last). Errors keep their meaning: an inventory config that does not parse is a LiveConfig
 * with an error, a bad `--live` file is thrown. Workers run dist/ (npm run build first, as CI does).
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, describe, expect, it} from 'vitest'

import {iptables} from '../../bench/generate.js'
import {type LiveRequest, loadLive} from '../../src/diff/live.js'
import {workerFile} from '../../src/diff/live-pool.js'
import type {LiveConfig} from '../../src/diff/model.js'
import {exposureToJson} from '../../src/model/exposure.js'
import {AddressSet} from '../../src/net/address-set.js'
import {PortSet, ProtocolSet} from '../../src/net/number-set.js'
import {fromTransfer, toTransfer} from '../../src/net/transfer.js'

const dir = mkdtempSync(join(tmpdir(), 'irm-pool-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const sizes = [4000, 200, 200, 200, 200]
const requests: LiveRequest[] = sizes.map((n, k) => {
  const path = join(dir, `fw-${k}.rules`)
  writeFileSync(path, iptables(n, 100 + k))
  return {device: `fw-${k}`, path, type: 'iptables', fromInventory: true}
})
writeFileSync(join(dir, 'broken.rules'), 'this is not a firewall\n')
requests.push({device: 'fw-broken', path: join(dir, 'broken.rules'), type: 'iptables', fromInventory: true})

/** What a report sees of a LiveConfig: the JSON rows of its exposures, the rest as it is. */
const view = (l: LiveConfig) => ('error' in l ? l : {...l, exposures: l.exposures.flatMap((e) => exposureToJson(e))})

describe('live configs on worker threads', () => {
  it('has a worker script to run (dist/ is built)', () => {
    expect(workerFile()).toBeDefined()
  })

  it('returns what one thread returns, in request order', async () => {
    const one = await loadLive(requests, dir, dir, {jobs: 1})
    const many = await loadLive(requests, dir, dir, {jobs: 3})
    expect(many.map((l) => l.device)).toEqual(['fw-0', 'fw-1', 'fw-2', 'fw-3', 'fw-4', 'fw-broken'])
    expect(many.map(view)).toEqual(one.map(view))
    const first = many[0]
    expect('exposures' in first && first.exposures.length).toBeGreaterThan(3000)
    expect(many[5]).toEqual({device: 'fw-broken', file: 'broken.rules', error: expect.stringContaining('no line reads as iptables-save output'), hint: expect.any(String)})
  })

  it('throws the first bad --live file in request order, as one thread does', async () => {
    const bad = [...requests.slice(0, 3), {device: 'fw-x', path: join(dir, 'broken.rules'), type: 'iptables', fromInventory: false}]
    const one = await loadLive(bad, dir, dir, {jobs: 1}).catch((e: Error) => e)
    const many = await loadLive(bad, dir, dir, {jobs: 2}).catch((e: Error) => e)
    expect(one).toBeInstanceOf(Error)
    expect(many).toMatchObject({name: (one as Error).name, message: (one as Error).message, code: 'CONFIG_WRONG_FORMAT'})
  })
})

describe('sets across a thread boundary', () => {
  it('come back equal, the shared instances as themselves', () => {
    const value = {from: AddressSet.ANY, to: AddressSet.of('10.0.0.0/8', '2001:db8::/32'), p: ProtocolSet.of(6), ports: PortSet.ALL, some: PortSet.range(80, 81), list: [AddressSet.EMPTY], n: 1}
    const back = fromTransfer(structuredClone(toTransfer(value))) as typeof value
    expect(back.from).toBe(AddressSet.ANY)
    expect(back.ports).toBe(PortSet.ALL)
    expect(back.p).toBe(ProtocolSet.of(6))
    expect(back.list[0]).toBe(AddressSet.EMPTY)
    expect(back.to.toCidrs()).toEqual(['10.0.0.0/8', '2001:db8::/32'])
    expect(back.some.toStrings()).toEqual(['80-81'])
    expect(back.n).toBe(1)
  })

  it('keep an object reached twice as one object', () => {
    const e = {from: AddressSet.of('192.0.2.0/24'), line: 3}
    const back = fromTransfer(structuredClone(toTransfer({exposures: [e], nats: [e]}))) as {exposures: Array<typeof e>; nats: Array<typeof e>}
    expect(back.nats[0]).toBe(back.exposures[0])
    expect(back.exposures[0].from.toCidrs()).toEqual(['192.0.2.0/24'])
  })
})
