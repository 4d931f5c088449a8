/**
 * `pulumi stack export` documents (deployment versions 3 and 4: `{version, deployment: {resources}}`),
 * the file-backend checkpoint (`{version, checkpoint: {latest: {resources}}}`) and a bare deployment
 * (`{manifest, resources}`) → resources with the line of their `urn`.
 */
import {IrmError} from '../../core/errors.js'
import {asObjects, asText, isObject, type JsonObject, type JsonValue, type PositionedJson} from '../json-positions.js'

export interface PulumiResource {
  type: string
  /** The URN's name part (`…::exampleSecurityGroup`): the rule name of what it exposes. */
  name: string
  urn: string
  /** Provider id (`sg-0abc…`, an ARN), when deployed. */
  id?: string
  /** `outputs` when present (the deployed truth), else `inputs`. */
  props: JsonObject
  line: number
  /** The resource object, for unparsed text (passed through ruleText, which drops secrets). */
  raw: JsonValue
}

export function urnName(urn: string): string {
  const i = urn.lastIndexOf('::')
  return i >= 0 ? urn.slice(i + 2) : urn
}

function deploymentOf(root: JsonObject): JsonObject | undefined {
  if (isObject(root.deployment)) return root.deployment
  if (isObject(root.checkpoint)) return isObject(root.checkpoint.latest) ? root.checkpoint.latest : {resources: []}
  if (Array.isArray(root.resources)) return root
  return undefined
}

export function readPulumiResources(json: PositionedJson): PulumiResource[] {
  const root = json.value
  const deployment = isObject(root) ? deploymentOf(root) : undefined
  if (!deployment) {
    throw new IrmError('CONFIG_WRONG_FORMAT', 'not a Pulumi stack export or checkpoint (no deployment, checkpoint or resources)', {
      line: 1,
      hint: "Export the stack with 'pulumi stack export --file state.json'.",
    })
  }
  return asObjects(deployment.resources).map((r) => {
    const urn = asText(r.urn) ?? ''
    const outputs = isObject(r.outputs) && Object.keys(r.outputs).length ? r.outputs : undefined
    return {
      type: asText(r.type) ?? '',
      name: urnName(urn) || (asText(r.id) ?? 'resource'),
      urn,
      id: asText(r.id),
      props: outputs ?? (isObject(r.inputs) ? r.inputs : {}),
      line: json.lineOf(r, 'urn'),
      raw: r,
    }
  })
}
