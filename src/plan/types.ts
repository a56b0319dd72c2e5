// A plan is a serialisable value: per host an action from a closed set, its reasons, the revisions
// and artifact hashes it was computed from. Apply executes a plan; it never re-derives one.
// The JSON form is described by schema/plan.schema.json.

/** 2: hosts left unchanged may be listed by name only, their hashes in a committed manifest (UnchangedByReference). */
export const PLAN_FORMAT_VERSION = 2;

/** Ordered by how much care they need: the order of the summary and of the pull-request comment. */
export const HOST_ACTIONS = ['destructive', 'replace', 'decommission', 'provision', 'reboot-required', 'update', 'network-only', 'unchanged'] as const;
export type HostAction = (typeof HOST_ACTIONS)[number];

export type ArtifactChange = 'added' | 'modified' | 'removed';

export interface ArtifactDiff {
  /** Output path; a host's part of a shared file is "<path>#<host>". */
  path: string;
  kind: string;
  change: ArtifactChange;
  baseSha256?: string;
  headSha256?: string;
  /** Unified diff of the file (or of the host's part of a shared file). */
  diff: string;
}

export interface HostPlan {
  name: string;
  action: HostAction;
  /** What changed, in fleet terms ("profile worker → control-plane"). */
  reasons: string[];
  profile: string;
  cluster: string;
  /** Raft groups the host votes in at head (or base, when decommissioned), as "<cluster>/<service>". */
  raftGroups: string[];
  /** Set when a decommissioned and a provisioned host look like the same machine (same boot MAC or BMC). */
  renamedFrom?: string;
  renamedTo?: string;
  /** Boot interface address at head (or base), where deploy tooling reaches the host. */
  address?: string;
  /**
   * The SSH host key apply pins for the host: the fleet's ssh.hostKey, the key fleetc recorded when it
   * provisioned the host, or a new key pair apply generates and installs (provision, replace).
   */
  hostKey?: { source: 'pinned' | 'recorded' | 'new'; fingerprint?: string };
  /**
   * For an update whose only change is first-boot data of steps the running host has already run
   * (peers, addresses, retry settings; the same steps): harmless — nothing runs again.
   */
  impact?: 'first-boot-data';
  /** For a provision or replace: what apply will do to install the machine, step by step. */
  install?: string[];
  artifacts: ArtifactDiff[];
  /** Every artifact hash of the host at head: what apply records as deployed. */
  headManifest: Record<string, string>;
}

export interface SharedChange {
  /** A hand-written file outside the fleet (e.g. nix/profiles/worker.nix). */
  path: string;
  change: ArtifactChange;
  /** Hosts whose configuration includes the file. */
  hosts: string[];
  diff: string;
}

export interface Wave {
  index: number;
  profile: string;
  hosts: string[];
}

export interface RevisionInfo {
  /** What the user asked for (a ref, a commit, or "working tree"). */
  ref: string;
  /** The full commit id, absent for the working tree. */
  commit?: string;
  /** False when the fleet did not exist at this revision. */
  fleetExists: boolean;
  /** True when the revision's fleet had errors and the plan treated it as empty (--allow-invalid-base). */
  treatedAsEmpty?: boolean;
}

/**
 * Hosts the plan leaves unchanged, by name: each one's artifact hashes at head (its headManifest) are
 * its entry in a manifest.json committed at the base, which the plan refers to instead of copying
 * them (a plan of a 1 % change of 5,000 hosts would otherwise be 6 MB of hashes). Apply reads that
 * blob and checks every one of these hosts against it.
 */
export interface UnchangedByReference {
  manifest: { commit: string; path: string; blob: string };
  hosts: string[];
}

export interface Plan {
  formatVersion: number;
  fleet: string;
  base: RevisionInfo;
  head: RevisionInfo;
  summary: Record<HostAction, number>;
  /** The rollout order apply will follow: changed hosts in waves (decommissions are not rolled out). */
  waves: Wave[];
  policy: { order: string[]; maxParallel: number };
  /** Every host at base or head, but those in `unchanged`. */
  hosts: HostPlan[];
  /** Unchanged hosts listed by reference (absent when there are none). */
  unchanged?: UnchangedByReference;
  shared: SharedChange[];
}

export function hasChanges(plan: Plan): boolean {
  return plan.hosts.some((h) => h.action !== 'unchanged');
}
