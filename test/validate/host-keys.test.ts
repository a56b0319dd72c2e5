// fleetc's SSH key parser (sshpk) against OpenSSH's own: for keys of every type ssh-keygen makes, and
// for broken and mislabelled ones, `ssh-keygen -l` accepts exactly what fleetc accepts and prints the
// same fingerprint.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parsePublicKey } from '../../src/model/ssh-key.ts';
import { tempDir } from '../helpers/tmp.ts';
import { requireTools } from '../helpers/tools.ts';

function sshKeygenFingerprint(dir: string, line: string): string | undefined {
  const file = path.join(dir, 'probe.pub');
  writeFileSync(file, `${line}\n`);
  const result = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', file], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split(' ')[1] : undefined;
}

test('fleetc and ssh-keygen -l agree on which keys are keys, and on their fingerprints', (t) => {
  if (!requireTools(t, 'ssh-keygen')) return;
  const dir = tempDir(t);
  const real: string[] = [];
  for (const [type, bits] of [['ed25519'], ['rsa', '2048'], ['ecdsa', '256'], ['ecdsa', '384'], ['ecdsa', '521']] as const) {
    const file = path.join(dir, `key-${type}-${bits ?? ''}`);
    execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', bits] : []), '-N', '', '-C', 'root@host', '-f', file]);
    real.push(readFileSync(`${file}.pub`, 'utf8').trim());
  }
  const [ed, rsa, ecdsa] = real as [string, string, string];
  const blob = (line: string) => line.split(' ')[1]!;
  const broken = [
    'ssh-ed25519 notakey',
    `ssh-ed25519 ${blob(ed).slice(0, -8)}`,
    `ssh-rsa ${blob(ed)}`,
    `ssh-ed25519 ${blob(rsa)}`,
    `ecdsa-sha2-nistp384 ${blob(ecdsa)}`,
    `ssh-ed25519 ${Buffer.concat([Buffer.from(blob(ed), 'base64'), Buffer.from([0])]).toString('base64')}`,
    'ssh-ed25519 AAAA',
  ];
  let agreed = 0;
  for (const line of [...real, ...broken]) {
    const ours = parsePublicKey(line);
    const theirs = sshKeygenFingerprint(dir, line);
    assert.equal(ours.ok ? ours.key.fingerprint : undefined, theirs, `${line.slice(0, 60)}: fleetc ${ours.ok ? 'accepts' : `refuses (${ours.problem})`}, ssh-keygen ${theirs ? 'accepts' : 'refuses'}`);
    agreed++;
  }
  assert.equal(agreed, real.length + broken.length);
  for (const line of real) assert.equal(parsePublicKey(line).ok, true);
  for (const line of broken) assert.equal(parsePublicKey(line).ok, false);
  // A comment is not part of the key: two spellings of one key are the same key.
  const a = parsePublicKey(ed);
  const b = parsePublicKey(`${ed.split(' ').slice(0, 2).join(' ')} other@comment`);
  assert.ok(a.ok && b.ok && a.key.canonical === b.key.canonical);
});
