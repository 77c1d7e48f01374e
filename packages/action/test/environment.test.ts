import { describe, expect, it } from 'vitest';
import { actionContext, EnvironmentError } from '../src/api.js';

const base = {
  GITHUB_EVENT_NAME: 'pull_request',
  GITHUB_EVENT_PATH: '/event.json',
  GITHUB_REPOSITORY: 'weaveworks/weave-gitops',
};
const reading = (text: string) => () => text;

describe('actionContext', () => {
  it('reads the runner’s variables and the payload', () => {
    const context = actionContext(
      {
        ...base,
        GITHUB_RUN_ID: '42',
        GITHUB_RUN_ATTEMPT: '3',
        GITHUB_HEAD_REF: 'releases/v1',
        GITHUB_REF_NAME: '7/merge',
        GITHUB_SHA: 'abc',
      },
      reading('{"action":"opened"}'),
    );
    expect(context).toEqual({
      eventName: 'pull_request',
      payload: { action: 'opened' },
      repository: { owner: 'weaveworks', repo: 'weave-gitops' },
      run: { id: 42, attempt: 3 },
      refName: 'releases/v1',
      sha: 'abc',
    });
  });

  it('names the variable that is missing or malformed', () => {
    const { GITHUB_EVENT_NAME: _, ...noName } = base;
    expect(() => actionContext(noName, reading('{}'))).toThrow(/GITHUB_EVENT_NAME is not set/);
    expect(() => actionContext(base, reading('{"trunc'))).toThrow(EnvironmentError);
    expect(() => actionContext(base, reading('{"trunc'))).toThrow(
      /GITHUB_EVENT_PATH: the event payload \/event.json could not be read as JSON/,
    );
    expect(() =>
      actionContext(base, () => {
        throw new Error('ENOENT: no such file');
      }),
    ).toThrow(/could not be read as JSON \(ENOENT/);
    expect(() => actionContext({ ...base, GITHUB_REPOSITORY: 'no-slash' }, reading('{}'))).toThrow(
      "GITHUB_REPOSITORY: expected owner/name, got 'no-slash'",
    );
  });

  it('leaves out a run id that is not a positive number', () => {
    expect(actionContext({ ...base, GITHUB_RUN_ID: 'x' }, reading('{}')).run).toBeUndefined();
  });
});
