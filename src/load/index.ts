// load: fleet files from disk (or git) → YAML documents with source positions.
export { readFleetDir, readTree, MAX_FILE_BYTES } from './read-dir.ts';
export { parseFleet, parseFile, kindOf } from './parse.ts';
export { locate } from './locate.ts';
export type * from './types.ts';
