// Entry point for `extensionTestsPath`: runs every registered in-host test against the real
// `vscode` API and writes the results to $KMW_E2E_RESULTS for the outer node test to report.
import { writeFileSync } from 'node:fs';
import { figures, tests } from './registry';
import './discovery.inhost';
import './kernelBridge.inhost';
import './evidence.inhost';
import './debug.inhost';

export async function run(): Promise<void> {
  const results: Array<{ name: string; ok: boolean; error?: string; ms: number }> = [];
  for (const { name, fn } of tests) {
    const started = Date.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: Date.now() - started });
    } catch (error) {
      results.push({ name, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error), ms: Date.now() - started });
    }
  }
  writeFileSync(process.env.KMW_E2E_RESULTS!, JSON.stringify(results, null, 2));
  writeFileSync(`${process.env.KMW_E2E_RESULTS!}.figures`, figures.join('\n'));
  if (results.some((result) => !result.ok)) throw new Error('in-host tests failed');
}
