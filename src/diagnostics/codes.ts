// The closed set of diagnostic codes. Codes are stable: tests and CI annotations rely on them.

export const DIAGNOSTIC_CODES = {
  // load: reading files and YAML syntax
  FLEET_DIR_MISSING: 'The fleet directory does not exist or is not a directory.',
  FLEET_FILE_MISSING: 'The fleet directory has no fleet.yaml.',
  FILE_DUPLICATE_KIND: 'The fleet directory holds both fleet.yaml and fleet.yml.',
  FILE_UNREADABLE: 'A file or directory could not be read (permissions).',
  FILE_SYMLINK: 'A fleet file or directory is a symbolic link, which fleetc does not follow (git stores the link, not its target).',
  FILE_NOT_REGULAR: 'A path ending in .yaml is a directory or another non-regular file.',
  FILE_TOO_LARGE: 'A fleet file is larger than the 1 MiB limit.',
  FILE_EMPTY: 'A fleet file is empty or holds only comments.',
  FILE_BINARY: 'A fleet file is not UTF-8 text.',
  FILE_UNKNOWN_KIND: 'A YAML file lies outside fleet.yaml, profiles/ and hosts/.',
  YAML_SYNTAX: 'The YAML does not parse.',
  YAML_DUPLICATE_KEY: 'A mapping has the same key twice.',
  YAML_MULTIPLE_DOCUMENTS: 'A file holds more than one YAML document.',
  YAML_NOT_A_MAPPING: 'The top level of a file is not a mapping.',
  YAML_UNSUPPORTED: 'The YAML uses a feature fleetc does not accept (custom tags, too many aliases).',
  VALUE_CONTROL_CHARACTER: 'A string holds a NUL character, which no output format can carry.',

  // validate: JSON Schema
  SCHEMA_REQUIRED: 'A required property is missing.',
  SCHEMA_UNKNOWN_PROPERTY: 'A property is not part of the schema (often a typo).',
  SCHEMA_TYPE: 'A value has the wrong type.',
  SCHEMA_ENUM: 'A value is not one of the allowed values.',
  SCHEMA_PATTERN: 'A string does not have the required form.',
  SCHEMA_FORMAT: 'A string is not a valid address, URL or similar.',
  SCHEMA_RANGE: 'A number, string, list or map is too small or too large.',
  SCHEMA_UNIQUE: 'A list holds the same item twice.',
  SCHEMA_INVALID: 'A value breaks another schema rule.',
  SECRET_INLINE: 'A secret is written inline where a reference (file or env) is required.',

  // validate: names and references across files
  NAME_FILE_MISMATCH: 'A name: field differs from its file name.',
  HOST_DUPLICATE_NAME: 'Two hosts have the same name.',
  PROFILE_DUPLICATE_NAME: 'Two profiles have the same name.',
  HOST_KEY_INVALID: 'A pinned SSH host key (ssh.hostKey) does not parse as an OpenSSH public key, or its type is not the one it names.',
  HOST_KEY_DUPLICATE: 'Two hosts pin the same SSH host key.',
  HOSTNAME_INVALID: 'A host name is not a valid DNS label.',
  PROFILE_NAME_INVALID: "A profile's name (its file name, when it has no name:) is not a lower-case identifier.",
  LABEL_KEY_RESERVED: 'A label key is reserved by Nix (outPath, __toString, __functor).',
  PROFILE_UNKNOWN: 'A host, profile or deploy order names a profile that does not exist.',
  PROFILE_CYCLE: 'Profiles extend each other in a cycle.',
  SERVICE_UNKNOWN: 'A profile names a service the fleet does not define.',
  CLUSTER_UNKNOWN: 'A host names a cluster the fleet does not define.',
  INPUT_UNKNOWN: 'A follows or the platform names a flake input that fleet.yaml does not define.',
  INPUT_PATH_INVALID: 'A path: flake input is not a directory under the fleet\'s nix directory.',
  INPUT_PLACEHOLDER: 'A flake input is pinned by a placeholder rev or narHash, not a real one.',
  NIX_MODULE_MISSING: 'A profile imports a Nix module that does not exist under nix/.',

  // validate: networks and addresses
  NETWORK_UNKNOWN: 'An interface names a network the fleet does not define.',
  NETWORK_CIDR_INVALID: 'A network CIDR is malformed, has host bits set, or a prefix outside /8–/30.',
  NETWORK_OVERLAP: 'Two networks overlap.',
  VLAN_DUPLICATE: 'Two networks use the same VLAN id.',
  GATEWAY_OUTSIDE_NETWORK: 'A gateway is not a usable address of its network.',
  POOL_INVALID: 'A DHCP pool lies outside its network, is reversed or covers the gateway.',
  MAC_DUPLICATE: 'The same MAC address appears twice in the fleet.',
  MAC_INVALID: 'A MAC address is multicast or all zeros.',
  IP_DUPLICATE: 'The same IP address is assigned twice in the fleet.',
  ADDRESS_OUTSIDE_NETWORK: 'An address is outside its network.',
  ADDRESS_RESERVED: 'An address is the network, broadcast or gateway address.',
  ADDRESS_IN_POOL: 'A static address lies inside the dynamic DHCP pool.',
  INTERFACE_DUPLICATE_NAME: 'A host has two interfaces with the same name.',
  BOOT_INTERFACE_COUNT: 'A host does not have exactly one boot interface.',
  BMC_ADDRESS_DUPLICATE: 'Two hosts share a BMC address (ignoring case and a trailing dot).',

  // validate: network boot
  BOOT_NETWORK_NO_DHCP: "A host's boot interface is on a network without a DHCP server (no dhcp:).",
  BOOT_NETWORK_TAGGED: "A host's boot interface is on a tagged VLAN network, which PXE firmware cannot use.",
  VLAN_MTU_EXCEEDS_NIC: 'A tagged network needs a larger MTU than the untagged network that shares its NIC.',
  PORT_NOT_OPEN: 'A service port is not opened on a network fleetc itself connects to it over (health checks, Raft peers).',
  BOOT_ADDRESS_MISSING: 'A boot interface has no address and its network has no dynamic pool.',
  BOOT_SERVER_UNKNOWN: 'boot.server names a host the fleet does not have.',
  SITE_UNKNOWN: 'The fleet deploys by site and a host names no declared site (label site).',
  RAFT_GROUP_SPANS_SITES: 'A Raft group has voters in more than one site; each site deploys on its own.',
  BOOT_SERVER_MISMATCH: "boot.tftp or boot.http's host is not a static address of the boot server host (boot.server).",
  BOOT_URL_INVALID: 'The boot server URL does not parse, or carries credentials or a query string.',
  KERNEL_PARAM_UNSAFE: 'A kernel parameter cannot be written into an iPXE script unchanged (${, a leading #, ||, &&, ;).',

  // validate: hardware
  FIRMWARE_ARCH_MISMATCH: 'The firmware cannot boot this architecture (aarch64 needs UEFI).',
  DISK_UNKNOWN: 'A disk layout references a disk the host does not declare.',
  DISK_DUPLICATE_DEVICE: 'Two disks of a host name the same device (compared as spelled canonically).',
  DISK_DEVICE_INVALID: 'A disk device path is not plainly a path under /dev (empty, "." or ".." segments, or it leaves /dev).',
  LAYOUT_INVALID: 'A disk layout is inconsistent (no root, a mount point twice or spelled unusually, too few disks).',
  LAYOUT_TOO_LARGE: 'A partition or volume does not fit on its disk, counted as sgdisk and LVM count.',
  PARTITION_TOO_SMALL: 'A partition or volume is smaller than its content needs (a file system, a boot partition).',
  CLUSTER_BOOTSTRAP_INVALID: 'A cluster names a bootstrap host that is not one of its Raft voters.',

  // validate: first boot
  SECRET_UNKNOWN: 'A setting names a secret that fleet.yaml does not define under secrets:.',
  RAFT_PORTS_MISSING: 'A Raft service lacks the api or raft port that first boot uses.',
  IAM_SERVICE_INVALID: 'firstBoot.iam.service is not a Raft service of the fleet.',
  SECRET_NOT_READABLE: 'A secret fleetc apply must read itself (a BMC password) is a { host } reference, which exists only on the host.',
  SECRET_NOT_DELIVERED: 'A first-boot secret { host } path is one no tool delivers a secret to: inside the Nix store (world-readable) or fleetc\'s own credential directory.',

  // resolve: the fleet as a whole
  RAFT_EVEN_VOTERS: 'A Raft cluster has an even number of voters (no extra fault tolerance).',
  RAFT_FEW_VOTERS: 'A Raft cluster serving several hosts has fewer than 3 voters.',
  CLUSTER_BOOTSTRAP_CONFLICT: 'A cluster has two bootstrap hosts (two hosts claim it, or a host and fleet.yaml disagree).',
  CLUSTER_BOOTSTRAP_NONE: 'A cluster has Raft groups but no host votes in all of them, so none can bootstrap it.',
  RAFT_NO_VOTERS: 'A host runs a service that needs a Raft service no host of its cluster runs.',
  PEER_ADDRESS_MISSING: 'A host of a cluster with Raft groups has no static address first boot can reach it on.',
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export const ALL_CODES = Object.keys(DIAGNOSTIC_CODES) as DiagnosticCode[];
