// A fleet held in memory as raw files (what load reads from disk or git), with the example fleet's nix/.
import { readNixDir } from '../../src/load/read-dir.ts';
import type { RawFleet } from '../../src/load/types.ts';
import { EXAMPLE_NIX } from './paths.ts';

const nix = readNixDir(EXAMPLE_NIX);

export function rawOf(files: Record<string, string>, nixFiles: Pick<RawFleet, 'nixFiles' | 'nixSources'> = nix): RawFleet {
  const encoder = new TextEncoder();
  return {
    displayDir: 'fleet',
    files: Object.keys(files).sort().map((relPath) => ({ relPath, displayPath: `fleet/${relPath}`, bytes: encoder.encode(files[relPath]!) })),
    problems: [],
    nixFiles: nixFiles.nixFiles,
    nixSources: nixFiles.nixSources,
  };
}

/**
 * rawOf, keeping each file object of `previous` whose text is unchanged, as fleetc watch keeps the
 * files an edit did not touch: what the stages' memos, keyed by the identity of parsed documents,
 * data and hosts, then find again.
 */
export function rawKeeping(previous: RawFleet | undefined, files: Record<string, string>, nixFiles: Pick<RawFleet, 'nixFiles' | 'nixSources'> = nix): RawFleet {
  const fresh = rawOf(files, nixFiles);
  if (!previous) return fresh;
  const kept = new Map(previous.files.map((f) => [f.relPath, f]));
  const decoder = new TextDecoder();
  return { ...fresh, files: fresh.files.map((f) => {
    const old = kept.get(f.relPath);
    return old?.bytes && decoder.decode(old.bytes) === files[f.relPath] ? old : f;
  }) };
}
