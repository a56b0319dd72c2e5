// Turns ajv errors into located diagnostics: the offending key or value, or the parent mapping.
import type { ErrorObject } from 'ajv';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import type { DiagnosticCode } from '../diagnostics/codes.ts';
import { locate, type NodePart } from '../load/locate.ts';
import type { LoadedDocument, PathSegment } from '../load/types.ts';
import { closestMatch } from './suggest.ts';
import { isSecretPath } from '../load/secret-positions.ts';

interface SchemaNode {
  description?: string;
  examples?: unknown[];
  properties?: Record<string, unknown>;
  oneOf?: SchemaNode[];
}

export function schemaDiagnostics(document: LoadedDocument, errors: readonly ErrorObject[]): Diagnostic[] {
  const secretPaths = new Set(errors.filter((e) => isInlineSecret(e)).map((e) => e.instancePath));
  const nestedNameErrors = new Set(errors.filter((e) => e.propertyName !== undefined && e.keyword !== 'propertyNames').map((e) => e.instancePath));
  const out: Diagnostic[] = [];
  for (const error of errors) {
    if (secretPaths.has(error.instancePath) && !isInlineSecret(error)) continue;
    if (error.keyword === 'propertyNames' && nestedNameErrors.has(error.instancePath)) continue;
    if (error.keyword === 'if' || error.keyword === 'oneOf' || error.keyword === 'anyOf') continue;
    out.push(toDiagnostic(document, error));
  }
  return out;
}

function toDiagnostic(document: LoadedDocument, error: ErrorObject): Diagnostic {
  const path = pointerToPath(error.instancePath);
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const at = (p: PathSegment[], part: NodePart = 'value') => locate(document.doc, p, part);
  const base = { severity: 'error' as const, file: document.file };
  const where = describePath(path);
  const params = error.params as Record<string, unknown>;

  if (isInlineSecret(error)) {
    return { ...base, code: 'SECRET_INLINE', range: at(path), message: `${where} holds a secret value inline; secrets must be references`, hint: 'write { file: /run/secrets/… } or { env: VARIABLE_NAME } instead of the value, and remove the value from git history' };
  }
  // At a secret position the value is never echoed, whatever it is (CI logs are often public).
  if (isSecretPath(document.kind, path)) return secretDiagnostic(error, base, at, path, where);
  if (error.propertyName !== undefined) {
    const keyPath = [...path, error.propertyName];
    return { ...base, code: codeFor(error.keyword), range: at(keyPath, 'key'), message: `${where ? where + ': ' : ''}key "${error.propertyName}" is not a valid name`, hint: hintFrom(schema) ?? 'use lower-case letters, digits and dashes' };
  }
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return { ...base, code: 'SCHEMA_REQUIRED', range: at(path), message: `${where || 'the file'} is missing the required property "${missing}"`, hint: hintFrom(((schema.properties ?? {})[missing] ?? {}) as SchemaNode) };
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const allowed = Object.keys(schema.properties ?? {});
      const suggestion = closestMatch(extra, allowed);
      return { ...base, code: 'SCHEMA_UNKNOWN_PROPERTY', range: at([...path, extra], 'key'), message: `unknown property "${extra}"${where ? ` in ${where}` : ''}`, hint: suggestion ? `did you mean "${suggestion}"?` : allowed.length ? `allowed here: ${allowed.join(', ')}` : undefined };
    }
    case 'type':
      return { ...base, code: 'SCHEMA_TYPE', range: at(path), message: `${where || 'the value'} must be ${article(String(params.type))}, not ${describeType(error.data)}`, hint: typeHint(error.data, String(params.type)) ?? hintFrom(schema) };
    case 'enum':
      return { ...base, code: 'SCHEMA_ENUM', range: at(path), message: `${where} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`, hint: suggestValue(error.data, params.allowedValues as unknown[]) };
    case 'const':
      return { ...base, code: 'SCHEMA_ENUM', range: at(path), message: `${where} must be ${JSON.stringify(params.allowedValue)}` };
    case 'discriminator': {
      const tag = String(params.tag);
      const allowed = (schema.oneOf ?? []).map((branch) => ((branch.properties?.[tag] ?? {}) as { const?: unknown }).const).filter((v) => v !== undefined);
      if (params.error === 'tag') return { ...base, code: 'SCHEMA_TYPE', range: at([...path, tag]), message: `${describePath([...path, tag])} must be a string` };
      return { ...base, code: 'SCHEMA_ENUM', range: at([...path, tag]), message: `${describePath([...path, tag])} must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`, hint: suggestValue(params.tagValue, allowed) };
    }
    case 'pattern':
      return { ...base, code: 'SCHEMA_PATTERN', range: at(path), message: `${where} has the wrong form: ${JSON.stringify(error.data)}`, hint: hintFrom(schema) };
    case 'format':
      return { ...base, code: 'SCHEMA_FORMAT', range: at(path), message: `${where} is not a valid ${String(params.format)}: ${JSON.stringify(error.data)}`, hint: hintFrom(schema) };
    case 'uniqueItems':
      return { ...base, code: 'SCHEMA_UNIQUE', range: at([...path, Number(params.i)]), message: `${where} lists ${JSON.stringify((error.data as unknown[])[Number(params.i)])} twice (items ${Number(params.j) + 1} and ${Number(params.i) + 1})`, hint: 'remove the repeated item' };
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
    case 'minLength': case 'maxLength': case 'minItems': case 'maxItems': case 'minProperties': case 'maxProperties':
      return { ...base, code: 'SCHEMA_RANGE', range: at(path), message: `${where || 'the value'} ${error.message ?? 'is out of range'}`, hint: hintFrom(schema) };
    default:
      return { ...base, code: 'SCHEMA_INVALID', range: at(path), message: `${where || 'the value'} ${error.message ?? 'is invalid'}`, hint: hintFrom(schema) };
  }
}

