/** shellWords reads runs as slices and plain lines by one split: same words as the char-by-char reader. */
import fc from 'fast-check'
import {expect, it} from 'vitest'
import {shellWords} from '../../src/sources/iptables/read.js'

/** The char-by-char reader shellWords replaced (slices and a plain split since issue 19): the oracle. */
function ref(text: string): string[] {
  const out: string[] = []
  let cur = ''
  let inWord = false
  let quote: '"' | "'" | null = null
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quote) {
      if (c === quote) quote = null
      else if (c === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i]
      else cur += c
      continue
    }
    if (c === '"' || c === "'") { quote = c; inWord = true }
    else if (c === '\\' && i + 1 < text.length) { cur += text[++i]; inWord = true }
    else if (c === ' ' || c === '\t') { if (inWord) out.push(cur); cur = ''; inWord = false }
    else { cur += c; inWord = true }
  }
  if (inWord) out.push(cur)
  return out
}
it('reads the words the char-by-char reader reads', () => {
  expect(shellWords(' -A INPUT  -m comment --comment "a \\"b\\" c" -j ACCEPT ')).toEqual(['-A', 'INPUT', '-m', 'comment', '--comment', 'a "b" c', '-j', 'ACCEPT'])
  expect(shellWords("x'y z'\\ w\\")).toEqual(['xy z w\\'])
  fc.assert(fc.property(fc.array(fc.constantFrom('a', 'b', ' ', '\t', '"', "'", '\\', '-', 'x y', '\r'), {maxLength: 30}).map((a) => a.join('')), (t) => { expect(shellWords(t)).toEqual(ref(t)) }), {numRuns: 20000})
})
