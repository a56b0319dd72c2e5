// The output a commit carries (CI keeps generated/ committed and checked): its manifest.json, and
// whether it is what this fleetc would build from that commit's fleet — then plan takes the hashes
// of the hosts a change does not touch from it instead of compiling them (docs/scale.md says when).
import path from 'node:path';
import { sourceKey, FLEETC_VERSION } from '../compile/source-key.ts';
import type { OutputLayout } from '../compile/index.ts';
import { MANIFEST_PATH, MANIFEST_VERSION, type Manifest } from '../emit/manifest.ts';
import { blobIdOf } from '../load/parse-cache.ts';
import type { RawFleet } from '../load/types.ts';
import type { ManifestReference } from './build.ts';
import { AFTER_FILES, FILES, isHostEntry, lazyManifest } from './lazy-manifest.ts';
import { installedLibrary } from '../library/index.ts';
import { listTree } from '../git/tree-reader.ts';
import type { GitRoot } from '../git/repository.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { walkFiles } from '../util/walk-files.ts';
import { readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';

/** A commit's committed manifest.json, parsed, and where it is: what a plan refers to for its unchanged hosts. */
export interface CommittedManifest {
  /** Its host entries parsed when read (plan/lazy-manifest.ts), when it has fleetc's layout. */
  manifest: Manifest;
  reference: ManifestReference;
  /** The same, parsed whole (for a plan that met an entry lazy parsing refused: MalformedEntry). */
  whole: () => CommittedManifest | undefined;
}

/** A commit's committed manifest.json (the blob at `file`), parsed; undefined when it is not a manifest. */
export function committedManifestOf(commit: string, file: string, blob: { id: string; bytes: Uint8Array }): CommittedManifest | undefined {
  const where = { commit, path: file, blob: blob.id };
  const whole = (): CommittedManifest | undefined => {
    const manifest = parseManifest(blob.bytes);
    return manifest && { manifest, reference: { manifest: where, hosts: manifest.hosts }, whole: () => undefined };
  };
  const manifest = lazyManifest(blob.bytes);
  return manifest ? { manifest, reference: { manifest: where, hosts: manifest.hosts }, whole } : whole();
}

/**
 * The key (compile/source-key.ts) a commit's committed manifest.json records, when it is a fleetc
 * manifest of this version: read from the top of the file, where fleetc writes it (emit/manifest.ts),
 * the rest not read. Undefined when there is none, or the file does not start as fleetc writes it.
 */
export function committedSourceKey(repo: GitRoot, commit: string, outDir: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('git', ['cat-file', 'blob', `${commit}:${outDir}/${MANIFEST_PATH}`], { cwd: repo.root, stdio: ['ignore', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let settled = false;
    const settle = (key: string | undefined) => {
      if (settled) return;
      settled = true;
      resolve(key);
      // The rest of the file is not needed: git stops on the closed pipe.
      child.stdout.destroy();
      child.kill();
    };
    child.stdout.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.split('\n', 6).length === 6) settle(sourceLine(text));
    });
    child.on('error', () => settle(undefined));
    child.on('close', (code) => settle(code === 0 ? sourceLine(Buffer.concat(chunks).toString('utf8')) : undefined));
  });
}

const TOP = new RegExp(`^\\{\\n  "generator": "fleetc",\\n  "version": ${MANIFEST_VERSION},\\n  "fleet": "(?:[^"\\\\\\n]|\\\\.)*",\\n  "source": "([0-9a-f]{64})",\\n`);

function sourceLine(text: string): string | undefined {
  return TOP.exec(text)?.[1];
}

/**
 * A manifest's text parsed, when it is JSON with an entry of artifacts per host (all a plan and its
 * reference read), without its `files`: no plan reads them, and they are a third of the text.
 */
export function parseManifest(bytes: Uint8Array): Manifest | undefined {
  let manifest: Manifest;
  try {
    manifest = { ...(JSON.parse(withoutFiles(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'))) as Manifest), files: {} };
  } catch {
    return undefined;
  }
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isObject(manifest) || !isObject(manifest.hosts)) return undefined;
  return Object.values(manifest.hosts).every(isHostEntry) ? manifest : undefined;
}

/**
 * The text with an empty `files` in place of the one fleetc writes (emit/manifest.ts buildManifest:
 * its own lines, between "files" and "nix" at the top level; a JSON string holds no line break, so
 * those lines are the object's own). Any other text is left whole: parsed in full.
 */
function withoutFiles(text: string): string {
  const start = text.indexOf(FILES);
  const end = start < 0 ? -1 : text.indexOf(AFTER_FILES, start);
  if (end < 0 || text.indexOf(FILES, start + 1) >= 0) return text;
  return `${text.slice(0, start)}\n  "files": {${text.slice(end + 3)}`;
}

/**
 * Why a committed manifest cannot stand for the build of the commit's fleet (undefined: it can): it
 * must be fleetc's, of this manifest version, and record the key (compile/source-key.ts) of exactly
 * that commit's fleet and nix/ files, the library the commit compiles with (its committed
 * generated/fleetc/, else this fleetc's), this output layout and this fleetc's version.
 */
export function committedProblem(manifest: Manifest | undefined, raw: RawFleet, layout: OutputLayout): string | undefined {
  if (!manifest) return 'no manifest.json committed';
  if (manifest.generator !== 'fleetc' || manifest.version !== MANIFEST_VERSION) return `manifest.json is not a version ${MANIFEST_VERSION} fleetc manifest`;
  if (manifest.source === undefined) return 'manifest.json records no source key';
  if (manifest.source !== sourceKey(raw, layout, raw.library ?? installedLibrary())) return `manifest.json was built from other inputs, another layout or another fleetc than ${FLEETC_VERSION}`;
  return undefined;
}

/**
 * What decides fleetc's output, relative to its package root: its code, templates, schemas and pinned
 * dependencies (its own Nix, nix/, is in the key itself).
 */
const CODE = ['src', 'templates', 'schema', 'package.json', 'package-lock.json'];

/**
 * When fleetc runs from a checkout inside the fleet repository (fleetc's own repository, a vendored
 * copy), its version says nothing about edits: the commit's copy of its code must be the running
 * code, blob for blob. Undefined when it is (or when fleetc lives outside the repository).
 */
export async function fleetcCodeProblem(repo: GitRoot, commit: string): Promise<string | undefined> {
  const relative = path.relative(repo.root, PACKAGE_ROOT).split(path.sep).join('/');
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  const prefix = relative === '' ? '' : `${relative}/`;
  const committed = new Map((await listTree(repo, commit, CODE.map((p) => `${prefix}${p}`))).filter((e) => e.type === 'blob').map((e) => [e.path.slice(prefix.length), e.id]));
  const running = new Map<string, string>();
  for (const entry of CODE) {
    const files = entry.includes('.') ? [entry] : walkFiles(path.join(PACKAGE_ROOT, entry)).map((f) => `${entry}/${f}`);
    for (const file of files) {
      try {
        running.set(file, blobIdOf(readFileSync(path.join(PACKAGE_ROOT, file))));
      } catch {
        // a file the package does not have
      }
    }
  }
  const differs = [...new Set([...committed.keys(), ...running.keys()])].find((file) => committed.get(file) !== running.get(file));
  return differs === undefined ? undefined : `fleetc's own ${differs} differs from the commit's`;
}
