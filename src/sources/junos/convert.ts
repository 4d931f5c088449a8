/** What every Junos converter step shares: the model, resolvers, where exposures and problems go. */
import {fromTemplate} from '../../model/build.js'
import type {Denial, Exposure} from '../../model/exposure.js'
import {AddressSet} from '../../net/address-set.js'
import type {Box} from '../../net/match.js'
import {Applications} from './applications.js'
import {AddressResolver, type ExposureProblem, type Template} from './common.js'
import {Filters} from './filters.js'
import type {JunosConfig} from './model.js'

export interface Convert {
  config: JunosConfig
  resolver: AddressResolver
  applications: Applications
  filters: Filters
  /** The device's own addresses (every unit's), for junos-host and lo0. */
  deviceAddresses: AddressSet
  exposures: Exposure[]
  /** Security-policy denies as evaluated (the line that decides a blocked flow). */
  denies: Denial[]
  problems: ExposureProblem[]
  emit(template: Template, box: Box): void
}

export function newConvert(config: JunosConfig): Convert {
  const exposures: Exposure[] = []
  const problems: ExposureProblem[] = []
  return {
    config,
    resolver: new AddressResolver(config),
    applications: new Applications(config, problems),
    filters: new Filters(config, problems),
    deviceAddresses: AddressSet.unionAll([...config.units.values()].map((u) => u.hostAddresses)),
    exposures,
    denies: [],
    problems,
    emit: (template, box) => exposures.push(fromTemplate(template, box)),
  }
}
