export type { Challenge } from './challenge.js';
export { parseChallenges } from './challenge.js';
export { MANIFEST_ACCEPT } from './client.js';
export type { ImageReference } from './reference.js';
export { InvalidReferenceError, parseReference } from './reference.js';
export type { ArtifactLookup, ArtifactVerifierOptions, RegistryCredentials } from './types.js';
export { verifyArtifact, verifyArtifacts } from './verify.js';
