export {panos} from './panos/index.js'
