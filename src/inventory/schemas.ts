/**
 * The inventory's JSON Schemas (2020-12), the ONE source of truth: `model.ts` derives the TypeScript
 * types from these literals (json-schema-to-ts), ajv validates with them, and
 * `schemas/<collection>.schema.json` are written from them (tests/inventory/schemas.test.ts fails when
 * a committed file is stale; refresh with `npx vitest run tests/inventory/schemas.test.ts -u`).
 *
 * Patterns only say what a value looks like; what it means (a CIDR with host bits, port 70000, a
 * reference to nothing) is checked by validate.ts, which can say how to fix it.
 */

import {TRUSTS} from '../core/trust.js'

export const SCHEMA_BASE = 'https://irm-audit.dev/schemas/'
const DIALECT = 'https://json-schema.org/draft/2020-12/schema'

/** Letters, digits and `. _ : -`, starting with a letter or digit. */
export const ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:-]*$'

const id = {
  type: 'string',
  description: 'Stable identifier, unique across every inventory file; other entries refer to it.',
  pattern: ID_PATTERN,
  maxLength: 128,
} as const

const ref = (what: string) =>
  ({type: 'string', description: `Id of ${what}.`, pattern: ID_PATTERN, maxLength: 128}) as const

const text = (description: string) => ({type: 'string', description, minLength: 1}) as const

const date = (description: string) => ({type: 'string', format: 'date', description: `${description} (YYYY-MM-DD).`}) as const

const cidr = {
  type: 'string',
  description: 'IPv4 or IPv6 network in CIDR notation (`10.20.0.0/16`, `2001:db8:20::/48`); a bare address is a host.',
  // shape only; validate.ts parses it and reports host bits (`10.0.0.1/8`) with the network meant
  pattern: '^(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[0-9A-Fa-f]*:[0-9A-Fa-f:.]*)(?:/\\d{1,3})?$',
} as const

const addressRef = {
  type: 'string',
  description: 'A zone id, a CIDR (`203.0.113.10/32`, `2001:db8::/32`), or `any`.',
  minLength: 1,
  maxLength: 128,
} as const

const addressList = (description: string) =>
  ({type: 'array', description, items: addressRef, minItems: 1}) as const

const service = {
  type: 'string',
  description:
    'Protocol and destination ports: `tcp/443`, `udp/500-501`, `tcp` (all tcp ports), `icmp`, `icmpv6`, `esp`, `ah`, `gre`, a protocol number, or `any`.',
  // any digits: a port out of range is reported by validate.ts as invalid-port, with the range
  pattern: '^(?:any|(?:tcp|udp|sctp)(?:/\\d+(?:-\\d+)?)?|icmp|icmpv6|esp|ah|gre|\\d{1,3})$',
  examples: ['tcp/443', 'udp/500-501', 'icmp', 'any'],
} as const

const serviceList = {type: 'array', description: 'Services, e.g. `[tcp/443, udp/500-501]`.', items: service, minItems: 1} as const

const refList = (what: string) => ({type: 'array', description: `Ids of ${what}.`, items: ref(what), uniqueItems: true}) as const

/** The trust levels (src/core/trust.ts, the one list). */
export const TRUST_LEVELS = TRUSTS
export const CONFIG_FORMATS = [
  'iptables', 'nftables', 'aws', 'azure', 'gcp', 'pulumi', 'pulumi-program', 'cisco-asa', 'cisco-ios', 'junos',
  'panos', 'fortios', 'pfsense', 'openvpn', 'wireguard', 'strongswan',
] as const

