/**
 * NetBox 4.x REST API pages, as NetBox serves them: `{count, next, previous, results}` per page,
 * following `next` (https://netboxlabs.com/docs/netbox/integrations/rest-api/#pagination). Read from a
 * folder of saved pages (`ipam/prefixes.json`, or `ipam/prefixes/` holding one file per page) or live
 * with the token in NETBOX_TOKEN. The token goes in the Authorization header only: no message, error or
 * report ever holds it, and it is never sent over plain http (except to loopback) nor to another host.
 */
import {readdir, readFile, stat} from 'node:fs/promises'
import {join} from 'node:path'

import {IrmError} from '../../core/errors.js'
import {byCodeUnit} from '../../core/order.js'

/** The endpoints adopt reads, as API paths. */
export const ENDPOINTS = ['ipam/prefixes', 'dcim/devices', 'dcim/interfaces', 'ipam/ip-addresses', 'ipam/services'] as const
export type Endpoint = (typeof ENDPOINTS)[number]

export type NetboxObject = Record<string, unknown>
export type NetboxData = Record<Endpoint, NetboxObject[]>

/** Caps against a hostile or runaway source. */
export const MAX_NETBOX_PAGES = 10_000
export const MAX_NETBOX_OBJECTS = 500_000
export const MAX_NETBOX_PAGE_BYTES = 64 * 1024 * 1024
export const DEFAULT_TIMEOUT_MS = 30_000
/** NetBox caps `limit` at MAX_PAGE_SIZE (1000 by default). */
const PAGE_SIZE = 1000

function emptyData(): NetboxData {
  return {'ipam/prefixes': [], 'dcim/devices': [], 'dcim/interfaces': [], 'ipam/ip-addresses': [], 'ipam/services': []}
}

function netboxError(message: string, details: {file?: string; line?: number; hint?: string} = {}): IrmError {
  return new IrmError('NETBOX', message, details)
}

/** One page's results, or an error naming the file (or URL path) and what a page looks like. */
function pageResults(page: unknown, where: string, line?: number): {results: NetboxObject[]; next: string | null} {
  const hint = 'A NetBox API page is {"count": N, "next": URL|null, "previous": URL|null, "results": [...]}, as GET /api/<endpoint>/ returns it.'
  if (!page || typeof page !== 'object' || Array.isArray(page)) throw netboxError('not a NetBox API page (expected a JSON object)', {file: where, line, hint})
  const p = page as {results?: unknown; next?: unknown}
  if (!Array.isArray(p.results)) throw netboxError('not a NetBox API page (no "results" list)', {file: where, line, hint})
  const results = p.results.filter((r): r is NetboxObject => !!r && typeof r === 'object' && !Array.isArray(r))
  return {results, next: typeof p.next === 'string' && p.next ? p.next : null}
}

/** Natural order of page files: `page-2.json` before `page-10.json`. */
function pageOrder(a: string, b: string): number {
  const key = (s: string) => s.replace(/\d+/g, (d) => d.padStart(12, '0'))
  return byCodeUnit(key(a), key(b))
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    const pos = /position (\d+)/.exec(String((e as Error).message))
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : 1
    throw netboxError(`not valid JSON: ${String((e as Error).message).split('\n')[0]}`, {file, line, hint: 'Save the API answer as returned (GET /api/<endpoint>/?limit=1000, one file per page).'})
  }
}

/**
 * Saved pages under `dir`: for each endpoint `dir/<endpoint>.json` (one page) or the `*.json` files of
 * `dir/<endpoint>/` (one per page, in natural order). An endpoint with no file is empty.
 */
