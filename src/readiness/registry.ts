/** Every readiness check, one row each, in report order. A duplicate id throws at load. */
import {alertProcess} from './checks/alert-process.js'
import {baselineTraffic} from './checks/baseline-traffic.js'
import {contactsEstablished} from './checks/contacts.js'
import {criticalFlows} from './checks/critical-flows.js'
import {inventoryVersioned} from './checks/inventory-versioned.js'
import {isolation} from './checks/isolation.js'
import {logRestore} from './checks/log-restore.js'
import {logRetention} from './checks/log-retention.js'
import {monitoringUpToDate} from './checks/monitoring-up-to-date.js'
import {networkMaps} from './checks/network-maps.js'
import {perimeterCoverage} from './checks/perimeter-coverage.js'
import {rareLocations} from './checks/rare-locations.js'
import {sensorAccess} from './checks/sensor-access.js'
import {timeSource} from './checks/time-source.js'
import {trafficManagement} from './checks/traffic-management.js'
import {training} from './checks/training.js'
import {unwantedAccessPoints} from './checks/unwanted-access-points.js'
import type {ReadinessCheck} from './types.js'

export const CHECKS: readonly ReadinessCheck[] = [
  // IDS / EDR
  monitoringUpToDate,
  contactsEstablished,
  alertProcess,
  sensorAccess,
  perimeterCoverage,
  isolation,
  // Network
  inventoryVersioned,
  networkMaps,
  unwantedAccessPoints,
  rareLocations,
  trafficManagement,
  // Baseline
  baselineTraffic,
  criticalFlows,
  // Logs and people
  logRetention,
  logRestore,
  training,
  timeSource,
]

const seen = new Set<string>()
for (const c of CHECKS) {
  if (seen.has(c.id)) throw new Error(`duplicate readiness check id ${c.id}`)
  seen.add(c.id)
}
