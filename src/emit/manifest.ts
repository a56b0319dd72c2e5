// manifest.json: every file's hash, and per host the hashes of everything it depends on — what plan diffs.
import crypto, { createHash } from 'node:crypto';
import type { Fleet, Host } from '../model/fleet.ts';
import type { Artifact, ArtifactKind, EmitContext } from './artifact.ts';
import { isBootServerFile } from '../library/index.ts';

export const MANIFEST_PATH = 'manifest.json';
export const MANIFEST_VERSION = 3;

export interface ManifestEntry {
  kind: ArtifactKind;
  sha256: string;
}

export interface Manifest {
  generator: 'fleetc';
  version: number;
  fleet: string;
  /** The key of the build's inputs (compile/source-key.ts); plan checks a committed manifest by it. */
  source?: string;
  files: Record<string, ManifestEntry>;
  /** Every hand-written Nix file (relative to nix/) → sha256. */
  nix: Record<string, string>;
  /**
   * fleetc's own Nix (relative to generated/fleetc/) → sha256. Every host includes all of it but the
   * boot server's files (library/index.ts isBootServerFile).
   */
  library: Record<string, string>;
  /** The host that is the boot server (boot.server): its artifacts are the DHCP, iPXE and netboot files. */
  bootServer?: string;
  hosts: Record<string, {
    profile: string;
    /** The host's own files, and its fragments of shared files as "<path>#<host>". */
    artifacts: Record<string, ManifestEntry>;
    /** The hand-written Nix files (keys of nix) the host's configuration includes. */
    nix: string[];
  }>;
}

/** The hashes of fleetc's own Nix files a host includes: all but the boot server's, which only the boot server host includes. */
export function hostLibraryHashes(manifest: Manifest | undefined, host?: string): Record<string, string> {
  const server = host !== undefined && manifest?.bootServer === host;
  return Object.fromEntries(Object.entries(manifest?.library ?? {}).filter(([path]) => server || !isBootServerFile(path)));
}

/** What the boot server serves and builds from: these artifacts are the boot server host's own. */
export const BOOT_SERVER_KINDS: ReadonlySet<ArtifactKind> = new Set<ArtifactKind>(['dhcp', 'ipxe', 'netboot']);

/** The hashes of the hand-written Nix files a host includes. */
export function hostNixHashes(manifest: Manifest | undefined, host: string): Record<string, string> {
  const entry = manifest?.hosts[host];
  if (!manifest || !entry) return {};
  return Object.fromEntries(entry.nix.map((path) => [path, manifest.nix[path]!]));
}

/** crypto.hash (Node ≥ 20.12) hashes in one call, without a Hash object per file (~30 % less for small files). */
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

export function sha256(text: string): string {
  return oneShot ? oneShot('sha256', text, 'hex') : createHash('sha256').update(text).digest('hex');
}

/**
 * Hashes remembered per artifact object and per host part: a rebuild that reuses the artifacts of
 * unchanged hosts (fleetc watch) hashes only what is new. Pure memos; the results are the same.
 */
const artifactHashes = new WeakMap<Artifact, string>();
/** Hash of a host's part of a shared file, by the hash of the file's shared base, then the host's own text. */
const partHashes = new Map<string, Map<string, string>>();
const MAX_PART_MEMO = 200_000;
let partCount = 0;

/** The sha256 of an artifact's contents, computed elsewhere (an emit worker, compile/workers.ts). */
export function rememberHash(artifact: Artifact, hash: string): void {
  artifactHashes.set(artifact, hash);
}

function artifactHash(artifact: Artifact): string {
  let hash = artifactHashes.get(artifact);
  if (hash === undefined) artifactHashes.set(artifact, (hash = sha256(artifact.contents)));
  return hash;
}

