// manifest.json: every file's hash, and per host the hashes of everything it depends on — what plan diffs.
import { createHash } from 'node:crypto';
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

export function buildManifest(fleet: Fleet, artifacts: readonly Artifact[], context: EmitContext): Artifact {
  const sortedNix = sortedNixFiles(context.nixFiles);
  const server = fleet.boot.server !== undefined && fleet.hosts.some((h) => h.name === fleet.boot.server) ? fleet.boot.server : undefined;
  const manifest: Manifest = { generator: 'fleetc', version: MANIFEST_VERSION, fleet: fleet.name, files: {}, nix: Object.fromEntries(sortedNix), library: Object.fromEntries(context.library.files), ...(server ? { bootServer: server } : {}), hosts: {} };
  for (const host of fleet.hosts) manifest.hosts[host.name] = { profile: host.profile, artifacts: {}, nix: nixDependencies(host, sortedNix, host.name === server) };
  for (const artifact of [...artifacts].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const entry: ManifestEntry = { kind: artifact.kind, sha256: artifactHash(artifact) };
    manifest.files[artifact.path] = entry;
    if (artifact.host) manifest.hosts[artifact.host]!.artifacts[artifact.path] = entry;
    if (server && BOOT_SERVER_KINDS.has(artifact.kind)) manifest.hosts[server]!.artifacts[artifact.path] = entry;
    // The shared base is hashed once; a host's part is identified by that hash and its own text.
    const base = artifact.fragmentBase === undefined ? '' : `${fragmentHash(artifact.fragmentBase)}\n`;
    for (const [host, fragment] of Object.entries(artifact.fragments ?? {})) {
      manifest.hosts[host]!.artifacts[`${artifact.path}#${host}`] = { kind: artifact.kind, sha256: fragmentHash(base + fragment) };
    }
  }
  for (const host of Object.values(manifest.hosts)) host.artifacts = sortKeys(host.artifacts);
  return { path: MANIFEST_PATH, kind: 'manifest', contents: `${JSON.stringify(manifest, null, 2)}\n` };
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

function sortedNixFiles(nixFiles: Map<string, string>): Array<[string, string]> {
  return [...nixFiles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  const keys = Object.keys(record);
  // Usually already in order (artifacts are visited by path): then there is nothing to rebuild.
  if (keys.every((key, i) => i === 0 || keys[i - 1]! < key)) return record;
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
