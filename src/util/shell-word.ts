// POSIX shell quoting of one word: what ssh hands to the remote user's shell, and how a command is shown.

/** One shell word: left bare when it has no character the shell would read, else single-quoted. */
export function shellWord(text: string): string {
  return /^[A-Za-z0-9_./=:@%+,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
