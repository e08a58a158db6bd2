import type { Clock } from '../../src/main/core/clock/index.js';

/** A clock a test moves by hand; armed timers fire, in time order, when their time is passed. */
export class ManualClock implements Clock {
  private time: number;
  private timers: { at: number; callback: () => void; id: number }[] = [];
  private nextId = 1;

  constructor(start = '2026-11-27T02:00:00.000Z') {
    this.time = Date.parse(start);
  }

  now = () => new Date(this.time);
  /** Moves with the wall time: a test's clock never steps back. */
  monotonicMs = () => this.time;
  setTimeout = (callback: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.time + ms, callback, id });
    return id;
  };
  clearTimeout = (handle: unknown) => {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  };
  advance(seconds: number): void {
    this.time += seconds * 1000;
    for (;;) {
      const due = this.timers.filter((timer) => timer.at <= this.time).sort((a, b) => a.at - b.at)[0];
      if (!due) return;
      this.clearTimeout(due.id);
      due.callback();
    }
  }

  /** Timers armed and not yet fired or cleared. */
  get armed(): number {
    return this.timers.length;
  }
}