export const zonesSchema = {
  $schema: DIALECT,
  $id: `${SCHEMA_BASE}zones.schema.json`,
  title: 'Zones',
  description: 'Network zones: named address spaces with a trust level, an owner and a network map.',
  type: 'array',
  items: {
    type: 'object',
    description: 'One zone.',
    additionalProperties: false,
    required: ['id', 'name', 'trust'],
    properties: {
      id,
      name: text('Human name of the zone.'),
      description: text('What lives in the zone.'),
      cidrs: {
        type: 'array',
        description:
          'Networks of the zone (IPv4 and IPv6). A zone without cidrs, or with 0.0.0.0/0 or ::/0, is a catch-all (typically `internet`): it means any address and is not checked for overlaps.',
        items: cidr,
      },
      trust: {type: 'string', enum: TRUST_LEVELS, description: 'Trust level; the policy pack names the trusted levels (diff.trusted_trust: by default all but internet and partner) for the diff, the readiness checks and the log analyses.'},
      owner: ref('the contact (team) that owns the zone'),
      parent: ref('the enclosing zone, when this zone is declared nested inside it (its cidrs may overlap the parent)'),
      cloud_refs: {
        type: 'array',
        description:
          'Symbolic cloud sources that mean this zone: `sg-…` (AWS security group), `pl-…` (AWS prefix list), `TAG@vnet` (Azure service tag seen from a VNet, e.g. `VirtualNetwork@corp-vnet`), `tag:NAME` (GCP network tag), `sa:EMAIL` (GCP service account).',
        items: {
          type: 'string',
          description: 'A cloud reference.',
          pattern: '^(?:sg-[0-9A-Za-z]+|pl-[0-9A-Za-z]+|[A-Za-z][A-Za-z0-9.]*@[A-Za-z0-9._-]+|tag:[A-Za-z0-9._-]+|sa:[^\\s@]+@[^\\s@]+)$',
        },
        uniqueItems: true,
      },
      site: text('Site the zone belongs to (e.g. `paris-hq`).'),
      map: {
        type: 'object',
        description: 'The network map that shows this zone.',
        additionalProperties: false,
        required: ['document'],
        properties: {
          document: text('Path or URL of the map.'),
          version: text('Version of the map.'),
          updated: date('Day the map was last updated'),
        },
      },
      isolation: {
        type: 'object',
        description: 'How the zone is cut off during an incident.',
        additionalProperties: false,
        required: ['method'],
        properties: {
          method: text('How (e.g. `shutdown of the VLAN uplink on core-sw`, `deny-all policy on fw-dc`).'),
          last_tested: date('Day isolation was last tested'),
        },
      },
    },
  },
} as const

