/** The four cloud JSON formats look alike (JSON, rules, CIDRs): each must win on its own files. */
import {readdirSync, readFileSync} from 'node:fs'
import {basename, join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {aws} from '../../src/sources/aws.js'
import {azure} from '../../src/sources/azure.js'
import {gcp} from '../../src/sources/gcp.js'
import {pulumi} from '../../src/sources/pulumi.js'
import type {SourceParser} from '../../src/sources/types.js'
import {corpusFiles, FIXTURES} from '../helpers/sources.js'

const CLOUD: SourceParser[] = [aws, azure, gcp, pulumi]

describe('cloud detection', () => {
  for (const parser of CLOUD) {
    const files = [
      ...readdirSync(join(FIXTURES, parser.type))
        .filter((f) => f.endsWith('.json'))
        .map((f) => join(FIXTURES, parser.type, f)),
      ...corpusFiles(parser.type),
    ]
    for (const path of files) {
      it(`${parser.type} wins on ${basename(path)}`, () => {
        const head = readFileSync(path, 'utf8').slice(0, 65536)
        const mine = parser.detect(head, path)
        expect(mine).toBeGreaterThan(0.5)
        for (const other of CLOUD.filter((p) => p !== parser)) expect(other.detect(head, path)).toBeLessThan(mine)
      })
    }
  }

  it('none of them claims text configs', () => {
    for (const type of ['iptables', 'cisco-asa', 'junos', 'fortios', 'openvpn']) {
      for (const path of corpusFiles(type).slice(0, 3)) {
        const head = readFileSync(path, 'utf8').slice(0, 65536)
        for (const p of CLOUD) expect(p.detect(head, path)).toBe(0)
      }
    }
  })
})
