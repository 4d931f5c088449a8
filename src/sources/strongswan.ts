// strongSwan lives in its own folder (swanctl.conf, ipsec.conf, ipsec.secrets readers).
export {strongswan} from './strongswan/index.js'
