// The Jupyter Server source's events: listener sets whose calls are guarded, since a listener's bug
// must not stop sampling (unlike core/emitter.ts, whose listeners are the model's own code), and
// the public on… methods the source offers.

import type { Disposable } from '../core/sampler';
import type { RemoteKernelDeath, RemoteKernelExit, RemoteKernelRestart, RemoteKernelSample, RemoteKernelView } from './remoteKernelTypes';

export type Listener<T> = (value: T) => void;

export class Listeners<T> {
  private readonly listeners = new Set<Listener<T>>();

  add(listener: Listener<T>): Disposable {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch {
        // a listener's bug must not stop sampling
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** Every event the Jupyter Server source emits, in one place. */
export class SourceEvents {
  readonly sample = new Listeners<RemoteKernelSample>();
  readonly exit = new Listeners<RemoteKernelExit>();
  readonly restart = new Listeners<RemoteKernelRestart>();
  readonly kernels = new Listeners<readonly RemoteKernelView[]>();
  readonly gone = new Listeners<string>();
  /** A kernel's ledger changed (by series key). */
  readonly ledger = new Listeners<string>();
  readonly death = new Listeners<RemoteKernelDeath>();

  clear(): void {
    for (const listeners of [this.sample, this.exit, this.restart, this.kernels, this.gone, this.ledger, this.death]) listeners.clear();
  }
}

/** The events a Jupyter Server source offers its listeners; the source fires them through `events`. */
export abstract class SourceEventApi {
  protected readonly events = new SourceEvents();

  onSample(listener: Listener<RemoteKernelSample>): Disposable {
    return this.events.sample.add(listener);
  }

  onExit(listener: Listener<RemoteKernelExit>): Disposable {
    return this.events.exit.add(listener);
  }

  /** A kernel restarted (a new PID, same kernel id): mark it; its series continues. */
  onRestart(listener: Listener<RemoteKernelRestart>): Disposable {
    return this.events.restart.add(listener);
  }

  /** The kernel list changed: a kernel came or went, its label, state or PID changed. */
  onDidChangeKernels(listener: Listener<readonly RemoteKernelView[]>): Disposable {
    return this.events.kernels.add(listener);
  }

  /** A kernel's cell ledger changed (by series key; see ledgerOf). */
  onDidChangeLedger(listener: Listener<string>): Disposable {
    return this.events.ledger.add(listener);
  }

  /** The server says a kernel died (it is being restarted, or is dead): for the post-mortem. */
  onKernelDied(listener: Listener<RemoteKernelDeath>): Disposable {
    return this.events.death.add(listener);
  }

  /** The server stopped answering (or refused the token); every series has ended. */
  onServerGone(listener: Listener<string>): Disposable {
    return this.events.gone.add(listener);
  }
}
