export {pulumiProgram} from './pulumi-program/index.js'
