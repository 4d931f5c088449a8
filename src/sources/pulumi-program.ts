export {pulumiProgram} from './pulumi-program/index.js'
export {passProgramEnv, programEnv, setProgramTimeout} from './pulumi-program/index.js'
