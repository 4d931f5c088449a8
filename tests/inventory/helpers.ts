/** Build throwaway inventories in temp folders for loader and validation tests. */
import {mkdtempSync, mkdirSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'

import {loadInventory, type LoadedInventory} from '../../src/inventory/load.js'
import {validateInventory, type ValidationIssue} from '../../src/inventory/validate.js'

const made: string[] = []

/** Write files (path → content) into a fresh temp folder and return it. */
export function tempInventory(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'irm-inv-'))
  made.push(dir)
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), {recursive: true})
    writeFileSync(join(dir, path), content)
  }
  return dir
}

export function cleanTemp(): void {
  for (const d of made.splice(0)) rmSync(d, {recursive: true, force: true})
}

/** Load with paths shown relative to the folder (`zones.yaml`), so positions are easy to assert. */
export async function load(files: Record<string, string | Buffer>): Promise<LoadedInventory> {
  const dir = tempInventory(files)
  return loadInventory(dir, {displayBase: dir})
}

export const AS_OF = new Date('2026-11-25T00:00:00Z')

export async function issuesOf(files: Record<string, string>): Promise<ValidationIssue[]> {
  return validateInventory(await load(files), {asOf: AS_OF})
}

/** `file:line:col rule` of each issue: compact and exact. */
export function where(issues: ValidationIssue[]): string[] {
  return issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.rule}`)
}

/** 1-based line and column of the first occurrence of `needle` in `text`. */
export function positionOf(text: string, needle: string): {line: number; column: number} {
  const at = text.indexOf(needle)
  if (at < 0) throw new Error(`'${needle}' not found`)
  const before = text.slice(0, at)
  const line = before.split('\n').length
  return {line, column: at - before.lastIndexOf('\n')}
}

/** A small valid inventory the rule tests start from. */
export const BASE = {
  'contacts.yaml': `contacts:
  - id: net
    team: Network
    role: network
    channels: [{type: email, value: net@example.org}]
`,
  'zones.yaml': `zones:
  - id: internet
    name: Internet
    trust: internet
  - id: dc
    name: Data centre
    trust: internal
    cidrs: [10.20.0.0/16, 2001:db8:20::/48]
    owner: net
  - id: pci
    name: PCI
    trust: restricted
    parent: dc
    cidrs: [10.20.50.0/24]
  - id: dmz
    name: DMZ
    trust: dmz
    cidrs: [198.51.100.0/24]
`,
  'devices.yaml': `devices:
  - id: fw1
    role: firewall
    format: cisco-asa
    zones: [internet, dmz, dc]
    config: live/fw1.cfg
`,
}
