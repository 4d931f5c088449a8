import type {Family} from '../../net/ip.js'

export type AccessService = 'openvpn' | 'strongswan' | 'cisco-asa' | 'fortigate' | 'cloudtrail' | 'azure-signin'

/** One authentication event, whatever the log. */
export interface LoginEvent {
  /** Epoch milliseconds. */
  time: number
  user: string
  ip: string
  family: Family
  value: number | bigint
  service: AccessService
  success: boolean
  file: string
  line: number
  /** Location the log itself carries (Azure sign-ins do). */
  country?: string
  latitude?: number
  longitude?: number
}

/**
 * What a parser returns for one line or record: an event, a reason to skip it, null (not a login), or an
 * event of a principal that is not a user (a site-to-site SA, a service principal, a managed identity):
 * counted apart, never analysed as a user's login.
 */
export type ParsedEvent = (Omit<LoginEvent, 'file'> & {nonUser?: string}) | string | null

export interface AccessLogFormat {
  name: AccessService
  /** Whether the events are remote access to the network (VPN) or to a cloud control plane. */
  kind: 'vpn' | 'cloud'
  detect(head: string[]): number
  /** Line formats: parse one line (with the year to assume for syslog stamps that have none). */
  line?: (text: string, line: number, year: number) => ParsedEvent
  /** Document formats (JSON records, or CSV rows keyed by their header): parse one record. */
  record?: (r: Record<string, unknown>, line: number) => ParsedEvent
  /** Document formats that may also come as CSV with a header row (the Entra portal's download). */
  csv?: boolean
}
