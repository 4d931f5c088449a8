/** The one request every generator is given in tests (tests/fixtures/isolate/README.md). */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import type {Face, IsolationRequest} from '../../src/isolate/types.js'
import {ROOT} from '../helpers/sources.js'

export const FIXTURES = join(ROOT, 'tests', 'fixtures', 'isolate')

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8')
}

/** Lines of an expected-output fixture (trailing newline dropped). */
export function lines(name: string): string[] {
  return fixture(name).replace(/\n$/, '').split('\n')
}

export function labRequest(faces: Face[], config?: string): IsolationRequest {
  return {
    zone: 'lab',
    device: 'dev',
    tag: 'irm-isolate-lab',
    addresses: ['198.51.100.0/24', '2001:db8:2::/64'],
    faces,
    keep: [{id: 'ap-jump-ssh', from: ['192.0.2.50/32'], to: ['198.51.100.0/24'], services: [{protocol: 'tcp', ports: [[22, 22]]}]}],
    ...(config !== undefined ? {config: {text: fixture(config), file: config}} : {}),
  }
}
