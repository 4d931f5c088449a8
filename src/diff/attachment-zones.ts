/**
 * `parse --inventory DIR --device ID`: the inventory zones behind each exposure's ingress and egress,
 * mapped as the diff maps them (devices[].interfaces, else inference on the parsed device model).
 */
import {IrmError} from '../core/errors.js'
import {loadInventory} from '../inventory/load.js'
import type {Attachment, DeviceModel} from '../model/device.js'
import {diffInputFromInventory} from './inventory.js'
import {defaultDiffPolicy} from '../policy/diff.js'
import {DeviceReach, ZoneSpace} from './reach.js'

export async function attachmentZones(inventoryDir: string, deviceId: string, model?: DeviceModel): Promise<(a: Attachment) => string[]> {
  const loaded = await loadInventory(inventoryDir)
  const policy = defaultDiffPolicy()
  const input = diffInputFromInventory(loaded, [], '1970-01-01', policy)
  const device = input.devices.find((d) => d.id === deviceId)
  if (!device) {
    throw new IrmError('USAGE', `--device ${deviceId}: no such device in the inventory`, {hint: 'Use a device id from devices[] of the inventory.'})
  }
  const reach = new DeviceReach(new ZoneSpace(input.zones, policy.trustedTrust), device, model)
  return (a) => reach.zonesOf(a) ?? []
}
