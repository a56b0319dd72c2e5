// The summary of a build or a build --check.
import path from 'node:path';
import type { FileChange } from '../../write/index.ts';

export interface BuildSummary {
  outDir: string;
  /** The fleet repository root, where root files (the flake) are written. */
  rootDir: string;
  check: boolean;
  changes: FileChange[];
  hosts: number;
  files: number;
  milliseconds: number;
}

export function renderBuildResult(summary: BuildSummary): string {
  const { outDir, check, changes } = summary;
  const timing = `${summary.hosts} hosts, ${summary.files} files, ${Math.round(summary.milliseconds)} ms`;
  if (changes.length === 0) return `${outDir} is up to date (${timing})\n`;
  const count = (kind: FileChange['change']) => changes.filter((c) => c.change === kind).length;
  const counts = `${count('added')} added, ${count('modified')} modified, ${count('removed')} removed`;
  const root = path.relative(process.cwd(), summary.rootDir);
  const shown = (c: FileChange) => (c.root ? (root ? `${root}/${c.path}` : c.path) : `${outDir}/${c.path}`);
  if (!check) return `wrote ${outDir}: ${counts} (${timing})\n`;
  const list = changes.map((c) => `  ${c.change.padEnd(8)} ${shown(c)}\n`).join('');
  const rootFiles = changes.some((c) => c.root) ? ` and the root files` : '';
  return `${outDir} is out of date: ${counts}\n${list}hint: run \`fleetc build\` and commit ${outDir}${rootFiles}\n`;
}
