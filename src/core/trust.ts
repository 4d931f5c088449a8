/**
 * The trust levels a zone may have (schemas/zones.schema.json; a test ties the two). Which of them are
 * untrusted is the policy's word (`diff.trusted_trust`), read once into a TrustModel (src/policy/trust.ts).
 */
export const TRUSTS = ['internet', 'partner', 'dmz', 'internal', 'restricted', 'management', 'cloud'] as const
export type Trust = (typeof TRUSTS)[number]
