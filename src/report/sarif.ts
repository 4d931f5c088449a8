/**
 * A generic SARIF 2.1.0 builder: rules + findings with locations → one run of one tool. Shared by
 * `validate` and `diff` (and anything else that reports file:line findings to code scanning).
 */
import type {Log, ReportingDescriptor, Result} from 'sarif'

export type SarifLevel = 'error' | 'warning' | 'note' | 'none'

export interface SarifRule {
  id: string
  /** One sentence: what the rule checks. */
  description: string
  /** Longer text or remediation, shown by code scanning. */
  help?: string
  helpUri?: string
  defaultLevel?: SarifLevel
  /** e.g. `{'security-severity': '8.0', tags: ['security']}` for GitHub code scanning. */
  properties?: Record<string, unknown>
}

export interface SarifFinding {
  ruleId: string
  level: SarifLevel
  message: string
  /** Path relative to the repository root (`/` separators); absolute paths become file:// URIs. */
  file?: string
  line?: number
  column?: number
  /** Logical location, e.g. a JSON pointer or a device/rule name. */
  logicalLocation?: string
  /** Stable identity across runs (baselining), e.g. the finding id. */
  fingerprint?: string
  properties?: Record<string, unknown>
}

export interface SarifTool {
  name: string
  version?: string
  informationUri?: string
  /**
   * Code-scanning category of this analysis (`irm-audit-diff`), written as `automationDetails.id`
   * (`irm-audit-diff/`). GitHub rejects an upload in which two runs share tool and category, so each
   * command (and each part of a split run) has its own.
   */
  category?: string
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'

export function buildSarif(tool: SarifTool, rules: SarifRule[], findings: SarifFinding[]): Log {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]))
  const descriptors: ReportingDescriptor[] = rules.map((r) => ({
    id: r.id,
    name: toPascal(r.id),
    shortDescription: {text: r.description},
    ...(r.help ? {help: {text: r.help}} : {}),
    ...(r.helpUri ? {helpUri: r.helpUri} : {}),
    ...(r.defaultLevel ? {defaultConfiguration: {level: r.defaultLevel}} : {}),
    ...(r.properties ? {properties: r.properties} : {}),
  }))
  const results: Result[] = findings.map((f) => {
    const result: Result = {ruleId: f.ruleId, level: f.level, message: {text: f.message}}
    const index = ruleIndex.get(f.ruleId)
    if (index !== undefined) result.ruleIndex = index
    if (f.file || f.logicalLocation) {
      result.locations = [
        {
          ...(f.file
            ? {
                physicalLocation: {
                  artifactLocation: {uri: toUri(f.file)},
                  ...(f.line ? {region: {startLine: f.line, ...(f.column ? {startColumn: f.column} : {})}} : {}),
                },
              }
            : {}),
          ...(f.logicalLocation ? {logicalLocations: [{fullyQualifiedName: f.logicalLocation}]} : {}),
        },
      ]
    }
    if (f.fingerprint) result.partialFingerprints = {'irmAudit/v1': f.fingerprint}
    if (f.properties) result.properties = f.properties
    return result
  })
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: tool.name,
            ...(tool.version ? {version: tool.version, semanticVersion: tool.version} : {}),
            ...(tool.informationUri ? {informationUri: tool.informationUri} : {}),
            rules: descriptors,
          },
        },
        ...(tool.category ? {automationDetails: {id: `${tool.category}/`}} : {}),
        // positions come from JavaScript string offsets
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  }
}

function toPascal(id: string): string {
  return id.replace(/(^|[-_.\s]+)(\w)/g, (_, __, c: string) => c.toUpperCase())
}

function toUri(file: string): string {
  const path = file.replace(/\\/g, '/')
  if (/^[A-Za-z]:\//.test(path)) return `file:///${encodeURI(path)}`
  if (path.startsWith('/')) return `file://${encodeURI(path)}`
  return encodeURI(path)
}
