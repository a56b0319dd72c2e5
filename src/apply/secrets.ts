// Secret references resolved at run time, on the machine that runs apply. Values are returned to the
// caller only; nothing here logs them or puts them on a command line.
import { readFile } from 'node:fs/promises';
import type { SecretRef } from '../model/input.ts';

export class SecretUnavailable extends Error {}

export async function readSecret(ref: SecretRef): Promise<string> {
  if ('host' in ref) throw new SecretUnavailable(`the secret is kept on the host (${ref.host}), which apply cannot read`);
  if ('env' in ref) {
    const value = process.env[ref.env];
    if (value === undefined || value === '') throw new SecretUnavailable(`environment variable ${ref.env} is not set`);
    return value;
  }
  try {
    return (await readFile(ref.file, 'utf8')).replace(/\r?\n$/, '');
  } catch (error) {
    throw new SecretUnavailable(`cannot read secret file ${ref.file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
