// Where a command writes: results on stdout, logs on stderr (repeats counted), a live progress line on a terminal.

export interface CommandOutput {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Replaces the progress line (only shown on a TTY); an empty string clears it. */
  progress(line: string): void;
}

export function processOutput(): CommandOutput {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  const clear = (): void => {
    if (shown) process.stderr.write('\r\x1b[2K');
    shown = false;
  };
  return {
    stdout(line) {
      clear();
      process.stdout.write(line + '\n');
    },
    stderr(line) {
      clear();
      process.stderr.write(line + '\n');
    },
    progress(line) {
      if (!tty) return;
      clear();
      if (line) {
        process.stderr.write(line);
        shown = true;
      }
    },
  };
}
