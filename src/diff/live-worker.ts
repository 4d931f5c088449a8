/**
 * Worker thread of live-pool.ts: parses the requests it is sent, one at a time, and sends back each
 * LiveConfig with its sets tagged for the trip (net/transfer.ts), or the error to throw.
 */
import {parentPort, workerData} from 'node:worker_threads'

import {isIrmError} from '../core/errors.js'
import {toTransfer} from '../net/transfer.js'
import {type LiveRequest, loadOne} from './live.js'
import type {WorkerReply} from './live-pool.js'

const {root, realRoot, displayBase} = workerData as {root: string; realRoot: string; displayBase: string}

parentPort?.on('message', async ({i, request}: {i: number; request: LiveRequest}) => {
  let reply: WorkerReply
  try {
    reply = {i, live: toTransfer(await loadOne(request, root, realRoot, displayBase))}
  } catch (e) {
    reply = isIrmError(e)
      ? {i, error: {name: 'IrmError', irm: {code: e.code, message: e.message, file: e.file, line: e.line, column: e.column, path: e.path, hint: e.hint}}}
      : {i, error: {name: (e as Error)?.name ?? 'Error'}}
  }
  parentPort!.postMessage(reply)
})
