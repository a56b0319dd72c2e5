// The summary of a build or a build --check.
import type { FileChange } from '../../write/index.ts';

export interface BuildSummary {
  outDir: string;
  /** The fleet root as shown to the user, for flake.nix and flake.lock. */
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
  if (!check) return `wrote ${outDir}: ${counts} (${timing})\n`;
  const list = changes.map((c) => `  ${c.change.padEnd(8)} ${c.root ? (summary.rootDir === '.' ? '' : `${summary.rootDir}/`) : `${outDir}/`}${c.path}\n`).join('');
  return `${outDir} is out of date: ${counts}\n${list}hint: run \`fleetc build\` and commit ${outDir}\n`;
}
