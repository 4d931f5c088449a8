/**
 * One seed for every property test (fast-check): CI takes FUZZ_SEED from the commit (.ci/run), so the run
 * CI makes is the run a clean clone of the same commit makes, and a failure it reports replays with
 * `FUZZ_SEED=<n> npm test`. Without FUZZ_SEED, fast-check draws a fresh seed per property.
 */
import fc from 'fast-check'

if (process.env.FUZZ_SEED) fc.configureGlobal({...fc.readConfigureGlobal(), seed: Number(process.env.FUZZ_SEED)})
