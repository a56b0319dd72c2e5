// What validation keeps between runs (fleetc watch, the two sides of a plan): each host file's own
// findings, by its parsed data (shared and frozen by the parse cache, so the same object means the
// same bytes) and path, for as long as the fleet-wide facts they read (HostContext) stay the same.
import type { HostInput } from '../model/input.ts';
import type { Checked, HostContext } from './context.ts';
import type { HostFindings } from './host-checks.ts';

interface ContextKey {
  /** fleet.yaml's data (a frozen parse-cache object), or undefined when it failed its schema. */
  fleetData: unknown;
  profileNames: string;
}

export class ValidationMemo {
  private context: ContextKey | undefined;
  private findings = new WeakMap<object, Map<string, HostFindings>>();
  /** The same, by the Checked object itself (validateFleet gives a document the same one each run): one lookup. */
  private byChecked = new WeakMap<Checked<HostInput>, HostFindings>();

  /** Forgets every finding when the fleet-wide facts changed. */
  useContext(context: HostContext): void {
    const key: ContextKey = { fleetData: context.fleet?.data, profileNames: [...context.allProfileNames].sort().join('\0') };
    if (!this.context || this.context.fleetData !== key.fleetData || this.context.profileNames !== key.profileNames) {
      this.findings = new WeakMap();
      this.byChecked = new WeakMap();
    }
    this.context = key;
  }

  /** The findings of a file checked before, shown under this document's path (a plan's base names files by revision). */
  get(host: Checked<HostInput>): HostFindings | undefined {
    const same = this.byChecked.get(host);
    if (same) return same;
    const found = this.findings.get(host.data as object)?.get(host.document.relPath);
    if (!found) return undefined;
    const file = host.document.file;
    return found.diagnostics.every((d) => d.file === file) ? found : { claims: found.claims, diagnostics: found.diagnostics.map((d) => ({ ...d, file })) };
  }

  set(host: Checked<HostInput>, findings: HostFindings): void {
    // Only frozen (parse-cache) data stays the same object for the same bytes.
    if (!Object.isFrozen(host.data)) return;
    this.byChecked.set(host, findings);
    let byPath = this.findings.get(host.data as object);
    if (!byPath) this.findings.set(host.data as object, (byPath = new Map()));
    byPath.set(host.document.relPath, findings);
  }
}
