// The JSON Schemas of the fleet file kinds, compiled once per process and reused. A package built by
// `npm run build:cli` carries them compiled (dist/schema-validators.cjs, ajv's standalone code, see
// schema-code.ts): used when it was compiled from these very schema files, options and versions.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import { ajv2020, ajvFormats } from '../util/lazy-modules.ts';
import type { FileKind } from '../load/types.ts';
import { packageFile } from '../package-root.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
type AddFormats = (ajv: Ajv2020, formats: string[]) => Ajv2020;
export const addFormats: AddFormats = (ajv, formats) => {
  const module = ajvFormats() as AddFormats & { default?: AddFormats };
  return (module.default ?? module)(ajv, formats);
};

export const SCHEMA_DIR = `${packageFile('schema')}/`;

export const SCHEMA_FILES: Record<FileKind, string> = {
  fleet: 'fleet.schema.json',
  profile: 'profile.schema.json',
  host: 'host.schema.json',
};

let compiled: Record<FileKind, ValidateFunction> | undefined;

const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false, discriminator: true } as const;
const packageVersion = (name: string) => (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
const AJV_VERSION = `${packageVersion('ajv')} ajv-formats ${packageVersion('ajv-formats')}`;

export function readSchema(fileName: string): Record<string, unknown> {
  return JSON.parse(readFileSync(SCHEMA_DIR + fileName, 'utf8')) as Record<string, unknown>;
}

/** The compiled validators written into dist/ by the build (`npm run build:cli`). */
export const PRECOMPILED_VALIDATORS = packageFile('dist/schema-validators.cjs');

/** One set of validators for the process: compiling is the expensive part (~100 ms), done by the build when it can be. */
export function schemaValidators(): Record<FileKind, ValidateFunction> {
  return (compiled ??= precompiledValidators() ?? compileValidators().validators);
}

/** An Ajv instance with fleetc's schemas added (`source`: keeping the code, for schema-code.ts). */
export function compileValidators(source = false): { ajv: Ajv2020; validators: Record<FileKind, ValidateFunction> } {
  const ajv = new (ajv2020())({ ...AJV_OPTIONS, ...(source ? { code: { source: true } } : {}) });
  addFormats(ajv, ['ipv4', 'hostname', 'uri']);
  ajv.addSchema(readSchema('common.schema.json'), 'common.schema.json');
  const compile = (kind: FileKind): ValidateFunction => {
    const file = SCHEMA_FILES[kind];
    ajv.addSchema(readSchema(file), file);
    return ajv.getSchema(file)!;
  };
  return { ajv, validators: { fleet: compile('fleet'), profile: compile('profile'), host: compile('host') } };
}

type PrecompiledModule = Record<FileKind, ValidateFunction> & { fingerprint?: string };

/** The build's validators, when they were compiled from what schemaFingerprint covers now; else undefined. */
export function precompiledValidators(file = PRECOMPILED_VALIDATORS): Record<FileKind, ValidateFunction> | undefined {
  if (!existsSync(file)) return undefined;
  const module = createRequire(import.meta.url)(file) as PrecompiledModule;
  return module.fingerprint === schemaFingerprint() ? { fleet: module.fleet, profile: module.profile, host: module.host } : undefined;
}

let fingerprint: string | undefined;

/** What decides whether a file passes its schema: the schema files, ajv's and ajv-formats' versions, the options. */
export function schemaFingerprint(): string {
  if (fingerprint) return fingerprint;
  const hash = createHash('sha256').update(`ajv ${AJV_VERSION} ${JSON.stringify(AJV_OPTIONS)}\n`);
  for (const file of ['common.schema.json', ...Object.values(SCHEMA_FILES)]) hash.update(`${file}\0${readFileSync(SCHEMA_DIR + file, 'utf8')}\0`);
  return (fingerprint = hash.digest('hex'));
}
