// npm run bench:apply at two sizes: it runs the real pipeline and rollout through its doubles, every
// host is deployed both ways, the deployer sends far less through the cache, and the scheduler's
// own CPU per host does not grow with the fleet (the bench exits 1 when it does).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../helpers/paths.ts';

test('bench:apply: 100 and 1,000 simulated hosts, both ways, scheduler overhead flat', () => {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const out = execFileSync(process.execPath, ['--import', tsx, path.join(REPO_ROOT, 'bench/apply.ts')], { encoding: 'utf8', env: { ...process.env, BENCH_APPLY_SIZES: '100,1000' } });
  const row = (hosts: number, way: string) => new RegExp(`^ +${hosts} \\| ${way} +\\| +([\\d.]+) (min|h) \\| +([\\d.]+) CPU-h \\| +([\\d.]+) (GB|TB) `, 'm').exec(out);
  const gb = (m: RegExpExecArray) => Number(m[4]) * (m[5] === 'TB' ? 1000 : 1);
  for (const hosts of [100, 1000]) {
    const cached = row(hosts, 'cache \\(this\\)')!;
    const old = row(hosts, 'nixos-rebuild/host')!;
    assert.ok(cached && old, out);
    assert.ok(gb(cached) * 10 < gb(old), `${hosts} hosts: the deployer sends ${gb(cached)} GB through the cache, ${gb(old)} GB the old way`);
  }
  assert.match(out, /scheduler CPU per host \(through the cache\), 100 → 1000 hosts: ×[\d.]+ \(flat: at most ×2\)/);
  assert.match(out, /costs \(bench\/apply-costs\.ts\): evaluation 5 CPU-s and 1\.1 GB per host \(issue 16: 1–13 s, 0\.5–1\.7 GB\)/);
});