export async function readNetboxDir(dir: string, display: (abs: string) => string): Promise<NetboxData> {
  const s = await stat(dir).catch(() => undefined)
  if (!s?.isDirectory()) throw netboxError('NetBox folder not found', {file: display(dir), hint: 'Pass a folder holding ipam/prefixes.json, dcim/devices.json… (or ipam/prefixes/ with one file per page), or an https:// NetBox URL.'})
  const data = emptyData()
  let found = 0
  let total = 0
  for (const ep of ENDPOINTS) {
    const files: string[] = []
    const single = join(dir, `${ep}.json`)
    if ((await stat(single).catch(() => undefined))?.isFile()) files.push(single)
    const folder = join(dir, ep)
    if ((await stat(folder).catch(() => undefined))?.isDirectory()) {
      const names = (await readdir(folder)).filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort(pageOrder)
      files.push(...names.map((n) => join(folder, n)))
    }
    for (const f of files) {
      found++
      const size = (await stat(f)).size
      if (size > MAX_NETBOX_PAGE_BYTES) throw netboxError(`page is over the ${MAX_NETBOX_PAGE_BYTES / 1024 / 1024} MB limit`, {file: display(f), hint: 'Save smaller pages (?limit=1000).'})
      const text = await readFile(f, 'utf8')
      const {results} = pageResults(parseJson(text, display(f)), display(f), 1)
      total += results.length
      if (total > MAX_NETBOX_OBJECTS) throw netboxError(`more than ${MAX_NETBOX_OBJECTS} NetBox objects`, {file: display(f), hint: 'Filter the export (by site or tenant) and adopt it in parts.'})
      data[ep].push(...results)
    }
  }
  if (found === 0) {
    throw netboxError('no NetBox pages in the folder', {file: display(dir), hint: `Expected ${ENDPOINTS.map((e) => `${e}.json`).join(', ')} (or a folder of pages per endpoint).`})
  }
  return data
}

export interface NetboxFetchOptions {
  url: string
  token?: string
  timeoutMs?: number
  /** For tests. */
  fetch?: typeof fetch
}

const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/** The API root (`https://netbox.example.com/api`) of a NetBox URL, or a usage error that says why not. */
export function apiRoot(text: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new IrmError('USAGE', `--netbox: '${text}' is neither a folder nor a URL`, {hint: 'Pass a folder of saved API pages or the NetBox URL, e.g. https://netbox.example.com.'})
  }
  if (url.username || url.password) {
    // never echo what was in the URL: it holds a secret
    throw new IrmError('USAGE', '--netbox: the URL holds credentials', {hint: 'Drop user:password@ from the URL and put the API token in NETBOX_TOKEN.'})
  }
  if (url.protocol === 'http:' && !LOOPBACK_HOST.test(url.hostname)) {
    throw new IrmError('USAGE', `--netbox: plain http to ${url.host} refused: the token would cross the network in clear`, {hint: 'Use https:// (plain http is accepted only to localhost/127.0.0.1/[::1]).'})
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new IrmError('USAGE', `--netbox: unsupported scheme ${url.protocol}`, {hint: 'Use https://.'})
  const path = url.pathname.replace(/\/+$/, '')
  url.pathname = /\/api$/.test(path) ? `${path}/` : `${path}/api/`
  url.search = ''
  url.hash = ''
  return url
}

/** NetBox 4.5 v2 tokens (`nbt_…`) use Bearer; v1 tokens use `Token`. */
function authorization(token: string): string {
  return /^nbt_/.test(token) ? `Bearer ${token}` : `Token ${token}`
}

