/**
 * `include` lines of nftables (`include "/etc/nftables.d/*.nft"`) and strongSwan (`include conf.d/*.conf`)
 * resolved by the loader, the way both tools read them: the included text takes the include line's
 * place. A relative path is relative to the including file; an absolute one is read under the include
 * root (a sysroot; by default the config's folder). Nothing outside the root is ever read. Globs expand
 * in code-unit order and may match nothing. Depth, loops, file count and total size are capped; every
 * refusal is an unparsed line naming the file. The parser sees one text; `origin` maps its lines back.
 */
import {readdirSync, readFileSync, realpathSync, statSync} from 'node:fs'
import {dirname, isAbsolute, join, relative, resolve, sep} from 'node:path'

import {decodeInput, inputLines} from './input.js'
import type {Unparsed, UnparsedCode} from './types.js'

/** nft's own limit (MAX_INCLUDE_DEPTH); strongSwan has none, loops aside. */
export const MAX_INCLUDE_DEPTH = 16
export const MAX_INCLUDE_FILES = 1024

export interface IncludeOptions {
  /** Folder absolute includes are read under, and that no include may leave. */
  root: string
  /** Cap on the bytes of all files together (the main config included). */
  maxBytes: number
  /** Display path of a file on disk (relative, `/`-separated), for reports. */
  display: (abs: string) => string
}

export interface Spliced {
  text: string
  /** Where each line of `text` comes from (index = line - 1). */
  origin: Array<{file: string; line: number}>
  problems: Array<Unparsed & {file: string}>
  /** Files read, the main one first. */
  files: string[]
}

// an unquoted path stops at `;` and `#` so the tail cannot be split two ways (linear, tests/hostile/regex.test.ts)
const INCLUDE = /^\s*include\s+(?:"([^"]*)"|([^\s;#]+))\s*(?:;\s*)?(?:#.*)?$/

/** Which formats the loader expands includes for. */
export function followsIncludes(type: string): boolean {
  return type === 'nftables' || type === 'strongswan'
}

export function spliceIncludes(mainAbs: string, text: string, options: IncludeOptions): Spliced {
  const root = safeRealpath(resolve(options.root)) ?? resolve(options.root)
  const mainDisplay = options.display(mainAbs)
  const out: Spliced = {text: '', origin: [], problems: [], files: [mainDisplay]}
  const lines: string[] = []
  let bytes = Buffer.byteLength(text)
  const walk = (abs: string, display: string, body: string, stack: string[]) => {
    // the one input reader: line numbers as every parser counts them (\r\n and \n end a line)
    inputLines({file: display, text: body}).forEach(({line, text: raw}) => {
      const k = line - 1
      const m = INCLUDE.exec(raw)
      if (!m) {
        lines.push(raw)
        out.origin.push({file: display, line: k + 1})
        return
      }
      // the include line itself becomes blank: understood once its files are read
      lines.push('')
      out.origin.push({file: display, line: k + 1})
      // every refusal leaves the include unread (not-followed) but a missing name (malformed) or file (undefined-reference)
      const problem = (reason: string, code: UnparsedCode = 'not-followed') => out.problems.push({file: display, line: k + 1, code, reason, text: raw.trim().slice(0, 200)})
      const pattern = (m[1] ?? m[2] ?? '').trim()
      if (!pattern) return problem('include without a file name', 'malformed')
      if (stack.length > MAX_INCLUDE_DEPTH) return problem(`include '${pattern}' nests deeper than ${MAX_INCLUDE_DEPTH} files: not read`)
      const target = isAbsolute(pattern) ? join(root, pattern) : resolve(dirname(abs), pattern)
      if (!inside(target, root)) return problem(`include '${pattern}' leaves the include root: not read (set --include-root)`)
      const wild = /[*?[]/.test(pattern)
      const files = wild ? glob(target, root) : [target]
      for (const f of files) {
        const real = safeRealpath(f)
        if (!real) {
          problem(`include '${pattern}': ${options.display(f)} not found under the include root`, 'undefined-reference')
          continue
        }
        if (!inside(real, root)) {
          problem(`include '${pattern}': ${options.display(f)} leaves the include root (symbolic link): not read`)
          continue
        }
        if (stack.includes(real)) {
          problem(`include loop: ${options.display(f)} includes itself: not read again`)
          continue
        }
        let size: number
        try {
          const st = statSync(real)
          if (!st.isFile()) {
            if (!wild) problem(`include '${pattern}': ${options.display(f)} is not a file`)
            continue
          }
          size = st.size
        } catch {
          problem(`include '${pattern}': ${options.display(f)} cannot be read`)
          continue
        }
        if (out.files.length >= MAX_INCLUDE_FILES) return problem(`include '${pattern}': more than ${MAX_INCLUDE_FILES} included files: the rest is not read`)
        if (bytes + size > options.maxBytes) {
          problem(`include '${pattern}': ${options.display(f)} would take the config over ${options.maxBytes} bytes: not read`)
          continue
        }
        bytes += size
        let included: string
        try {
          included = decodeInput(readFileSync(real), options.display(f))
        } catch (e) {
          problem(`include '${pattern}': ${options.display(f)}: ${(e as Error).message}`)
          continue
        }
        const shown = options.display(f)
        out.files.push(shown)
        walk(real, shown, included, [...stack, real])
      }
    })
  }
  walk(safeRealpath(mainAbs) ?? resolve(mainAbs), mainDisplay, text, [safeRealpath(mainAbs) ?? resolve(mainAbs)])
  out.text = lines.join('\n')
  return out
}

function safeRealpath(p: string): string | undefined {
  try {
    return realpathSync(p)
  } catch {
    return undefined
  }
}

function inside(p: string, root: string): boolean {
  const rel = relative(root, p)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** Expand `*`, `?` and `[…]` per path segment, below the root only; sorted by code units. */
function glob(pattern: string, root: string): string[] {
  const rel = relative(root, pattern).split(sep)
  let current = [root]
  for (const seg of rel) {
    if (!/[*?[]/.test(seg)) {
      current = current.map((c) => join(c, seg))
      continue
    }
    const re = segmentRegex(seg)
    const next: string[] = []
    for (const dir of current) {
      let names: string[]
      try {
        names = readdirSync(dir)
      } catch {
        continue
      }
      for (const n of names) if (re.test(n) && (seg.startsWith('.') || !n.startsWith('.'))) next.push(join(dir, n))
    }
    current = next
  }
  return current.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

function segmentRegex(seg: string): RegExp {
  let re = ''
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]
    if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const close = seg.indexOf(']', i + 1)
      if (close < 0) re += '\\['
      else {
        const body = seg.slice(i + 1, close).replace(/\\/g, '\\\\')
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`
        i = close
      }
    } else re += c.replace(/[\\^$.|+(){}]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}
