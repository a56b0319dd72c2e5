// The apply action's secrets: `write` puts the SSH key and each secret named in SECRET_FILES
// ("NAME=/path" a line; the values from SECRETS, the environment's secrets as JSON) into files of mode
// 0600 (new directories 0700) for this job, refusing to overwrite a file it did not write; `remove`
// deletes them again, and runs whatever way the job ended. What was written is listed in a manifest
// under $RUNNER_TEMP, so `remove` deletes exactly that. Values never reach the log or a command line.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = path.join(process.env.RUNNER_TEMP ?? '/tmp', 'fleetc-secrets');
const manifest = path.join(dir, 'written.json');

function fail(message) {
  console.error(`::error title=fleetc secrets::${message}`);
  process.exit(1);
}

function write() {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const written = [];
  const save = (file, value) => {
    if (existsSync(file)) fail(`${file} exists already: the secrets go to files of this job only, so it is not overwritten`);
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    written.push(file);
    // The manifest first: a job stopped between the two still removes the file.
    writeFileSync(manifest, JSON.stringify(written), { mode: 0o600 });
    writeFileSync(file, value.endsWith('\n') ? value : `${value}\n`, { mode: 0o600, flag: 'wx' });
  };
  const key = process.env.SSH_KEY ?? '';
  if (!key.trim()) fail('the ssh-key input is empty: give it the deploy key from the environment\'s secrets (secrets.FLEETC_SSH_KEY)');
  save(path.join(dir, 'ssh-key'), key);
  let secrets;
  try {
    secrets = JSON.parse(process.env.SECRETS || '{}');
  } catch {
    fail('the secrets input is not JSON: pass ${{ toJSON(secrets) }}');
  }
  for (const line of (process.env.SECRET_FILES ?? '').split('\n').map((l) => l.trim()).filter(Boolean)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(\/.+)$/.exec(line);
    if (!match) fail(`secret-files: "${line}" is not NAME=/absolute/path`);
    const [, name, file] = match;
    const value = secrets[name];
    if (typeof value !== 'string' || value === '') fail(`secret-files: the environment has no secret ${name} (for ${file})`);
    save(path.normalize(file), value);
  }
  console.log(`wrote ${written.length} secret file(s) for this job (mode 0600)`);
}

function remove() {
  if (!existsSync(manifest)) return console.log('no secret files to remove');
  const written = JSON.parse(readFileSync(manifest, 'utf8'));
  for (const file of written) rmSync(file, { force: true });
  rmSync(dir, { recursive: true, force: true });
  console.log(`removed ${written.length} secret file(s)`);
}

const command = process.argv[2];
if (command === 'write') write();
else if (command === 'remove') remove();
else fail(`unknown command ${command}`);
