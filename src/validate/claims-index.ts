// checkClaims kept between runs (fleetc watch): the hosts that claim each MAC, address and BMC, and
// the diagnostics of each. What a key reports depends only on the claims of that key, in fleet order
// (and, for an address, on which hosts' BMCs are first for their own key), so after an edit only the
// keys the changed files claim, claimed before or claim now, are checked again. The diagnostics are
// checkClaims's (test/compile/incremental.test.ts compares with full builds).
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { Reporter } from '../diagnostics/reporter.ts';
import type { HostInput } from '../model/input.ts';
import { checkClaims, type Claim, type HostClaims } from './checks/addresses.ts';
import type { Checked, CheckedFleet } from './context.ts';

type Claimant = { host: Checked<HostInput>; claims: HostClaims };

export class ClaimsIndex {
  /** Each host file's claims at the last run, by path. */
  private byFile = new Map<string, HostClaims>();
  /** "mac:", "ip:" or "bmc:" and the key → the files claiming it (an ip: also the BMC at that address). */
  private claimants = new Map<string, Set<string>>();
  private diagnostics = new Map<string, Diagnostic[]>();
  private fleetData: unknown;
  private ready = false;
  /** The files at the last run, in order, and each one's position. */
  private paths: string[] = [];
  private position = new Map<string, number>();

  /** checkClaims's diagnostics for these hosts, checking again only what the changed files claim. */
  check(fleet: CheckedFleet, hosts: readonly Claimant[], report: Reporter): void {
    const fleetData = fleet.fleet?.data;
    if (!this.ready || fleetData !== this.fleetData) this.reset(fleetData);
    // Where each file is: the last run's positions while the files are the same, in the same order (an edit).
    const samePaths = this.paths.length === hosts.length && hosts.every((claimant, i) => claimant.host.document.relPath === this.paths[i]);
    if (!samePaths) {
      this.paths = hosts.map((claimant) => claimant.host.document.relPath);
      this.position = new Map(this.paths.map((file, i) => [file, i]));
    }
    const position = this.position;
    // Two documents at one path (never from a fleet directory): no index can tell them apart.
    if (position.size !== hosts.length) {
      this.ready = false;
      this.paths = [];
      return checkAll(fleet, hosts, report);
    }
    const claimantOf = (file: string): Claimant => hosts[position.get(file)!]!;
    const dirty = new Set<string>();
    const drop = (file: string, claims: HostClaims): void => {
      for (const key of keysOf(claims)) {
        dirty.add(key);
        this.claimants.get(key)?.delete(file);
      }
      this.byFile.delete(file);
    };
    const add = (file: string, claims: HostClaims): void => {
      this.byFile.set(file, claims);
      for (const key of keysOf(claims)) {
        dirty.add(key);
        let set = this.claimants.get(key);
        if (!set) this.claimants.set(key, (set = new Set()));
        set.add(file);
      }
    };
    if (samePaths) {
      // The same files: only those whose claims are not the recorded ones.
      hosts.forEach(({ claims }, i) => {
        const file = this.paths[i]!;
        const recorded = this.byFile.get(file);
        if (recorded === claims) return;
        if (recorded) drop(file, recorded);
        add(file, claims);
      });
    } else {
      for (const [file, claims] of this.byFile) if (!position.has(file) || claimantOf(file).claims !== claims) drop(file, claims);
      for (const { host, claims } of hosts) if (!this.byFile.has(host.document.relPath)) add(host.document.relPath, claims);
    }
    // Which BMC is first for its key decides whether its address is claimed.
    for (const key of [...dirty]) {
      if (!key.startsWith('bmc:')) continue;
      for (const file of this.claimants.get(key) ?? []) {
        const bmc = this.byFile.get(file)!.bmc!;
        if (bmc.isIpv4) dirty.add(`ip:${bmc.address}`);
      }
    }
    for (const key of dirty) {
      const files = [...(this.claimants.get(key) ?? [])].sort((a, b) => position.get(a)! - position.get(b)!);
      if (files.length === 0) this.claimants.delete(key);
      const found = this.checkKey(fleet, key, files.map(claimantOf), position);
      if (found.length > 0) this.diagnostics.set(key, found);
      else this.diagnostics.delete(key);
    }
    for (const found of this.diagnostics.values()) report.diagnostics.push(...found);
  }

  private reset(fleetData: unknown): void {
    this.byFile = new Map();
    this.claimants = new Map();
    this.diagnostics = new Map();
    this.fleetData = fleetData;
    this.ready = true;
  }

  /** checkClaims on the claims of one key only. */
  private checkKey(fleet: CheckedFleet, key: string, claimants: readonly Claimant[], position: ReadonlyMap<string, number>): Diagnostic[] {
    const report = new Reporter();
    const [kind, value] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    const only = claimants.map(({ host, claims }) => {
      const keep = (c: Claim) => c.kind === kind && c.key === value;
      let bmc = claims.bmc;
      if (bmc && !(kind === 'bmc' ? bmc.key === value : kind === 'ip' && bmc.isIpv4 && bmc.address === value)) bmc = undefined;
      // An address claimed by a BMC only when that BMC is the first of its key.
      if (bmc && kind === 'ip' && !this.firstOfBmc(host.document.relPath, bmc.key, position)) bmc = undefined;
      // A BMC's own key: its address is the ip: key's to check.
      if (bmc && kind === 'bmc') bmc = { ...bmc, isIpv4: false };
      return { host, claims: { claims: claims.claims.filter(keep), ...(bmc ? { bmc } : {}) } };
    });
    checkAll(fleet, only, report, kind === 'ip' ? value : undefined);
    return report.diagnostics;
  }

  private firstOfBmc(file: string, key: string, position: ReadonlyMap<string, number>): boolean {
    let first: string | undefined;
    for (const other of this.claimants.get(`bmc:${key}`) ?? []) if (first === undefined || position.get(other)! < position.get(first)!) first = other;
    return first === file;
  }
}

/**
 * The claims of these hosts checked across them, as checkClaims does; with `address`, only that
 * address is checked (a BMC kept for it claims it, and its own duplicates are not reported again).
 */
function checkAll(fleet: CheckedFleet, hosts: readonly Claimant[], report: Reporter, address?: string): void {
  if (address === undefined) return checkClaims(fleet, hosts, report);
  // A BMC kept only for its address: its key is made unique so that checkClaims lets it claim.
  const unique = hosts.map(({ host, claims }, i) => ({ host, claims: claims.bmc ? { ...claims, bmc: { ...claims.bmc, key: `\0${i}` } } : claims }));
  checkClaims(fleet, unique, report);
}

function keysOf(claims: HostClaims): string[] {
  const keys = claims.claims.map((c) => `${c.kind}:${c.key}`);
  if (claims.bmc) {
    keys.push(`bmc:${claims.bmc.key}`);
    if (claims.bmc.isIpv4) keys.push(`ip:${claims.bmc.address}`);
  }
  return keys;
}
