/**
 * Inventory types, derived from the schema literals in schemas.ts (json-schema-to-ts): the schema is
 * the one source of truth, so a field added there is typed here without writing it twice.
 */
import type {FromSchema} from 'json-schema-to-ts'

import type {
  accessPointsSchema,
  contactsSchema,
  devicesSchema,
  flowsSchema,
  inventorySchema,
  logSourcesSchema,
  proceduresSchema,
  sensorsSchema,
  zonesSchema,
} from './schemas.js'

export type Zone = FromSchema<(typeof zonesSchema)['items']>
export type Device = FromSchema<(typeof devicesSchema)['items']>
export type AccessPoint = FromSchema<(typeof accessPointsSchema)['items']>
export type Flow = FromSchema<(typeof flowsSchema)['items']>
export type Sensor = FromSchema<(typeof sensorsSchema)['items']>
export type LogSource = FromSchema<(typeof logSourcesSchema)['items']>
export type Contact = FromSchema<(typeof contactsSchema)['items']>
export type Procedure = FromSchema<(typeof proceduresSchema)['items']>

type InventoryProps = (typeof inventorySchema)['properties']
export type Organization = FromSchema<InventoryProps['organization']>
export type Review = FromSchema<InventoryProps['reviews']['items']>
export type Training = FromSchema<InventoryProps['trainings']['items']>

export type Trust = Zone['trust']
export type AccessPointKind = AccessPoint['kind']
export type ConfigFormat = NonNullable<Device['format']>

/** One inventory file as written (any subset of the collections). */
export type InventoryFile = FromSchema<
  typeof inventorySchema,
  {
    references: [
      typeof zonesSchema,
      typeof devicesSchema,
      typeof accessPointsSchema,
      typeof flowsSchema,
      typeof sensorsSchema,
      typeof logSourcesSchema,
      typeof contactsSchema,
      typeof proceduresSchema,
    ]
  }
>

/** Every file merged: each list is present (possibly empty), in file order then entry order. */
export type Inventory = {organization?: Organization} & {
  [K in Exclude<keyof InventoryFile, 'organization'>]-?: NonNullable<InventoryFile[K]>
}

/** Key of a merged list, as written in YAML. */
export type ListKey = Exclude<keyof Inventory, 'organization'>

export const LIST_KEYS: readonly ListKey[] = [
  'zones', 'devices', 'access_points', 'flows', 'sensors', 'log_sources', 'contacts', 'procedures', 'reviews', 'trainings',
]

/** An empty merged inventory, for tests and for builders. */
export function emptyInventory(): Inventory {
  return {zones: [], devices: [], access_points: [], flows: [], sensors: [], log_sources: [], contacts: [], procedures: [], reviews: [], trainings: []}
}
