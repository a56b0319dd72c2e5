// Where commands print: injectable so tests can run the CLI in-process.
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  isTty: boolean;
}

/**
 * A reader that closes the pipe early (`fleetc apply --output json | head -4`) makes the next write
 * fail with EPIPE, reported as an 'error' event that would end the process with a stack trace. The
 * output is simply dropped from then on: the command runs to its end (an apply keeps deploying and
 * logging to its files) and exits with its own code.
 */
function closable(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

export const processIo: Io = {
  stdout: closable(process.stdout),
  stderr: closable(process.stderr),
  isTty: Boolean(process.stdout.isTTY),
};
