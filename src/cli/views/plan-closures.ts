// The plan's closures section (plan --closures): per host the system's store path change, the
// packages whose versions changed, were added or removed (nvd-style [C] [A] [R]) and the closure size, as text or Markdown.
import type { ClosureDiff, PackageChange } from '../../apply/closure-diff.ts';

export interface ClosuresSection {
  diffs: ClosureDiff[];
  /** Hosts that could not be evaluated or built, with why. */
  problems: string[];
}

function size(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${bytes < 0 ? '-' : ''}${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

function packageLine(change: PackageChange): string {
  switch (change.kind) {
    case 'changed':
      return `[C] ${change.name} ${change.from.join(', ')} → ${change.to.join(', ')}`;
    case 'added':
      return `[A] ${change.name} ${change.to.join(', ')}`;
    case 'removed':
      return `[R] ${change.name} ${change.from.join(', ')}`;
  }
}

function hostLines(d: ClosureDiff): string[] {
  const sizes = d.baseSize !== undefined ? `${size(d.baseSize)} → ${size(d.headSize)} (${d.headSize >= d.baseSize ? '+' : ''}${size(d.headSize - d.baseSize)})` : `${size(d.headSize)} (new)`;
  return [
    `${d.host}: ${d.base ?? '(no system yet)'} → ${d.head}`,
    ...d.packages.map((p) => `  ${packageLine(p)}`),
    ...(d.packages.length === 0 ? ['  no package version changed'] : []),
    ...(d.otherPathsChanged > 0 ? [`  and ${d.otherPathsChanged} unversioned path(s) (configuration, units)`] : []),
    `  closure: ${sizes}`,
  ];
}

export function renderClosuresText(section: ClosuresSection): string {
  const lines = ['', 'Closures (evaluated and built with Nix):', ...section.diffs.flatMap(hostLines), ...section.problems.map((p) => `  ! ${p}`)];
  return `${lines.join('\n')}\n`;
}

export function renderClosuresMarkdown(section: ClosuresSection): string {
  const body = section.diffs.map((d) => `<details><summary><code>${d.host}</code>: ${d.packages.length} package change(s), closure ${d.baseSize !== undefined ? `${size(d.baseSize)} → ` : ''}${size(d.headSize)}</summary>\n\n\`\`\`\n${hostLines(d).join('\n').replace(/```/g, "'''")}\n\`\`\`\n\n</details>`);
  const problems = section.problems.map((p) => `- :warning: ${p.replace(/[<>]/g, (c) => (c === '<' ? '&lt;' : '&gt;'))}`);
  return `\n### Closures\n\n${[...body, ...problems].join('\n') || 'No host\'s system changes.'}\n`;
}
