import {ParseState} from '../cloud-common.js'
import {parseJsonWithPositions} from '../json-positions.js'
import type {SourceParser} from '../types.js'
import {readPulumiResources} from './read.js'
import {pulumiExposures} from './resources.js'

export const pulumi: SourceParser = {
  type: 'pulumi',
  description:
    'Pulumi stack state (pulumi stack export, deployment v3/v4, or a file-backend checkpoint): AWS security groups, network ACLs, load balancers, VPN; Azure NSGs; GCP firewalls; Kubernetes LoadBalancer/NodePort services',
  detection: 'JSON with Pulumi URNs ("urn:pulumi:") under deployment or checkpoint',
  extensions: ['.json'],
  detect(head) {
    if (!/"urn"\s*:\s*"urn:pulumi:/.test(head)) return 0
    return /"(deployment|checkpoint|resources)"\s*:/.test(head) ? 0.95 : 0.6
  },
  parse(text) {
    const state = new ParseState()
    const device = pulumiExposures(readPulumiResources(parseJsonWithPositions(text)), state)
    return {...state.result(), device}
  },
}
