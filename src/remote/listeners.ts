// The Jupyter Server source's listener sets: a listener's bug must not stop sampling, so each
// call is guarded (unlike core/emitter.ts, whose listeners are the model's own code).

import type { Disposable } from '../core/sampler';
import type { RemoteKernelExit, RemoteKernelRestart, RemoteKernelSample, RemoteKernelView } from './remoteKernelTypes';

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

  clear(): void {
    for (const listeners of [this.sample, this.exit, this.restart, this.kernels, this.gone]) listeners.clear();
  }
}
