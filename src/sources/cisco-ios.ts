export {ciscoIos} from './cisco-ios/index.js'
