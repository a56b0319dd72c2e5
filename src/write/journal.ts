// The write journal: the list of file steps that turn the old output into the new one, written
// before the first step, so that a write interrupted at any point (a SIGKILL, a power cut) is
// finished or undone by the next fleetc. The output directory stays in place throughout: each file
// is renamed into place on its own, the old version kept (hard-linked) in the staging directory
// until the whole patch is done, so every step can be undone.
//
// Layout, for the output directory <parent>/generated and the root directory <root>:
//   <parent>/.generated.journal-<id>         the journal (written atomically)
//   <parent>/.generated.tmp-<id>/out/new/…   staged new output files (or the whole new tree)
//   <parent>/.generated.tmp-<id>/out/old/…   old versions of replaced and removed output files
//   <root>/.generated.tmp-<id>/root/{new,old} the same for root files (same directory when <root> is <parent>)
import fs from 'node:fs';
import path from 'node:path';

export type Base = 'out' | 'root';

/**
 * add: a new file; replace: a new version of a file; remove: a stale file; whole: the new output
 * directory as a whole (a first build: the staged tree is renamed into place).
 */
export type StepOp = 'add' | 'replace' | 'remove' | 'whole';

export interface Step {
  base: Base;
  /** '/'-separated path under the base directory ('' for whole). */
  path: string;
  op: StepOp;
}

export interface Journal {
  version: 2;
  /** The root directory, relative to the journal's directory. */
  rootDir: string;
  /** forward: finish the patch; undo: put every old file back (a failed write decided so). */
  direction: 'forward' | 'undo';
  steps: Step[];
}

export const JOURNAL_VERSION = 2;

/** Where one write keeps its journal and staged files. */
export class WriteLayout {
  readonly outDir: string;
  readonly rootDir: string;
  readonly journalPath: string;

  constructor(
    outDir: string,
    rootDir: string,
    readonly id: string,
  ) {
    this.outDir = path.resolve(outDir);
    this.rootDir = path.resolve(rootDir);
    this.journalPath = path.join(path.dirname(this.outDir), `${prefixOf(this.outDir)}journal-${id}`);
  }

  /** The staging directory of a base's parent: holds out/ and root/ subtrees. */
  stagingDir(base: Base): string {
    return path.join(base === 'out' ? path.dirname(this.outDir) : this.rootDir, `${prefixOf(this.outDir)}tmp-${this.id}`);
  }

  baseDir(base: Base): string {
    return base === 'out' ? this.outDir : this.rootDir;
  }

  target(step: Step): string {
    return step.op === 'whole' ? this.outDir : path.join(this.baseDir(step.base), step.path);
  }

  /** A first build stages every file: the directory of new files is joined once per base, each path appended. */
  private readonly newDirs: Partial<Record<Base, string>> = {};

  staged(step: Step): string {
    const dir = (this.newDirs[step.base] ??= path.join(this.stagingDir(step.base), step.base, 'new'));
    // Step paths are checked: relative, '/'-separated, no empty, '.' or '..' segment (what path.join would change).
    return step.path === '' ? dir : `${dir}${path.sep}${path.sep === '/' ? step.path : step.path.split('/').join(path.sep)}`;
  }

  backup(step: Step): string {
    return path.join(this.stagingDir(step.base), step.base, 'old', step.path);
  }

  /** Removes the staging directories (after the patch is done or undone). */
  removeStaging(): void {
    for (const base of ['out', 'root'] as const) fs.rmSync(this.stagingDir(base), { recursive: true, force: true });
  }
}

/** ".generated." for generated/: the start of every name the writer puts beside it. */
export function prefixOf(outDir: string): string {
  return `.${path.basename(path.resolve(outDir))}.`;
}

export function writeJournal(layout: WriteLayout, journal: Journal): void {
  const temp = path.join(path.dirname(layout.outDir), `${prefixOf(layout.outDir)}tmp-${layout.id}.journal`);
  fs.writeFileSync(temp, JSON.stringify(journal));
  fs.renameSync(temp, layout.journalPath);
}

/** The journal at a path, or undefined when it is unreadable (it is written atomically: then no step began). */
export function readJournal(file: string): Journal | undefined {
  try {
    const journal = JSON.parse(fs.readFileSync(file, 'utf8')) as Journal;
    return journal.version === JOURNAL_VERSION && Array.isArray(journal.steps) ? journal : undefined;
  } catch {
    return undefined;
  }
}