/** The diagnostic of an error at a secret position: what is wrong, never what is written there. */
function secretDiagnostic(error: ErrorObject, base: { severity: 'error'; file: string }, at: (p: PathSegment[], part?: NodePart) => Diagnostic['range'], path: PathSegment[], where: string): Diagnostic {
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const params = error.params as Record<string, unknown>;
  const hint = hintFrom(schema);
  switch (error.keyword) {
    case 'required':
      return { ...base, code: 'SCHEMA_REQUIRED', range: at(path), message: `${where} is missing the required property "${String(params.missingProperty)}"`, hint: 'a secret is { file: /absolute/path } or { env: VARIABLE_NAME }' };
    case 'additionalProperties':
      return { ...base, code: 'SCHEMA_UNKNOWN_PROPERTY', range: at(path), message: `${where} has a property that a secret reference does not have`, hint: `allowed here: ${Object.keys(schema.properties ?? {}).join(', ')}` };
    case 'type':
      return { ...base, code: 'SCHEMA_TYPE', range: at(path), message: `${where} must be ${article(String(params.type))} (the value is not shown: a secret position)`, hint };
    case 'pattern':
      return { ...base, code: 'SCHEMA_PATTERN', range: at(path), message: `${where} has the wrong form (the value is not shown: a secret position)`, hint };
    case 'format':
      return { ...base, code: 'SCHEMA_FORMAT', range: at(path), message: `${where} is not a valid ${String(params.format)} (the value is not shown: a secret position)`, hint };
    default:
      return { ...base, code: error.propertyName !== undefined ? codeFor(error.keyword) : 'SCHEMA_INVALID', range: at(path), message: `${where || 'the value'} ${error.message ?? 'is invalid'} (the value is not shown: a secret position)`, hint };
  }
}

function isInlineSecret(error: ErrorObject): boolean {
  return error.keyword === 'type' && error.schemaPath.includes('/secretRef/') && (typeof error.data === 'string' || typeof error.data === 'number');
}

function codeFor(keyword: string): DiagnosticCode {
  return keyword === 'pattern' ? 'SCHEMA_PATTERN' : keyword === 'maxLength' || keyword === 'minLength' ? 'SCHEMA_RANGE' : 'SCHEMA_INVALID';
}

export function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((raw) => {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : segment;
  });
}

/** hardware.disks.main.size, interfaces[1].mac — how an operator names a spot in a file. */
export function describePath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`) : segment;
  }
  return out;
}

function hintFrom(schema: SchemaNode): string | undefined {
  const example = schema.examples?.[0];
  const exampleText = example === undefined ? '' : typeof example === 'string' ? example : JSON.stringify(example);
  if (schema.description && exampleText) return `${schema.description} Example: ${exampleText}`;
  return schema.description ?? (exampleText ? `example: ${exampleText}` : undefined);
}

function typeHint(data: unknown, expected: string): string | undefined {
  if (expected === 'string' && typeof data === 'number') return 'quote the value so YAML reads it as a string';
  if (expected === 'string' && typeof data === 'boolean') return 'quote the value: YAML reads true/false as booleans';
  if (expected === 'array' && typeof data === 'string') return 'write a list: [a, b] or one "- item" per line';
  return undefined;
}

function suggestValue(value: unknown, allowed: readonly unknown[]): string | undefined {
  const match = typeof value === 'string' ? closestMatch(value, allowed.filter((v): v is string => typeof v === 'string')) : undefined;
  return match ? `did you mean "${match}"?` : undefined;
}

function describeType(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${article(typeof value)} (${JSON.stringify(value)})`;
}

function article(type: string): string {
  const names: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean (true or false)', null: 'null' };
  return type.split(',').map((t) => names[t] ?? t).join(' or ');
}
