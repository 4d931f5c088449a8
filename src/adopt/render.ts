/**
 * Drafted entries → YAML text, in the example inventory's style: block mappings, short lists and
 * list items of mappings in flow style (`from: [internet]`, `- {name: outside, zone: internet}`).
 */
import {Document, isMap, isScalar, isSeq, visit} from 'yaml'

/** Trailing comments of the items of a list field: `{interfaces: ['inferred (default-route), to confirm']}`. */
export type ItemComments = Record<string, Array<string | undefined>>

/** One list item (`- id: …`) indented by `indent`, with `comment` lines above it. */
export function renderItem(entry: Record<string, unknown>, indent: string, comment: readonly string[] = [], itemComments: ItemComments = {}): string {
  const doc = new Document(entry)
  visit(doc, {
    Seq(_, node) {
      if (node.items.every((i) => isScalar(i))) node.flow = true
    },
    Map(_, node, path) {
      // a mapping inside a list inside the entry (interfaces, channels) is one flow line
      if (path.length > 1 && isSeq(path[path.length - 1])) node.flow = true
    },
  })
  if (isMap(doc.contents)) {
    for (const [key, comments] of Object.entries(itemComments)) {
      const seq = doc.contents.get(key, true)
      if (!isSeq(seq)) continue
      seq.items.forEach((item, i) => {
        const c = comments[i]
        if (c && (isMap(item) || isScalar(item))) item.comment = ` ${oneLine(c)}`
      })
    }
  }
  const body = doc.toString({lineWidth: 0, flowCollectionPadding: false}).replace(/\n$/, '').split('\n')
  const lines = [...comment.map((c) => `# ${oneLine(c)}`), `- ${body[0]}`, ...body.slice(1).map((l) => `  ${l}`)]
  return lines.map((l) => `${indent}${l}`.replace(/\s+$/, '')).join('\n') + '\n'
}

/** A mapping as one flow line (`{name: outside, zone: internet}`). */
export function renderFlow(entry: Record<string, unknown>): string {
  const doc = new Document(entry)
  visit(doc, {
    Map(_, node) {
      node.flow = true
    },
    Seq(_, node) {
      node.flow = true
    },
  })
  return doc.toString({lineWidth: 0, flowCollectionPadding: false}).trim()
}

/** A comment is one line whatever it quotes (a rule text, a NetBox name): a line break would end it. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n\u0085\u2028\u2029]+/g, ' ')
}
