import { JSON_CONTENT_TYPE, type MethodHandlers, send } from '../http.js';

/** `GET /v2/`: `{}`, once the client is authenticated (clients probe it to learn the auth scheme). */
export const baseHandlers: MethodHandlers<unknown> = {
  GET: ({ res }) => send(res, 200, { 'Content-Type': JSON_CONTENT_TYPE }, '{}'),
  HEAD: ({ res }) => send(res, 200, { 'Content-Type': JSON_CONTENT_TYPE }, '{}'),
};
