/** `waitFor`: promises resolved once the named projections serve a view at a position or later. */
import type { WaitResult } from './types.js';

interface Waiter {
  target: bigint;
  names: string[];
  resolve: (r: WaitResult) => void;
  timer: NodeJS.Timeout;
}

export class Waiters {
  private waiters: Waiter[] = [];

  /** `lowest`: the lowest serving position among the named projections. */
  constructor(private readonly lowest: (names: string[]) => bigint) {}

  /**
   * Resolves once every named projection serves `position` or later; after `timeoutMs`,
   * `{ reached: false, position }` with the lowest position reached.
   */
  wait(position: bigint, timeoutMs: number, names: string[]): Promise<WaitResult> {
    const now = this.lowest(names);
    if (now >= position) return Promise.resolve({ reached: true, position: now });
    return new Promise((resolve) => {
      const waiter: Waiter = {
        target: position,
        names,
        resolve,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve({ reached: false, position: this.lowest(names) });
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Resolves the waiters whose position is reached (call when positions advanced). */
  check(): void {
    if (this.waiters.length === 0) return;
    const keep: Waiter[] = [];
    for (const w of this.waiters) {
      const p = this.lowest(w.names);
      if (p >= w.target) {
        clearTimeout(w.timer);
        w.resolve({ reached: true, position: p });
      } else keep.push(w);
    }
    this.waiters = keep;
  }

  /** Resolves every waiter with `reached: false` (the runner stops). */
  endAll(): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.resolve({ reached: false, position: this.lowest(w.names) });
    }
    this.waiters = [];
  }
}
