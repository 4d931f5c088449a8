/**
 * Why a line or element was not understood: a closed list of codes, so that tests and tools can tell a
 * syntax error from a construct we do not model without reading sentences (eemeli/yaml's `ErrorCode`).
 * The `reason` of an unparsed entry stays the rendered text for readers.
 */
export const UNPARSED_CODES = {
  // the text is not valid for the format: brackets or braces off, a string or block not closed
  syntax: 'not valid syntax for the format (unbalanced brackets, an unterminated string, a block not closed)',
  // a statement, command or element the parser does not know
  'unknown-statement': 'a statement, command or element the parser does not know',
  // a known construct, or an option of one, whose meaning is not modelled
  'not-modelled': 'a known construct (or one of its options) whose meaning is not modelled',
  // a value that could not be read: an address, a port, a protocol, a translation
  'bad-value': 'a value that could not be read (an address, a port, a protocol)',
  // a name used and not defined (a filter applied, a profile named)
  'undefined-reference': 'a name that is used but not defined',
  // an action we do not understand: the rule is read as one that opens nothing
  'unknown-action': 'an action the parser does not understand',
  // the input nests deeper than the reader follows
  'too-deep': 'nesting beyond the reader’s limit',
  // a part of the configuration the tool does not read at all (logical systems)
  'out-of-scope': 'a part of the configuration read as another device would be',
} as const

export type UnparsedCode = keyof typeof UNPARSED_CODES
