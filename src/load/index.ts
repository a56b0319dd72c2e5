// load: fleet files from disk (or git) → YAML documents with source positions.
export { readFleetDir, readFleetDirSync, readFleetFile, readNixDir, readTree, readTreeSync, MAX_FILE_BYTES } from './read-dir.ts';
export { parseFleet, parseFile, parseText, kindOf, fileStem, PARSER_VERSION } from './parse.ts';
export { ParseCache, blobIdOf, blobIdOfFile } from './parse-cache.ts';
export { loadParseCache, saveParseCache, defaultCacheDir, CACHE_DIR_NAME } from './cache-store.ts';
export { locate } from './locate.ts';
export type * from './types.ts';
