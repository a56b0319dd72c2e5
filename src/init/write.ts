// Writes a new fleet repository's files: into a staging directory inside the target first, then each
// top-level entry renamed into place, so an interrupted init leaves no half-written fleet; it never
// overwrites a file, and refuses a directory that holds anything but a fresh repository's own.
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { InitFile } from './files.ts';
import { gitignoreAdditions } from './files.ts';

/** What a fresh repository may already hold: git, and fleetc installed through npm. */
const ALLOWED = new Set(['.git', 'node_modules', 'package.json', 'package-lock.json', '.gitignore']);

export class InitRefused extends Error {}

export function writeNewRepository(dir: string, files: readonly InitFile[]): void {
  const target = path.resolve(dir);
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new InitRefused(`${dir} is not a directory`);
  const present = stat ? fs.readdirSync(target).filter((name) => !ALLOWED.has(name)) : [];
  if (present.length > 0) throw new InitRefused(`${dir} is not empty (${present.slice(0, 5).join(', ')}${present.length > 5 ? ', …' : ''}); fleetc init writes a new fleet repository into an empty directory (or one with only .git, .gitignore and an npm install of fleetc)`);
  fs.mkdirSync(target, { recursive: true });
  const staging = path.join(target, `.fleetc-init.tmp-${randomBytes(4).toString('hex')}`);
  const moved: string[] = [];
  try {
    for (const file of files) {
      const to = path.join(staging, file.path);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.writeFileSync(to, file.contents, { flag: 'wx' });
    }
    for (const entry of fs.readdirSync(staging)) {
      fs.renameSync(path.join(staging, entry), path.join(target, entry));
      moved.push(entry);
    }
    const gitignore = path.join(target, '.gitignore');
    const existing = fs.existsSync(gitignore) ? fs.readFileSync(gitignore, 'utf8') : undefined;
    const additions = gitignoreAdditions(existing);
    if (additions !== '') fs.appendFileSync(gitignore, additions);
  } catch (error) {
    for (const entry of moved) fs.rmSync(path.join(target, entry), { recursive: true, force: true });
    throw error;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
