export {aws} from './aws/index.js'
