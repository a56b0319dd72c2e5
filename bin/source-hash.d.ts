// Types of source-hash.js (plain JavaScript: bin/ runs before tsx is loaded).
export function sourceHash(dir: string): string;
