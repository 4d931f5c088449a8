import {describe, expect, it} from 'vitest'

import {inputLines} from '../../../src/sources/input.js'

describe('inputLines', () => {
  it('numbers lines with their byte offsets; CRLF and LF both end a line', () => {
    expect(inputLines({file: 'a.cfg', text: 'one\r\ntwo\nthree'})).toEqual([
      {file: 'a.cfg', line: 1, offset: 0, text: 'one'},
      {file: 'a.cfg', line: 2, offset: 5, text: 'two'},
      {file: 'a.cfg', line: 3, offset: 9, text: 'three'},
    ])
  })

  it('a final newline ends the last line; it does not start an empty one', () => {
    expect(inputLines({file: 'a', text: 'x\n'}).map((l) => l.text)).toEqual(['x'])
    expect(inputLines({file: 'a', text: ''}).map((l) => l.text)).toEqual([''])
    expect(inputLines({file: 'a', text: 'x\n\n'}).map((l) => l.text)).toEqual(['x', ''])
  })

  it('offsets count UTF-8 bytes, not UTF-16 code units', () => {
    // "é" is 2 bytes, "€" 3 bytes in UTF-8
    expect(inputLines({file: 'a', text: 'é€\nb'}).map((l) => l.offset)).toEqual([0, 6])
  })

  it('several files keep their own numbering', () => {
    const lines = inputLines([{file: 'main.conf', text: 'a\nb'}, {file: 'inc/x.conf', text: 'c'}])
    expect(lines.map((l) => `${l.file}:${l.line}@${l.offset}`)).toEqual(['main.conf:1@0', 'main.conf:2@2', 'inc/x.conf:1@0'])
  })
})