/** The shared base is hashed once; a host's part is identified by that hash and its own text. */
function partHash(baseHash: string | undefined, fragment: string): string {
  const key = baseHash ?? '';
  let byFragment = partHashes.get(key);
  if (!byFragment) partHashes.set(key, (byFragment = new Map()));
  let hash = byFragment.get(fragment);
  if (hash === undefined) {
    if (partCount >= MAX_PART_MEMO) {
      partHashes.clear();
      partCount = 0;
      partHashes.set(key, byFragment);
    }
    byFragment.set(fragment, (hash = fragmentHash(baseHash, fragment)));
    partCount++;
  }
  return hash;
}

/** A host's part of a shared file: the sha256 of the base's hash and the part's own text. */
export function fragmentHash(baseHash: string | undefined, fragment: string): string {
  return sha256(baseHash === undefined ? fragment : `${baseHash}\n${fragment}`);
}

/** The rendered line of an artifact in the files section. */
const fileLines = new WeakMap<Artifact, string>();

/**
 * manifest.json, as JSON.stringify(manifest, null, 2) would write it, but rendered in pieces: each
 * host's entry is rendered once and remembered with what it was made of (its own artifacts, its
 * parts of shared files, its nix/ files), so a rebuild that changed a few hosts (fleetc watch)
 * renders those and joins the rest (test/emit/manifest.test.ts checks the text against
 * JSON.stringify).
 */
export function buildManifest(fleet: Fleet, artifacts: readonly Artifact[], context: EmitContext, memo?: ManifestMemo): Artifact {
  const sortedNix = sortedNixFiles(context.nixFiles);
  const server = fleet.boot.server !== undefined && fleet.hosts.some((h) => h.name === fleet.boot.server) ? fleet.boot.server : undefined;
  const own = new Map<string, Artifact[]>(fleet.hosts.map((host) => [host.name, []]));
  const shared: Array<{ artifact: Artifact; baseHash: string | undefined }> = [];
  const parts: string[] = ['{\n', `  "generator": "fleetc",\n  "version": ${MANIFEST_VERSION},\n  "fleet": ${JSON.stringify(fleet.name)},\n`, context.source === undefined ? '' : `  "source": ${JSON.stringify(context.source)},\n`];
  const sorted = isSortedByPath(artifacts) ? artifacts : [...artifacts].sort((a, b) => (a.path < b.path ? -1 : 1));
  parts.push(sorted.length === 0 ? '  "files": {}' : '  "files": {\n');
  sorted.forEach((artifact, i) => {
    let line = fileLines.get(artifact);
    if (line === undefined) {
      line = `    ${JSON.stringify(artifact.path)}: ${entryText(artifact.kind, artifactHash(artifact), '    ')}`;
      // Kept for the next rebuild only when there is one (fleetc watch's memo): a build's own lines die with it.
      if (memo) fileLines.set(artifact, line);
    }
    parts.push(line, i === sorted.length - 1 ? '\n  }' : ',\n');
    if (artifact.host) own.get(artifact.host)!.push(artifact);
    // What the boot server serves and builds from is its own too (BOOT_SERVER_KINDS).
    if (server && artifact.host !== server && BOOT_SERVER_KINDS.has(artifact.kind)) own.get(server)!.push(artifact);
    if (artifact.fragments) shared.push({ artifact, baseHash: artifact.fragmentBase === undefined ? undefined : partHash(undefined, artifact.fragmentBase) });
  });
  parts.push(nixAndLibraryText(sortedNix, context), server ? `  "bootServer": ${JSON.stringify(server)},\n` : '');
  const hosts = jsonKeyOrder(fleet.hosts);
  parts.push(hosts.length === 0 ? '  "hosts": {}' : '  "hosts": {\n');
  hosts.forEach((host, i) => parts.push(hostText(host, own.get(host.name)!, shared, nixDependenciesOf(host, context.nixFiles, sortedNix, host.name === server), memo !== undefined), i === hosts.length - 1 ? '\n  }' : ',\n'));
  parts.push('\n}\n');
  if (memo) memo.layout = { count: sorted.length, server, own, shared, hostIndex: new Map(hosts.map((h, i) => [h.name, 7 + 2 * sorted.length + 2 * i])) };
  return { path: MANIFEST_PATH, kind: 'manifest', contents: memo ? memo.join(parts) : parts.join('') };
}

