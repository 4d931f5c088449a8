import {describe, expect, it} from 'vitest'

import {emptyInventory, type Inventory} from '../../src/inventory/model.js'
import {parseService, resolveAddresses, resolverFor, trafficBoxes, trustOf} from '../../src/inventory/resolve.js'
import {AddressSet} from '../../src/net/address-set.js'

function inventoryWith(partial: Partial<Inventory>): Inventory {
  return {...emptyInventory(), ...partial}
}

const inv = inventoryWith({
  zones: [
    {id: 'internet', name: 'Internet', trust: 'internet'},
    {id: 'dc', name: 'DC', trust: 'internal', cidrs: ['10.20.0.0/16', '2001:db8:20::/48']},
    {id: 'pci', name: 'PCI', trust: 'restricted', parent: 'dc', cidrs: ['10.20.50.0/24']},
    // an aggregate zone: no cidrs of its own, only nested zones
    {id: 'branches', name: 'Branches', trust: 'internal'},
    {id: 'fra', name: 'Frankfurt', trust: 'internal', parent: 'branches', cidrs: ['10.30.0.0/16']},
    {id: 'lon', name: 'London', trust: 'internal', parent: 'branches', cidrs: ['10.31.0.0/16']},
  ],
})

describe('resolveAddresses', () => {
  it('zone ids, CIDRs and any', () => {
    expect(resolveAddresses(inv, ['dc']).toCidrs()).toEqual(['10.20.0.0/16', '2001:db8:20::/48'])
    expect(resolveAddresses(inv, ['pci', '192.0.2.1']).toCidrs()).toEqual(['10.20.50.0/24', '192.0.2.1/32'])
    expect(resolveAddresses(inv, ['any']).isAny()).toBe(true)
    expect(resolveAddresses(inv, ['2001:db8::/32']).toCidrs()).toEqual(['2001:db8::/32'])
  })

  it('a catch-all zone (no cidrs, no nested zones) is any', () => {
    expect(resolveAddresses(inv, ['internet']).isAny()).toBe(true)
  })

  it('a zone includes the zones declared nested in it', () => {
    expect(resolveAddresses(inv, ['branches']).toCidrs()).toEqual(['10.30.0.0/15'])
  })

  it('unknown references add nothing (validate reports them)', () => {
    expect(resolveAddresses(inv, ['nowhere', 'dc']).equals(resolveAddresses(inv, ['dc']))).toBe(true)
    expect(resolveAddresses(inv, ['nowhere']).isEmpty()).toBe(true)
  })

  it('host bits are masked as devices do', () => {
    expect(resolveAddresses(inv, ['10.0.0.1/8']).toCidrs()).toEqual(['10.0.0.0/8'])
  })

  it('survives a parent cycle', () => {
    const cyclic = inventoryWith({
      zones: [
        {id: 'a', name: 'A', trust: 'internal', parent: 'b', cidrs: ['10.1.0.0/16']},
        {id: 'b', name: 'B', trust: 'internal', parent: 'a', cidrs: ['10.2.0.0/16']},
      ],
    })
    expect(resolveAddresses(cyclic, ['a']).toCidrs()).toEqual(['10.1.0.0/16', '10.2.0.0/16'])
  })
})

describe('trustOf and the resolver', () => {
  it('gives the trust of a zone id, undefined for an unknown one', () => {
    expect(trustOf(inv, 'pci')).toBe('restricted')
    expect(trustOf(inv, 'nowhere')).toBeUndefined()
  })

  it('is built once per inventory object', () => {
    expect(resolverFor(inv)).toBe(resolverFor(inv))
    expect(resolverFor(inv).zoneIds(['dc', '10.0.0.0/8', 'any', 'pci'])).toEqual(['dc', 'pci'])
  })
})

describe('parseService', () => {
  it.each([
    ['tcp/443', [6], ['443']],
    ['udp/500-501', [17], ['500-501']],
    ['tcp', [6], ['1-65535']],
    ['icmp', [1], ['1-65535']],
    ['esp', [50], ['1-65535']],
    ['47', [47], ['1-65535']],
  ])('%s', (text, protocols, ports) => {
    const s = parseService(text)
    expect(s?.protocols.values()).toEqual(protocols)
    expect(s?.ports.toStrings()).toEqual(ports)
  })

  it('any is every protocol and port', () => {
    const s = parseService('any')
    expect(s?.protocols.isAll() && s.ports.isAll()).toBe(true)
  })

  it.each(['tcp/0', 'tcp/65536', 'udp/9-1', 'icmp/8', 'http', 'ip', 'tcp/', ''])('%j is not a service', (text) => {
    expect(parseService(text)).toBeNull()
  })
})

describe('trafficBoxes', () => {
  it('one box per valid service, from × to × service', () => {
    const boxes = trafficBoxes(inv, {from: ['any'], to: ['pci'], services: ['tcp/443', 'udp/70000', 'icmp']})
    expect(boxes).toHaveLength(2)
    expect(boxes[0].from.isAny()).toBe(true)
    expect(boxes[0].to.equals(AddressSet.of('10.20.50.0/24'))).toBe(true)
    expect(boxes[0].ports.toStrings()).toEqual(['443'])
  })
})
