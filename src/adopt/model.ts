/**
 * What `adopt` proposes: new inventory entries and new interface mappings of existing devices, each with
 * the comment that tells the reviewer where it comes from and what to confirm. Drafts are plain data;
 * merge.ts writes them into the inventory's YAML without touching a byte of what is there.
 */

/** The collections adopt drafts entries for, in the order a new file lists them. */
export type DraftCollection = 'zones' | 'devices' | 'access_points' | 'contacts'

export const DRAFT_COLLECTIONS: readonly DraftCollection[] = ['contacts', 'zones', 'devices', 'access_points']

/** One new entry of a collection. */
export interface DraftEntry {
  collection: DraftCollection
  id: string
  /** The entry as it will be written (key order kept). */
  entry: Record<string, unknown>
  /** Comment lines above the entry (without `# `). */
  comment: string[]
}

/** One new `devices[].interfaces` item of a device (new or existing). */
export interface DraftInterface {
  device: string
  mapping: {name: string; zone: string} | {vendor_zone: string; zone: string}
  /** Written after the item on its line (without `# `). */
  comment: string
}

/** Something adopt could not draft, said to the reviewer (not an error: the rest is drafted). */
export interface AdoptNote {
  code: 'interface-no-zone' | 'rule-not-covered' | 'netbox-skipped' | 'device-flow-map'
  message: string
  file?: string
  line?: number
}

export interface Draft {
  entries: DraftEntry[]
  interfaces: DraftInterface[]
  notes: AdoptNote[]
}

export function emptyDraft(): Draft {
  return {entries: [], interfaces: [], notes: []}
}

/** The contact every drafted entry is owned by until a reviewer names the real team. */
export const OWNER_TO_CONFIRM = 'owner-to-confirm'

/**
 * `owner-to-confirm`: valid for the schema, so `validate` passes, but never verified, so the contacts
 * readiness check keeps flagging it until someone replaces it.
 */
export function ownerToConfirm(): DraftEntry {
  return {
    collection: 'contacts',
    id: OWNER_TO_CONFIRM,
    entry: {
      id: OWNER_TO_CONFIRM,
      team: 'Owner to confirm (created by irm-audit adopt)',
      role: 'network',
      channels: [{type: 'email', value: 'owner-to-confirm'}],
    },
    comment: [
      'irm-audit adopt: owner of every drafted entry until a reviewer names the real team. Never verified,',
      'so the contacts readiness check flags it: replace it in each entry, then delete it.',
    ],
  }
}

/** `Lyon DC / Servers` → `lyon-dc-servers` (an id: lower case, digits, `-`). */
export function slug(text: string): string {
  const s = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return s || 'x'
}

/** An id not yet taken: `base`, else `base-2`, `base-3`… (and remembers it). */
export function freshId(base: string, taken: Set<string>): string {
  let id = base
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`
  taken.add(id)
  return id
}

/** YYYY-MM-DD plus `days`. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}
