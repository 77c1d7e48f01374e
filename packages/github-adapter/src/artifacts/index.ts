export type { Challenge } from './challenge.js';
export { parseChallenges } from './challenge.js';
export { MANIFEST_ACCEPT } from './client.js';
export { NPM_ABBREVIATED, NPM_REGISTRY } from './npm.js';
export { parseNpmrc } from './npmrc.js';
export type { ImageReference } from './reference.js';
export { InvalidReferenceError, parseReference } from './reference.js';
export type { ArtifactLookup, ArtifactVerifierOptions, NpmRegistries, RegistryCredentials } from './types.js';
export { verifyArtifact, verifyArtifacts } from './verify.js';
