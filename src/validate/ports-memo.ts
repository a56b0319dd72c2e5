// checkPorts kept between runs (fleetc watch): it reads fleet.yaml, the profiles, and of each host
// only its profile and its boot interface's network, so each host's pair is kept by its file, and
// while fleet.yaml, the profiles and the set of pairs stay the same, so do its findings.
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { Reporter } from '../diagnostics/reporter.ts';
import { Tally } from '../util/tally.ts';
import type { HostInput } from '../model/input.ts';
import { bootNetworksOfPairs, bootPair, checkPorts } from './checks/ports.ts';
import type { Checked, CheckedFleet } from './context.ts';

export class PortsMemo {
  /** The hosts of the last run, in order, and each one's pair; how many hosts have each pair. */
  private hosts: ReadonlyArray<Checked<HostInput>> = [];
  private hostPairs: Array<string | undefined> = [];
  private counts = new Tally();
  private last: { fleetData: unknown; profiles: unknown[]; pairs: string; diagnostics: Diagnostic[] } | undefined;

  check(fleet: CheckedFleet, report: Reporter): void {
    this.countPairs(fleet.hosts);
    const seen = this.counts.keys();
    const pairs = seen.join('\n');
    const profiles = fleet.profiles.map((p) => p.data);
    const last = this.last;
    if (last && last.fleetData === fleet.fleet?.data && last.pairs === pairs && last.profiles.length === profiles.length && last.profiles.every((p, i) => p === profiles[i])) {
      report.diagnostics.push(...last.diagnostics);
      return;
    }
    const own = new Reporter();
    checkPorts(fleet, own, bootNetworksOfPairs(fleet, seen.map((key) => key.split('\0') as [string, string])));
    this.last = { fleetData: fleet.fleet?.data, profiles, pairs, diagnostics: own.diagnostics };
    report.diagnostics.push(...own.diagnostics);
  }

  /**
   * The pairs' counts for these hosts: moved for the hosts that are not the last run's at their
   * place (validate hands an unchanged document's Checked object again), counted anew when the
   * hosts are not the same number.
   */
  private countPairs(hosts: ReadonlyArray<Checked<HostInput>>): void {
    if (hosts.length !== this.hosts.length) {
      this.counts = new Tally();
      this.hostPairs = hosts.map((host) => pairKey(host));
      for (const pair of this.hostPairs) this.counts.add(pair);
    } else {
      hosts.forEach((host, i) => {
        if (host === this.hosts[i]) return;
        const pair = pairKey(host);
        this.counts.add(this.hostPairs[i], -1);
        this.counts.add(pair);
        this.hostPairs[i] = pair;
      });
    }
    this.hosts = hosts;
  }
}

function pairKey(host: Checked<HostInput>): string | undefined {
  const pair = bootPair(host);
  return pair && `${pair[0]}\0${pair[1]}`;
}
