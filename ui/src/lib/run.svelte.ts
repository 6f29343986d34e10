// One long operation's state (a check, a probe, a test email, a save…): whether it runs, its
// result or its error, what arrived on the way, and how to stop it. Starting again or
// resetting clears all of it at once, and an answer that arrives after a reset is dropped, so
// no screen resets pieces by hand.
import * as api from "./api";
import type { UserError } from "./bindings";

let runs = 0;

/** Changes the progress list of the run that is still current. */
export type Fold<P> = (change: (progress: P[]) => P[]) => void;

export class Run<T, P = never> {
  running = $state(false);
  result: T | null = $state(null);
  error: UserError | null = $state(null);
  /** What arrived before the result (live steps, ports as they answer). */
  progress: P[] = $state([]);
  /** The id `cancel` stops the current run with. */
  id = "";
  private readonly kind: string;
  private generation = 0;

  constructor(kind: string) {
    this.kind = kind;
  }

  /** Whether there is anything to show: running, progress, a result or an error. */
  get shown(): boolean {
    return this.running || this.result !== null || this.error !== null || this.progress.length > 0;
  }

  /**
   * Runs `work` with a fresh request id; the result or the error (in the engine's words) lands
   * here. Returns the result, or null when the operation failed or was reset meanwhile.
   */
  async start(work: (id: string, fold: Fold<P>) => Promise<T>): Promise<T | null> {
    runs += 1;
    const id = `${this.kind}-${runs}`;
    this.reset();
    const generation = this.generation;
    const current = () => generation === this.generation;
    this.id = id;
    this.running = true;
    const fold: Fold<P> = (change) => {
      if (current()) this.progress = change(this.progress);
    };
    try {
      const result = await work(id, fold);
      if (!current()) return null;
      this.result = result;
      return result;
    } catch (e) {
      if (current()) this.error = api.asUserError(e);
      return null;
    } finally {
      if (current()) this.running = false;
    }
  }

  /** Stops the operation in flight (the engine answers with a "cancelled" result). */
  async cancel(): Promise<void> {
    if (this.running) await api.cancel({ request_id: this.id });
  }

  /** Forgets the result, the error and the progress; a run in flight is no longer listened to. */
  reset(): void {
    this.generation += 1;
    this.result = null;
    this.error = null;
    this.progress = [];
    this.running = false;
  }
}
