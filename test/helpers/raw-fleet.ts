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
