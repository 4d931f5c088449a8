/**
 * Pin the real-config corpus: per file, the exact number of unparsed lines. Zero unless the file is in
 * KNOWN_GAPS with the reason; an improvement lowers (or removes) its entry in the same commit, a
 * regression fails here. multivendor/ is pinned by its own test (every rendering fully understood).
 */
import {existsSync, readdirSync} from 'node:fs'

import {describe, expect, it} from 'vitest'

import {corpusFiles, CORPUS, parseCorpusFile, sharedPath} from '../helpers/sources.js'

const KNOWN_GAPS: Record<string, {unparsed: number; reason: string}> = {
  'cisco-asa/batfish-asa-acl-object.cfg': {unparsed: 1, reason: 'a parser test: the ACL names an undefined service object (osfake)'},
  'cisco-asa/batfish-asa-filters.cfg': {unparsed: 1, reason: 'a parser test: access-group binds an undefined ACL (FILTER_UNDEF)'},
  'cisco-asa/batfish-asa-nat-twice-static.cfg': {unparsed: 1, reason: 'a parser test: twice NAT names an undefined mapped object'},
  'cisco-asa/batfish-asa-nested-service-object-group.cfg': {
    unparsed: 3,
    reason: 'a parser test: port-object inside an untyped service group (rejected by the ASA) and an undefined nested group',
  },
  'cisco-asa/batfish-unit-asa_acl.cfg': {
    unparsed: 21,
    reason: 'a grammar test: ACEs name service objects and groups (icmp-echo, ospf, drawbridge_hosts) the file never defines',
  },
  'cisco-asa/batfish-unit-asa_nat.cfg': {unparsed: 5, reason: 'a grammar test: NAT lines name objects the file never defines (of the eight NATs of object source-real, only the last is in force: an object holds one NAT)'},
  'cisco-ios/pybatfish-example-filters-current-firewall.cfg': {unparsed: 1, reason: 'a class-map matches an ACL the excerpt does not define'},
}

const ROOT_DIR = sharedPath('corpus')
const TYPES = (existsSync(ROOT_DIR) ? readdirSync(ROOT_DIR, {withFileTypes: true}) : [])
  .filter((d) => d.isDirectory() && d.name !== 'multivendor')
  .map((d) => d.name)
  .sort()

describe('corpus pins: exact unparsed lines per file', () => {
  if (TYPES.length === 0) it.skip(`no corpus at ${CORPUS}`, () => {})
  it.skipIf(TYPES.length === 0)('every known gap names a corpus file', () => {
    const all = new Set(TYPES.flatMap((t) => corpusFiles(t).map((f) => f.slice(CORPUS.length + 1))))
    for (const key of Object.keys(KNOWN_GAPS)) expect(all.has(key), key).toBe(true)
  })

  for (const type of TYPES) {
    for (const path of corpusFiles(type)) {
      const key = path.slice(CORPUS.length + 1)
      it(key, async () => {
        const r = await parseCorpusFile(type, path)
        expect(r.unparsed.length, KNOWN_GAPS[key]?.reason ?? 'no known gap').toBe(KNOWN_GAPS[key]?.unparsed ?? 0)
      })
    }
  }
})