/** True when the step's effect is in the tree. */
export function isDone(layout: WriteLayout, step: Step): boolean {
  switch (step.op) {
    case 'add':
    case 'replace':
    case 'whole':
      return !lexists(layout.staged(step));
    case 'remove': {
      // The old file is kept aside once it is removed; a directory there now is a later step's.
      if (lexists(layout.backup(step))) return true;
      const stat = lstat(layout.target(step));
      return !stat || stat.isDirectory();
    }
  }
}

/** True when no step has touched the tree yet (then dropping the journal leaves the old tree). */
export function untouched(layout: WriteLayout, journal: Journal): boolean {
  return journal.steps.every((step) => !isDone(layout, step) && !(step.op === 'replace' && lexists(layout.backup(step))));
}

/** Applies every step not yet done, in order; afterStep runs after each one this call makes. */
export function rollForward(layout: WriteLayout, journal: Journal, afterStep: () => void = () => {}): void {
  for (const step of journal.steps) {
    if (isDone(layout, step)) continue;
    doStep(layout, step);
    afterStep();
  }
}

/** Puts back the old version of every file a step touched, last step first. */
export function undo(layout: WriteLayout, journal: Journal): void {
  for (const step of [...journal.steps].reverse()) undoStep(layout, step);
}

function doStep(layout: WriteLayout, step: Step): void {
  const target = layout.target(step);
  switch (step.op) {
    case 'whole':
      fs.renameSync(layout.staged(step), target);
      return;
    case 'add':
      makeParents(layout.baseDir(step.base), step.path);
      fs.renameSync(layout.staged(step), target);
      return;
    case 'replace': {
      const backup = layout.backup(step);
      if (!lexists(backup)) keepOld(target, backup);
      fs.renameSync(layout.staged(step), target);
      return;
    }
    case 'remove': {
      const backup = layout.backup(step);
      fs.mkdirSync(path.dirname(backup), { recursive: true });
      fs.renameSync(target, backup);
      if (step.base === 'out') pruneEmptyParents(layout.outDir, step.path);
      return;
    }
  }
}

function undoStep(layout: WriteLayout, step: Step): void {
  const target = layout.target(step);
  const backup = layout.backup(step);
  switch (step.op) {
    case 'whole':
      if (isDone(layout, step) && lexists(target)) fs.renameSync(target, layout.staged(step));
      return;
    case 'add':
      if (!isDone(layout, step)) return;
      fs.rmSync(target, { force: true });
      if (step.base === 'out') pruneEmptyParents(layout.outDir, step.path);
      return;
    case 'replace':
      if (!lexists(backup)) return; // never touched, or undone already
      if (isDone(layout, step)) fs.renameSync(backup, target);
      else fs.rmSync(backup, { force: true }); // kept, but the new file never went in
      return;
    case 'remove':
      if (!lexists(backup)) return;
      makeParents(layout.baseDir(step.base), step.path);
      fs.renameSync(backup, target);
      return;
  }
}

/** Keeps the old version of a file aside without copying it: a second name for the same inode. */
function keepOld(file: string, backup: string): void {
  fs.mkdirSync(path.dirname(backup), { recursive: true });
  try {
    fs.linkSync(file, backup);
  } catch (error) {
    // Some file systems (and protected_hardlinks for files of another user) refuse links.
    if (!['EPERM', 'EXDEV', 'ENOTSUP', 'EMLINK', 'EOPNOTSUPP'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    fs.copyFileSync(file, backup, fs.constants.COPYFILE_EXCL);
  }
}

/**
 * Creates the parent directories of a file under root. A non-directory where a directory must be is
 * not fleetc's to delete (a stale file of the old output is removed by its own step first).
 */
function makeParents(root: string, file: string): void {
  const dir = path.posix.dirname(file);
  if (dir !== '.') fs.mkdirSync(path.join(root, dir), { recursive: true });
}

function pruneEmptyParents(root: string, file: string): void {
  for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) {
    try {
      fs.rmdirSync(path.join(root, dir));
    } catch {
      return; // not empty (or already gone)
    }
  }
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function lexists(p: string): boolean {
  return lstat(p) !== undefined;
}
