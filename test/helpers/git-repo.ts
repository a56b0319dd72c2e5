// Real git repositories for plan and apply tests: a fleet and nix/ committed, then changed.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { applyOverlay, type FleetFiles } from './fleet.ts';
import { MINIMAL_FLEET, EXAMPLE_NIX } from './paths.ts';
import type { Paths } from '../../src/compile/index.ts';

/** Fixed dates make commit ids depend on content alone. */
const GIT_ENV = { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };

export class FleetRepo {
  readonly paths: Paths;

  constructor(readonly root: string, fixture: string | null = MINIMAL_FLEET) {
    this.paths = { fleetDir: path.join(root, 'fleet'), outDir: path.join(root, 'generated'), nixDir: path.join(root, 'nix') };
    if (fixture) cpSync(fixture, this.paths.fleetDir, { recursive: true });
    cpSync(EXAMPLE_NIX, this.paths.nixDir, { recursive: true });
    this.git('init', '-q', '-b', 'main');
  }

  git(...args: string[]): string {
    return execFileSync('git', ['-C', this.root, '-c', 'user.email=test@example.invalid', '-c', 'user.name=fleetc test', ...args], { encoding: 'utf8', env: GIT_ENV }).trim();
  }

  /** Applies fleet file changes (null deletes) without committing. */
  edit(files: FleetFiles): this {
    applyOverlay(this.paths.fleetDir, files);
    return this;
  }

  /** Rewrites a file under the repository with a function of its text. */
  rewrite(relPath: string, change: (text: string) => string): this {
    const file = path.join(this.root, relPath);
    writeFileSync(file, change(readFileSync(file, 'utf8')));
    return this;
  }

  commit(message: string): string {
    this.git('add', '-A');
    this.git('commit', '-q', '--allow-empty', '-m', message);
    return this.git('rev-parse', 'HEAD');
  }
}
