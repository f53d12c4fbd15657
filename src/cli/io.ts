export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** The watched command's own output, forwarded byte for byte as it arrives (with --json it goes to stderr). */
  stderrBytes?(data: Buffer): void;
  /** Whether stderr is a terminal: the live line is drawn only there. */
  readonly stderrIsTty: boolean;
}

export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  stderrBytes: (data) => void process.stderr.write(data),
  stderrIsTty: Boolean(process.stderr.isTTY),
};
