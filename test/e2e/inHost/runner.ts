// The test runner inside the real extension host, without mocha. scripts/build.mjs bundles it
// with every test/e2e/inHost/*.inhost.ts into dist/test/inHost/index.js (`vscode` external);
// VS Code loads that as `extensionTestsPath` and calls run(). Each *.inhost.ts registers its
// cases with `test(name, fn)` from ./registry when the bundle loads.
//
// Environment (inherited from code-server, set by runExtensionTests in ../codeServer.ts):
//   KMW_E2E_RESULTS          where the JSON report goes (rewritten after every test, so a run
//                            that hangs still tells which test it was in)
//   KMW_E2E_GREP             only tests whose name matches this regular expression
//   KMW_E2E_TEST_TIMEOUT_MS  per test, default 120000
import { renameSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { figures, tests } from './registry';

export interface InHostResult {
  readonly name: string;
  readonly ok: boolean;
  readonly ms: number;
  /** The error's stack (assertion messages included) when it failed. */
  readonly error?: string;
}

export interface InHostReport {
  readonly vscodeVersion: string;
  /** False until the last selected test has ended. */
  done: boolean;
  /** The test under way when the report was written. */
  running?: string;
  readonly results: InHostResult[];
  /** Why the run failed as a whole (no test selected). */
  error?: string;
  /** Figures the tests measured (`name: value unit`), for the outer test to print. */
  figures?: readonly string[];
}

function writeReport(report: InHostReport): void {
  const file = process.env.KMW_E2E_RESULTS;
  if (!file) return;
  writeFileSync(`${file}.tmp`, JSON.stringify(report, null, 2));
  renameSync(`${file}.tmp`, file);
}

function withTimeout<T>(work: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`"${name}" did not finish in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Called by VS Code; resolves when every selected test passed, else rejects (exit code 1). */
export async function run(): Promise<void> {
  const grep = process.env.KMW_E2E_GREP ? new RegExp(process.env.KMW_E2E_GREP) : undefined;
  const timeoutMs = Number(process.env.KMW_E2E_TEST_TIMEOUT_MS) || 120_000;
  const selected = tests.filter((t) => !grep || grep.test(t.name));
  const report: InHostReport = { vscodeVersion: vscode.version, done: false, results: [] };
  if (selected.length === 0) {
    report.done = true;
    report.error = `no in-host test matches ${grep ?? 'anything'}; registered: ${tests.map((t) => t.name).join(' | ') || 'none'}`;
    writeReport(report);
    throw new Error(report.error);
  }
  for (const { name, fn } of selected) {
    report.running = name;
    writeReport(report);
    const started = performance.now();
    try {
      await withTimeout(fn(), timeoutMs, name);
      report.results.push({ name, ok: true, ms: Math.round(performance.now() - started) });
      console.log(`[in-host] ok ${name}`);
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      report.results.push({ name, ok: false, ms: Math.round(performance.now() - started), error: message });
      console.error(`[in-host] FAILED ${name}\n${message}`);
    }
  }
  report.running = undefined;
  report.done = true;
  report.figures = figures;
  writeReport(report);
  const failed = report.results.filter((r) => !r.ok);
  if (failed.length > 0) throw new Error(`${failed.length} of ${report.results.length} in-host tests failed: ${failed.map((r) => r.name).join(' | ')}`);
}
