export {fortios} from './fortios/index.js'
