/** nft source text → tokens with line numbers: words, strings, braces, `;`, `,`, newlines. */

export interface Token {
  kind: 'word' | 'str' | '{' | '}' | ';' | ',' | 'nl'
  text: string
  line: number
}

export function tokenize(text: string): Token[] {
  const out: Token[] = []
  let line = 1
  const n = text.length
  let i = 0
  while (i < n) {
    const c = text[i]
    if (c === '\n') {
      out.push({kind: 'nl', text: '\n', line})
      line++
      i++
    } else if (c === ' ' || c === '\t' || c === '\r' || c === "'") i++ // ' is shell quoting in `nft add …` scripts
    else if (c === '\\' && text[i + 1] === '\n') {
      line++
      i += 2
    } else if (c === '#') {
      while (i < n && text[i] !== '\n') i++
    } else if (c === '"') {
      let j = i + 1
      let s = ''
      while (j < n && text[j] !== '"' && text[j] !== '\n') {
        if (text[j] === '\\' && j + 1 < n) j++
        s += text[j++]
      }
      out.push({kind: 'str', text: s, line})
      i = j + 1
    } else if (c === '{' || c === '}' || c === ';' || c === ',') {
      out.push({kind: c, text: c, line})
      i++
    } else {
      let j = i
      while (j < n && !/[\s{};,"#]/.test(text[j])) j++
      out.push({kind: 'word', text: text.slice(i, j), line})
      i = j
    }
  }
  return out
}
