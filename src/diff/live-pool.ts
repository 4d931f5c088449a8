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
import {fromTransfer} from '../net/transfer.js'
import {executes, type LiveRequest, loadOne} from './live.js'
import type {LiveConfig} from './model.js'

export interface PoolOptions {
  root: string
  realRoot: string
  displayBase: string
  jobs: number
}

/** What a worker sends back for request `i`: the LiveConfig (sets tagged), or the error to throw. */
export type WorkerReply =
  | {i: number; live: unknown}
  | {i: number; error: {irm?: {code: IrmErrorCode; message: string; file?: string; line?: number; column?: number; path?: string; hint?: string}; name: string}}

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
  let next = 0
  const run = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      const send = () => {
        if (next >= queue.length) {
          resolve()
          return
        }
        const i = queue[next++]
        worker.postMessage({i, request: requests[i]})
      }
      worker.on('message', (m: WorkerReply) => {
        results[m.i] = 'live' in m ? {live: fromTransfer(m.live) as LiveConfig} : {error: revive(m.error)}
        send()
      })
      worker.on('error', reject)
      worker.on('exit', (code) => (next < queue.length || code !== 0 ? reject(new Error(`a parser worker stopped (exit ${code})`)) : resolve()))
      send()
    })
  const workers = file ? Array.from({length: Math.min(options.jobs, queue.length)}, () => new Worker(file, {workerData: {root: options.root, realRoot: options.realRoot, displayBase: options.displayBase}})) : []
  try {
    await Promise.all([
      ...workers.map(run),
      (async () => {
        for (const i of here) {
          try {
            results[i] = {live: await loadOne(requests[i], options.root, options.realRoot, options.displayBase)}
          } catch (e) {
            results[i] = {error: e}
          }
        }
      })(),
    ])
  } finally {
    await Promise.all(workers.map((w) => w.terminate()))
  }
  // the first error in request order, as one thread would have stopped on it
  return results.map((r) => {
    if ('error' in r) throw r.error
    return r.live
  })
}

function revive(e: Extract<WorkerReply, {error: unknown}>['error']): Error {
  if (e.irm) return new IrmError(e.irm.code, e.irm.message, {file: e.irm.file, line: e.irm.line, column: e.irm.column, path: e.irm.path, hint: e.irm.hint})
  // never a message or stack from the worker: it may quote config text
  return new IrmError('CONFIG_SYNTAX', `a parser worker failed (${e.name})`, {hint: 'This is a bug in irm-audit; please report it with the config type (not the config itself).'})
}
