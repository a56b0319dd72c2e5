// Parses raw fleet files into plain data, with the YAML document (for positions) kept one call away;
// pure, never throws. A parse cache, when given, serves files whose content it has seen before.
import { createRequire } from 'node:module';
import type { Document } from 'yaml';
import { yaml } from '../util/lazy-modules.ts';
import type { Diagnostic, StageResult } from '../diagnostics/diagnostic.ts';
import { NO_RANGE } from '../diagnostics/diagnostic.ts';
import type { DiagnosticCode } from '../diagnostics/codes.ts';
import { SourceRegistry, type SourceText } from '../diagnostics/source.ts';
import { fastParse } from './fast-parse.ts';
import { secretRanges } from './secret-positions.ts';
import { unsupportedFeatures } from './yaml-features.ts';
import { locate } from './locate.ts';
import { blobIdOfFile, type ParseCache } from './parse-cache.ts';
import type { FileKind, LoadedDocument, LoadedFleet, PathSegment, RawFile, RawFleet } from './types.ts';

const MAX_ALIAS_COUNT = 100;
/** The options every parse uses. */
export const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, strict: true, version: '1.2' } as const;
/** What a cached parse depends on: bump the first number whenever parseText's result could change. */
export const PARSER_VERSION = `3 yaml@${(createRequire(import.meta.url)('yaml/package.json') as { version: string }).version} ${JSON.stringify(YAML_OPTIONS)} aliases<=${MAX_ALIAS_COUNT}`;

/**
 * Files parsed by earlier runs, by the RawFile object: fleetc watch keeps the RawFile of a file that
 * did not change, so its document (and the findings later stages keep by it) is the same object.
 */
export type ParseMemo = WeakMap<RawFile, ParsedFile>;

/** parseText's results for some files, found beforehand (on worker threads: emit/parallel.ts); the same as parsing them here. */
export type PreParsed = ReadonlyMap<RawFile, ParsedText>;
export type ParsedText = { data: unknown } | { diagnostics: Diagnostic[] };

export function parseFleet(raw: RawFleet, sources: SourceRegistry, cache?: ParseCache, memo?: ParseMemo, preParsed?: PreParsed): StageResult<LoadedFleet> {
  const diagnostics: Diagnostic[] = [...raw.problems];
  const loaded: LoadedFleet = { displayDir: raw.displayDir, profiles: [], hosts: [], nixFiles: raw.nixFiles };
  let firstFleetFile: string | undefined;
  for (const file of raw.files) {
    if (file.problem) {
      diagnostics.push(file.problem);
      continue;
    }
    const kind = kindOf(file.relPath);
    if (!kind) {
      diagnostics.push(fileError('FILE_UNKNOWN_KIND', file.displayPath, `${file.relPath} is not fleet.yaml and not under profiles/ or hosts/`, 'move it to profiles/ or hosts/, or give it another extension'));
      continue;
    }
    if (kind === 'fleet' && firstFleetFile) {
      diagnostics.push(fileError('FILE_DUPLICATE_KIND', file.displayPath, `${raw.displayDir} holds both ${firstFleetFile} and ${file.relPath}`, `keep one fleet file: merge ${file.relPath} into ${firstFleetFile} and delete it`));
      continue;
    }
    if (kind === 'fleet') firstFleetFile = file.relPath;
    const kept = memo?.get(file);
    if (kept?.document) sources.adopt(kept.document.source);
    const result = kept ?? parseFile(file, kind, sources, cache, preParsed);
    if (memo && !kept && result.document && cache) memo.set(file, result);
    diagnostics.push(...result.diagnostics);
    if (!result.document) continue;
    if (kind === 'fleet') loaded.fleet = result.document;
    else if (kind === 'profile') loaded.profiles.push(result.document);
    else loaded.hosts.push(result.document);
  }
  if (raw.problems.length === 0 && !raw.files.some((f) => kindOf(f.relPath) === 'fleet')) {
    diagnostics.push(fileError('FLEET_FILE_MISSING', raw.displayDir, `no fleet.yaml in ${raw.displayDir}`, 'every fleet directory needs a fleet.yaml with the name, networks and boot server'));
  }
  return { value: loaded, diagnostics };
}

export function kindOf(relPath: string): FileKind | undefined {
  if (relPath === 'fleet.yaml' || relPath === 'fleet.yml') return 'fleet';
  if (relPath.startsWith('profiles/')) return 'profile';
  if (relPath.startsWith('hosts/')) return 'host';
  return undefined;
}

/** A fleet file's name without its directory and extension: a host's name when its data gives none. */
export function fileStem(relPath: string): string {
  return relPath.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
}

export interface ParsedFile {
  document?: LoadedDocument;
  diagnostics: Diagnostic[];
}

