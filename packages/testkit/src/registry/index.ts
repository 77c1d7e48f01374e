export { BASIC_REALM } from './auth.js';
export { MediaType } from './media-types.js';
export type { RealRegistry } from './real-registry.js';
export {
  HTPASSWD_USER,
  INSTALL_HINT,
  missingRegistryBinary,
  REGISTRY_BINARY,
  REGISTRY_BINARY_ENV,
  registryBinary,
  skipWithoutRealRegistry,
  startRealRegistry,
} from './real-registry.js';
export { startRegistry } from './server.js';
export type {
  ChartPushOptions,
  ImagePushOptions,
  PushRecord,
  Registry,
  RegistryAuth,
  RegistryControl,
  RegistryOptions,
  RequestRecord,
} from './types.js';
