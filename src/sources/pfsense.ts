export {pfsense} from './pfsense/index.js'
