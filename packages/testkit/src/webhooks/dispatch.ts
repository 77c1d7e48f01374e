import { delivery } from './delivery.js';
import { example } from './examples.js';
import { repository, user } from './repository.js';
import type { RepoRef, WebhookDelivery } from './types.js';

type Payload = Record<string, unknown>;

/** A `workflow_dispatch` delivery: a workflow started by hand or by the API. */
export function workflowDispatchEvent(options: {
  repo: RepoRef;
  ref: string;
  workflowPath: string;
  inputs?: Record<string, string>;
  sender?: string;
}): WebhookDelivery<'workflow_dispatch'> {
  const template = example('workflow_dispatch');
  const payload: Payload = {
    ...template,
    inputs: options.inputs ?? {},
    ref: options.ref.startsWith('refs/') ? options.ref : `refs/heads/${options.ref}`,
    workflow: options.workflowPath,
    repository: repository(template.repository as Payload, options.repo),
    sender: user(template.sender as Payload, options.sender ?? options.repo.owner),
  };
  if ('organization' in payload && options.repo.owner !== (payload.organization as Payload).login)
    delete payload.organization;
  return delivery('workflow_dispatch', payload);
}

/**
 * A `schedule` event as GitHub Actions provides it (`github.event` of a scheduled run): the cron line
 * and the repository. It is an Actions event, not a webhook, so no webhook schema describes it.
 */
export function scheduleEvent(options: { repo: RepoRef; cron: string }): WebhookDelivery<'schedule'> {
  const template = example('workflow_dispatch');
  return delivery('schedule', {
    schedule: options.cron,
    repository: repository(template.repository as Payload, options.repo),
  });
}
