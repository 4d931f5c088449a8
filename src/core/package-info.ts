/** Facts of this package's package.json that reports print (the repository's web address). */
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)

/**
 * The repository's web address from package.json `repository` (`git+https://…/x.git`, `github:o/r`,
 * `o/r`, `git@host:o/r.git`), or undefined when there is none (a fork may drop it).
 */
export function repositoryWebUrl(repository: unknown): string | undefined {
  const raw = typeof repository === 'string' ? repository : typeof repository === 'object' && repository !== null ? (repository as {url?: unknown}).url : undefined
  if (typeof raw !== 'string' || !raw.trim()) return undefined
  let url = raw.trim().replace(/^git\+/, '').replace(/\.git$/, '').replace(/\/$/, '')
  if (/^github:/.test(url)) url = `https://github.com/${url.slice('github:'.length)}`
  else if (/^[\w.-]+\/[\w.-]+$/.test(url)) url = `https://github.com/${url}`
  else if (/^git@[^:]+:/.test(url)) url = url.replace(/^git@([^:]+):/, 'https://$1/')
  else if (/^(git|ssh):\/\//.test(url)) url = url.replace(/^(git|ssh):\/\/(git@)?/, 'https://')
  return /^https?:\/\//.test(url) ? url : undefined
}

let cached: {repository?: string} | undefined

/** This package's repository address (src/core → ../.., dist/core → ../..). */
export function packageRepository(): string | undefined {
  cached ??= {repository: repositoryWebUrl((require('../../package.json') as {repository?: unknown}).repository)}
  return cached.repository
}
