// External tools the tests drive. Under `npm test` (FLEETC_REQUIRE_TOOLS=1) a missing tool fails the
// test; run directly without it, the test is skipped with the reason.
import { execFileSync } from 'node:child_process';
import type { TestContext } from 'node:test';

export function hasTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name} || test -x /usr/sbin/${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Returns true when the tools are there; otherwise fails (CI) or skips (ad-hoc runs). */
export function requireTools(t: TestContext, ...names: string[]): boolean {
  const missing = names.filter((n) => !hasTool(n));
  if (missing.length === 0) return true;
  const message = `missing tools: ${missing.join(', ')} (run scripts/install-test-tools.sh)`;
  if (process.env.FLEETC_REQUIRE_TOOLS === '1') throw new Error(message);
  t.skip(message);
  return false;
}

export const NIX_ENV = { ...process.env, NIX_CONFIG: 'build-users-group =\nexperimental-features = nix-command flakes' } as Record<string, string>;
