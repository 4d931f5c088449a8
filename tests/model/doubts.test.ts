import {describe, expect, it} from 'vitest'

import {addDoubts, buildExposure} from '../../src/model/build.js'
import {DOUBT_EFFECTS, note, worstEffect} from '../../src/model/doubts.js'
import {exposureToJson} from '../../src/model/exposure.js'
import {AddressSet} from '../../src/net/address-set.js'
import {PortSet, ProtocolSet} from '../../src/net/number-set.js'

describe('doubt codes', () => {
  // Ground truth: how the device's real reach may differ from the exposure shown, per code (DESIGN §10).
  // A code whose text says "may be broader/narrower/dead" never maps to `unknown`.
  it('every code has the effect its meaning says', () => {
    expect(DOUBT_EFFECTS).toEqual({
      'unknown-match': 'narrower',
      'partly-understood': 'unknown',
      'unexpanded-set': 'narrower',
      'unresolved-name': 'narrower',
      'unknown-service': 'narrower',
      'unknown-address': 'narrower',
      'undefined-object': 'narrower',
      'unreadable-port': 'narrower',
      'icmp-type': 'narrower',
      'time-limited': 'narrower',
      'application-limited': 'narrower',
      'fragments-only': 'narrower',
      'conditional': 'narrower',
      'action-assumed': 'narrower',
      'limit-not-applied': 'narrower',
      'loopback-only': 'narrower',
      'restricted-elsewhere': 'narrower',
      'assumed-enabled': 'narrower',
      'maybe-unreachable': 'narrower',
      'default-may-open-more': 'broader',
      'unlisted-address': 'broader',
      'members-unknown': 'broader',
      'opens-more': 'broader',
      'unread-file': 'broader',
      'outside-input': 'unknown',
      'translation-unknown': 'unknown',
      'load-balanced': 'unknown',
      'any-peer': 'unknown',
      'device-itself': 'unknown',
      'vendor-default': 'unknown',
      'weak-listener': 'unknown',
      'peer-info': 'unknown',
      'inspected': 'unknown',
      'vendor-semantics': 'unknown',
      'listener-info': 'unknown',
      'not-applied': 'narrower',
      'approximated': 'narrower',
      'nat-dead': 'dead',
      'replaced-block': 'dead',
    })
  })

  it('codes are kebab-case', () => {
    for (const code of Object.keys(DOUBT_EFFECTS)) expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/)
  })

  it('the worst effect: dead beats narrower beats broader beats unknown', () => {
    expect(worstEffect([])).toBeUndefined()
    expect(worstEffect([note('any-peer', 'x'), note('opens-more', 'y')])).toBe('broader')
    expect(worstEffect([note('opens-more', 'y'), note('unknown-match', 'z')])).toBe('narrower')
    expect(worstEffect([note('unknown-match', 'z'), note('nat-dead', 'w')])).toBe('dead')
  })
})

describe('exposure builder', () => {
  const box = {from: AddressSet.ANY4, to: AddressSet.of('192.0.2.1'), protocols: ProtocolSet.of(6), ports: PortSet.range(22)}

  it('fills the constant parts and places doubts on the rule line; notes are their rendering', () => {
    const e = buildExposure({kind: 'filter', box, line: 7, rule: 'acl in line 1', doubts: [note('unknown-match', "unknown option 'foo' ignored; exposure may be broader")]})
    expect(e.action).toBe('allow')
    expect(e.direction).toBe('inbound')
    expect(e.sourcePorts.isAll()).toBe(true)
    expect(e.doubts).toEqual([{code: 'unknown-match', effect: 'narrower', detail: "unknown option 'foo' ignored; exposure may be broader", line: 7}])
    expect(e.notes).toEqual(["unknown option 'foo' ignored; exposure may be broader"])
    const [j] = exposureToJson(e)
    expect(j.doubts).toEqual([{code: 'unknown-match', effect: 'narrower', detail: "unknown option 'foo' ignored; exposure may be broader", line: 7}])
    expect(j.notes).toEqual(["unknown option 'foo' ignored; exposure may be broader"])
  })

  it('a repeated doubt text is kept once, in first-seen order', () => {
    const e = buildExposure({kind: 'filter', box, line: 3, rule: 'r', doubts: [note('icmp-type', 'a'), note('time-limited', 'b')]})
    addDoubts(e, [note('icmp-type', 'a'), note('unexpanded-set', 'c')])
    expect(e.notes).toEqual(['a', 'b', 'c'])
    expect(e.doubts?.map((d) => d.code)).toEqual(['icmp-type', 'time-limited', 'unexpanded-set'])
  })

  it('copies lists so two exposures never share one', () => {
    const zones = ['outside']
    const a = buildExposure({kind: 'filter', box, line: 1, rule: 'r', fromZones: zones, via: ['DMZ-WEB', 'DMZ-WEB']})
    zones.push('inside')
    expect(a.fromZones).toEqual(['outside'])
    expect(a.via).toEqual(['DMZ-WEB'])
  })
})
