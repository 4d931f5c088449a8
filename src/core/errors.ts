/**
 * The one error type that crosses layers. Inner layers collect problems as data (Unparsed,
 * ValidationError); an IrmError means "this input cannot be used at all" and maps to exit 2.
 */
export type IrmErrorCode =
  | 'USAGE'
  | 'INPUT_NOT_FOUND'
  | 'INPUT_UNREADABLE'
  | 'INPUT_TOO_LARGE'
  | 'INPUT_ENCODING'
  | 'INVENTORY_SYNTAX'
  | 'INVENTORY_INVALID'
  | 'INVENTORY_PATH_ESCAPE'
  | 'CONFIG_UNKNOWN_FORMAT'
  | 'CONFIG_AMBIGUOUS_FORMAT'
  | 'CONFIG_SYNTAX'
  | 'CONFIG_WRONG_FORMAT'
  | 'POLICY_INVALID'
  | 'SUPPRESSION_INVALID'
  | 'BASELINE_INVALID'
  | 'GIT'
  | 'OUTPUT_WRITE'
  | 'NETBOX'

export interface IrmErrorDetails {
  file?: string
  line?: number
  column?: number
  /** JSON pointer or element path, when the position is structural rather than textual. */
  path?: string
  /** How to fix it, in one sentence. */
  hint?: string
}

export class IrmError extends Error {
  readonly code: IrmErrorCode
  readonly file?: string
  readonly line?: number
  readonly column?: number
  readonly path?: string
  readonly hint?: string
  /** Read by oclif in --json mode. */
  readonly exitCode = 2
  /** Read by oclif otherwise. */
  readonly oclif = {exit: 2}

  constructor(code: IrmErrorCode, message: string, details: IrmErrorDetails = {}) {
    super(message)
    this.name = 'IrmError'
    this.code = code
    this.file = details.file
    this.line = details.line
    this.column = details.column
    this.path = details.path
    this.hint = details.hint
  }

  /** `file:line:col: message (hint)`, the form every human-facing output uses. */
  describe(): string {
    let where = ''
    if (this.file) {
      where = this.file
      if (this.line !== undefined) where += `:${this.line}`
      if (this.line !== undefined && this.column !== undefined) where += `:${this.column}`
      if (this.path) where += ` (${this.path})`
      where += ': '
    } else if (this.path) {
      where = `${this.path}: `
    }
    return `${where}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`
  }
}

export function isIrmError(error: unknown): error is IrmError {
  return error instanceof IrmError
}