/**
 * The last manifest's pieces and text: when only a few pieces changed (fleetc watch after an edit),
 * the new text is the old one with those pieces replaced — slices of the old string, which the
 * engine joins without copying until the text is written.
 */
export class ManifestMemo {
  private last: { parts: string[]; starts: Float64Array; contents: string } | undefined;
  /** Where the last manifest's pieces came from, for patchManifest. */
  layout: ManifestLayout | undefined;

  /** The last manifest's pieces (patchManifest starts from them). */
  lastParts(): readonly string[] | undefined {
    return this.last?.parts;
  }

  join(parts: string[]): string {
    const last = this.last;
    let contents: string | undefined;
    if (last && last.parts.length === parts.length) {
      const changed: number[] = [];
      for (let i = 0; i < parts.length && changed.length <= MAX_PATCHED_PIECES; i++) if (parts[i] !== last.parts[i]) changed.push(i);
      if (changed.length <= MAX_PATCHED_PIECES) {
        const out: string[] = [];
        let from = 0;
        for (const i of changed) {
          out.push(last.contents.slice(from, last.starts[i]!), parts[i]!);
          from = last.starts[i]! + last.parts[i]!.length;
        }
        out.push(last.contents.slice(from));
        contents = out.length === 1 ? out[0]! : out.reduce((a, b) => a + b);
      }
    }
    contents ??= parts.join('');
    const starts = new Float64Array(parts.length);
    for (let i = 1; i < parts.length; i++) starts[i] = starts[i - 1]! + parts[i - 1]!.length;
    this.last = { parts, starts, contents };
    return contents;
  }
}

/** Past this many changed pieces the text is joined anew. */
const MAX_PATCHED_PIECES = 256;

/** Hosts in the order JSON.stringify gives an object's keys: names that are array indices ("10") first, by number. */
export function jsonKeyOrder(hosts: readonly Host[]): readonly Host[] {
  if (!hosts.some((h) => /^(?:0|[1-9][0-9]{0,9})$/.test(h.name))) return hosts;
  const byName = new Map(hosts.map((h) => [h.name, h]));
  return Object.keys(Object.fromEntries(hosts.map((h) => [h.name, 0]))).map((name) => byName.get(name)!);
}

interface HostMade {
  own: Artifact[];
  /** Per shared file, in order: its path, the hash of its base, the host's own text. */
  shared: Array<[string, string | undefined, string | undefined]>;
  nix: string[];
  text: string;
}

/** Host entries rendered before, with what they were made of: most hosts are unchanged between two rebuilds. */
const hostTexts = new WeakMap<Host, HostMade>();

function hostText(host: Host, own: Artifact[], shared: ReadonlyArray<{ artifact: Artifact; baseHash: string | undefined }>, nix: string[], keep: boolean): string {
  const kept = hostTexts.get(host);
  if (kept && kept.nix === nix && kept.own.length === own.length && own.every((a, i) => kept.own[i] === a) && kept.shared.length === shared.length
    && shared.every(({ artifact, baseHash }, i) => kept.shared[i]![0] === artifact.path && kept.shared[i]![1] === baseHash && kept.shared[i]![2] === artifact.fragments![host.name])) {
    return kept.text;
  }
  const entries: Array<[string, ArtifactKind, string]> = own.map((a) => [a.path, a.kind, artifactHash(a)]);
  for (const { artifact, baseHash } of shared) {
    const fragment = artifact.fragments![host.name];
    if (fragment !== undefined) entries.push([`${artifact.path}#${host.name}`, artifact.kind, partHash(baseHash, fragment)]);
  }
  const text = hostEntryText(host, entries, nix);
  if (keep) hostTexts.set(host, { own, shared: shared.map(({ artifact, baseHash }) => [artifact.path, baseHash, artifact.fragments![host.name]]), nix, text });
  return text;
}

