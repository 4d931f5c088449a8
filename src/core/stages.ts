/**
 * Stage marks for the benchmark's per-stage budget (`npm run bench -- --stages`): a parser says where
 * a stage ends (`stageDone('tokenize')`), and the benchmark, which alone installs a recorder, charges
 * the CPU time since the previous mark to that stage. Without a recorder a mark costs one call.
 */
export type Stage = 'read' | 'tokenize' | 'model' | 'evaluate' | 'serialise'

let recorder: ((stage: Stage) => void) | undefined

/** The stage that just ended (the CPU time since the last mark belongs to it). */
export function stageDone(stage: Stage): void {
  recorder?.(stage)
}

/** Install (or remove, with undefined) the recorder: bench/measure.js only. */
export function recordStages(r: ((stage: Stage) => void) | undefined): void {
  recorder = r
}
