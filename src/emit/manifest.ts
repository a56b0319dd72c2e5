// manifest.json: every file's hash, and per host the hashes of everything it depends on — what plan diffs.
import { createHash } from 'node:crypto';
import type { Fleet, Host } from '../model/fleet.ts';
import type { Artifact, ArtifactKind, EmitContext } from './artifact.ts';

export const MANIFEST_PATH = 'manifest.json';
export const MANIFEST_VERSION = 2;

export interface ManifestEntry {
  kind: ArtifactKind;
  sha256: string;
}

export interface Manifest {
  generator: 'fleetc';
  version: number;
  fleet: string;
  files: Record<string, ManifestEntry>;
  /** Every hand-written Nix file (relative to nix/) → sha256. */
  nix: Record<string, string>;
  hosts: Record<string, {
    profile: string;
    /** The host's own files, and its fragments of shared files as "<path>#<host>". */
    artifacts: Record<string, ManifestEntry>;
    /** The hand-written Nix files (keys of nix) the host's configuration includes. */
    nix: string[];
  }>;
}

/** The hashes of the hand-written Nix files a host includes. */
export function hostNixHashes(manifest: Manifest | undefined, host: string): Record<string, string> {
  const entry = manifest?.hosts[host];
  if (!manifest || !entry) return {};
  return Object.fromEntries(entry.nix.map((path) => [path, manifest.nix[path]!]));
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Hashes remembered per artifact object and per fragment text: a rebuild that reuses the artifacts
 * of unchanged hosts (fleetc watch) hashes only what is new. Pure memos; the results are the same.
 */
const artifactHashes = new WeakMap<Artifact, string>();
const fragmentHashes = new Map<string, string>();
const MAX_FRAGMENT_MEMO = 200_000;

function artifactHash(artifact: Artifact): string {
  let hash = artifactHashes.get(artifact);
  if (hash === undefined) artifactHashes.set(artifact, (hash = sha256(artifact.contents)));
  return hash;
}

function fragmentHash(fragment: string): string {
  let hash = fragmentHashes.get(fragment);
  if (hash === undefined) {
    if (fragmentHashes.size >= MAX_FRAGMENT_MEMO) fragmentHashes.clear();
    fragmentHashes.set(fragment, (hash = sha256(fragment)));
  }
  return hash;
}

/**
 * manifest.json, as JSON.stringify(manifest, null, 2) would write it, but rendered in pieces: each
 * host's entry is rendered once and remembered by what it holds, so a rebuild that changed a few
 * hosts (fleetc watch) renders those and joins the rest (test/emit/manifest.test.ts checks the text
 * against JSON.stringify).
 */
export function buildManifest(fleet: Fleet, artifacts: readonly Artifact[], context: EmitContext): Artifact {
  const sortedNix = sortedNixFiles(context.nixFiles);
  const hosts = new Map<string, HostEntry>();
  for (const host of fleet.hosts) hosts.set(host.name, { profile: host.profile, artifacts: [], nix: nixDependencies(host, sortedNix) });
  const files: string[] = [];
  const sorted = isSortedByPath(artifacts) ? artifacts : [...artifacts].sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const artifact of sorted) {
    const hash = artifactHash(artifact);
    files.push(`    ${JSON.stringify(artifact.path)}: ${entryText(artifact.kind, hash, '    ')}`);
    if (artifact.host) hosts.get(artifact.host)!.artifacts.push([artifact.path, artifact.kind, hash]);
    // The shared base is hashed once; a host's part is identified by that hash and its own text.
    const base = artifact.fragmentBase === undefined ? '' : `${fragmentHash(artifact.fragmentBase)}\n`;
    for (const [host, fragment] of Object.entries(artifact.fragments ?? {})) {
      hosts.get(host)!.artifacts.push([`${artifact.path}#${host}`, artifact.kind, fragmentHash(base + fragment)]);
    }
  }
  const hostTexts: string[] = [];
  // In the order JSON.stringify gives an object's keys: names that are array indices ("10") first.
  for (const name of Object.keys(Object.fromEntries([...hosts.keys()].map((n) => [n, 0])))) hostTexts.push(hostText(name, hosts.get(name)!));
  const nix = JSON.stringify(Object.fromEntries(sortedNix), null, 2).replace(/\n/g, '\n  ');
  const contents = [
    '{\n',
    `  "generator": "fleetc",\n  "version": ${MANIFEST_VERSION},\n  "fleet": ${JSON.stringify(fleet.name)},\n`,
    `  "files": ${block(files, '  ')},\n`,
    `  "nix": ${nix},\n`,
    `  "hosts": ${block(hostTexts, '  ')}\n`,
    '}\n',
  ].join('');
  return { path: MANIFEST_PATH, kind: 'manifest', contents };
}

