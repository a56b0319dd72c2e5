# A stand-in for the photon platform's packaging flake, so that the example fleet evaluates and
# builds on any machine with nixpkgs. The real platform flake (T024) has the same outputs: an
# overlay with one package per service, and NixOS modules. Each stand-in package only answers its
# health check (GET on its api port) and logs that it is a stand-in; it implements no service.
{
  description = "Stand-in for the photon platform: one placeholder package per service";

  # Followed by the fleet's nixpkgs (fleet.yaml inputs.platform.follows).
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-26.05";

  outputs = { self, nixpkgs }:
    let
      services = [ "chainfire" "flaredb" "plasmavmc" "novanet" "fiberlb" "flashdns" "lightningstor" "k8shost" ];
      standIn = pkgs: name: pkgs.writeShellApplication {
        inherit name;
        runtimeInputs = [ pkgs.jq pkgs.python3 ];
        # Started as `<name> --config /etc/photon/<name>.json` by fleetc's platform service module.
        text = ''
          config=/etc/photon/${name}.json
          while [ "$#" -gt 0 ]; do
            case "$1" in
              --config) config="$2"; shift 2 ;;
              *) shift ;;
            esac
          done
          port=$(jq -r '.ports.api // empty' "$config")
          echo "${name}: stand-in package of the example fleet, answering health checks on port ''${port:-none}" >&2
          if [ -z "$port" ]; then exec sleep infinity; fi
          exec python3 -c '
          import http.server, sys
          class Health(http.server.BaseHTTPRequestHandler):
              def do_GET(self):
                  self.send_response(200); self.end_headers(); self.wfile.write(b"ok\n")
          http.server.ThreadingHTTPServer(("", int(sys.argv[1])), Health).serve_forever()
          ' "$port"
        '';
      };
    in
    {
      overlays.default = final: prev: nixpkgs.lib.genAttrs services (standIn final);

      # The platform's own NixOS settings every host gets (the real flake ships its service modules
      # here); the stand-in only records which platform the host runs.
      nixosModules.default = { ... }: {
        environment.etc."photon/platform".text = "stand-in platform of the fleetc example\n";
      };
    };
}