export const devicesSchema = {
  $schema: DIALECT,
  $id: `${SCHEMA_BASE}devices.schema.json`,
  title: 'Devices',
  description: 'Firewalls, VPN gateways, routers, cloud accounts and load balancers whose live config is audited.',
  type: 'array',
  items: {
    type: 'object',
    description: 'One device or cloud account.',
    additionalProperties: false,
    required: ['id', 'role'],
    properties: {
      id,
      name: text('Human name (hostname).'),
      description: text('What the device does.'),
      vendor: text('Vendor and product (e.g. `Cisco ASA 5516-X`).'),
      format: {type: 'string', enum: CONFIG_FORMATS, description: 'Format of its config, as `irm-audit sources` names it; detected when omitted.'},
      role: {
        type: 'string',
        enum: ['firewall', 'vpn', 'router', 'cloud-account', 'load-balancer', 'host'],
        description: 'What the device is.',
      },
      zones: refList('the zones the device joins'),
      config: {
        description:
          'Path of its exported config (or Pulumi stack export), relative to the inventory folder (e.g. `live/fw-edge-1.asa.cfg`); or a list of paths read together as one device (e.g. a GCP hierarchical firewall policy and the VPC rules).',
        anyOf: [
          text('Path of the exported config, relative to the inventory folder.'),
          {type: 'array', minItems: 1, items: text('Path of one exported file, relative to the inventory folder.')},
        ],
      },
      management_addresses: {type: 'array', description: 'Addresses of its management plane.', items: cidr},
      interfaces: {
        type: 'array',
        description:
          'Where its interfaces and vendor zones sit: `{name: outside, zone: internet}` or `{vendor_zone: trust, zone: lyon-lan}`. The diff decides reach by where traffic enters; an interface not listed is inferred (default route or WAN → the catch-all internet zone, connected subnet → the one private zone holding it) or reported as interface-unmapped.',
        items: {
          oneOf: [
            {
              type: 'object',
              description: 'An interface as the config names it (`outside`, `GigabitEthernet0/1`, `eth0`, `port1`).',
              additionalProperties: false,
              required: ['name', 'zone'],
              properties: {name: text('Interface name as the config spells it.'), zone: ref('the inventory zone behind the interface')},
            },
            {
              type: 'object',
              description: 'A vendor zone (`untrust`, Junos/PAN-OS/FortiOS zone, IOS zone-based firewall zone).',
              additionalProperties: false,
              required: ['vendor_zone', 'zone'],
              properties: {vendor_zone: text('Vendor zone name as the config spells it.'), zone: ref('the inventory zone behind the vendor zone')},
            },
          ],
        },
      },
      isolation: {
        type: 'object',
        description: 'Whether the device can isolate endpoints or zones during an incident.',
        additionalProperties: false,
        required: ['capable'],
        properties: {
          capable: {type: 'boolean', description: 'True when the device can cut off a host or a zone.'},
          method: text('How (e.g. `quarantine address-group`, `shun`).'),
        },
      },
      ntp: {type: 'array', description: 'NTP servers the device syncs with (names or addresses).', items: text('An NTP server.')},
      audit: {
        type: 'object',
        description:
          'A device irm-audit cannot read (a switch, a load balancer, a vendor without a parser) and that is audited by hand: its `device-unaudited` finding is `info` until `review_by` passes.',
        additionalProperties: false,
        required: ['manual', 'reason', 'review_by'],
        properties: {
          manual: {type: 'boolean', const: true, description: 'The device is audited by hand.'},
          reason: text('Why it cannot be audited by irm-audit, and who audits it.'),
          review_by: date('Day the manual audit must be renewed; after it the finding is raised again'),
        },
      },
      owner: ref('the contact (team) that runs the device'),
      site: text('Site of the device.'),
    },
  },
} as const

export const accessPointsSchema = {
  $schema: DIALECT,
  $id: `${SCHEMA_BASE}access-points.schema.json`,
  title: 'Access points',
  description: 'Every approved way into or between zones: openings, NAT forwards, VPNs, cloud ingress, partner links.',
  type: 'array',
  items: {
    type: 'object',
    description: 'One approved access point.',
    additionalProperties: false,
    required: ['id', 'kind', 'from', 'to', 'services', 'owner'],
    properties: {
      id,
      name: text('Short human name.'),
      description: text('What the access point is for.'),
      kind: {
        type: 'string',
        enum: ['firewall-opening', 'nat-forward', 'vpn', 'cloud-ingress', 'load-balancer', 'remote-admin', 'partner-link', 'wireless', 'direct-internet'],
        description: 'Kind of access point.',
      },
      device: ref('the device that provides it'),
      from: addressList('Who may come in: zone ids, CIDRs or `any`.'),
      to: addressList('What they reach: zone ids or CIDRs.'),
      services: serviceList,
      owner: ref('the contact (team) accountable for it'),
      justification: text('Why it exists (business need).'),
      ticket: text('Change ticket that approved it.'),
      approved: {
        type: 'object',
        description: 'Who approved it, when.',
        additionalProperties: false,
        required: ['by', 'date'],
        properties: {by: text('Approver (person or board).'), date: date('Day of approval')},
      },
      review_by: date('Day by which it must be reviewed or removed (expiry of temporary openings)'),
      monitored_by: refList('the sensors that watch it'),
      temporary: {type: 'boolean', description: 'True for an opening that must be removed at `review_by` (required then).'},
      keep_during_isolation: {
        type: 'boolean',
        description: 'True for an access point that must stay open while a zone it touches is isolated (sensors, log shipping, management jump hosts): `irm-audit isolate` permits it above its deny rules.',
      },
    },
  },
} as const

