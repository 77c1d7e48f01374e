import { releaseGuardMachine } from '@release-guard/core';
import { eventSequence } from '@release-guard/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transition } from 'xstate';
import { pureTransition } from '../src/pure-transition.js';
import { releasePr, seedGuard } from './support/fixtures.js';

const guard = seedGuard();

describe('pureTransition', () => {
  it('computes exactly what XState’s transition() computes, step by step', () => {
    fc.assert(
      fc.property(eventSequence({ minLength: 20, maxLength: 60 }), (events) => {
        const pr = releasePr();
        let state = releaseGuardMachine.resolveState({
          value: 'prepared',
          context: { ...guard.start(pr).snapshot, settings: guard.settings },
        });
        for (const event of events) {
          if (state.status === 'done') break;
          const [expected, expectedActions] = transition(releaseGuardMachine, state, event);
          const [actual, actualActions] = pureTransition(state, event);
          expect(actual.value).toEqual(expected.value);
          expect(actual.context).toEqual(expected.context);
          expect(actualActions.map((a) => [a.type, a.params])).toEqual(expectedActions.map((a) => [a.type, a.params]));
          state = actual;
        }
      }),
      { numRuns: 200 },
    );
  });
});
