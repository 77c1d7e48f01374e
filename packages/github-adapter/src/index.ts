export type { ClientOptions } from './client.js';
export { createOctokit, DO_NOT_RETRY } from './client.js';
export type { Observation, ObserveOptions, PullRequestRef } from './observe.js';
export { observe } from './observe.js';
export { OBSERVE_QUERY } from './observe-query.js';
export type { ParsedTimelineComment } from './timeline-comment.js';
export { COMMENT_LIMIT, parseTimelineComment, renderTimelineComment, TIMELINE_MARKER } from './timeline-comment.js';