/** Every endpoint, page by page following `next`, with a timeout per request. */
export async function fetchNetbox(o: NetboxFetchOptions): Promise<NetboxData> {
  const root = apiRoot(o.url)
  const token = o.token?.trim()
  if (!token) throw new IrmError('USAGE', '--netbox URL needs an API token in NETBOX_TOKEN', {hint: 'export NETBOX_TOKEN=… (a read-only token is enough: ipam and dcim).'})
  const doFetch = o.fetch ?? fetch
  const timeout = o.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const data = emptyData()
  let pages = 0
  let total = 0
  for (const ep of ENDPOINTS) {
    let next: URL | null = new URL(`${ep}/?limit=${PAGE_SIZE}`, root)
    while (next) {
      if (++pages > MAX_NETBOX_PAGES) throw netboxError(`more than ${MAX_NETBOX_PAGES} pages`, {file: shown(next), hint: 'Check that `next` links do not loop.'})
      const where = shown(next)
      let res: Response
      try {
        res = await doFetch(next, {headers: {Authorization: authorization(token), Accept: 'application/json'}, signal: AbortSignal.timeout(timeout), redirect: 'error'})
      } catch (e) {
        const err = e as Error & {cause?: {code?: string}}
        if (err.name === 'TimeoutError' || err.name === 'AbortError') {
          throw netboxError(`NetBox did not answer within ${timeout / 1000} s`, {file: where, hint: 'Check that the URL is reachable from here, or raise --netbox-timeout.'})
        }
        throw netboxError(`cannot reach NetBox (${err.cause?.code ?? err.name})`, {file: where, hint: 'Check the URL, the network and the TLS certificate (NODE_EXTRA_CA_CERTS for a private CA).'})
      }
      if (res.status === 401 || res.status === 403) {
        await res.body?.cancel().catch(() => {})
        throw netboxError(`NetBox refused the token (${res.status} ${res.status === 401 ? 'Unauthorized' : 'Forbidden'})`, {
          file: where,
          hint: 'Check NETBOX_TOKEN: a valid API token with read permission on ipam and dcim.',
        })
      }
      if (res.status === 404) {
        await res.body?.cancel().catch(() => {})
        throw netboxError('NetBox has no such API endpoint (404 Not Found)', {file: where, hint: 'Pass the NetBox base URL (https://netbox.example.com); adopt reads the NetBox 4.x REST API.'})
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => {})
        throw netboxError(`NetBox answered ${res.status}`, {file: where, hint: 'Retry later, or save the pages to a folder and pass the folder.'})
      }
      const text = await readCapped(res, where)
      const page = pageResults(parseJson(text, where), where)
      total += page.results.length
      if (total > MAX_NETBOX_OBJECTS) throw netboxError(`more than ${MAX_NETBOX_OBJECTS} NetBox objects`, {file: where, hint: 'Adopt one site or tenant at a time.'})
      data[ep].push(...page.results)
      next = page.next ? nextUrl(page.next, root, where) : null
    }
  }
  return data
}

/**
 * NetBox builds `next` from the request's Host: behind a proxy it may say http:// for an https site.
 * The same host is followed over the scheme we started with; another host is refused (the token would
 * go there).
 */
function nextUrl(text: string, root: URL, where: string): URL {
  let u: URL
  try {
    u = new URL(text, root)
  } catch {
    throw netboxError('the page\'s "next" link is not a URL', {file: where})
  }
  if (u.hostname !== root.hostname) {
    throw netboxError(`the page's "next" link leads to another host (${u.hostname}); not followed, the token would go there`, {file: where, hint: 'Set BASE_PATH/ALLOWED_HOSTS in NetBox so that it links to itself, or save the pages to a folder.'})
  }
  const out = new URL(root.origin)
  out.pathname = u.pathname
  out.search = u.search
  return out
}

/** The URL as reports show it: host and path, never the query's values beyond paging. */
function shown(u: URL): string {
  return `${u.origin}${u.pathname}${u.search}`
}

async function readCapped(res: Response, where: string): Promise<string> {
  const length = Number(res.headers.get('content-length') ?? 0)
  if (length > MAX_NETBOX_PAGE_BYTES) {
    await res.body?.cancel().catch(() => {})
    throw netboxError(`page is over the ${MAX_NETBOX_PAGE_BYTES / 1024 / 1024} MB limit`, {file: where})
  }
  const text = await res.text()
  if (text.length > MAX_NETBOX_PAGE_BYTES) throw netboxError(`page is over the ${MAX_NETBOX_PAGE_BYTES / 1024 / 1024} MB limit`, {file: where})
  return text
}
