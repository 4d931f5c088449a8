/**
 * The inventory's JSON Schema validator. Compiling the schema costs 0.2–0.6 s, which every `validate`,
 * `diff` and `prepare` run would pay: `npm run build` compiles it once to standalone code
 * (scripts/precompile-schemas.js writes dist/inventory/schema-validator.compiled.js) and runs load that.
 * Where the compiled file is absent (tests run from src/), the schema is compiled here, with the same
 * options, so both give the same errors.
 */
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

import {Ajv2020, type Options, type ValidateFunction} from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

import {COLLECTION_SCHEMAS, inventorySchema} from './schemas.js'

/** Options of the validator (the build passes `code` on top to get standalone source). */
export const INVENTORY_AJV_OPTIONS: Options = {allErrors: true, strict: true, allowUnionTypes: true, verbose: true}

/** An ajv instance holding the inventory schemas, and the compiled inventory validator. */
export function compileInventorySchema(extra: Options = {}): {ajv: Ajv2020; validate: ValidateFunction} {
  const ajv = new Ajv2020({...INVENTORY_AJV_OPTIONS, ...extra})
  addFormats.default(ajv, ['date'])
  for (const schema of Object.values(COLLECTION_SCHEMAS)) ajv.addSchema(schema)
  return {ajv, validate: ajv.compile(inventorySchema)}
}

const COMPILED = new URL('./schema-validator.compiled.js', import.meta.url)
const precompiled: ValidateFunction | undefined = existsSync(fileURLToPath(COMPILED))
  ? ((await import(COMPILED.href)) as {default: ValidateFunction}).default
  : undefined

let compiled: ValidateFunction | undefined

/** The validator: the build's standalone code, or the schema compiled on first use. */
export function inventoryValidator(): ValidateFunction {
  return (compiled ??= precompiled ?? compileInventorySchema().validate)
}