/** A host's member of "hosts" as JSON.stringify prints it: its artifacts (key, kind, sha256) sorted by key, then its nix/ files. */
export function hostEntryText(host: Host, entries: Array<[string, ArtifactKind, string]>, nix: readonly string[]): string {
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const lines = entries.map(([key, kind, hash]) => `        ${JSON.stringify(key)}: ${entryText(kind, hash, '        ')}`);
  return `    ${JSON.stringify(host.name)}: {\n      "profile": ${JSON.stringify(host.profile)},\n      "artifacts": ${block(lines, '      ')},\n      "nix": ${list(nix.map((file) => `        ${JSON.stringify(file)}`), '      ')}\n    }`;
}

/** The "nix" and "library" members, after "files". */
export function nixAndLibraryText(sortedNix: ReadonlyArray<readonly [string, string]>, context: EmitContext): string {
  return `,\n  "nix": ${indented(Object.fromEntries(sortedNix))},\n  "library": ${indented(Object.fromEntries(context.library.files))},\n`;
}

export function entryText(kind: ArtifactKind, hash: string, indent: string): string {
  return `{\n${indent}  "kind": ${JSON.stringify(kind)},\n${indent}  "sha256": "${hash}"\n${indent}}`;
}

/** An object's members, rendered, as JSON.stringify prints them at this indentation. */
function block(members: readonly string[], indent: string): string {
  return members.length === 0 ? '{}' : `{\n${members.join(',\n')}\n${indent}}`;
}

function list(items: readonly string[], indent: string): string {
  return items.length === 0 ? '[]' : `[\n${items.join(',\n')}\n${indent}]`;
}

/** A section's JSON at the manifest's second level. */
function indented(record: Record<string, string>): string {
  return JSON.stringify(record, null, 2).replace(/\n/g, '\n  ');
}

function isSortedByPath(artifacts: readonly Artifact[]): boolean {
  for (let i = 1; i < artifacts.length; i++) if (!(artifacts[i - 1]!.path < artifacts[i]!.path)) return false;
  return true;
}

/** nixDependencies, kept by the nix files and the profile's module list (hosts of a profile share it): the same array for the same inputs. */
const nixDependencyMemo = [false, true].map(() => new WeakMap<Map<string, string>, WeakMap<readonly string[], string[]>>());

export function nixDependenciesOf(host: Host, nixFiles: Map<string, string>, sorted: ReadonlyArray<readonly [string, string]>, bootServer: boolean): string[] {
  const memo = nixDependencyMemo[bootServer ? 1 : 0]!;
  let byModules = memo.get(nixFiles);
  if (!byModules) memo.set(nixFiles, (byModules = new WeakMap()));
  let deps = byModules.get(host.modules);
  if (!deps) byModules.set(host.modules, (deps = nixDependencies(host, sorted, bootServer)));
  return deps;
}

/**
 * Which hand-written Nix files shape a host: its profile's modules, and every shared file (anything
 * outside profiles/), since any host may import those — but the boot server's installer modules
 * (images/), which only the boot server host's configuration builds.
 */
export function nixDependencies(host: Host, sorted: ReadonlyArray<readonly [string, string]>, bootServer = false): string[] {
  const modules = new Set(host.modules);
  const deps: string[] = [];
  for (const [path] of sorted) {
    if (path.startsWith('images/') && !bootServer) continue;
    if (!path.startsWith('profiles/') || modules.has(path)) deps.push(path);
  }
  return deps;
}

