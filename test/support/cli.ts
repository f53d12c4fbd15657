// Runs the CLI's main() in this process, collecting what it writes.
import { main } from '../../src/cli/cli';
import type { CliIo } from '../../src/cli/io';

export async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), stderrIsTty: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
