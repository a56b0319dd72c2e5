// Which hosts a refusal keeps back: the refused ones, the other half of a rename, and the hosts whose
// network boot needs a boot-server change that is kept back; never more.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { heldBack, runWide } from '../../src/apply/refusals.ts';
import type { HostPlan } from '../../src/plan/types.ts';

const host = (name: string, action: HostPlan['action'], extra: Partial<HostPlan> = {}) => ({ name, action, raftGroups: [], ...extra }) as unknown as HostPlan;

test('a refused host holds back only itself, its rename partner, and what its boot-server change serves', () => {
  const selected = [host('boot', 'update'), host('new-1', 'provision'), host('wk-1', 'update'), host('net-1', 'network-only'), host('old', 'decommission', { renamedTo: 'neu' }), host('neu', 'provision', { renamedFrom: 'old' })];
  const one = heldBack(selected, [{ message: 'refused: neu', hosts: ['neu'] }], 'boot');
  assert.deepEqual([...one.hosts].sort(), ['neu', 'old'], 'the old name stays as long as the new one is not installed');
  assert.match(one.refusals.at(-1)!.message, /^skipped: old \(decommission\): it is one half of the rename with neu/);

  const boot = heldBack(selected, [{ message: 'refused: boot', hosts: ['boot'] }], 'boot');
  assert.deepEqual([...boot.hosts].sort(), ['boot', 'net-1', 'neu', 'new-1', 'old'], 'network-booted hosts wait for their boot server; wk-1 goes ahead');

  const none = heldBack(selected, [{ message: 'refused: wk-1', hosts: ['wk-1'] }], undefined);
  assert.deepEqual([...none.hosts], ['wk-1']);
  assert.deepEqual(runWide([{ message: 'x', hosts: [] }, { message: 'y', hosts: ['a'] }]).map((r) => r.message), ['x']);
});
