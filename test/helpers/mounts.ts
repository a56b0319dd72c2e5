// Real file-system faults for tests: a small tmpfs that fills up, a read-only bind mount. Needs root
// (CI runs as root). A scope owns a temporary directory and its mounts: after the test it unmounts
// them, innermost first, and only then removes the directory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

/** True when this process may mount (root); otherwise fails under npm test, skips when run alone. */
export function requireMounts(t: TestContext): boolean {
  if (process.getuid?.() === 0) return true;
  const message = 'mounting file systems needs root';
  if (process.env.FLEETC_REQUIRE_TOOLS === '1') throw new Error(message);
  t.skip(message);
  return false;
}

export class MountScope {
  readonly root: string;
  private readonly mounted: string[] = [];

  constructor(t: TestContext) {
    this.root = mkdtempSync(path.join(tmpdir(), 'fleetc-test-'));
    t.after(() => {
      for (const dir of [...this.mounted].reverse()) execFileSync('umount', [dir]);
      rmSync(this.root, { recursive: true, force: true });
    });
  }

  /** A tmpfs of sizeKb at dir (created). */
  tmpfs(dir: string, sizeKb: number): void {
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
    this.mounted.push(dir);
  }

  /** Makes dir read-only (a read-only bind mount of itself); the returned function makes it writable again. */
  readOnly(dir: string): () => void {
    execFileSync('mount', ['--bind', dir, dir]);
    execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
    this.mounted.push(dir);
    return () => {
      execFileSync('umount', [dir]);
      this.mounted.splice(this.mounted.lastIndexOf(dir), 1);
    };
  }
}
