/**
 * #12 item 1: --output never replaces a device, a FIFO or anything in the inventory folder (by real
 * path, for every command); its temp file is `.<name>.irm-audit-<pid>.tmp` and a later run removes one
 * that a killed run left. Devices and FIFOs are made in a temp folder, never the machine's /dev.
 * The commands run in-process (tests/helpers/cli.ts): what is under test is where the report is written.
 */
import {spawn, spawnSync} from 'node:child_process'
import {cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest'

import {tempName} from '../../src/report/output.js'
import {ROOT} from '../helpers/sources.js'
import {cli} from '../helpers/cli.js'
import {expectHandled} from './helpers.js'

vi.setConfig({testTimeout: 300_000})

let work: string
let inv: string
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'irm-hostile-out-'))
  inv = join(work, 'inv')
  cpSync(join(ROOT, 'inventory'), inv, {recursive: true})
})
afterAll(() => rmSync(work, {recursive: true, force: true}))

const isRoot = process.getuid?.() === 0
const validate = (output: string, cwd = work) => cli(['validate', '--inventory', inv, '--format', 'json', '--output', output], {cwd})

describe('#12 --output on special files', () => {
  it.runIf(isRoot)('a character device (mknod 1,3 in a temp folder) is written in place and stays a device', async () => {
    const dev = join(work, 'null')
    expect(spawnSync('mknod', [dev, 'c', '1', '3']).status).toBe(0)
    const r = await validate(dev)
    expectHandled(r, dev)
    expect(r.status).toBe(0)
    expect(lstatSync(dev).isCharacterDevice()).toBe(true)
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('a FIFO is written in place: the reader gets the report, the FIFO stays a FIFO', async () => {
    const fifo = join(work, 'pipe')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    const reader = spawn('cat', [fifo])
    let got = ''
    reader.stdout.on('data', (d) => (got += d))
    const done = new Promise((res) => reader.on('close', res))
    const r = await validate(fifo)
    await done
    expectHandled(r, fifo)
    expect(r.status).toBe(0)
    expect(JSON.parse(got).valid).toBe(true)
    expect(lstatSync(fifo).isFIFO()).toBe(true)
  })

  it('a symlink to a FIFO (as /dev/stdout is to a pipe) is written through, the link kept', async () => {
    const fifo = join(work, 'pipe2')
    spawnSync('mkfifo', [fifo])
    const link = join(work, 'stdout-link')
    symlinkSync(fifo, link)
    const reader = spawn('cat', [fifo])
    let got = ''
    reader.stdout.on('data', (d) => (got += d))
    const done = new Promise((res) => reader.on('close', res))
    const r = await validate(link)
    await done
    expect(r.status).toBe(0)
    expect(got).toContain('"valid"')
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
  })

  it('a folder and a socket are refused with exit 2 and left alone', async () => {
    const dir = join(work, 'a-folder')
    mkdirSync(dir)
    const r = await validate(dir)
    expectHandled(r, dir)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('is a folder')
    expect(statSync(dir).isDirectory()).toBe(true)

    const sock = join(work, 'sock')
    const server = createServer().listen(sock)
    await new Promise((res) => server.on('listening', res))
    const s = await validate(sock)
    server.close()
    expect(s.status).toBe(2)
    expect(s.stderr).toContain('is a socket')
  })

  it.runIf(isRoot)('a block device (mknod b 7,0 in a temp folder) is refused with exit 2', async () => {
    const dev = join(work, 'blk')
    expect(spawnSync('mknod', [dev, 'b', '7', '0']).status).toBe(0)
    const r = await validate(dev)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('is a block device')
    expect(lstatSync(dev).isBlockDevice()).toBe(true)
  })
})

describe('#12 --output never writes inside the inventory folder', () => {
  it('any file under it, live/ included, for every command, also through a symlinked folder and ..', async () => {
    const link = join(work, 'inv-link')
    symlinkSync(inv, link)
    const live = join(inv, 'live/gw-lyon.iptables')
    const before = readFileSync(live, 'utf8')
    const cases: string[][] = [
      ['validate', '--inventory', inv, '--output', join(link, 'zones.yaml')],
      ['diff', '--inventory', inv, '--as-of', '2026-11-25', '--output', join(link, 'live/gw-lyon.iptables')],
      ['prepare', '--inventory', link, '--as-of', '2026-11-25', '--no-git', '--output', join(inv, 'live/../live/gw-lyon.iptables')],
      ['map', '--inventory', inv, '--output', join(link, 'new-report.md')],
      ['isolate', 'lyon-dmz', '--inventory', inv, '--output', join(link, 'live/gw-lyon.iptables')],
      ['parse', join(inv, 'live/gw-lyon.iptables'), '--output', join(inv, 'live/gw-lyon.iptables')],
    ]
    for (const args of cases) {
      const r = await cli(args, {cwd: work})
      expect(r.status, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toContain('refusing to write a report over an inventory file')
    }
    expect(readFileSync(live, 'utf8')).toBe(before)
    expect(existsSync(join(inv, 'new-report.md'))).toBe(false)
  })

  it('parse protects ./inventory (zones.yaml) even without --inventory', async () => {
    const cwd = join(work, 'cwd')
    mkdirSync(cwd)
    cpSync(inv, join(cwd, 'inventory'), {recursive: true})
    const zones = join(cwd, 'inventory/zones.yaml')
    const before = readFileSync(zones, 'utf8')
    const r = await cli(['parse', join(ROOT, 'inventory/live/gw-lyon.iptables'), '--output', 'inventory/zones.yaml'], {cwd})
    expect(r.status).toBe(2)
    expect(readFileSync(zones, 'utf8')).toBe(before)
  })
})

describe('#12 temp files', () => {
  it('are named .<name>.irm-audit-<pid>.tmp; a leftover of a killed run is removed by the next run', async () => {
    const target = join(work, 'report.json')
    expect(tempName(target, 4242)).toBe(join(work, '.report.json.irm-audit-4242.tmp'))
    // a pid that cannot be alive (above pid_max), as a kill -9 between write and rename would leave
    const stale = tempName(target, 99_999_999)
    writeFileSync(stale, 'half a report')
    // another target's temp file is not ours to remove
    const other = tempName(join(work, 'other.json'), 99_999_999)
    writeFileSync(other, 'x')
    const r = await validate(target)
    expect(r.status).toBe(0)
    expect(existsSync(stale)).toBe(false)
    expect(existsSync(other)).toBe(true)
    expect(JSON.parse(readFileSync(target, 'utf8')).valid).toBe(true)
  })

  it('a report through a symlink to a regular file replaces the file and keeps the link', async () => {
    const real = join(work, 'real.json')
    writeFileSync(real, 'old')
    const link = join(work, 'link.json')
    symlinkSync(real, link)
    expect((await validate(link)).status).toBe(0)
    expect(lstatSync(link).isSymbolicLink()).toBe(true)
    expect(JSON.parse(readFileSync(real, 'utf8')).valid).toBe(true)
  })
})
