/**
 * Live configs of many devices parsed on worker threads (`--jobs N`). Requests go out in inventory
 * order to whichever worker is free; results are put back at their request's place, so the output
 * is the same whatever order the workers finish in (and the same as one thread's). Workers run the
 * compiled `dist/` code (live-worker.js); a format that runs user code stays on this thread.
 */
import {existsSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {Worker} from 'node:worker_threads'

import {IrmError, type IrmErrorCode} from '../core/errors.js'
import {fromTransfer, toTransfer} from '../net/transfer.js'
import {executes, type LiveRequest, loadOne} from './live.js'
import {type DeviceDiff, type DiffContext, diffGroup, type GroupResult, runsHere} from './live-diff.js'
import type {LiveConfig} from './model.js'

export interface PoolOptions {
  root: string
  realRoot: string
  displayBase: string
  jobs: number
}

/** An error crossing the thread boundary: an IrmError's fields, else only the error's name. */
export type WorkerError = {irm?: {code: IrmErrorCode; message: string; file?: string; line?: number; column?: number; path?: string; hint?: string}; name: string}

/** What a worker sends back for request `i`: the LiveConfig (sets tagged), or the error to throw. */
export type WorkerReply = {i: number; live: unknown} | {i: number; error: WorkerError}

/** What a worker sends back for device group `g` (live-diff.ts): its diff, or the first error and its request. */
export type DeviceReply = {g: number; diff: DeviceDiff} | {g: number; error: WorkerError; at: number}

/** The worker script: beside this file in dist/, or dist/ when this runs from the sources (tests). */
export function workerFile(): string | undefined {
  const here = fileURLToPath(import.meta.url)
  const file = here.endsWith('.ts') ? fileURLToPath(new URL('../../dist/diff/live-worker.js', import.meta.url)) : fileURLToPath(new URL('live-worker.js', import.meta.url))
  return existsSync(file) ? file : undefined
}

export async function loadLiveParallel(requests: readonly LiveRequest[], options: PoolOptions): Promise<LiveConfig[]> {
  const results = new Array<{live: LiveConfig} | {error: unknown}>(requests.length)
  const queue: number[] = []
  const here: number[] = []
  for (const [i, r] of requests.entries()) (r.type && executes(r.type) ? here : queue).push(i)
  const file = workerFile()
  // without a build there is no worker script: one thread, same result
  if (!file) here.push(...queue.splice(0))
  const workerData = {root: options.root, realRoot: options.realRoot, displayBase: options.displayBase}
  await drainOnWorkers<WorkerReply>(
    {file, workerData, jobs: options.jobs, queue},
    (i) => ({i, request: requests[i]}),
    (m) => (results[m.i] = 'live' in m ? {live: fromTransfer(m.live) as LiveConfig} : {error: revive(m.error)}),
    async () => {
      for (const i of here) {
        try {
          results[i] = {live: await loadOne(requests[i], options.root, options.realRoot, options.displayBase)}
        } catch (e) {
          results[i] = {error: e}
        }
      }
    },
  )
  // the first error in request order, as one thread would have stopped on it
  return results.map((r) => {
    if ('error' in r) throw r.error
    return r.live
  })
}

/**
 * Per device (live-diff.ts): each group of requests of one device goes to a free worker, which parses
 * and diffs it and sends back findings and summaries; the diff input (less the live configs) goes to
 * each worker once. Results come back at their group's place.
 */
export async function diffLiveParallel(requests: readonly LiveRequest[], groups: readonly number[][], context: DiffContext, options: PoolOptions): Promise<GroupResult[]> {
  const results = new Array<GroupResult>(groups.length)
  const queue: number[] = []
  const here: number[] = []
  for (const [g, group] of groups.entries()) (runsHere(requests, group) ? here : queue).push(g)
  const file = workerFile()
  if (!file) here.push(...queue.splice(0))
  const where = {root: options.root, realRoot: options.realRoot, displayBase: options.displayBase}
  // the trust model is a class: it crosses as its levels and is built again on the worker
  const {trust, ...rest} = context
  const shipped = toTransfer({...rest, trustedLevels: trust.trustedLevels})
  await drainOnWorkers<DeviceReply>(
    {file, workerData: {...where, context: shipped}, jobs: options.jobs, queue},
    (g) => ({g, requests: groups[g].map((i) => requests[i]), indexes: groups[g]}),
    (m) => (results[m.g] = 'diff' in m ? {diff: m.diff} : {error: revive(m.error), at: m.at}),
    async () => {
      for (const g of here) results[g] = await diffGroup(requests, groups[g], context, where)
    },
  )
  return results
}

/**
 * Hands the jobs of `queue` to up to `jobs` workers of `file`, one job at a time per worker, while
 * `alongside` runs the jobs that stay on this thread; each reply goes to `onReply`. Without a worker
 * script (`file` undefined) only `alongside` runs.
 */
async function drainOnWorkers<R>(
  pool: {file: string | undefined; workerData: unknown; jobs: number; queue: readonly number[]},
  message: (job: number) => unknown,
  onReply: (reply: R) => void,
  alongside: () => Promise<void>,
): Promise<void> {
  const {file, queue} = pool
  let next = 0
  const run = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const send = () => {
        if (next >= queue.length) {
          resolve()
          return
        }
        worker.postMessage(message(queue[next++]))
      }
      worker.on('message', (m: R) => {
        onReply(m)
        send()
      })
      worker.on('error', reject)
      worker.on('exit', (code) => (next < queue.length || code !== 0 ? reject(new Error(`a parser worker stopped (exit ${code})`)) : resolve()))
      send()
    })
  const workers = file ? Array.from({length: Math.min(pool.jobs, queue.length)}, () => new Worker(file, {workerData: pool.workerData})) : []
  try {
    await Promise.all([...workers.map(run), alongside()])
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
}

function revive(e: WorkerError): Error {
  if (e.irm) return new IrmError(e.irm.code, e.irm.message, {file: e.irm.file, line: e.irm.line, column: e.irm.column, path: e.irm.path, hint: e.irm.hint})
  // never a message or stack from the worker: it may quote config text
  return new IrmError('CONFIG_SYNTAX', `a parser worker failed (${e.name})`, {hint: 'This is a bug in irm-audit; please report it with the config type (not the config itself).'})
}
