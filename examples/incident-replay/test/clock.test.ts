import { describe, expect, it } from 'vitest';
import { Agenda, at, hhmmss, VirtualClock } from '../clock.js';

describe('the virtual clock', () => {
  it('reads the incident day in UTC and moves only forwards', () => {
    const clock = new VirtualClock(at('11:00:00'));
    expect(clock.now().toISOString()).toBe('2023-08-02T11:00:00.000Z');
    clock.set(at('11:16:00'));
    expect(hhmmss(clock.now())).toBe('11:16:00');
    expect(() => clock.set(at('11:15:59'))).toThrow(/never goes back/);
    expect(() => at('11:16')).toThrow(/HH:MM:SS/);
  });

  it('runs an agenda in time order, setting the clock first; tasks may schedule tasks', async () => {
    const clock = new VirtualClock(at('11:00:00'));
    const agenda = new Agenda(clock);
    const seen: string[] = [];
    const note = (label: string) => () => {
      seen.push(`${hhmmss(clock.now())} ${label}`);
    };
    agenda.at(at('12:41:02'), note('image'));
    agenda.at(at('11:16:00'), () => {
      note('merge')();
      agenda.after(19_000, note('chart'));
    });
    agenda.at(at('11:16:00'), note('same time, scheduled later'));
    await agenda.run();
    expect(seen).toEqual(['11:16:00 merge', '11:16:00 same time, scheduled later', '11:16:19 chart', '12:41:02 image']);
    expect(() => agenda.at(at('11:00:00'), note('too late'))).toThrow(/already at 2023-08-02T12:41:02/);
  });
});
