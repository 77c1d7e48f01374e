export * from './github/index.js';
