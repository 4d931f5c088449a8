/**
 * Junos configuration groups, expanded the way commit inherits them: `apply-groups G` at a level (the
 * top, `system`, `interfaces ge-0/0/0`, …) copies the part of group G under that level into it;
 * `apply-groups-except G` at a level stops it there and below. Names in a group may be wildcards
 * (`<ge-*>`, `<*>`): they match what the configuration itself names at that place. Chassis cluster
 * `node0`/`node1` groups apply to the whole device (one export describes the pair).
 */
import type {Statement} from './read.js'

interface Apply {
  level: string[]
  group: string
  except: boolean
}

/** The statements with each applied group's content added at the end (local statements come first). */
export function expandGroups(statements: Statement[]): Statement[] {
  const groups = new Map<string, Statement[]>()
  const applies: Apply[] = []
  for (const s of statements) {
    if (s.inactive) continue
    const w = s.words
    if (w[0] === 'groups') {
      if (w.length > 2) {
        const list = groups.get(w[1]) ?? []
        list.push(s)
        groups.set(w[1], list)
      }
      continue
    }
    const k = w.findIndex((x) => x === 'apply-groups' || x === 'apply-groups-except')
    if (k >= 0 && w[k + 1]) applies.push({level: w.slice(0, k), group: w[k + 1], except: w[k] === 'apply-groups-except'})
  }
  if (groups.size === 0) return statements
  for (const name of groups.keys()) {
    if (/^node\d$/.test(name) && !applies.some((a) => a.group === name && !a.except)) applies.push({level: [], group: name, except: false})
  }
  // existing names per path: what a wildcard may match
  const local = statements.filter((s) => s.words[0] !== 'groups')
  const excepts = applies.filter((a) => a.except)
  const out: Statement[] = [...statements]
  const seen = new Set<string>()
  for (const a of applies) {
    if (a.except) continue
    for (const g of groups.get(a.group) ?? []) {
      const body = g.words.slice(2)
      for (const words of concretize(body, a.level, local)) {
        // an apply-groups-except at or above this statement's place (below the apply level) stops it
        if (excepts.some((e) => e.group === a.group && e.level.length >= a.level.length && startsWith(words, e.level))) continue
        const key = words.join('\u0000')
        if (seen.has(key)) continue
        seen.add(key)
        out.push(g.withWords(words, g.wordLines?.slice(2)))
      }
    }
  }
  return out
}

/**
 * The concrete paths a group statement gives at `level`: its leading words must match the level (with
 * wildcards), and a wildcard below the level takes each name the configuration uses there.
 */
function concretize(body: string[], level: string[], local: Statement[]): string[][] {
  if (body.length <= level.length) return []
  for (let i = 0; i < level.length; i++) if (!matches(body[i], level[i])) return []
  let partial: string[][] = [[...level]]
  for (let i = level.length; i < body.length; i++) {
    const word = body[i]
    const next: string[][] = []
    for (const p of partial) {
      if (!isWildcard(word)) next.push([...p, word])
      else {
        const names = new Set<string>()
        for (const s of local) if (s.words.length > i && startsWith(s.words, p) && matches(word, s.words[i])) names.add(s.words[i])
        for (const n of [...names].sort()) next.push([...p, n])
      }
    }
    partial = next
    if (partial.length === 0) return []
  }
  return partial
}

function isWildcard(word: string): boolean {
  return word.length > 2 && word.startsWith('<') && word.endsWith('>')
}

/** `<ge-*>` matches `ge-0/0/1`; `*` is any run, `?` one character, `[abc]` a class (Junos wildcard syntax). */
function matches(pattern: string, word: string): boolean {
  if (!isWildcard(pattern)) return pattern === word
  const body = pattern.slice(1, -1)
  let re = ''
  for (const c of body) re += c === '*' ? '.*' : c === '?' ? '.' : c === '[' || c === ']' ? c : c.replace(/[\\^$.|+(){}]/g, '\\$&')
  try {
    return new RegExp(`^${re}$`).test(word)
  } catch {
    return false
  }
}

function startsWith(words: string[], prefix: string[]): boolean {
  if (words.length < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (words[i] !== prefix[i]) return false
  return true
}
