// A small typed event emitter for the pure layers (VS Code's EventEmitter is not available
// there). Listeners are called in the order they subscribed; one that unsubscribes while an
// event is delivered still gets that event, one that subscribes during it does not.

import type { Disposable } from './sampleSource';

export type Listener<T> = (event: T) => void;

export class Emitter<T = void> implements Disposable {
  private listeners: Listener<T>[] = [];

  /** Subscribes; the returned disposable unsubscribes (idempotent). */
  readonly event = (listener: Listener<T>): Disposable => {
    const wrapped: Listener<T> = (event) => listener(event);
    this.listeners = [...this.listeners, wrapped];
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== wrapped)) };
  };

  fire(event: T): void {
    // the array is replaced, never mutated, on (un)subscription: iterating it is safe
    for (const listener of this.listeners) listener(event);
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  dispose(): void {
    this.listeners = [];
  }
}
