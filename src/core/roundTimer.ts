// A timer for rounds whose spacing changes: each round returns the delay to the next one (a
// fixed setInterval would wake the host 4 times a second even when every process is idle).

export class RoundTimer {
  private timer: NodeJS.Timeout | undefined;
  private active = false;
  /** Bumped at each scheduling, so a round that ends after a `poke` does not start a second chain. */
  private generation = 0;

  constructor(private readonly round: () => Promise<number>) {}

  get running(): boolean {
    return this.active;
  }

  start(firstDelayMs: number): void {
    if (this.active) return;
    this.active = true;
    this.schedule(firstDelayMs);
  }

  stop(): void {
    this.active = false;
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The next round at once, not when it was due (a process woke up). */
  poke(): void {
    if (this.active) this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    const generation = ++this.generation;
    this.timer = setTimeout(() => void this.fire(generation), Math.max(0, delayMs));
  }

  private async fire(generation: number): Promise<void> {
    this.timer = undefined;
    let nextMs: number;
    try {
      nextMs = await this.round();
    } catch {
      nextMs = 1000; // a round never throws; if it does, keep going at a calm pace
    }
    if (this.active && generation === this.generation) this.schedule(nextMs);
  }
}
