import {deviceModel} from '../../model/device.js'
import {ParseState} from '../cloud-common.js'
import {IrmError} from '../../core/errors.js'
import {stageDone} from '../../core/stages.js'
import {isObject, parseJsonWithPositions} from '../json-positions.js'
import type {SourceParser} from '../types.js'
import {clientVpnExposure, listenerExposure, networkAclExposures, securityGroupExposures, vpnExposures} from './exposures.js'
import {readAws} from './read.js'

const MARKERS = /"(IpPermissions|IpPermissionsEgress|SecurityGroupRuleId|NetworkAclId|VpnConnectionId|ListenerArn|LoadBalancerDescriptions|ClientVpnEndpointId)"\s*:/

export const aws: SourceParser = {
  type: 'aws',
  description:
    'AWS EC2 describe-security-groups, describe-security-group-rules, describe-network-acls, describe-vpn-connections, describe-client-vpn-endpoints and load balancer (elbv2 load balancers + listeners, classic ELB) JSON (one output or several merged into one object; merged describe-network-interfaces, describe-instances and describe-subnets output resolve group members and ACL subnets to addresses)',
  detection: 'JSON with IpPermissions, SecurityGroupRuleId, NetworkAclId, VpnConnectionId, ListenerArn, LoadBalancerDescriptions or ClientVpnEndpointId keys',
  extensions: ['.json'],
  detect(head) {
    const t = head.trimStart()
    if (!t.startsWith('{') && !t.startsWith('[')) return 0
    return MARKERS.test(head) ? 0.9 : 0
  },
  parse(text) {
    const json = parseJsonWithPositions(text)
    stageDone('tokenize')
    if (!isObject(json.value) && !Array.isArray(json.value)) {
      throw new IrmError('CONFIG_WRONG_FORMAT', 'not an AWS describe-* JSON document (expected an object or an array)', {line: 1})
    }
    const state = new ParseState()
    const inv = readAws(json, state)
    stageDone('model')
    for (const sg of inv.securityGroups) securityGroupExposures(sg, state, inv.groupMembers)
    for (const acl of inv.networkAcls) networkAclExposures(acl, state)
    for (const vpn of inv.vpnConnections) vpnExposures(vpn, state)
    for (const l of inv.listeners) listenerExposure(l, state)
    for (const c of inv.clientVpnEndpoints) clientVpnExposure(c, state)
    stageDone('evaluate')
    return {...state.result(), device: deviceModel(inv.interfaces)}
  },
}
