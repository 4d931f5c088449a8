/**
 * PAN-OS firewalls and Panorama: XML (`running-config.xml`), `set` commands and the brace form of
 * `show config`. tree.ts turns each into one tree (XML from a stream, security rules and address
 * objects folded into the model as they close), read.ts reads the tree into the vendor model
 * (model.ts), exposures.ts with security.ts and nat.ts convert it.
 */
import {ParseLedger} from '../kit/ledger.js'
import {IrmError} from '../../core/errors.js'
import {stageDone} from '../../core/stages.js'
import {emptyDevice} from '../../model/device.js'
import {redactLine} from '../redact.js'
import type {ParseResult, SourceParser, Unparsed} from '../types.js'
import {composeNat} from '../../model/nat.js'
import {toExposures} from './exposures.js'
import {eachSkipped} from './ignored.js'
import {panosNatOrder} from './nat.js'
import {foldEntry} from './read.js'
import {fromText, fromXml, type PNode, unread} from './tree.js'

const XML_HEAD = [/<devices>\s*<entry name="localhost\.localdomain"/, /<vsys>\s*<entry name="vsys\d+"/]

/** The first `<config …>` start tag carries `urldb=` or `version=` (by indexOf: a regex scan is quadratic). */
function configTagSays(head: string): boolean {
  const at = head.indexOf('<config')
  const end = at < 0 ? -1 : head.indexOf('>', at)
  return end > 0 && /^<config\b/.test(head.slice(at, at + 8)) && /(?:urldb|version)=/.test(head.slice(at, end))
}
const SET_HEAD = /^set (?:deviceconfig|rulebase (?:security|nat)|address(?:-group)? |service(?:-group)? |zone \S+ network|network interface ethernet|mgt-config|shared |vsys vsys\d)/gm
const BRACE_HEAD = /^[ \t]*(?:deviceconfig|rulebase|vsys|mgt-config) \{|^[ \t]*localhost\.localdomain \{|^[ \t]*vsys\d+ \{/gm

export const panos: SourceParser = {
  type: 'panos',
  description: 'Palo Alto Networks PAN-OS / Panorama configuration (XML, set commands or the brace form)',
  detection: "XML with <config> and <devices><entry name=\"localhost.localdomain\">, or 'set deviceconfig'/'set rulebase' commands, or 'deviceconfig {'/'vsys {' blocks",
  extensions: ['.xml', '.set', '.conf', '.txt'],
  detect(head) {
    if (configTagSays(head) || XML_HEAD.some((re) => re.test(head))) return 0.95
    const hits = (head.match(SET_HEAD)?.length ?? 0) + (head.match(BRACE_HEAD)?.length ?? 0)
    return hits === 0 ? 0 : Math.min(0.95, 0.55 + hits * 0.05)
  },
  parse: (text, {file}) => parsePanos(text, file),
}

/**
 * `fold: false` keeps every XML entry as a tree until the model is read (tests compare both ways: the
 * fold must not change a count, a line or an exposure).
 */
export function parsePanos(text: string, file: string, fold = true): ParseResult {
  if (text.trim() === '') return {exposures: [], unparsed: [], stats: {lines: 0, understood: 0}, device: emptyDevice()}
  const read = /^\s*</.test(text) ? readXml(text, file, fold) : readText(text, file)
  // the XML stream reads security rules and address objects into the model as their entries close
  stageDone('tokenize')
  const converted = toExposures(read.root)
  const {problems, device, denies} = converted
  // NAT opens only what a security rule passes: pre-NAT address, post-NAT zone
  const {exposures, doubts} = composeNat(converted.exposures, panosNatOrder(device))
  const rest = unread(read.root)
  // the tree counts source items (lines or elements) and what the model read of them; entries cost nothing more
  const ledger = new ParseLedger()
  ledger.total(read.lines)
  ledger.miss(read.lines - rest.understood - read.directives)
  // sections skipped on purpose: their items are understood, with the reason
  eachSkipped(converted.skipped, (id, reason) => ledger.ignored(id, reason))
  for (const u of [...read.unparsed, ...rest.unparsed]) ledger.add(u, {cost: 0})
  for (const p of problems) ledger.add({...p, text: redactLine(p.text)}, {cost: 0})
  for (const e of exposures) if (e.text !== undefined) e.text = redactLine(e.text)
  const {unparsed, stats, status} = ledger.finish()
  return {exposures, unparsed, ...(doubts.length ? {doubts} : {}), ...(denies.length ? {denies} : {}), stats, status, device}
}

interface Read {
  root: PNode
  lines: number
  /** delete/move/deactivate lines were applied: understood, though no node carries them */
  directives: number
  unparsed: Unparsed[]
}

function readXml(text: string, file: string, fold: boolean): Read {
  const tree = fromXml(text, file, fold ? foldEntry : undefined)
  if (!tree.config) {
    throw new IrmError('CONFIG_WRONG_FORMAT', `XML root is <${tree.first?.name ?? '?'}>, not a PAN-OS <config>`, {
      file,
      line: tree.first?.line,
      hint: 'Export the running or candidate configuration (Device > Setup > Operations > Export).',
    })
  }
  return {root: tree.root, lines: tree.count, directives: 0, unparsed: []}
}

function readText(text: string, file: string): Read {
  const tree = fromText(text, file)
  if (tree.count === 0 && tree.problems.length) {
    throw new IrmError('CONFIG_WRONG_FORMAT', 'no PAN-OS statement found', {file, line: tree.problems[0].line, hint: 'Give an XML export, `set` commands or `show config` output, or pick another --type.'})
  }
  return {root: tree.root, lines: tree.count + tree.problems.length, directives: tree.directives, unparsed: tree.problems}
}
