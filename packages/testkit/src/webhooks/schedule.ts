import { delivery } from './delivery.js';
import { example } from './examples.js';
import { repository } from './repository.js';
import type { Payload, RepoRef, WebhookDelivery } from './types.js';

/** What `scheduleEvent` is built from. */
export interface ScheduleOptions {
  repo: RepoRef;
  /** The `cron` line of the workflow's `on.schedule` that fired. */
  cron: string;
}

/**
 * A `schedule` event as GitHub Actions provides it (`github.event` of a scheduled run): the cron line that
 * fired (`github.event.schedule`, documented in GitHub's "Events that trigger workflows") and the
 * repository (added by GitHub's changelog "Additional information available in github event payload for
 * scheduled workflow runs", 2022-09-27; before, `schedule` was the only key).
 *
 * `schedule` is an Actions event, not a webhook: GitHub documents no payload for it, and
 * `@octokit/openapi-webhooks` has no schema to validate it against. The repository object is the one of
 * the `workflow_dispatch` example, rewritten to `repo`.
 */
export function scheduleEvent(options: ScheduleOptions): WebhookDelivery<'schedule'> {
  const template = example('workflow_dispatch');
  return delivery('schedule', {
    schedule: options.cron,
    repository: repository(template.repository as Payload, options.repo),
  });
}
