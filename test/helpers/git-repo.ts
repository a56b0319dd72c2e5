// Real git repositories for plan and apply tests: a fleet and nix/ committed, then changed.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { applyOverlay, type FleetFiles } from './fleet.ts';
import { MINIMAL_FLEET, EXAMPLE_NIX } from './paths.ts';
import type { Paths } from '../../src/compile/index.ts';

/** Fixed dates make commit ids depend on content alone. */
const GIT_ENV = { ...process.env, GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };


/** A worker wk-2 that fits the minimal fleet (its address, MAC and BMC free there): what plan tests add. */
export const MINIMAL_NEW_WORKER = `profile: worker
hardware:
  disks: { main: { device: /dev/disk/by-id/nvme-wk2, size: 200G } }
  layout: { kind: single, disk: main }
interfaces:
  - { name: eno1, mac: "52:54:00:00:00:22", network: prov, address: 10.0.0.22, boot: true }
bmc: { kind: ipmi, address: 10.0.1.22, user: admin, password: { file: /run/secrets/bmc-wk-2 } }
`;

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
