export {pulumi} from './pulumi/index.js'
