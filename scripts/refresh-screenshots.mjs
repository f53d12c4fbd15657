// Refreshes the README's screenshots (docs/screenshots/) by running the UI tests with their
// screenshots pointed there, one file after the other (two code-servers at once starve a small
// machine); the test run itself writes them to a temporary folder.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const run = (command, args, env = process.env) => {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};
run('npm', ['run', '--silent', 'build']);
run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', 'test/e2e/ui.e2e.test.ts', 'test/e2e/remote.ui.e2e.test.ts'], {
  ...process.env,
  KMW_SCREENSHOTS_DIR: resolve('docs/screenshots'),
});
