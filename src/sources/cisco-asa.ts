export {ciscoAsa} from './cisco-asa/index.js'
