/** Config format → isolation generator, one row each; two generators for one format is a bug (throws at load). */
import {awsGenerator} from './vendors/aws.js'
import {azureGenerator} from './vendors/azure.js'
import {ciscoAsaGenerator} from './vendors/cisco-asa.js'
import {ciscoIosGenerator} from './vendors/cisco-ios.js'
import {fortiosGenerator} from './vendors/fortios.js'
import {gcpGenerator} from './vendors/gcp.js'
import {iptablesGenerator} from './vendors/iptables.js'
import {junosGenerator} from './vendors/junos.js'
import {nftablesGenerator} from './vendors/nftables.js'
import {panosGenerator} from './vendors/panos.js'
import {pfsenseGenerator} from './vendors/pfsense.js'
import type {IsolationGenerator} from './types.js'

const GENERATORS: readonly IsolationGenerator[] = [
  iptablesGenerator,
  nftablesGenerator,
  ciscoAsaGenerator,
  ciscoIosGenerator,
  junosGenerator,
  panosGenerator,
  fortiosGenerator,
  pfsenseGenerator,
  awsGenerator,
  azureGenerator,
  gcpGenerator,
]

const BY_FORMAT = new Map<string, IsolationGenerator>()
for (const g of GENERATORS) {
  for (const f of g.formats) {
    if (BY_FORMAT.has(f)) throw new Error(`two isolation generators registered for format '${f}'`)
    BY_FORMAT.set(f, g)
  }
}

export function generatorFor(format: string): IsolationGenerator | undefined {
  return BY_FORMAT.get(format)
}

/** Formats the tool can write isolation rules for, sorted. */
export function isolationFormats(): string[] {
  return [...BY_FORMAT.keys()].sort()
}
