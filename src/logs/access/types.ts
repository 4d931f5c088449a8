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

export interface AccessLogFormat {
  name: AccessService
  /** Whether the events are remote access to the network (VPN) or to a cloud control plane. */
  kind: 'vpn' | 'cloud'
  detect(head: string[]): number
  /** Line formats: parse one line (with the year to assume for syslog stamps that have none). */
  line?: (text: string, line: number, year: number) => Omit<LoginEvent, 'file'> | string | null
  /** Whole-document formats (JSON): parse everything at once. */
  document?: (text: string) => {events: Array<Omit<LoginEvent, 'file'>>; skipped: Array<{line: number; reason: string}>}
}
