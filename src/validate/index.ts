// validate: JSON Schema per file, then the cross-file semantic checks; diagnostics, never exceptions.
// A host file's own checks (host-checks.ts) depend on the file and on a few fleet-wide facts
// (HostContext); given a ValidationMemo, their findings are kept and only files that changed, or
// all when the context changed, are checked again. The fleet-wide rules run every time.
import type { Diagnostic, StageResult } from '../diagnostics/diagnostic.ts';
import type { LoadedDocument, LoadedFleet } from '../load/types.ts';
import type { FleetInput, HostInput, ProfileInput } from '../model/input.ts';
import { checkClaims, hostClaims } from './checks/addresses.ts';
import type { ClaimsIndex } from './claims-index.ts';
import type { PortsMemo } from './ports-memo.ts';
import { checkFirstBoot } from './checks/first-boot.ts';
import { checkBoot } from './checks/boot.ts';
import { checkHostKeys } from './checks/host-keys.ts';
import { checkInputs } from './checks/inputs.ts';
import { checkNames } from './checks/names.ts';
import { checkNetworks } from './checks/networks.ts';
import { checkPorts } from './checks/ports.ts';
import { checkReferences } from './checks/references.ts';
import { checkSecrets } from './checks/secrets.ts';
import { Reporter } from '../diagnostics/reporter.ts';
import type { Checked, CheckedFleet, HostContext } from './context.ts';
import { checkHost } from './host-checks.ts';
import type { ValidationMemo } from './memo.ts';
import { schemaDiagnostics } from './schema-errors.ts';
import { schemaFingerprint, schemaValidators } from './schemas.ts';

export type { Checked, CheckedFleet } from './context.ts';
export { ValidationMemo } from './memo.ts';

/**
 * Data that passed its kind's schema. Parse-cache data is frozen and shared between compiles (fleetc
 * watch, the two sides of a plan), so a file that did not change is not validated again.
 */
const passedSchema = new WeakMap<object, LoadedDocument['kind']>();

/** Where the fleet's files sit in the repository, for the checks that depend on it. */
export interface RepositoryLayout {
  /** The nix directory relative to the fleet repository root, '/'-separated (e.g. "nix"). */
  nixDirFromRoot: string;
}

/** Files known to pass their schema from earlier runs, by blob id (the parse cache keeps them). */
export interface SchemaRecord {
  passedSchema(id: string, kind: LoadedDocument['kind'], schemas: string): boolean;
  markPassed(id: string, kind: LoadedDocument['kind'], schemas: string): void;
}

/** What validation may reuse (each optional; the diagnostics are the same with or without them). */
export interface ValidationReuse {
  memo?: ValidationMemo;
  schemas?: SchemaRecord;
  /**
   * Host files known to find nothing of their own: the same file (path and blob) of a commit whose
   * build had no diagnostics, under the same fleet.yaml and profile files (a plan's head files
   * that are its clean base's).
   */
  knownClean?: (relPath: string, blobId: string) => boolean;
  /**
   * Every file is that of a commit whose build had no diagnostics, under this layout and this
   * fleetc (a plan's base whose committed manifest records the key of exactly these inputs): no
   * check can find anything, so none runs — the checks across files cost as much as a whole side.
   */
  cleanBuild?: boolean;
  /** The claims checks of earlier runs (fleetc watch): only what changed files claim is checked again. */
  claims?: ClaimsIndex;
  /** The ports check of earlier runs (fleetc watch): validate/ports-memo.ts. */
  ports?: PortsMemo;
}

export function validateFleet(loaded: LoadedFleet, layout?: RepositoryLayout, reuse: ValidationReuse = {}): StageResult<CheckedFleet> {
  const { memo, schemas: record, knownClean, cleanBuild } = reuse;
  const diagnostics: Diagnostic[] = [];
  const check = <T>(document: LoadedDocument): Checked<T> | undefined => {
    const data = document.data as object;
    if (cleanBuild) return { document, data: data as T, name: nameOf(document) };
    const kept = passedAs.get(document);
    if (kept) return kept as Checked<T>;
    if (passedSchema.get(data) === document.kind) return passed<T>(document);
    const id = record && Object.isFrozen(data) ? document.blobId : undefined;
    if (id !== undefined && record!.passedSchema(id, document.kind, schemaFingerprint())) {
      passedSchema.set(data, document.kind);
      return passed<T>(document);
    }
    const validate = schemaValidators()[document.kind];
    if (validate(document.data)) {
      if (Object.isFrozen(data)) passedSchema.set(data, document.kind);
      if (id !== undefined) record!.markPassed(id, document.kind, schemaFingerprint());
      return passed<T>(document);
    }
    diagnostics.push(...schemaDiagnostics(document, validate.errors ?? []));
    return undefined;
  };
  const fleet = loaded.fleet ? check<FleetInput>(loaded.fleet) : undefined;
  const checked: CheckedFleet = {
    fleet,
    profiles: loaded.profiles.map((d) => check<ProfileInput>(d)).filter((c) => c !== undefined),
    hosts: loaded.hosts.map((d) => check<HostInput>(d)).filter((c) => c !== undefined),
    nixFiles: loaded.nixFiles,
    allProfileNames: new Set(loaded.profiles.map(nameOf)),
    allHostNames: new Set(loaded.hosts.map(nameOf)),
  };
  if (cleanBuild) return { value: checked, diagnostics: [] };
  const report = new Reporter();
  checkNames(checked, report);
  checkReferences(checked, report);
  checkInputs(checked, report, layout);
  const context: HostContext = { fleet, networks: checkNetworks(checked, report), allProfileNames: checked.allProfileNames };
  memo?.useContext(context);
  const hosts = checked.hosts.map((host) => {
    const blobId = host.document.blobId;
    const found = memo?.get(host);
    const result = found ?? (blobId !== undefined && knownClean?.(host.document.relPath, blobId) ? { diagnostics: [], claims: hostClaims(host) } : checkHost(host, context));
    if (!found) memo?.set(host, result);
    report.diagnostics.push(...result.diagnostics);
    return { host, claims: result.claims };
  });
  if (reuse.claims) reuse.claims.check(checked, hosts, report);
  else checkClaims(checked, hosts, report);
  if (reuse.ports) reuse.ports.check(checked, report);
  else checkPorts(checked, report);
  checkFirstBoot(checked, report);
  checkSecrets(checked, report);
  checkBoot(checked, report);
  checkHostKeys(checked, report);
  return { value: checked, diagnostics: [...diagnostics, ...report.diagnostics] };
}

/**
 * A document that passed its schema, as Checked: the same object for the same document (fleetc
 * watch hands unchanged files' documents again), which later memos find by identity.
 */
const passedAs = new WeakMap<LoadedDocument, Checked<unknown>>();

function passed<T>(document: LoadedDocument): Checked<T> {
  const checked: Checked<T> = { document, data: document.data as T, name: nameOf(document) };
  if (Object.isFrozen(document.data)) passedAs.set(document, checked);
  return checked;
}

function nameOf(document: LoadedDocument): string {
  const name = (document.data as { name?: unknown }).name;
  return typeof name === 'string' ? name : document.stem;
}
