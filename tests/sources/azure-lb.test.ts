import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from 'vitest'

import {azure} from '../../src/sources/azure.js'
import {FIXTURES, parseFixture} from '../helpers/sources.js'

// Ground truth, from the fixture by hand: edge-lb's public frontend is lb-pip 198.51.100.10. app-nsg
// (on app-subnet, where both NICs are) allows 22/tcp from 203.0.113.0/24 to 10.0.1.4 (line 8) and
// 443/tcp to VirtualNetwork; the Azure defaults follow (AllowVnetInBound does not carry Internet clients).
// ssh-vm1 (line 68) 50022 -> vm1 10.0.1.4:22: passed by AllowSshFromOffice, from the office only.
// rdp-vm2 (line 72) 53389 -> vm2 10.0.1.5:3389: no rule of app-nsg passes 3389 -> nat-dead; db-nsg allows
// 3389 from anywhere but is attached to db-subnet only, so it never sees vm2's traffic.
// ssh-vm3 (line 76) -> vm3-nic, which is not in the export: kept, translated address unknown.
describe('azure: load-balancer inbound NAT rules composed with NSGs', () => {
  it('a NAT rule passed by an NSG rule: exact composed exposure', async () => {
    const r = await parseFixture('azure', 'lb-inbound-nat.json')
    const nats = r.exposures.filter((e) => e.rule === 'edge-lb/ssh-vm1')
    expect(nats).toHaveLength(1)
    expect(nats[0]).toMatchObject({
      kind: 'nat-forward',
      line: 68,
      from: ['203.0.113.0/24'],
      to: ['198.51.100.10/32'],
      protocol: 'tcp',
      ports: ['50022'],
      translated: {to: ['10.0.1.4/32'], ports: ['22']},
      filter: {line: 8, rule: 'app-nsg/AllowSshFromOffice'},
    })
  })

  it('a NAT rule no NSG rule passes is a nat-dead doubt at its line, not an exposure', async () => {
    const r = await parseFixture('azure', 'lb-inbound-nat.json')
    expect(r.exposures.filter((e) => e.rule === 'edge-lb/rdp-vm2')).toEqual([])
    expect(r.doubts).toEqual([expect.objectContaining({code: 'nat-dead', effect: 'dead', line: 72})])
  })

  it('a NAT rule whose backend is not in the export is kept with a translation-unknown doubt', async () => {
    const r = await parseFixture('azure', 'lb-inbound-nat.json')
    const vm3 = r.exposures.filter((e) => e.rule === 'edge-lb/ssh-vm3')
    expect(vm3).toHaveLength(1)
    expect(vm3[0]).toMatchObject({kind: 'nat-forward', line: 76, from: ['0.0.0.0/0', '::/0'], to: ['198.51.100.10/32'], ports: ['50023'], translated: {ports: ['22']}})
    expect(vm3[0].translated).not.toHaveProperty('to')
    expect(vm3[0].filter).toBeUndefined()
    expect(vm3[0].doubts?.map((d) => d.code)).toEqual(['translation-unknown'])
  })

  it('the NSG rules themselves are still listed; the load balancer and NICs are understood', async () => {
    const r = await parseFixture('azure', 'lb-inbound-nat.json')
    expect(r.exposures.filter((e) => e.kind === 'filter' && e.rule === 'app-nsg/AllowSshFromOffice')).toHaveLength(1)
    expect(r.unparsed).toEqual([])
  })

  it('detects a load-balancer export', () => {
    const text = readFileSync(join(FIXTURES, 'azure', 'lb-inbound-nat.json'), 'utf8')
    expect(azure.detect(text, 'lb-inbound-nat.json')).toBeGreaterThan(0.5)
  })
})

// An ARM template: the public IP is allocated at deploy time (no ipAddress), the NAT rule is a child
// resource, ids are resourceId() expressions. Ground truth: one NAT exposure on any address (the
// frontend is unknown) with an unknown-address doubt, translated to vm1 10.0.1.4:3389, passed by the
// NSG's AllowRdp rule (line 6); nothing silently dropped.
const TEMPLATE = `{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [
    {"type": "Microsoft.Network/networkSecurityGroups", "name": "vm-nsg", "properties": {
      "securityRules": [
        {"name": "AllowRdp",
         "properties": {"priority": 100, "direction": "Inbound", "access": "Allow", "protocol": "Tcp", "sourceAddressPrefix": "192.0.2.0/24", "sourcePortRange": "*", "destinationAddressPrefix": "*", "destinationPortRange": "3389"}}
      ]}},
    {"type": "Microsoft.Network/publicIPAddresses", "name": "lb-pip", "properties": {"publicIPAllocationMethod": "Dynamic"}},
    {"type": "Microsoft.Network/networkInterfaces", "name": "vm1-nic", "properties": {
      "networkSecurityGroup": {"id": "[resourceId('Microsoft.Network/networkSecurityGroups', 'vm-nsg')]"},
      "ipConfigurations": [{"name": "ipconfig1", "properties": {"privateIPAddress": "10.0.1.4", "privateIPAllocationMethod": "Static"}}]}},
    {"type": "Microsoft.Network/loadBalancers", "name": "edge-lb", "properties": {
      "frontendIPConfigurations": [{"name": "fe", "properties": {"publicIPAddress": {"id": "[resourceId('Microsoft.Network/publicIPAddresses', 'lb-pip')]"}}}]}},
    {"type": "Microsoft.Network/loadBalancers/inboundNatRules", "name": "edge-lb/rdp-vm1",
     "properties": {"frontendIPConfiguration": {"id": "[resourceId('Microsoft.Network/loadBalancers/frontendIPConfigurations', 'edge-lb', 'fe')]"},
      "protocol": "Tcp", "frontendPort": 50001, "backendPort": 3389,
      "backendIPConfiguration": {"id": "[resourceId('Microsoft.Network/networkInterfaces/ipConfigurations', 'vm1-nic', 'ipconfig1')]"}}}
  ]
}
`

describe('azure: load-balancer NAT in an ARM template', () => {
  it('a child inboundNatRules resource with resourceId() references, frontend address unknown', async () => {
    const r = await azure.parse(TEMPLATE, {file: 'lb.json'})
    const nats = r.exposures.filter((e) => e.kind === 'nat-forward')
    expect(nats).toHaveLength(1)
    expect(nats[0]).toMatchObject({rule: 'edge-lb/rdp-vm1', line: 15, filter: {line: 6, rule: 'vm-nsg/AllowRdp'}})
    expect(nats[0].ports.toStrings()).toEqual(['50001'])
    expect(nats[0].to.isAny()).toBe(true)
    expect(nats[0].from.toCidrs()).toEqual(['192.0.2.0/24'])
    expect(nats[0].translated?.to?.toCidrs()).toEqual(['10.0.1.4/32'])
    expect(nats[0].doubts?.map((d) => d.code)).toEqual(['unknown-address'])
    expect(r.doubts ?? []).toEqual([])
  })
})
