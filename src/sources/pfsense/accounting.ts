/** Unparsed XML elements and the elements they cost; secrets never echoed. */
import {redactLine} from '../redact.js'
import type {Unparsed} from '../types.js'
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

export class Accounting {
  readonly unparsed: Unparsed[] = []
  missed = 0

  element(el: XmlElement, reason: string): void {
    this.unparsed.push({line: el.line, reason, text: elementText(el), path: el.path})
    this.missed += elementCount(el)
  }
}