export const flowsSchema = {
  $schema: DIALECT,
  $id: `${SCHEMA_BASE}flows.schema.json`,
  title: 'Business-critical flows',
  description: 'Flows the business depends on, with their traffic baseline; the diff reports those the live rules block.',
  type: 'array',
  items: {
    type: 'object',
    description: 'One business-critical flow.',
    additionalProperties: false,
    required: ['id', 'name', 'from', 'to', 'services', 'criticality'],
    properties: {
      id,
      name: text('Human name of the flow.'),
      description: text('What the flow carries.'),
      from: addressList('Sources: zone ids, CIDRs or `any`.'),
      to: addressList('Destinations: zone ids or CIDRs.'),
      services: serviceList,
      via: refList('the devices the flow crosses, in order'),
      criticality: {type: 'string', enum: ['critical', 'high', 'medium', 'low'], description: 'Business criticality.'},
      owner: ref('the contact (business line or team) that owns the flow'),
      keep_during_isolation: {
        type: 'boolean',
        description: 'True for a flow that must keep working while a zone it touches is isolated (log shipping, sensors, management): `irm-audit isolate` permits it above its deny rules.',
      },
      baseline: {
        type: 'object',
        description: 'Normal traffic, to tell an anomaly from business as usual.',
        additionalProperties: false,
        properties: {
          bytes_per_day: {type: 'integer', minimum: 0, description: 'Typical volume per day, in bytes.'},
          sessions_per_hour: {type: 'integer', minimum: 0, description: 'Typical sessions per hour at peak.'},
          active_hours: {
            type: 'string',
            pattern: '^(?:[01]\\d|2[0-4])-(?:[01]\\d|2[0-4])$',
            description: 'Hours of activity in the organisation time zone, `HH-HH` (e.g. `07-20`; `00-24` for always).',
          },
          days: {
            type: 'array',
            description: 'Days of activity.',
            items: {type: 'string', enum: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']},
            uniqueItems: true,
          },
        },
      },
    },
  },
} as const

export const sensorsSchema = {
  $schema: DIALECT,
  $id: `${SCHEMA_BASE}sensors.schema.json`,
  title: 'Sensors',
  description: 'Detection and traffic tools (IDS, NIPS, EDR, NDR, netflow, proxy, SIEM) and what they watch.',
  type: 'array',
  items: {
    type: 'object',
    description: 'One sensor.',
    additionalProperties: false,
    required: ['id', 'type', 'covers'],
    properties: {
      id,
      name: text('Human name.'),
      description: text('What it watches and how.'),
      type: {type: 'string', enum: ['ids', 'nips', 'edr', 'ndr', 'netflow', 'proxy', 'siem'], description: 'Kind of sensor.'},
      product: text('Product (e.g. `Suricata 7`).'),
      covers: refList('the zones, devices or access points it watches'),
      version: text('Installed version.'),
      signatures_updated: date('Day signatures or detection content were last updated'),
      console_access_verified: date('Day the responders last verified they can log in to its console'),
      can_isolate: {type: 'boolean', description: 'True when it can isolate a host or cut a flow.'},
      owner: ref('the contact (team) that runs it'),
    },
  },
} as const

export const logSourcesSchema = {
  $schema: DIALECT,
  $id: `${SCHEMA_BASE}log-sources.schema.json`,
  title: 'Log sources',
  description: 'Logs that feed incident response, where they go, and how long they are kept.',
  type: 'array',
  items: {
    type: 'object',
    description: 'One log source.',
    additionalProperties: false,
    required: ['id', 'type', 'source', 'retention'],
    properties: {
      id,
      name: text('Human name.'),
      type: {
        type: 'string',
        enum: ['firewall', 'vpn', 'proxy', 'dns', 'ids', 'edr', 'netflow', 'cloud', 'auth'],
        description: 'Kind of logs.',
      },
      source: ref('the device or sensor that emits the logs'),
      destination: text('Where the logs go (SIEM, collector, bucket); a sensor id when it is one.'),
      retention: {
        type: 'object',
        description: 'How long logs are kept.',
        additionalProperties: false,
        required: ['online_days'],
        properties: {
          online_days: {type: 'integer', minimum: 0, description: 'Days searchable online.'},
          archive_days: {type: 'integer', minimum: 0, description: 'Days kept in archive (in total, from the event).'},
        },
      },
      last_restore_test: date('Day an archive was last restored and read back'),
      ntp_synced: {type: 'boolean', description: 'True when the source timestamps from a synchronised clock.'},
      owner: ref('the contact (team) that runs it'),
    },
  },
} as const

export const contactsSchema = {
  $schema: DIALECT,
  $id: `${SCHEMA_BASE}contacts.schema.json`,
  title: 'Contacts',
  description: 'Teams to reach during an incident: network, security operations, CERT, business lines, providers.',
  type: 'array',
  items: {
    type: 'object',
    description: 'One team (owners elsewhere refer to its id).',
    additionalProperties: false,
    required: ['id', 'team', 'role', 'channels'],
    properties: {
      id,
      team: text('Team name.'),
      role: {
        type: 'string',
        enum: ['network', 'security-operations', 'cert', 'business', 'management', 'provider'],
        description: 'Role in incident response.',
      },
      organization: text('Company, for providers and partners.'),
      channels: {
        type: 'array',
        description: 'How to reach the team.',
        minItems: 1,
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['type', 'value'],
          properties: {
            type: {type: 'string', enum: ['email', 'phone', 'chat', 'pager'], description: 'Channel kind.'},
            value: text('Address, number or channel name.'),
          },
        },
      },
      on_call: {type: ['boolean', 'string'], description: 'Whether the team is on call, or its schedule (e.g. `24/7`, `business hours`).'},
      verified: date('Day the channels were last verified to work'),
      escalation: refList('the contacts to escalate to, in order'),
    },
  },
} as const

