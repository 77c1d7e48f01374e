export { BASIC_REALM } from './auth.js';
export { MediaType } from './media-types.js';
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
