// The bundle carries fleetc's templates precompiled (scripts/build-cli.mjs, src/emit/template-specs.ts)
// and loads only Handlebars' runtime: the output must be the bytes the compiled templates give.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PRECOMPILED, type PrecompiledTemplate, type TemplateSpecification } from '../../src/emit/precompiled-templates.ts';
import { templateSpecs } from '../../src/emit/template-specs.ts';
import { compileTemplate, precompileTemplate } from '../../src/emit/templates.ts';
import { EXAMPLE_ROOT, REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/tmp.ts';

const evaluate = (spec: string) => new Function(`return ${spec};`)() as TemplateSpecification;

test('a precompiled template renders what the compiled one renders, and is checked the same way', () => {
  const source = 'x = {{nixString value}};{{#each items}} {{nixAttr this}}{{/each}}{{#if none}}{{nixComment none}}{{/if}}\n';
  const context = { value: 'a<b>&"${c}', items: ['ok', 'not ok'], none: '' };
  const compiled = compileTemplate<typeof context>('t', source)(context);
  const { spec, helpers } = precompileTemplate('t', source);
  assert.deepEqual(helpers, ['each', 'if', 'nixAttr', 'nixComment', 'nixString'], 'the helpers the template calls');
  const map = PRECOMPILED as Map<string, PrecompiledTemplate>;
  map.set(source, { spec: evaluate(spec), helpers });
  try {
    assert.equal(compileTemplate<typeof context>('t', source)(context), compiled);
    assert.equal(compiled, 'x = "a<b>&\\"\\${c}"; ok "not ok"\n');
  } finally {
    map.delete(source);
  }
  assert.throws(() => precompileTemplate('t', 'x = {{value}};'), /must be \{\{<escaper> value\}\}/);
  assert.throws(() => compileTemplate('t', 'x = {{nixString (lookup a b)}};'), /sub-expressions are not used/);
  assert.throws(() => compileTemplate('t', '{{#each (lookup a b)}}{{/each}}'), /sub-expressions are not used/);
});

test('every template fleetc ships is precompiled for the bundle', () => {
  const specs = templateSpecs(path.join(REPO_ROOT, 'templates'));
  const shipped = execFileSync('git', ['ls-files', 'templates/*.hbs', 'templates/**/*.hbs'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim().split('\n');
  assert.equal(specs.length, new Set(shipped).size);
  for (const { spec } of specs) assert.equal(typeof (evaluate(spec) as unknown as { main: unknown }).main, 'function');
});

test('the bundle builds the example and inits a fleet without Handlebars\' compiler, to the bytes the sources give', (t) => {
  const bundle = path.join(REPO_ROOT, 'dist/fleetc.cjs');
  const work = tempDir(t);
  // In one process: build --check of the example (its committed output is the sources' build), init, then which Handlebars files were loaded.
  const script = `
    import { createRequire } from 'node:module';
    const { main } = createRequire(import.meta.url)(${JSON.stringify(bundle)});
    const io = { stdout: () => {}, stderr: () => {}, isTty: false };
    const check = await main(['node', 'fleetc', 'build', '--check', '--no-cache'], io);
    process.chdir(${JSON.stringify(work)});
    const init = await main(['node', 'fleetc', 'init'], io);
    const loaded = Object.keys(createRequire(${JSON.stringify(bundle)}).cache).filter((f) => f.includes('/handlebars/'));
    process.stdout.write(JSON.stringify({ check, init, loaded }));`;
  const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: EXAMPLE_ROOT, encoding: 'utf8' })) as { check: number; init: number; loaded: string[] };
  assert.equal(out.check, 0, 'the bundle builds the committed example output');
  assert.equal(out.init, 0);
  const byBundle = readTree(work);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'bin/fleetc.js'), 'init'], { cwd: work, env: { ...process.env, FLEETC_FROM_SOURCE: '1' }, stdio: 'pipe' });
  assert.deepEqual(readTree(work), byBundle, 'init from the bundle writes what init from the sources writes');
  assert.ok(out.loaded.some((f) => f.includes('handlebars.runtime')), 'the runtime is loaded');
  assert.deepEqual(out.loaded.filter((f) => /handlebars\/compiler|source-map/.test(f)), [], 'the compiler is not');
});

function readTree(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(path.join(dir, f)).isFile()).sort();
  return Object.fromEntries(files.map((f) => [f, readFileSync(path.join(dir, f), 'utf8')]));
}
