import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {Config} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {ROOT} from '../helpers/sources.js'

const README = readFileSync(join(ROOT, 'README.md'), 'utf8')

describe('README', () => {
  it('opens with the two fresh-machine commands: the main job, then the tests', () => {
    const blocks = [...README.matchAll(/```sh\n([^`]*?)```/g)].slice(0, 2).map((m) => m[1].trim())
    expect(blocks).toEqual(['npm ci && npx irm-audit prepare', 'npm test'])
    expect(README.indexOf('```sh')).toBeLessThan(README.indexOf('## '))
  })

  it('documents every command and every flag (npm run readme regenerates the reference)', async () => {
    const config = await Config.load(ROOT)
    const reference = README.slice(README.indexOf('<!-- commands -->'), README.indexOf('<!-- commandsstop -->'))
    const ids = config.commands.map((c) => c.id).filter((id) => id !== 'help')
    expect(ids.length).toBeGreaterThanOrEqual(10)
    for (const id of ids) {
      expect(reference, `command ${id}`).toContain(`## \`irm-audit ${id}`)
      const command = await config.findCommand(id)!.load()
      for (const flag of Object.keys(command.flags ?? {})) expect(reference, `${id} --${flag}`).toContain(`--${flag}`)
    }
  })

  it('states the exit codes', () => {
    for (const code of ['| 0 |', '| 1 |', '| 2 |']) expect(README).toContain(code)
  })
})
