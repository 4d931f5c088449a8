// OpenVPN lives in its own folder (read → model → exposures).
export {openvpn} from './openvpn/index.js'
