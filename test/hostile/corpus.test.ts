// The hostile corpus: one fixture per class of hostile input that once got through (see
// test/fixtures/hostile/README.md). Each runs the real fleetc on a committed fleet with a built
// output directory, then asserts the exit code, every diagnostic's code and position, that no
// stack trace (and nothing the case forbids, such as a secret) is printed, and that the whole tree
// is byte for byte what it was before the command.
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { hasStackTrace, runFleetc } from '../helpers/cli.ts';
import { FleetRepo } from '../helpers/git-repo.ts';
import { FIXTURES } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';
import { treeHash } from '../helpers/tree-hash.ts';

const CORPUS = `${FIXTURES}/hostile`;

interface Run {
  args: string[];
  exit: number;
  /** Every diagnostic, "file:line:col severity CODE" (from --format json, or plan's text on stderr). */
  diagnostics?: string[];
  /** A pattern stderr must match. */
  stderr?: string;
}

interface Case {
  class: string;
  /** Symbolic links to make, path → target. */
  symlinks?: Record<string, string>;
  /** Copies of the nix directory under these names (for --nix cases). */
  nixCopies?: string[];
  /** Text that must never appear in any output (a planted secret, a file behind a link). */
  never?: string[];
  /** Commit the hostile fleet, so plan can read it from git. */
  commit?: boolean;
  runs: Run[];
}

function overlay(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      mkdirSync(target, { recursive: true });
      overlay(source, target);
    } else if (readFileSync(source, 'utf8').trim() === '#delete') rmSync(target, { force: true });
    else writeFileSync(target, readFileSync(source));
  }
}

/** Diagnostics as "file:line:col severity CODE", from JSON output or from the text renderer's lines. */
function located(stdout: string, stderr: string): string[] {
  const trimmed = stdout.trim();
  if (trimmed.startsWith('{')) return (JSON.parse(trimmed) as { diagnostics: Array<{ file: string; line: number; column: number; severity: string; code: string }> }).diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.code}`);
  return [...`${stdout}\n${stderr}`.matchAll(/^(.+?):(\d+):(\d+): (error|warning) ([A-Z_]+):/gm)].map((m) => `${m[1]}:${m[2]}:${m[3]} ${m[4]} ${m[5]}`);
}

const cases = readdirSync(CORPUS).filter((name) => existsSync(path.join(CORPUS, name, 'case.json'))).sort();

describe('hostile corpus', () => {
  for (const name of cases) {
    const spec = JSON.parse(readFileSync(path.join(CORPUS, name, 'case.json'), 'utf8')) as Case;
    test(`${name}: ${spec.class}`, async (t) => {
      const repo = new FleetRepo(tempDir(t));
      // No parse cache: the tree must stay exactly as it was, cache directory included.
      const cached = (args: string[]) => ['validate', 'build', 'plan'].includes(args[0]!);
      const fleetc = (args: string[]) => runFleetc([...args, ...(args.includes('--nix') ? [] : ['--nix', 'nix']), ...(cached(args) ? ['--no-cache'] : [])], { cwd: repo.root });
      assert.equal((await fleetc(['build'])).exitCode, 0);
      repo.commit('a fleet and its output');
      if (existsSync(path.join(CORPUS, name, 'fleet'))) overlay(path.join(CORPUS, name, 'fleet'), repo.paths.fleetDir);
      if (existsSync(path.join(CORPUS, name, 'root'))) overlay(path.join(CORPUS, name, 'root'), repo.root);
      for (const [link, target] of Object.entries(spec.symlinks ?? {})) symlinkSync(target, path.join(repo.root, link));
      for (const copy of spec.nixCopies ?? []) cpSync(repo.paths.nixDir, path.join(repo.root, copy), { recursive: true });
      if (spec.commit) repo.commit('the hostile change');
      const skip = (rel: string) => rel === '.git';
      const before = treeHash(repo.root, { skip });
      for (const run of spec.runs) {
        const result = await fleetc(run.args);
        const output = result.stdout + result.stderr;
        const what = `fleetc ${run.args.join(' ')}`;
        assert.equal(result.exitCode, run.exit, `${what}: exit ${result.exitCode}\n${output}`);
        assert.ok(!hasStackTrace(output), `${what}: a stack trace\n${output}`);
        assert.doesNotMatch(output, /internal error/, what);
        if (run.diagnostics) assert.deepEqual(located(result.stdout, result.stderr).sort(), [...run.diagnostics].sort(), `${what}: diagnostics\n${output}`);
        if (run.stderr) assert.match(result.stderr, new RegExp(run.stderr), what);
        for (const text of spec.never ?? []) assert.ok(!output.includes(text), `${what} printed ${JSON.stringify(text)}\n${output}`);
        assert.equal(treeHash(repo.root, { skip }), before, `${what} changed the tree`);
      }
    });
  }
});
