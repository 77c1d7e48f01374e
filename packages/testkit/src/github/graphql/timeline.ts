/** What happens on a pull request's timeline: reviews, issue comments, and assignment events. */

import { nodeId } from '../representations/repository.js';
import type { IssueCommentRecord, PullRequestRecord, RepositoryRecord, Review } from '../state.js';
import { actor, type Context, fieldsOf, identity } from './context.js';

type ReviewObject = { repo: RepositoryRecord; review: Review };
type CommentObject = { comment: IssueCommentRecord };
type AssignmentObject = PullRequestRecord['assignments'][number];

/** An `AssignedEvent` or `UnassignedEvent`: who was (un)assigned, and when. */
const assignmentEvent = (typename: 'AssignedEvent' | 'UnassignedEvent') => ({
  id: ({ id }: AssignmentObject) => nodeId(typename, id),
  assignee: ({ assignee }: AssignmentObject) => actor(assignee),
  createdAt: ({ createdAt }: AssignmentObject) => createdAt,
});

export const timelineResolvers = {
  AssignedEvent: assignmentEvent('AssignedEvent'),
  UnassignedEvent: assignmentEvent('UnassignedEvent'),
  PullRequestReview: {
    ...identity('PullRequestReview', ({ review }: ReviewObject) => review.id),
    ...fieldsOf(({ review }: ReviewObject) => review, 'state', 'body', 'submittedAt'),
    author: ({ review }: ReviewObject) => actor(review.user),
    authorCanPushToRepository: ({ repo, review }: ReviewObject, _: unknown, { state }: Context) =>
      ['write', 'maintain', 'admin'].includes(state.permission(repo, review.user.login)),
    commit: ({ repo, review }: ReviewObject) => ({ repo, sha: review.commitId }),
  },
  IssueComment: {
    ...identity('IssueComment', ({ comment }: CommentObject) => comment.id),
    ...fieldsOf(({ comment }: CommentObject) => comment, 'body', 'createdAt', 'updatedAt'),
    author: ({ comment }: CommentObject) => actor(comment.user),
    viewerDidAuthor: ({ comment }: CommentObject, _: unknown, { caller }: Context) => comment.user.id === caller.id,
    editor: ({ comment }: CommentObject) => (comment.editor ? actor(comment.editor) : null),
    lastEditedAt: ({ comment }: CommentObject) => (comment.editor ? comment.updatedAt : null),
  },
};
