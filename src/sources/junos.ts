export {junos} from './junos/index.js'
