// npm run build:cli: bundles the CLI into dist/fleetc.cjs (its dependencies stay external) and
// records in dist/build-info.json the hash of the sources it was built from. Both are committed, so
// an installed fleetc runs the bundle whether or not its install scripts ran; bin/fleetc.js runs the
// sources instead when a checkout's differ from that hash. With --check, compares instead of writing.
// The shipped templates are precompiled into the bundle (src/emit/precompiled-templates.ts), and
// the schema validators compiled into dist/schema-validators.cjs (src/validate/schema-code.ts).
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sourceHash } from '../bin/source-hash.js';

const root = fileURLToPath(new URL('../', import.meta.url));
const check = process.argv.includes('--check');
const temp = await mkdtemp(path.join(os.tmpdir(), 'fleetc-build-cli-'));
try {
  const { precompiled, validators } = await buildTimeAssets();
  await build({
    entryPoints: [path.join(root, 'src/cli/main.ts')],
    bundle: true,
    platform: 'node',
    // CommonJS, which bin/fleetc.js requires: Node 20 loads it with ~70 ms less CPU than the same
    // bundle as an ES module (its ESM loader, and CommonJS packages imported through it), the same
    // code either way. import.meta.url is the bundle's own file URL.
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    define: { 'import.meta.url': '__bundleUrl', 'import.meta.resolve': 'undefined' },
    banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
    outfile: path.join(temp, 'fleetc.cjs'),
    logLevel: 'warning',
    plugins: [{ name: 'precompiled-templates', setup: (b) => b.onLoad({ filter: /[\\/]src[\\/]emit[\\/]precompiled-templates\.ts$/ }, () => ({ contents: precompiled, loader: 'js' })) }],
  });
  const bundle = await readFile(path.join(temp, 'fleetc.cjs'), 'utf8');
  const info = `${JSON.stringify({ sourceHash: sourceHash(path.join(root, 'src')), esbuild: JSON.parse(readFileSync(path.join(root, 'node_modules/esbuild/package.json'), 'utf8')).version }, null, 2)}\n`;
  const dist = path.join(root, 'dist');
  if (check) {
    const stale = [['fleetc.cjs', bundle], ['schema-validators.cjs', validators], ['build-info.json', info]].filter(([name, text]) => readOrEmpty(path.join(dist, name)) !== text).map(([name]) => `dist/${name}`);
    if (stale.length > 0) {
      console.error(`${stale.join(' and ')} ${stale.length > 1 ? 'are' : 'is'} not what the sources build to: run npm run build:cli and commit dist/`);
      process.exitCode = 1;
    }
  } else {
    await mkdir(dist, { recursive: true });
    await writeFile(path.join(dist, 'fleetc.cjs'), bundle);
    await writeFile(path.join(dist, 'schema-validators.cjs'), validators);
    await writeFile(path.join(dist, 'build-info.json'), info);
  }
} finally {
  await rm(temp, { recursive: true, force: true });
}

/**
 * What fleetc's own code precompiles (bundled first beside node_modules, so its imports resolve,
 * then run here): precompiled-templates.ts as the bundle has it, and the schema validators' code.
 */
async function buildTimeAssets() {
  const dir = await mkdtemp(path.join(root, 'node_modules/.fleetc-build-assets-'));
  try {
    const entryPoints = { templates: path.join(root, 'src/emit/template-specs.ts'), schemas: path.join(root, 'src/validate/schema-code.ts') };
    await build({ entryPoints, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outdir: dir, outExtension: { '.js': '.mjs' }, logLevel: 'warning' });
    const { templateSpecs } = await import(pathToFileURL(path.join(dir, 'templates.mjs')).href);
    const { schemaValidatorsCode } = await import(pathToFileURL(path.join(dir, 'schemas.mjs')).href);
    const entries = templateSpecs(path.join(root, 'templates')).map(({ source, spec, helpers }) => `  [${JSON.stringify(source)}, { spec: ${spec}, helpers: ${JSON.stringify(helpers)} }],`);
    return { precompiled: `export const PRECOMPILED = new Map([\n${entries.join('\n')}\n]);\n`, validators: schemaValidatorsCode() };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function readOrEmpty(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
