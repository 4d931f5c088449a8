/**
 * Every regular expression in src/: the literals, and the `new RegExp(...)` whose pattern is built from
 * string constants (String.raw templates, `[...].join('|')`, module constants) folded here with the
 * TypeScript parser. A piece that is not a constant (a function parameter) is replaced by a plain word:
 * what it stands for is escaped or a fixed vendor word at the call site.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {join, relative} from 'node:path'

import ts from 'typescript'

export interface RegexSource {
  file: string
  line: number
  source: string
  flags: string
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, {withFileTypes: true}).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  )
}

export function regexSources(root: string): RegexSource[] {
  const out: RegexSource[] = []
  for (const path of tsFiles(join(root, 'src'))) {
    const sf = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true)
    const consts = new Map<string, ts.Expression>()
    const collect = (node: ts.Node): void => {
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.initializer && ts.isVariableDeclarationList(node.parent) && node.parent.flags & ts.NodeFlags.Const) {
        consts.set(node.name.text, node.initializer)
      }
      ts.forEachChild(node, collect)
    }
    collect(sf)
    const fold = (e: ts.Expression, depth = 0): string => {
      if (depth > 20) return 'x'
      if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text
      if (ts.isParenthesizedExpression(e)) return fold(e.expression, depth + 1)
      if (ts.isTaggedTemplateExpression(e) && e.tag.getText() === 'String.raw') {
        const t = e.template
        if (ts.isNoSubstitutionTemplateLiteral(t)) return t.rawText ?? t.text
        return (t.head.rawText ?? t.head.text) + t.templateSpans.map((s) => fold(s.expression, depth + 1) + (s.literal.rawText ?? s.literal.text)).join('')
      }
      if (ts.isTemplateExpression(e)) return e.head.text + e.templateSpans.map((s) => fold(s.expression, depth + 1) + s.literal.text).join('')
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.PlusToken) return fold(e.left, depth + 1) + fold(e.right, depth + 1)
      if (ts.isIdentifier(e) && consts.has(e.text)) return fold(consts.get(e.text)!, depth + 1)
      if (ts.isRegularExpressionLiteral(e)) return e.text.slice(1, e.text.lastIndexOf('/'))
      if (ts.isPropertyAccessExpression(e) && e.name.text === 'source') return fold(e.expression, depth + 1)
      if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'join' && ts.isArrayLiteralExpression(e.expression.expression)) {
        const sep = e.arguments[0] ? fold(e.arguments[0], depth + 1) : ','
        return e.expression.expression.elements.map((x) => fold(x, depth + 1)).join(sep)
      }
      return 'x'
    }
    const visit = (node: ts.Node): void => {
      const line = () => sf.getLineAndCharacterOfPosition(node.getStart()).line + 1
      if (ts.isRegularExpressionLiteral(node)) {
        const text = node.text
        const end = text.lastIndexOf('/')
        out.push({file: relative(root, path), line: line(), source: text.slice(1, end), flags: text.slice(end + 1)})
      } else if (ts.isNewExpression(node) && node.expression.getText() === 'RegExp' && node.arguments?.length) {
        const flags = node.arguments[1] && (ts.isStringLiteral(node.arguments[1]) || ts.isNoSubstitutionTemplateLiteral(node.arguments[1])) ? node.arguments[1].text : ''
        out.push({file: relative(root, path), line: line(), source: fold(node.arguments[0]), flags})
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
  return out
}
