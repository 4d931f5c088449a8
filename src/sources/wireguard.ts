// PLACEHOLDER: replaced by the real parser. Kept only so the registry compiles while parsers land.
import {IrmError} from '../core/errors.js'
import type {SourceParser} from './types.js'

export const wireguard: SourceParser = {
  type: 'wireguard',
  description: 'not yet implemented',
  detection: 'never detected',
  detect: () => 0,
  parse(_text, {file}) {
    throw new IrmError('CONFIG_UNKNOWN_FORMAT', 'the wireguard parser is not available yet', {file})
  },
}
