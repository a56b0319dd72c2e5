// Dependencies that take tens of milliseconds to load, loaded when first used: a run that never
// needs one (a plan or warm build served by the parse cache parses no YAML and runs no schema; a
// plan of hosts without pinned keys reads no SSH key; a build draws no diff and watches no file)
// does not pay for it at start.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type YamlModule = typeof import('yaml');
type AjvModule = typeof import('ajv/dist/2020.js');
type SshpkModule = typeof import('sshpk');
type JsYamlModule = typeof import('js-yaml');
type DiffModule = typeof import('diff');
type ChokidarModule = typeof import('chokidar');

let yamlModule: YamlModule | undefined;
let ajvModule: AjvModule | undefined;
let ajvFormatsModule: unknown;
let sshpkModule: SshpkModule | undefined;
let jsYamlModule: JsYamlModule | undefined;
let diffModule: DiffModule | undefined;
let chokidarModule: ChokidarModule | undefined;

export function yaml(): YamlModule {
  return (yamlModule ??= require('yaml') as YamlModule);
}

export function ajv2020(): AjvModule['Ajv2020'] {
  return (ajvModule ??= require('ajv/dist/2020.js') as AjvModule).Ajv2020;
}

/** ajv-formats' module.exports (its function, also under .default). */
export function ajvFormats(): unknown {
  return (ajvFormatsModule ??= require('ajv-formats') as unknown);
}

export function sshpk(): SshpkModule {
  return (sshpkModule ??= require('sshpk') as SshpkModule);
}

export function jsYaml(): JsYamlModule {
  return (jsYamlModule ??= require('js-yaml') as JsYamlModule);
}

/** diff (~15 ms to load): plans and build --check draw patches; a build does not. */
export function diff(): DiffModule {
  return (diffModule ??= require('diff') as DiffModule);
}

/** chokidar (~7 ms to load): only watch needs it. */
export function chokidar(): ChokidarModule {
  return (chokidarModule ??= require('chokidar') as ChokidarModule);
}