export function parseFile(file: RawFile, kind: FileKind, sources: SourceRegistry, cache?: ParseCache, preParsed?: PreParsed): ParsedFile {
  const path = file.displayPath;
  const bytes = file.bytes ?? new Uint8Array();
  const text = decodeUtf8(bytes);
  if (text === undefined) {
    return { diagnostics: [fileError('FILE_BINARY', path, `${file.relPath} is not UTF-8 text`, 'fleet files are YAML text; remove binary files from the fleet directory')] };
  }
  const source = sources.add(path, text);
  source.secrets = () => secretRanges(kind, text);
  const stem = fileStem(file.relPath);
  const id = cache ? blobIdOfFile(file) : undefined;
  const cached = id === undefined ? undefined : cache!.get(id);
  if (cached !== undefined) return { document: loadedDocument(kind, file, stem, cached, source, id), diagnostics: [] };
  const parsed = preParsed?.get(file) ?? parseText(text, file.relPath, path);
  if (!('data' in parsed)) return parsed;
  if (id !== undefined) cache!.set(id, parsed.data);
  return { document: loadedDocument(kind, file, stem, parsed.data, source, id), diagnostics: [] };
}

/**
 * A file's text → its data, or the diagnostics that stop it (a file that parses is the only kind a
 * cache keeps, so a cached file has no parse diagnostics).
 */
export function parseText(text: string, relPath: string, path: string): ParsedText {
  const fast = fastParse(text);
  // A NUL decoded from an escape is reported by the slow path, which knows where it is (the text has
  // no NUL of its own: fastParse refuses it; so without a backslash there is no escape, and no NUL).
  if (fast !== undefined && (!text.includes('\\') || !hasNul(fast))) return { data: fast };
  const docs = yaml().parseAllDocuments(text, YAML_OPTIONS);
  const documents: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  const diagnostics: Diagnostic[] = [];
  for (const doc of documents) {
    for (const error of doc.errors) {
      const code: DiagnosticCode = error.code === 'DUPLICATE_KEY' ? 'YAML_DUPLICATE_KEY' : 'YAML_SYNTAX';
      diagnostics.push({
        severity: 'error', code, message: firstLine(error.message), file: path,
        range: { start: error.pos[0], end: error.pos[1] },
        hint: code === 'YAML_DUPLICATE_KEY' ? 'remove or rename one of the two keys' : undefined,
      });
    }
    for (const warning of doc.warnings) {
      diagnostics.push({ severity: 'error', code: 'YAML_UNSUPPORTED', message: firstLine(warning.message), file: path, range: { start: warning.pos[0], end: warning.pos[1] }, hint: 'use plain YAML: mappings, lists, strings, numbers and booleans' });
    }
  }
  if (diagnostics.length > 0) return { diagnostics };
  const unsupported = documents.flatMap((doc) => unsupportedFeatures(doc, text, path));
  if (unsupported.length > 0) return { diagnostics: unsupported };
  if (documents.length > 1) {
    const second = documents[1]!;
    const start = second.range?.[0] ?? 0;
    return { diagnostics: [{ severity: 'error', code: 'YAML_MULTIPLE_DOCUMENTS', message: `${relPath} holds ${documents.length} YAML documents`, hint: 'put one host or profile per file; remove the --- separator', file: path, range: { start, end: start + 3 } }] };
  }
  const doc = documents[0];
  if (!doc || doc.contents === null || (doc.contents as { value?: unknown }).value === null) {
    return { diagnostics: [fileError('FILE_EMPTY', path, `${relPath} is empty`, 'write the file\'s mapping, or delete the file')] };
  }
  if (!yaml().isMap(doc.contents)) {
    const range = doc.contents.range;
    return { diagnostics: [{ severity: 'error', code: 'YAML_NOT_A_MAPPING', message: `the top level of ${relPath} must be a mapping`, hint: 'write key: value pairs at the top level', file: path, range: { start: range[0], end: range[1] } }] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return { diagnostics: [fileError('YAML_UNSUPPORTED', path, `${relPath}: ${firstLine((error as Error).message)}`, 'expand the aliases; fleet files should not need many')] };
  }
  const nulDiagnostics = (hasNul(data) ? findNulStrings(data, []) : []).map((p): Diagnostic => ({
    severity: 'error', code: 'VALUE_CONTROL_CHARACTER', message: 'this string holds a NUL character', hint: 'remove the \\0 escape', file: path, range: locate(doc, p),
  }));
  if (nulDiagnostics.length > 0) return { diagnostics: nulDiagnostics };
  return { data };
}

/**
 * A parsed document. Its YAML document (node positions, for diagnostics) is not kept: it is parsed
 * again from the text the first time a diagnostic needs a position, which few files ever do.
 */
function loadedDocument(kind: FileKind, file: RawFile, stem: string, data: unknown, source: SourceText, blobId: string | undefined): LoadedDocument {
  let doc: Document.Parsed | undefined;
  return {
    kind, file: file.displayPath, relPath: file.relPath, stem, data, source, ...(blobId !== undefined ? { blobId } : {}),
    get doc(): Document.Parsed {
      return (doc ??= (yaml().parseAllDocuments(source.text, YAML_OPTIONS) as Document.Parsed[])[0]!);
    },
  };
}

/** A quick scan first: almost no file has a NUL, and collecting paths allocates. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) if (key.includes('\0') || hasNul((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function findNulStrings(value: unknown, path: PathSegment[]): PathSegment[][] {
  if (typeof value === 'string') return value.includes('\0') ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => findNulStrings(item, [...path, i]));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => (key.includes('\0') ? [[...path, key]] : findNulStrings(item, [...path, key])));
  }
  return [];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function fileError(code: DiagnosticCode, file: string, message: string, hint: string): Diagnostic {
  return { severity: 'error', code, message, hint, file, range: NO_RANGE };
}
