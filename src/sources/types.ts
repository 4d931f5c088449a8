import type {DeviceModel} from '../model/device.js'
import type {Denial, Exposure} from '../model/exposure.js'

/** A line (or XML element / JSON path) the parser did not understand. `text` is redacted. */
/**
 * Why a line was not understood, as a closed code (the `reason` is its rendered detail; tests and
 * `ignore` rules use the code):
 * - `unknown-statement`: a command, keyword, option or element the parser does not know;
 * - `unsupported`: a construct of the vendor's grammar the parser knows and does not model;
 * - `malformed`: the syntax is broken (unbalanced braces, unterminated quote, truncated line);
 * - `bad-value`: a value that cannot be read (address, port, protocol, number);
 * - `undefined-reference`: names an object, chain, zone or interface that is not defined;
 * - `not-followed`: refers to content outside this input (an include not read, a file not given);
 * - `unvisited`: seen by the reader, never given a verdict (a parser gap, see the ledger).
 */
export const UNPARSED_CODES = ['unknown-statement', 'unsupported', 'malformed', 'bad-value', 'undefined-reference', 'not-followed', 'unvisited'] as const
export type UnparsedCode = (typeof UNPARSED_CODES)[number]

export interface Unparsed {
  line: number
  /** Closed code; absent only for parsers not yet on codes. */
  code?: UnparsedCode
  reason: string
  text: string
  /** For structured formats: element path (`/config/devices/entry/vsys/...`) or JSON pointer. */
  path?: string
  /** The file the line is in, when not the config itself (an included file). */
  file?: string
}

/** Something the parser understood only in part (DESIGN §10 `doubts`): a closed code, see model/doubts.ts. */
export type {Doubt, DoubtCode, DoubtEffect} from '../model/doubts.js'
import type {Doubt} from '../model/doubts.js'
import type {ParseStatus} from './kit/ledger.js'

export interface ParseResult {
  exposures: Exposure[]
  unparsed: Unparsed[]
  /** Doubts that are not attached to an exposure (a `nat-dead` NAT has none). */
  doubts?: Doubt[]
  /** Denies in evaluation order (formats that record them): what decides a blocked flow. */
  denies?: Denial[]
  /** NAT rules as read, before composition: what a packet to a public address becomes (for flows). */
  nats?: Exposure[]
  stats: {lines: number; understood: number}
  /** Per-file parse status from the ledger (Batfish ParseStatus), when the parser keeps one. */
  status?: ParseStatus
  /** The device as the config describes it (interfaces, own addresses, listeners), when the format has one. */
  device?: DeviceModel
}

export interface ParseOptions {
  /** Display path of the file (relative), used in notes; parsers never read the file system. */
  file: string
}

export interface SourceParser {
  /** Format name, kebab-case, as in the corpus folder (`iptables`, `cisco-asa`). */
  readonly type: string
  /** One line for `irm-audit sources`: what it reads. */
  readonly description: string
  /** How it is detected, in words, for `irm-audit sources`. */
  readonly detection: string
  /** File extensions it commonly has (informational). */
  readonly extensions?: readonly string[]
  /**
   * Confidence 0..1 that `head` (the first 64 KiB of the file) is this format. Never throws.
   * Parsers that must never be auto-selected (pulumi-program) return 0.
   */
  detect(head: string, fileName: string): number
  /**
   * Parse the whole text. A bad line never throws: it becomes an Unparsed entry. Only a file that is
   * not this format at all throws IrmError('CONFIG_WRONG_FORMAT' or 'CONFIG_SYNTAX') with a line.
   * May be async (pulumi-program runs the program under mocks).
   */
  parse(text: string, options: ParseOptions): ParseResult | Promise<ParseResult>
  /**
   * Several files of one device read together (GCP: hierarchical policies + VPC rules, evaluated in
   * order across files). Exposures and unparsed entries carry their `file`. Without it, the loader
   * parses each file alone and concatenates.
   */
  parseMany?(inputs: Array<{file: string; text: string}>): ParseResult | Promise<ParseResult>
  /** Set for parsers that execute user code; they are never chosen by detection. */
  readonly executes?: boolean
}