export const proceduresSchema = {
  $schema: DIALECT,
  $id: `${SCHEMA_BASE}procedures.schema.json`,
  title: 'Procedures',
  description: 'Documented incident procedures: alert notification, isolation, crisis cell, escalation, restore.',
  type: 'array',
  items: {
    type: 'object',
    description: 'One procedure.',
    additionalProperties: false,
    required: ['id', 'type', 'document', 'owner'],
    properties: {
      id,
      name: text('Human name.'),
      type: {
        type: 'string',
        enum: ['alert-notification', 'isolation', 'crisis-cell', 'escalation', 'restore'],
        description: 'Kind of procedure.',
      },
      document: text('Path or URL of the procedure.'),
      owner: ref('the contact (team) that maintains it'),
      last_review: date('Day it was last reviewed'),
      last_exercise: date('Day it was last exercised'),
      participants: refList('the contacts that take part'),
    },
  },
} as const

/** Collection key (as written in YAML) → its schema. Order is the order of reports. */
export const COLLECTION_SCHEMAS = {
  zones: zonesSchema,
  devices: devicesSchema,
  access_points: accessPointsSchema,
  flows: flowsSchema,
  sensors: sensorsSchema,
  log_sources: logSourcesSchema,
  contacts: contactsSchema,
  procedures: proceduresSchema,
} as const

export type CollectionKey = keyof typeof COLLECTION_SCHEMAS
export const COLLECTION_KEYS = Object.keys(COLLECTION_SCHEMAS) as CollectionKey[]

