export * from './github/index.js';
export * from './registry/index.js';
export * from './webhooks/index.js';
