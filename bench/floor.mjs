// The floor: the least any compiler of a fleet must do, as plain Node (no tsx, like fleetc's bundle).
// It reads every fleet file, parses it with js-yaml, validates it against fleetc's own schemas with
// ajv (loaded as fleetc loads them: the package's compiled validators, dist/schema-validators.cjs,
// else compiled with fleetc's options), writes 5 files per host (the host's data as JSON) with a
// sha256 each into an empty output directory, and a manifest of every hash. No cross-file rule, no
// profile merge, no Nix. `node bench/floor.mjs <fleet dir> <out dir>`; prints one JSON line.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsYaml from 'js-yaml';

const started = performance.now();
const [fleetDir, outDir] = process.argv.slice(2);
const schemaDir = fileURLToPath(new URL('../schema/', import.meta.url));
const FILES_PER_HOST = ['host.json', 'module.json', 'disks.json', 'first-boot.json', 'boot.json'];
const compiledValidators = fileURLToPath(new URL('../dist/schema-validators.cjs', import.meta.url));
const validators = fs.existsSync(compiledValidators) ? createRequire(import.meta.url)(compiledValidators) : await compileSchemas();

async function compileSchemas() {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const addFormatsModule = await import('ajv-formats');
  const addFormats = addFormatsModule.default.default ?? addFormatsModule.default;
  const ajv = new Ajv2020({ allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, discriminator: true });
  addFormats(ajv, ['ipv4', 'hostname', 'uri']);
  const readSchema = (name) => JSON.parse(fs.readFileSync(path.join(schemaDir, name), 'utf8'));
  ajv.addSchema(readSchema('common.schema.json'), 'common.schema.json');
  const compiled = {};
  for (const kind of ['fleet', 'profile', 'host']) {
    ajv.addSchema(readSchema(`${kind}.schema.json`), `${kind}.schema.json`);
    compiled[kind] = ajv.getSchema(`${kind}.schema.json`);
  }
  return compiled;
}

function walk(dir, rel, out) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) walk(path.join(dir, entry.name), relPath, out);
    else if (/\.ya?ml$/.test(entry.name)) out.push(relPath);
  }
  return out;
}

const hosts = [];
let invalid = 0;
for (const relPath of walk(fleetDir, '', []).sort()) {
  const data = jsYaml.load(fs.readFileSync(path.join(fleetDir, relPath), 'utf8'));
  const kind = relPath.startsWith('hosts/') ? 'host' : relPath.startsWith('profiles/') ? 'profile' : 'fleet';
  if (!validators[kind](data)) invalid++;
  if (kind === 'host') hosts.push({ name: data.name ?? path.basename(relPath).replace(/\.ya?ml$/, ''), data });
}

const sha256 = (text) => createHash('sha256').update(text).digest('hex');
const manifest = { files: {}, hosts: {} };
fs.mkdirSync(path.join(outDir, 'hosts'), { recursive: true });
for (const { name, data } of hosts) {
  fs.mkdirSync(path.join(outDir, 'hosts', name));
  const entry = (manifest.hosts[name] = {});
  for (const file of FILES_PER_HOST) {
    const text = `${JSON.stringify({ host: name, file, data }, null, 2)}\n`;
    const rel = `hosts/${name}/${file}`;
    fs.writeFileSync(path.join(outDir, rel), text);
    manifest.files[rel] = entry[file] = sha256(text);
  }
}
fs.writeFileSync(path.join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const rss = Math.round(process.resourceUsage().maxRSS / 1024);
process.stdout.write(`${JSON.stringify({ hosts: hosts.length, invalid, files: hosts.length * FILES_PER_HOST.length + 1, inProcess: performance.now() - started, rss })}\n`);
