/** The one severity scale of every report (diff findings, readiness checks, log analyses), most severe first. */
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const
export type Severity = (typeof SEVERITIES)[number]

/** 0 for critical … 4 for info: a lower rank is more severe. */
export function rankSeverity(s: Severity): number {
  return SEVERITIES.indexOf(s)
}