export function sortedNixFiles(nixFiles: Map<string, string>): Array<[string, string]> {
  return [...nixFiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What buildManifest made the last manifest of: its files' count, the boot server, each host's artifacts, the shared files, each host's piece. */
interface ManifestLayout {
  count: number;
  server: string | undefined;
  own: Map<string, Artifact[]>;
  shared: Array<{ artifact: Artifact; baseHash: string | undefined }>;
  /** Each host's entry's index among the pieces. */
  hostIndex: Map<string, number>;
}

/**
 * buildManifest after a few artifacts were replaced at the same paths and a few hosts changed (fleetc
 * watch), from the memo of the last build: only those artifacts' lines and the entries of the hosts
 * they belong to (the boot server's for what it serves) are rendered again. Undefined when the change
 * is not of that kind (then build it in full); the text is the one buildManifest gives.
 */
export function patchManifest(fleet: Fleet, artifacts: readonly Artifact[], replaced: ReadonlyArray<{ index: number; before: Artifact }>, changedHosts: ReadonlyMap<string, Host>, context: EmitContext, memo: ManifestMemo): Artifact | undefined {
  const layout = memo.layout;
  const last = memo.lastParts();
  const server = fleet.boot.server !== undefined && fleet.hosts.some((h) => h.name === fleet.boot.server) ? fleet.boot.server : undefined;
  if (!layout || !last || layout.count !== artifacts.length || layout.count === 0 || layout.server !== server) return undefined;
  for (const { index, before } of replaced) {
    const after = artifacts[index]!;
    if (after.path !== before.path || after.host !== before.host || after.kind !== before.kind || Boolean(after.fragments) !== Boolean(before.fragments) || after.fragmentBase !== before.fragmentBase) return undefined;
  }
  const hosts = new Map(changedHosts);
  const hostOf = (name: string): Host | undefined => hosts.get(name) ?? (hosts.set(name, fleet.hosts.find((h) => h.name === name)!), hosts.get(name));
  for (const name of changedHosts.keys()) if (!layout.hostIndex.has(name)) return undefined;
  const parts = [...last];
  const sortedNix = sortedNixFiles(context.nixFiles);
  const count = layout.count;
  parts[1] = `  "generator": "fleetc",\n  "version": ${MANIFEST_VERSION},\n  "fleet": ${JSON.stringify(fleet.name)},\n`;
  parts[2] = context.source === undefined ? '' : `  "source": ${JSON.stringify(context.source)},\n`;
  parts[4 + 2 * count] = `,\n  "nix": ${indented(Object.fromEntries(sortedNix))},\n  "library": ${indented(Object.fromEntries(context.library.files))},\n`;
  // A new list: hostText keeps the one it rendered from to compare with.
  const swap = (name: string, before: Artifact, after: Artifact): void => {
    const list = layout.own.get(name);
    const at = list ? list.indexOf(before) : -1;
    if (at >= 0) layout.own.set(name, list!.map((a, i) => (i === at ? after : a)));
  };
  for (const { index, before } of replaced) {
    const after = artifacts[index]!;
    let line = fileLines.get(after);
    if (line === undefined) fileLines.set(after, (line = `    ${JSON.stringify(after.path)}: ${entryText(after.kind, artifactHash(after), '    ')}`));
    parts[4 + 2 * index] = line;
    if (after.host) {
      swap(after.host, before, after);
      hostOf(after.host);
    }
    if (server && after.host !== server && BOOT_SERVER_KINDS.has(after.kind)) {
      swap(server, before, after);
      hostOf(server);
    }
    // A host's fragment depends on that host and what is fleet-wide only: only changed hosts' differ.
    if (after.fragments) {
      const at = layout.shared.findIndex((entry) => entry.artifact === before);
      if (at >= 0) layout.shared[at] = { artifact: after, baseHash: layout.shared[at]!.baseHash };
    }
  }
  for (const [name, host] of hosts) {
    parts[layout.hostIndex.get(name)!] = hostText(host, layout.own.get(name)!, layout.shared, nixDependenciesOf(host, context.nixFiles, sortedNix, name === server), true);
  }
  return { path: MANIFEST_PATH, kind: 'manifest', contents: memo.join(parts) };
}
