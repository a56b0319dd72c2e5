// Real file-system faults for tests: a small tmpfs that fills up, a read-only bind mount. Needs root
// (CI runs as root). A scope owns a temporary directory and its mounts: after the test it unmounts
// them, innermost first, and only then removes the directory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

  constructor(t: TestContext) {
    this.root = mkdtempSync(path.join(tmpdir(), 'fleetc-test-'));
    // Every mount under the directory, wherever the code under test may have moved it, deepest first.
    t.after(() => {
      for (const dir of mountsUnder(this.root)) execFileSync('umount', [dir]);
      rmSync(this.root, { recursive: true, force: true });
    });
  }

  /** A tmpfs of sizeKb at dir (created). */
  tmpfs(dir: string, sizeKb: number): void {
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  }

  /** Makes dir read-only (a read-only bind mount of itself); the returned function makes it writable again. */
  readOnly(dir: string): () => void {
    execFileSync('mount', ['--bind', dir, dir]);
    execFileSync('mount', ['-o', 'remount,bind,ro', dir]);
    return () => execFileSync('umount', [dir]);
  }
}

/** Mount points at or below dir (from /proc/self/mounts, octal escapes decoded), deepest first. */
function mountsUnder(dir: string): string[] {
  const points = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((line) => line.split(' ')[1]).filter((p): p is string => p !== undefined);
  const decoded = points.map((p) => p.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
  return decoded.filter((p) => p === dir || p.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length);
}