/** One inventory file: any subset of the collections, plus organisation-wide facts. */
export const inventorySchema = {
  $schema: DIALECT,
  $id: `${SCHEMA_BASE}inventory.schema.json`,
  title: 'irm-audit inventory file',
  description:
    'One file of an irm-audit inventory. Any file may hold any collection; collections of every file are merged and ids must be unique across files.',
  type: 'object',
  additionalProperties: false,
  properties: {
    organization: {
      type: 'object',
      description: 'The organisation the inventory describes.',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: text('Organisation name.'),
        timezone: text('IANA time zone of baselines and active hours (e.g. `Europe/Paris`).'),
      },
    },
    zones: {$ref: 'zones.schema.json'},
    devices: {$ref: 'devices.schema.json'},
    access_points: {$ref: 'access-points.schema.json'},
    flows: {$ref: 'flows.schema.json'},
    sensors: {$ref: 'sensors.schema.json'},
    log_sources: {$ref: 'log-sources.schema.json'},
    contacts: {$ref: 'contacts.schema.json'},
    procedures: {$ref: 'procedures.schema.json'},
    reviews: {
      type: 'array',
      description: 'Reviews done (e.g. of VPN and cloud access from rare locations); readiness reads their dates.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'type', 'date'],
        properties: {
          id,
          type: text('What was reviewed, e.g. `vpn-cloud-rare-locations`, `access-points`, `firewall-rules`.'),
          date: date('Day of the review'),
          by: ref('the contact (team) that did it'),
          document: text('Path or URL of the review record.'),
        },
      },
    },
    trainings: {
      type: 'array',
      description: 'Training of teams on the incident tools.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['team', 'tool', 'date'],
        properties: {
          team: ref('the contact (team) trained'),
          tool: text('Tool or sensor id the team was trained on.'),
          date: date('Day of the training'),
        },
      },
    },
  },
} as const

/** Top-level lists that are not collections of entries with ids in COLLECTION_SCHEMAS, merged all the same. */
export const EXTRA_LISTS = ['reviews', 'trainings'] as const
export type ExtraListKey = (typeof EXTRA_LISTS)[number]

/** The `irm-audit validate --format json` document (DESIGN §10); `--json` prints the same. */
export const validateReportSchema = {
  $schema: DIALECT,
  $id: `${SCHEMA_BASE}validate-report.schema.json`,
  title: 'irm-audit validate report',
  description: 'What `irm-audit validate --format json` prints. Additions are allowed; existing fields keep their meaning.',
  type: 'object',
  required: ['valid', 'errors'],
  properties: {
    schema_version: {type: 'string', pattern: '^1\\.[0-9]+$', description: 'Version of these shapes (src/report/json.ts): the minor number rises when fields are added.'},
    valid: {type: 'boolean', description: 'True when no finding has severity `error` (exit code 0).'},
    errors: {
      type: 'array',
      description: 'Every finding, sorted by file, line and column.',
      items: {
        type: 'object',
        required: ['rule', 'severity', 'file', 'line', 'column', 'path', 'message'],
        properties: {
          rule: {
            type: 'string',
            description: 'Which check found it.',
            enum: [
              'schema', 'duplicate-id', 'unknown-reference', 'invalid-cidr', 'non-canonical-cidr', 'zone-overlap', 'invalid-port',
              'date-in-future', 'access-point-outside-zones', 'zone-parent', 'config-outside-inventory', 'temporary-without-review',
            ],
          },
          severity: {type: 'string', enum: ['error', 'warning'], description: 'Errors make the inventory invalid.'},
          file: {type: 'string', description: 'Inventory file, relative to the current directory, `/` separators.'},
          line: {type: 'integer', minimum: 1, description: '1-based line of the offending value.'},
          column: {type: 'integer', minimum: 1, description: '1-based column of the offending value.'},
          path: {type: 'string', description: 'JSON pointer of the value within its file, e.g. `/access_points/3/device`.'},
          message: {type: 'string', description: 'What is wrong and how to fix it.'},
        },
      },
    },
    files: {type: 'array', items: {type: 'string'}, description: 'Inventory files read, in load order.'},
  },
} as const

/** File name in `schemas/` → schema, for the writer test and for tools. */
export const SCHEMA_FILES: Record<string, object> = {
  'inventory.schema.json': inventorySchema,
  'zones.schema.json': zonesSchema,
  'devices.schema.json': devicesSchema,
  'access-points.schema.json': accessPointsSchema,
  'flows.schema.json': flowsSchema,
  'sensors.schema.json': sensorsSchema,
  'log-sources.schema.json': logSourcesSchema,
  'contacts.schema.json': contactsSchema,
  'procedures.schema.json': proceduresSchema,
  'validate-report.schema.json': validateReportSchema,
}
