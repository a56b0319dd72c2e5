// fleetc plan: what a change does to each machine, between a base revision and the head (default:
// the working tree), as text, Markdown for the pull request, or JSON for apply.
import { writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { GitError } from '../../git/repository.ts';
import { describeFileSystemError, isFileSystemError } from '../../write/index.ts';
import { computePlan } from '../../plan/revisions.ts';
import { hasChanges, type Plan } from '../../plan/types.ts';
import { addCacheOptions, addPathOptions, cacheDirFrom, pathsFrom } from '../arguments.ts';
import { EXIT } from '../exit-codes.ts';
import type { Io } from '../io.ts';
import { renderDiagnostics } from '../views/diagnostics.ts';
import { renderPlanMarkdown } from '../views/plan-markdown.ts';
import { renderPlanText } from '../views/plan-text.ts';
import { closuresOf } from './plan-closures.ts';
import { renderClosuresMarkdown, renderClosuresText } from '../views/plan-closures.ts';

export const PLAN_FORMATS = ['text', 'markdown', 'json'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

/** --detailed-exitcode: 0 no changes, 1 error, 2 changes (like terraform plan). */
export const EXIT_PLAN_HAS_CHANGES = 2;

export function renderPlan(plan: Plan, format: PlanFormat, options: { diffs: boolean } = { diffs: true }): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(plan, null, 2)}\n`;
    case 'markdown':
      return renderPlanMarkdown(plan);
    case 'text':
      return renderPlanText(plan, options);
  }
}

export function registerPlan(program: Command, io: Io, setExit: (code: number) => void): void {
  const command = program
    .command('plan')
    .description('show what a change does to each host: compile the fleet at two revisions and compare')
    .requiredOption('--base <rev>', 'the revision to compare against (e.g. origin/main, HEAD)')
    .option('--head <rev>', 'the revision to plan (default: the working tree, uncommitted edits included)')
    .addOption(new Option('--format <format>', 'output format').choices(PLAN_FORMATS).default('text'))
    .option('--plan-file <file>', 'also write the plan to this file, in --plan-format')
    .addOption(new Option('--plan-format <format>', 'format of --plan-file').choices(PLAN_FORMATS).default('json'))
    .option('--no-diff', 'text format: reasons only, without the artifact diffs')
    .option('--allow-invalid-base', 'plan against an empty fleet when the base revision\'s fleet has errors')
    .option('--detailed-exitcode', 'exit 2 when the plan has changes, 0 when it has none')
    .option('--full-base', 'compile both revisions in full instead of taking unchanged hosts from the base commit\'s committed output')
    .option('--list-unchanged', 'json: list the unchanged hosts with their artifact hashes too, instead of by name with a reference to the base commit\'s committed manifest.json')
    .option('--closures', 'also evaluate and build, with Nix, the hosts whose system changes, and show each one\'s store path, package and closure-size change (text and Markdown)')
    .option('--builders <spec>', 'with --closures: Nix builders (nix --builders; default: those of nix.conf)');
  addPathOptions(command);
  addCacheOptions(command);
  command.action(async (options: Record<string, unknown>) => {
    const format = options.format as PlanFormat;
    let outcome;
    try {
      outcome = await computePlan({
        base: String(options.base),
        head: options.head === undefined ? undefined : String(options.head),
        paths: pathsFrom(options),
        allowInvalidBase: Boolean(options.allowInvalidBase),
        cwd: process.cwd(),
        cacheDir: cacheDirFrom(options),
        fullBase: Boolean(options.fullBase),
        listUnchanged: Boolean(options.listUnchanged),
      });
    } catch (error) {
      if (!(error instanceof GitError)) throw error;
      io.stderr(`fleetc plan: ${error.message}\n`);
      return setExit(EXIT.failed);
    }
    if (!outcome.ok) {
      if (outcome.failed) io.stderr(renderDiagnostics('text', outcome.failed.diagnostics, outcome.failed.sources));
      io.stderr(`fleetc plan: ${outcome.reason}\n`);
      return setExit(EXIT.failed);
    }
    for (const warning of outcome.warnings) io.stderr(renderDiagnostics('text', warning.diagnostics, warning.sources));
    io.stdout(renderPlan(outcome.plan, format, { diffs: options.diff !== false }));
    if (options.closures) {
      const section = await closuresOf(outcome.plan, pathsFrom(options), options.builders as string | undefined);
      if (format === 'json') io.stderr(renderClosuresText(section));
      else io.stdout(format === 'markdown' ? renderClosuresMarkdown(section) : renderClosuresText(section));
    }
    if (options.planFile) {
      try {
        await writeFile(String(options.planFile), renderPlan(outcome.plan, options.planFormat as PlanFormat));
      } catch (error) {
        if (!isFileSystemError(error)) throw error;
        io.stderr(`fleetc plan: cannot write the plan file ${String(options.planFile)}: ${describeFileSystemError(error)}\n`);
        return setExit(EXIT.failed);
      }
    }
    setExit(options.detailedExitcode && hasChanges(outcome.plan) ? EXIT_PLAN_HAS_CHANGES : EXIT.ok);
  });
}
