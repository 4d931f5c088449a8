import {coversBox} from '../../net/match.js'
import type {Permit} from '../../model/evaluate.js'

/**
 * Drop permits of a rule that another permit of the same rule already covers with fewer conditions:
 * a user chain reached twice (`iifname eth0 goto zone` then `goto zone`) lists its accept once, for
 * the broader path. Linear in the number of permits per rule.
 */
export function pruneCovered<M>(permits: Array<Permit<M>>): Array<Permit<M>> {
  const byMeta = new Map<M, Array<Permit<M>>>()
  for (const p of permits) {
    const list = byMeta.get(p.meta)
    if (list) list.push(p)
    else byMeta.set(p.meta, [p])
  }
  const dropped = new Set<Permit<M>>()
  for (const list of byMeta.values()) {
    if (list.length < 2 || list.length > 64) continue
    for (const a of list) {
      if (dropped.has(a)) continue
      for (const b of list) {
        if (a === b || dropped.has(b)) continue
        if (a.guardKeys.every((g) => b.guardKeys.includes(g)) && coversBox(a.box, b.box)) dropped.add(b)
      }
    }
  }
  return dropped.size ? permits.filter((p) => !dropped.has(p)) : permits
}
