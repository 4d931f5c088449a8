export {nftables} from './nftables/index.js'