interface HostEntry {
  profile: string;
  /** [manifest key, kind, sha256]. */
  artifacts: Array<[string, ArtifactKind, string]>;
  nix: string[];
}

/** Host entries rendered before, by what they hold: most hosts are unchanged between two rebuilds. */
const hostTextMemo = new Map<string, string>();
const MAX_HOST_MEMO = 200_000;

function hostText(name: string, entry: HostEntry): string {
  entry.artifacts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const signature = `${name}\0${entry.profile}\0${entry.artifacts.join('\0')}\0${entry.nix.join('\0')}`;
  let text = hostTextMemo.get(signature);
  if (text === undefined) {
    const artifacts = entry.artifacts.map(([key, kind, hash]) => `        ${JSON.stringify(key)}: ${entryText(kind, hash, '        ')}`);
    const nix = entry.nix.map((file) => `        ${JSON.stringify(file)}`);
    text = `    ${JSON.stringify(name)}: {\n      "profile": ${JSON.stringify(entry.profile)},\n      "artifacts": ${block(artifacts, '      ')},\n      "nix": ${list(nix, '      ')}\n    }`;
    if (hostTextMemo.size >= MAX_HOST_MEMO) hostTextMemo.clear();
    hostTextMemo.set(signature, text);
  }
  return text;
}

function entryText(kind: ArtifactKind, hash: string, indent: string): string {
  return `{\n${indent}  "kind": ${JSON.stringify(kind)},\n${indent}  "sha256": "${hash}"\n${indent}}`;
}

/** An object's members, rendered, as JSON.stringify prints them at this indentation. */
function block(members: readonly string[], indent: string): string {
  return members.length === 0 ? '{}' : `{\n${members.join(',\n')}\n${indent}}`;
}

function list(items: readonly string[], indent: string): string {
  return items.length === 0 ? '[]' : `[\n${items.join(',\n')}\n${indent}]`;
}

function isSortedByPath(artifacts: readonly Artifact[]): boolean {
  for (let i = 1; i < artifacts.length; i++) if (!(artifacts[i - 1]!.path < artifacts[i]!.path)) return false;
  return true;
}

/** Hand-written Nix files of the boot server (its module, the netboot images): no host's configuration imports them. */
export function isBootServerNixFile(path: string): boolean {
  return path.startsWith('images/') || path === 'modules/pxe-server.nix';
}

/**
 * Which hand-written Nix files shape a host: its profile's modules and its services' modules, and
 * every shared file (anything outside profiles/ and services/, but the boot server's), since any host may import those.
 */
export function nixDependencies(host: Host, sorted: ReadonlyArray<readonly [string, string]>): string[] {
  const services = new Set(host.services.map((s) => `services/${s}.nix`));
  const modules = new Set(host.modules);
  const deps: string[] = [];
  for (const [path] of sorted) {
    if (isBootServerNixFile(path)) continue;
    const specific = path.startsWith('profiles/') || path.startsWith('services/');
    if (!specific || modules.has(path) || services.has(path)) deps.push(path);
  }
  return deps;
}

function sortedNixFiles(nixFiles: Map<string, string>): Array<[string, string]> {
  return [...nixFiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
