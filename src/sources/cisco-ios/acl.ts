import type {Box} from '../../net/match.js'
import {evaluateList} from '../../model/evaluate.js'
import type {IosAcl} from './model.js'

/** The traffic an ACL permits, after first-match ordering: for `match access-group` in class-maps and for access-classes. */
export function aclPermits(acl: IosAcl): Box[] {
  // `established` entries admit replies only: they take no part for new connections
  const rules = acl.aces.filter((ace) => !ace.repliesOnly).flatMap((ace) => ace.boxes.map((b) => ({match: b, action: ace.action, opaque: ace.opaque, meta: ace})))
  return evaluateList(rules, 'deny').permits.map((p) => p.box)
}

