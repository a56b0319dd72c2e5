// write: the one writer. Builds the new output beside the old one, then swaps it in with renames,
// so a crash or a bad input never leaves a half-written output directory.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Artifact } from '../emit/artifact.ts';
import { isSafeRelativePath } from '../emit/index.ts';
import { MANIFEST_PATH } from '../emit/manifest.ts';
import { compareWithDisk, KEPT_FILES, type FileChange } from './compare.ts';

export class WriteRefused extends Error {}

export interface WriteResult {
  changes: FileChange[];
  /** False when the output already matched and nothing was touched. */
  wrote: boolean;
}

/** Test hook: called between steps so tests can simulate a crash at each point. */
export type CrashPoint = 'after-temp-written' | 'after-old-moved';

export async function writeOutput(outDir: string, artifacts: readonly Artifact[], crashAt?: (point: CrashPoint) => void): Promise<WriteResult> {
  const target = path.resolve(outDir);
  await recoverInterruptedSwap(target);
  await refuseForeignDirectory(target);
  const changes = await compareWithDisk(target, artifacts);
  if (changes.length === 0) return { changes, wrote: false };

  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = siblingPath(target, `tmp-${suffix}`);
  const old = siblingPath(target, `old-${suffix}`);
  try {
    await fs.mkdir(temp, { recursive: true });
    const directories = new Set(artifacts.map((a) => path.posix.dirname(a.path)).filter((d) => d !== '.'));
    for (const dir of [...directories].sort()) await fs.mkdir(path.join(temp, dir), { recursive: true });
    for (const artifact of artifacts) {
      if (!isSafeRelativePath(artifact.path)) throw new Error(`refusing to write outside the output directory: ${artifact.path}`);
      await fs.writeFile(path.join(temp, artifact.path), artifact.contents);
    }
    for (const kept of KEPT_FILES) await fs.copyFile(path.join(target, kept), path.join(temp, kept)).catch(() => undefined);
    crashAt?.('after-temp-written');
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
  const hadOld = await exists(target);
  if (hadOld) await fs.rename(target, old);
  crashAt?.('after-old-moved');
  await fs.rename(temp, target);
  if (hadOld) await fs.rm(old, { recursive: true, force: true });
  return { changes, wrote: true };
}

/** A sibling of the output directory, hidden, with a suffix: .generated.tmp-123-ab12cd34. */
function siblingPath(target: string, suffix: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${suffix}`);
}

/**
 * A crash between the two renames leaves the old output under .<name>.old-*: put it back.
 * Leftover temporary directories of crashed builds are removed.
 */
export async function recoverInterruptedSwap(target: string): Promise<void> {
  const parent = path.dirname(target);
  const base = `.${path.basename(target)}.`;
  const siblings = (await fs.readdir(parent).catch(() => [] as string[])).filter((name) => name.startsWith(base));
  const olds = siblings.filter((name) => name.startsWith(`${base}old-`));
  if (!(await exists(target)) && olds.length > 0) {
    await fs.rename(path.join(parent, olds[0]!), target);
    olds.shift();
  }
  for (const name of [...olds, ...siblings.filter((n) => n.startsWith(`${base}tmp-`))]) {
    await fs.rm(path.join(parent, name), { recursive: true, force: true });
  }
}

/** Never replace a directory fleetc did not write: an empty or missing one, or one with our manifest. */
async function refuseForeignDirectory(target: string): Promise<void> {
  const entries = await fs.readdir(target).catch(() => undefined);
  if (!entries || entries.length === 0) return;
  const manifest = await fs.readFile(path.join(target, MANIFEST_PATH), 'utf8').catch(() => undefined);
  let generator: unknown;
  try {
    generator = manifest === undefined ? undefined : (JSON.parse(manifest) as { generator?: unknown }).generator;
  } catch {
    generator = undefined;
  }
  if (generator !== 'fleetc') {
    throw new WriteRefused(`${target} is not empty and was not written by fleetc (no fleetc ${MANIFEST_PATH}); refusing to replace it`);
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.stat(p).then(() => true, () => false);
}
