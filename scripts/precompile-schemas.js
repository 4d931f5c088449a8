// Build step (after tsc): the inventory schema compiled to standalone validator code, so no run pays
// ajv's compile (src/inventory/schema-validator.ts loads the file when it exists).
import {writeFileSync} from 'node:fs'

import standaloneCode from 'ajv/dist/standalone/index.js'

const {compileInventorySchema} = await import('../dist/inventory/schema-validator.js')
const {ajv, validate} = compileInventorySchema({code: {source: true, esm: true}})
// ajv's ESM output still calls require() for its runtime helpers and formats
const code = `import {createRequire} from 'node:module';const require = createRequire(import.meta.url);\n${standaloneCode.default(ajv, validate)}`
writeFileSync(new URL('../dist/inventory/schema-validator.compiled.js', import.meta.url), code)
