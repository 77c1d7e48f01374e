import { delivery } from './delivery.js';
import { example } from './examples.js';
import { envelope } from './repository.js';
import type { RepoRef, WebhookDelivery } from './types.js';

/** What `workflowDispatchEvent` is built from. */
export interface WorkflowDispatchOptions {
  repo: RepoRef;
  /** A branch name or a full ref (`refs/tags/v1.2.0`). */
  ref: string;
  /** The workflow file, `.github/workflows/<file>`. */
  workflowPath: string;
  /** Default: none. */
  inputs?: Record<string, string>;
  /** Who started the workflow. Default: the repository owner. */
  sender?: string;
}

/** A `workflow_dispatch` delivery: a workflow started by hand or by the API. */
export function workflowDispatchEvent(options: WorkflowDispatchOptions): WebhookDelivery<'workflow_dispatch'> {
  return delivery('workflow_dispatch', {
    ...envelope(example('workflow_dispatch'), options.repo, options.sender ?? options.repo.owner),
    inputs: options.inputs ?? {},
    ref: options.ref.startsWith('refs/') ? options.ref : `refs/heads/${options.ref}`,
    workflow: options.workflowPath,
  });
}
