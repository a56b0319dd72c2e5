// The system tools a loop-device run of disko's _create needs (scripts/install-test-tools.sh).
export const LOOP_TOOLS = ['nix-instantiate', 'losetup', 'blockdev', 'blkid', 'sgdisk', 'partprobe', 'udevadm', 'mkfs.vfat', 'mkfs.ext4', 'mkfs.xfs', 'mkfs.btrfs', 'mkswap', 'pvcreate', 'vgcreate', 'lvcreate'];
