/**
 * PAN-OS firewalls and Panorama: XML (`running-config.xml`), `set` commands and the brace form of
 * `show config`. tree.ts turns each into one tree, exposures.ts reads the tree.
 */
import {IrmError} from '../../core/errors.js'
import {emptyDevice} from '../../model/device.js'
import {redactLine} from '../redact.js'
import type {SourceParser, Unparsed} from '../types.js'
import {parseXml} from '../xml.js'
import {composeNat} from '../../model/nat.js'
import {toExposures} from './exposures.js'
import {panosNatOrder} from './nat.js'
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
  parse(text, {file}) {
    if (text.trim() === '') return {exposures: [], unparsed: [], stats: {lines: 0, understood: 0}, device: emptyDevice()}
    let root: PNode
    let lines: number
    let directives = 0
    const unparsed: Unparsed[] = []
    if (/^\s*</.test(text)) {
      const xml = parseXml(text, file)
      const config = xml.children.find((c) => c.name === 'config')
      if (!config) {
        throw new IrmError('CONFIG_WRONG_FORMAT', `XML root is <${xml.children[0]?.name ?? '?'}>, not a PAN-OS <config>`, {
          file,
          line: xml.children[0]?.line,
          hint: 'Export the running or candidate configuration (Device > Setup > Operations > Export).',
        })
      }
      const tree = fromXml(xml)
      root = tree.root
      lines = tree.count
    } else {
      const tree = fromText(text)
      if (tree.count === 0 && tree.problems.length) {
        throw new IrmError('CONFIG_WRONG_FORMAT', 'no PAN-OS statement found', {file, line: tree.problems[0].line, hint: 'Give an XML export, `set` commands or `show config` output, or pick another --type.'})
      }
      root = tree.root
      lines = tree.count + tree.problems.length
      // delete/move/deactivate lines were applied: understood, though no node carries them
      directives = tree.directives
      unparsed.push(...tree.problems)
    }
    const read = toExposures(root)
    const {problems, device} = read
    // NAT opens only what a security rule passes: pre-NAT address, post-NAT zone
    const {exposures, doubts} = composeNat(read.exposures, panosNatOrder(device))
    const rest = unread(root)
    unparsed.push(...rest.unparsed)
    for (const p of problems) unparsed.push({...p, text: redactLine(p.text)})
    for (const e of exposures) if (e.text !== undefined) e.text = redactLine(e.text)
    return {exposures, unparsed, ...(doubts.length ? {doubts} : {}), stats: {lines, understood: Math.min(lines, rest.understood + directives)}, device}
  },
}
