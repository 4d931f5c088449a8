/**
 * Which zones are untrusted, decided once: the policy's `diff.trusted_trust` names the trusted trust
 * levels, the inventory gives each zone its level. The diff, the readiness checks and the log analyses
 * all ask this model, so a pack that trusts partners (or distrusts the DMZ) changes all three alike.
 */
import type {Trust} from '../core/trust.js'

export class TrustModel {
  private readonly trusted: ReadonlySet<Trust>
  private readonly zones: ReadonlyMap<string, Trust>

  constructor(trustedLevels: readonly Trust[], zones: ReadonlyArray<{id: string; trust: Trust}>) {
    this.trusted = new Set(trustedLevels)
    this.zones = new Map(zones.map((z) => [z.id, z.trust]))
  }

  /** From a resolved policy (`trustedTrust`) and the inventory's zones. */
  static of(policy: {trustedTrust: readonly Trust[]}, inventory: {zones: ReadonlyArray<{id: string; trust: Trust}>}): TrustModel {
    return new TrustModel(policy.trustedTrust, inventory.zones)
  }

  /** The trusted levels, in the policy's order. */
  get trustedLevels(): Trust[] {
    return [...this.trusted]
  }

  isTrustedLevel(trust: Trust): boolean {
    return this.trusted.has(trust)
  }

  trustOf(zone: string): Trust | undefined {
    return this.zones.get(zone)
  }

  /** A zone of the inventory whose level is not trusted (an unknown id is neither trusted nor untrusted). */
  isUntrustedZone(zone: string): boolean {
    const t = this.zones.get(zone)
    return t !== undefined && !this.trusted.has(t)
  }

  /** A zone of the inventory whose level is trusted. */
  isTrustedZone(zone: string): boolean {
    const t = this.zones.get(zone)
    return t !== undefined && this.trusted.has(t)
  }
}
