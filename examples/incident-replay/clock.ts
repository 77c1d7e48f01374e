/** The day of the v0.29 incident: every time of its replay is on it, in UTC. */
export const INCIDENT_DAY = '2023-08-02';

/** `11:16:00` on `day` (YYYY-MM-DD, UTC), by default the day of the v0.29 incident. */
export function at(time: string, day: string = INCIDENT_DAY): Date {
  if (!/^\d{2}:\d{2}:\d{2}$/.test(time)) throw new Error(`expected a time as HH:MM:SS, got '${time}'`);
  return new Date(`${day}T${time}Z`);
}

/** `11:16:00` for a date of the replay (UTC). */
export function hhmmss(date: Date): string {
  return date.toISOString().slice(11, 19);
}

/**
 * A clock that only moves when told to, and never backwards. Both emulators read it (`now`), so the
 * times GitHub and the registry record are the replay's times, however fast the replay runs.
 */
export class VirtualClock {
  private current: number;

  constructor(start: Date) {
    this.current = start.getTime();
  }

  /** The current time; pass it as the emulators' and the guard's `now`. */
  readonly now = (): Date => new Date(this.current);

  set(to: Date): void {
    if (to.getTime() < this.current) {
      throw new Error(
        `the virtual clock never goes back: it is ${this.now().toISOString()}, asked for ${to.toISOString()}`,
      );
    }
    this.current = to.getTime();
  }
}

interface Task {
  at: number;
  order: number;
  run: () => Promise<void> | void;
}

/**
 * What happens when, run in time order on a virtual clock: the clock is set to each task's time before
 * the task runs, and a task may schedule further tasks (a workflow a merge triggers, the guard's run
 * on an event). Tasks at the same time run in the order they were scheduled.
 */
export class Agenda {
  private readonly tasks: Task[] = [];
  private scheduled = 0;

  constructor(private readonly clock: VirtualClock) {}

  at(time: Date, run: Task['run']): void {
    if (time.getTime() < this.clock.now().getTime()) {
      throw new Error(
        `cannot schedule at ${time.toISOString()}: the clock is already at ${this.clock.now().toISOString()}`,
      );
    }
    this.tasks.push({ at: time.getTime(), order: this.scheduled++, run });
  }

  /** `ms` after the clock's current time. */
  after(ms: number, run: Task['run']): void {
    this.at(new Date(this.clock.now().getTime() + ms), run);
  }

  /** Runs every task, the earliest first, until none is left. */
  async run(): Promise<void> {
    for (;;) {
      this.tasks.sort((a, b) => a.at - b.at || a.order - b.order);
      const task = this.tasks.shift();
      if (!task) return;
      this.clock.set(new Date(task.at));
      await task.run();
    }
  }
}
