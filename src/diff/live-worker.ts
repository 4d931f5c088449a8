/**
 * Worker thread of live-pool.ts. Two kinds of message: `{i, request}` parses one request and sends
 * back its LiveConfig with its sets tagged for the trip (net/transfer.ts), or the error to throw;
 * `{g, requests, indexes}` parses one device's requests and diffs the device with the diff input the
 * worker was started with (live-diff.ts), sending back findings and summaries, not exposures.
 */
import {parentPort, workerData} from 'node:worker_threads'

import {isIrmError} from '../core/errors.js'
import {fromTransfer, toTransfer} from '../net/transfer.js'
import {TrustModel} from '../policy/trust.js'
import type {Trust} from '../inventory/model.js'
import {type LiveRequest, loadOne} from './live.js'
import {type DiffContext, diffGroup} from './live-diff.js'
import type {DeviceReply, WorkerError, WorkerReply} from './live-pool.js'

const {root, realRoot, displayBase, context: shipped} = workerData as {root: string; realRoot: string; displayBase: string; context?: unknown}

let context: DiffContext | undefined
/** The diff input, rebuilt once: sets from their tags, the trust model from its levels. */
function diffContext(): DiffContext {
  if (!context) {
    const {trustedLevels, ...rest} = fromTransfer(shipped) as Omit<DiffContext, 'trust'> & {trustedLevels: Trust[]}
    context = {...rest, trust: new TrustModel(trustedLevels, rest.zones)}
  }
  return context
}

function crossing(e: unknown): WorkerError {
  return isIrmError(e) ? {name: 'IrmError', irm: {code: e.code, message: e.message, file: e.file, line: e.line, column: e.column, path: e.path, hint: e.hint}} : {name: (e as Error)?.name ?? 'Error'}
}

parentPort?.on('message', async (m: {i: number; request: LiveRequest} | {g: number; requests: LiveRequest[]; indexes: number[]}) => {
  if ('g' in m) {
    let reply: DeviceReply
    try {
      const r = await diffGroup(m.requests, m.requests.map((_, k) => k), diffContext(), {root, realRoot, displayBase})
      reply = 'diff' in r ? {g: m.g, diff: r.diff} : {g: m.g, error: crossing(r.error), at: m.indexes[r.at]}
    } catch (e) {
      reply = {g: m.g, error: crossing(e), at: m.indexes[0]}
    }
    parentPort!.postMessage(reply)
    return
  }
  let reply: WorkerReply
  try {
    reply = {i: m.i, live: toTransfer(await loadOne(m.request, root, realRoot, displayBase))}
  } catch (e) {
    reply = {i: m.i, error: crossing(e)}
  }
  parentPort!.postMessage(reply)
})
