export {iptables, parseIptablesCommands, parseCommandWords, shellWords} from './iptables/index.js'
