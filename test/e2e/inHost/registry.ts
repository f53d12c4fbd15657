// A tiny test registry for tests that run inside the real extension host.
export interface InHostTest {
  readonly name: string;
  readonly fn: () => Promise<void>;
}
export const tests: InHostTest[] = [];
export function test(name: string, fn: () => Promise<void>): void {
  tests.push({ name, fn });
}

/** Figures measured inside the extension host (`name: value unit`), printed by the outer test. */
export const figures: string[] = [];
