/** Junos applications and application-sets (own, then predefined `junos-*`) → boxes. */
import {ANY_BOX, type Box} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {type ExposureProblem, junosProtocol, portSet, specBox} from './common.js'
import type {Application, JunosConfig} from './model.js'
import {JUNOS_APPLICATION_SETS, JUNOS_APPLICATIONS} from './tables.js'

export interface AppBoxes {
  boxes: Box[]
  /** The first name we could not resolve: taken as any. */
  unresolved?: string
}

const ANY_APP: AppBoxes = {boxes: [ANY_BOX]}

export class Applications {
  private readonly cache = new Map<string, AppBoxes>()

  constructor(
    private readonly config: JunosConfig,
    private readonly problems: ExposureProblem[],
  ) {}

  resolve(name: string, path?: Set<string>): AppBoxes {
    if (name === 'any') return ANY_APP
    const cached = this.cache.get(name)
    if (cached) return cached
    const seen = path ?? new Set<string>()
    let out: AppBoxes
    const app = this.config.applications.get(name)
    const set = this.config.applicationSets.get(name)
    if (app) out = {boxes: this.applicationBoxes(name, app)}
    else if (set || JUNOS_APPLICATION_SETS[name]) {
      // a set that contains itself resolves to nothing more
      if (seen.has(name)) return {boxes: [], unresolved: name}
      seen.add(name)
      out = this.setBoxes(set ? set.members : JUNOS_APPLICATION_SETS[name], seen)
    } else if (JUNOS_APPLICATIONS[name]) out = {boxes: JUNOS_APPLICATIONS[name].map(specBox)}
    else out = {boxes: [ANY_BOX], unresolved: name}
    this.cache.set(name, out)
    return out
  }

  /** One box per term (or the implicit term); a term we cannot read is any, with a problem. */
  private applicationBoxes(name: string, app: Application): Box[] {
    const terms = app.terms.size ? [...app.terms.values()] : [app.base]
    const boxes: Box[] = []
    for (const t of terms) {
      const protocols = t.protocol ? junosProtocol(t.protocol) : ProtocolSet.ALL
      const ports = t.destinationPort ? portSet(rangeText(t.destinationPort)) : PortSet.ALL
      const sourcePorts = t.sourcePort ? portSet(rangeText(t.sourcePort)) : PortSet.ALL
      if (!protocols || !ports || !sourcePorts) {
        this.problems.push({line: t.line, code: 'bad-value', reason: `application ${name}: protocol or port not understood; taken as any`, text: app.text})
        boxes.push(ANY_BOX)
        continue
      }
      boxes.push({...ANY_BOX, protocols, ports, sourcePorts})
    }
    return boxes
  }

  private setBoxes(members: readonly string[], seen: Set<string>): AppBoxes {
    const boxes: Box[] = []
    let unresolved: string | undefined
    for (const m of members) {
      const r = this.resolve(m, seen)
      boxes.push(...r.boxes)
      unresolved ??= r.unresolved
    }
    return {boxes, unresolved}
  }
}

/** `1024 to 65535` → `1024-65535`. */
function rangeText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(' to ', '-')
}
