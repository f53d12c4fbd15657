import * as thresholds from './thresholds';

// Local copies: a module that runs from source (tests, under tsx) reads an imported binding
// through a getter, a call per read in the hot loops.
const { WINDOW, WINDOW_MASK } = thresholds;

/**
 * The extreme of a sliding window of values in O(1) amortised per value: a monotonic queue of
 * (number, value), `direction` 1 for the maximum and -1 for the minimum.
 */
export class SlidingExtreme {
  private readonly numbers = new Int32Array(WINDOW);
  private readonly values = new Float64Array(WINDOW);
  private front = 0;
  private length = 0;

  constructor(private readonly direction: 1 | -1) {}

  get value(): number {
    return this.values[this.front];
  }

  /** Adds value `number`; values numbered below `oldest` have left the window. */
  push(number: number, value: number, oldest: number): void {
    while (this.length > 0 && this.numbers[this.front] < oldest) {
      this.front = (this.front + 1) & WINDOW_MASK;
      this.length--;
    }
    // values the new one outdoes can never be the extreme again
    while (this.length > 0 && (value - this.values[(this.front + this.length - 1) & WINDOW_MASK]) * this.direction >= 0) this.length--;
    const at = (this.front + this.length++) & WINDOW_MASK;
    this.numbers[at] = number;
    this.values[at] = value;
  }
}
