/** The ledger of a config.xml: it counts elements; an unparsed element costs itself and its children. Secrets never echoed. */
import {redactLine} from '../redact.js'
import {ParseLedger} from '../kit/ledger.js'
import type {UnparsedCode} from '../types.js'
import {children, type XmlElement} from '../xml.js'
import {SECRET_ELEMENTS} from './sections.js'

export function elementCount(el: XmlElement): number {
  let n = 1
  for (const c of el.children) n += elementCount(c)
  return n
}

// element names that look like they hold a secret, beyond the known list
const SECRET_NAME = /pass|secret|key|psk|hash|prv|community|token/i

function elementText(el: XmlElement): string {
  if (SECRET_ELEMENTS.has(el.name) || SECRET_NAME.test(el.name)) return `<${el.name}><redacted></${el.name}>`
  const body = el.children.length ? '…' : el.text.split('\n')[0].slice(0, 120)
  return redactLine(`<${el.name}>${body}</${el.name}>`)
}

export class Accounting extends ParseLedger {
  element(el: XmlElement, reason: string, code: UnparsedCode): void {
    this.unparsed(el.line, reason, elementText(el), {code, path: el.path, cost: elementCount(el)})
  }
}
