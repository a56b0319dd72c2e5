// What evaluating the fleet's NixOS configurations would cost instead, from published figures (no
// nixpkgs evaluates on this machine): what a user would otherwise run to learn what a change does.

export interface NixEvalCost {
  what: string;
  perHost: { seconds?: number; megabytes?: number };
  source: string;
}

export const NIX_EVAL_COSTS: readonly NixEvalCost[] = [
  {
    what: 'RAM colmena budgets per host evaluated at once',
    perHost: { megabytes: 512 },
    source: 'zhaofengli/colmena src/nix/deployment/limits.rs, EVAL_PER_HOST_MB = 512',
  },
  {
    what: "time per host, colmena's evaluator (16 hosts in ~80 s)",
    perHost: { seconds: 80 / 16 },
    source: 'nix-community/colmena#296 (comment of 2026-06-13)',
  },
  {
    what: "time per host, colmena's streaming evaluator (16 hosts in ~15 s)",
    perHost: { seconds: 15 / 16 },
    source: 'nix-community/colmena#296 (comment of 2026-06-13)',
  },
];

export const NIX_EVAL_NOTE = 'nix-eval-jobs (nix-community/nix-eval-jobs README) caps each evaluation worker at 4 GiB and says evaluating NixOS machines "can take several minutes when run on a single core".';
