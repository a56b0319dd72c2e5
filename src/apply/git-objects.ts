// Small git plumbing for state and lock refs: commands with stdin, and an identity for commit-tree
// on machines (CI) where git has none configured.
import { execFile } from 'node:child_process';
import type { Repository } from '../git/repository.ts';

export const ZERO_OID = '0000000000000000000000000000000000000000';

const IDENTITY = { GIT_AUTHOR_NAME: 'fleetc', GIT_AUTHOR_EMAIL: 'fleetc@localhost', GIT_COMMITTER_NAME: 'fleetc', GIT_COMMITTER_EMAIL: 'fleetc@localhost' };

export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

export type Git = (args: string[], input?: string) => Promise<string>;

export function gitWithIdentity(repo: Repository): Git {
  return (args, input) =>
    new Promise((resolve, reject) => {
      const child = execFile('git', args, { cwd: repo.root, env: { ...process.env, ...IDENTITY }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        if (error) reject(new GitCommandError(`git ${args[0]} failed: ${stderr.trim() || error.message}`, stderr));
        else resolve(stdout);
      });
      if (input !== undefined) child.stdin!.end(input);
    });
}
