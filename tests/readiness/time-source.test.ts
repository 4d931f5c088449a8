import {describe, expect, it} from 'vitest'

import {timeSource} from '../../src/readiness/checks/time-source.js'
import {inventoryWith} from './helpers.js'

const dev = (id: string, ntp?: string[]) => ({id, role: 'firewall', ...(ntp ? {ntp} : {})})

describe('IRM5-PREP-TIME-SOURCE', () => {
  it('passes when every device uses the same NTP servers (in any order)', async () => {
    expect(timeSource.run(await inventoryWith({devices: [dev('a', ['10.0.0.1', '10.0.0.2']), dev('b', ['10.0.0.2', '10.0.0.1'])]})).status).toBe('pass')
  })

  it('fails on a device with another source, one with none, and an unsynchronised log source', async () => {
    const ctx = await inventoryWith({devices: [dev('a', ['10.0.0.1']), dev('b', ['10.0.0.1']), dev('c', ['pool.ntp.org']), dev('d')], log_sources: [{id: 'l', type: 'dns', source: 'a', ntp_synced: false}]})
    expect(timeSource.run(ctx).findings.map((f) => f.message)).toEqual([
      'device d: no NTP source recorded',
      'devices c use pool.ntp.org, not the common time source',
      'log source l: clock not synchronised',
    ])
  })
})
