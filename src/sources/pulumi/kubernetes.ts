/** Kubernetes Services in a Pulumi stack: LoadBalancer and NodePort types open ports to the outside. */
import {note} from '../../model/doubts.js'
import {AddressSet} from '../../net/address-set.js'
import {box} from '../../net/match.js'
import {PortSet, ProtocolSet} from '../../net/number-set.js'
import {TCP, UDP} from '../../net/protocol.js'
import {exposureOf, parseAddresses, type ParseState, ruleText} from '../cloud-common.js'
import {asObjects, asStrings, asText, isObject, type JsonValue} from '../json-positions.js'
import type {PulumiResource} from './read.js'

function num(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v)
  return undefined
}

/** LoadBalancer: `port` on the LB address from loadBalancerSourceRanges; NodePort (and LB): `nodePort` on every node. */
export function kubernetesService(r: PulumiResource, state: ParseState): void {
  const spec = isObject(r.props.spec) ? r.props.spec : {}
  const type = asText(spec.type) ?? 'ClusterIP'
  state.count(true)
  if (type !== 'LoadBalancer' && type !== 'NodePort') return
  const status = isObject(r.props.status) && isObject(r.props.status.loadBalancer) ? r.props.status.loadBalancer : {}
  const lbAddresses = parseAddresses(asObjects(status.ingress).flatMap((i) => asStrings(i.ip)), [])
  const ranges = asStrings(spec.loadBalancerSourceRanges)
  const from = ranges.length ? parseAddresses(ranges, []) : AddressSet.ANY
  const metadata = isObject(r.props.metadata) ? r.props.metadata : {}
  const service = asText(metadata.name) ?? r.name
  for (const port of asObjects(spec.ports)) {
    const protocol = (asText(port.protocol) ?? 'TCP').toUpperCase() === 'UDP' ? UDP : TCP
    const text = ruleText({type: r.type, serviceType: type, port})
    if (type === 'LoadBalancer' && num(port.port) !== undefined) {
      state.exposures.push(
        exposureOf(box({from, to: lbAddresses.isEmpty() ? AddressSet.ANY : lbAddresses, protocols: ProtocolSet.of(protocol), ports: PortSet.range(num(port.port)!)}), {
          kind: 'load-balancer',
          direction: 'inbound',
          line: r.line,
          rule: r.name,
          text,
          toSets: [service],
          doubts: lbAddresses.isEmpty() ? [note('unknown-address', 'load balancer address not in the state: destination shown as any')] : [],
        }),
      )
    }
    const nodePort = num(port.nodePort)
    if (type === 'NodePort' || nodePort !== undefined) {
      state.exposures.push(
        exposureOf(box({from, protocols: ProtocolSet.of(protocol), ports: nodePort === undefined ? PortSet.range(30000, 32767) : PortSet.range(nodePort)}), {
          kind: 'load-balancer',
          direction: 'inbound',
          line: r.line,
          rule: `${r.name} nodePort`,
          text,
          toSets: [`${service} (every node)`],
          doubts: nodePort === undefined ? [note('approximated', 'node port not allocated yet: the default range 30000-32767 is shown')] : [],
        }),
      )
    }
  }
}
