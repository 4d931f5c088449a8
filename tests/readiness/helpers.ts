/** Build a CheckContext from a few inventory entries: the `inventoryWith({...})` of STYLE.md. */
import {emptyInventory, type Inventory} from '../../src/inventory/model.js'
import {loadPolicy, type PolicyPack, type ReadinessPolicy} from '../../src/policy/pack.js'
import {TrustModel} from '../../src/policy/trust.js'
import type {CheckContext, DiffFacts, GitFacts, LogFacts} from '../../src/readiness/types.js'

export const AS_OF = new Date('2026-11-01T00:00:00Z')

let defaultPack: PolicyPack | undefined
export async function policy(): Promise<ReadinessPolicy> {
  defaultPack ??= await loadPolicy()
  return defaultPack.readiness
}

/** Entries keep their own identity; locate answers `inventory.yaml:<index+1>` so evidence points somewhere checkable. */
export async function inventoryWith(
  parts: Partial<Record<keyof Inventory, unknown[]>>,
  extra: {git?: GitFacts; diff?: DiffFacts; logs?: LogFacts; policy?: Partial<ReadinessPolicy>; trust?: TrustModel} = {},
): Promise<CheckContext> {
  const inventory = {...emptyInventory(), ...parts} as Inventory
  const lines = new Map<object, number>()
  for (const list of Object.values(inventory)) if (Array.isArray(list)) list.forEach((e, i) => lines.set(e as object, i + 1))
  const pack = defaultPack ?? (defaultPack = await loadPolicy())
  return {
    inventory,
    trust: extra.trust ?? TrustModel.of(pack.diff, inventory),
    locate: (entry, field) => ({file: 'inventory.yaml', line: lines.get(entry), ...(field ? {column: 3} : {})}),
    policy: {...(await policy()), ...extra.policy},
    asOf: AS_OF,
    git: extra.git ?? {available: false, reason: 'not a git repository'},
    diff: extra.diff ?? {available: false, reason: 'not run'},
    logs: extra.logs ?? {},
  }
}

export const zone = (id: string, trust: string, cidrs: string[], more: object = {}) => ({id, name: id, trust, cidrs, owner: 'netops', ...more})
export const ap = (id: string, from: string[], to: string[], more: object = {}) => ({id, kind: 'firewall-opening', from, to, services: ['tcp/443'], owner: 'netops', ...more})
