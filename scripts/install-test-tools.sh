#!/usr/bin/env bash
# Installs the system tools the tests drive (dhcpd, Kea, Nix, QEMU/iPXE, ipmi_sim, sshd, …) when
# they are missing. Debian/Ubuntu, as root. Idempotent: a machine that has them all installs nothing.
set -euo pipefail

# command → Debian package that provides it
declare -A PACKAGES=(
  [git]=git
  [ip]=iproute2
  [nix-instantiate]=nix-bin
  [dhcpd]=isc-dhcp-server
  [kea-dhcp4]=kea-dhcp4-server
  [qemu-system-x86_64]=qemu-system-x86
  [dnsmasq]=dnsmasq-base
  [ipmitool]=ipmitool
  [ipmi_sim]=openipmi
  [sshd]=openssh-server
  [ssh]=openssh-client
  # a deploy user other than root (test/apply/ssh-user.test.ts): a real user with a real sudo rule
  [sudo]=sudo
  [visudo]=sudo
  [useradd]=passwd
  [rsync]=rsync
  [python3]=python3
  [redfishtool]=redfishtool
  [openssl]=openssl
  [unshare]=util-linux
  [systemd-analyze]=systemd
  # deploy.cache: systemd-run parses the dead-man timer's options; the lab's fake hosts walk and
  # start processes (ps, setsid); plan --closures reads real nix path-info
  [systemd-run]=systemd
  [nix]=nix-bin
  [ps]=procps
  [setsid]=util-linux
  [cpio]=cpio
  [busybox]=busybox-static
  # disko's _create on loop devices (test/disko/); md, device-mapper and ZFS are shimmed there
  [losetup]=mount
  [blockdev]=util-linux
  [blkid]=util-linux
  [mkswap]=util-linux
  [logger]=bsdutils
  [udevadm]=udev
  [sgdisk]=gdisk
  [partprobe]=parted
  [mkfs.vfat]=dosfstools
  [mkfs.ext4]=e2fsprogs
  [mkfs.xfs]=xfsprogs
  [mkfs.btrfs]=btrfs-progs
  [lvcreate]=lvm2
  [shellcheck]=shellcheck
  [tar]=tar
  [gzip]=gzip
  [flock]=util-linux
  [setpriv]=util-linux
  [mount]=mount
)
# Files (not commands) the boot tests need.
declare -A FILES=(
  [/usr/lib/ipxe/undionly.kpxe]=ipxe
  [/usr/lib/ipxe/qemu/efi-virtio.rom]=ipxe-qemu
  [/usr/share/OVMF/OVMF_CODE_4M.fd]=ovmf
)

missing=()
for cmd in "${!PACKAGES[@]}"; do
  if ! command -v "$cmd" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$cmd" ]; then missing+=("${PACKAGES[$cmd]}"); fi
done
for file in "${!FILES[@]}"; do
  [ -e "$file" ] || missing+=("${FILES[$file]}")
done

# The boot tests' stand-in images boot a real Linux kernel: Debian's cloud kernel, unpacked from its
# package into this file (not installed: no modules, no initramfs hooks).
TEST_KERNEL=/var/cache/fleetc-test/vmlinuz

if [ "${#missing[@]}" -eq 0 ] && [ -e "$TEST_KERNEL" ]; then
  echo "install-test-tools: all test tools present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-test-tools: need root to install ${missing[*]:-} ${TEST_KERNEL}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq

if [ "${#missing[@]}" -gt 0 ]; then
  mapfile -t unique < <(printf '%s\n' "${missing[@]}" | sort -u)
  echo "install-test-tools: installing ${unique[*]}"
  apt-get install -y -qq --no-install-recommends "${unique[@]}" >/dev/null
fi

if [ ! -e "$TEST_KERNEL" ]; then
  kernel_package=$(apt-cache depends linux-image-cloud-amd64 | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
  echo "install-test-tools: unpacking the kernel of $kernel_package into $TEST_KERNEL"
  work=$(mktemp -d)
  (cd "$work" && apt-get download -qq "$kernel_package" 2>/dev/null)
  mkdir -p "$(dirname "$TEST_KERNEL")"
  dpkg-deb --fsys-tarfile "$work"/*.deb | tar -x -O --wildcards './boot/vmlinuz-*' > "$TEST_KERNEL.tmp"
  mv "$TEST_KERNEL.tmp" "$TEST_KERNEL"
  rm -rf "$work"
fi
echo "install-test-tools: done"
