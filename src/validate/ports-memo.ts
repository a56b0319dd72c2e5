// checkPorts kept between runs (fleetc watch): it reads fleet.yaml, the profiles, and of each host
// only its profile and its boot interface's network, so each host's pair is kept by its file, and
// while fleet.yaml, the profiles and the set of pairs stay the same, so do its findings.
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { Reporter } from '../diagnostics/reporter.ts';
import type { HostInput } from '../model/input.ts';
import { bootNetworksOfPairs, bootPair, checkPorts } from './checks/ports.ts';
import type { Checked, CheckedFleet } from './context.ts';

export class PortsMemo {
  private pairs = new Map<string, { data: HostInput; pair: string | undefined }>();
  private last: { fleetData: unknown; profiles: unknown[]; pairs: string; diagnostics: Diagnostic[] } | undefined;

  check(fleet: CheckedFleet, report: Reporter): void {
    const seen = new Set<string>();
    const files = new Set<string>();
    for (const host of fleet.hosts) {
      const file = host.document.relPath;
      files.add(file);
      let kept = this.pairs.get(file);
      if (kept?.data !== host.data) this.pairs.set(file, (kept = { data: host.data, pair: pairKey(host) }));
      if (kept.pair !== undefined) seen.add(kept.pair);
    }
    if (files.size !== this.pairs.size) for (const file of this.pairs.keys()) if (!files.has(file)) this.pairs.delete(file);
    const pairs = [...seen].sort().join('\n');
    const profiles = fleet.profiles.map((p) => p.data);
    const last = this.last;
    if (last && last.fleetData === fleet.fleet?.data && last.pairs === pairs && last.profiles.length === profiles.length && last.profiles.every((p, i) => p === profiles[i])) {
      report.diagnostics.push(...last.diagnostics);
      return;
    }
    const own = new Reporter();
    checkPorts(fleet, own, bootNetworksOfPairs(fleet, [...seen].map((key) => key.split('\0') as [string, string])));
    this.last = { fleetData: fleet.fleet?.data, profiles, pairs, diagnostics: own.diagnostics };
    report.diagnostics.push(...own.diagnostics);
  }
}

function pairKey(host: Checked<HostInput>): string | undefined {
  const pair = bootPair(host);
  return pair && `${pair[0]}\0${pair[1]}`;
}
