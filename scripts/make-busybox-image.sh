#!/usr/bin/env bash
# Makes the `busybox:latest` base image from Debian's busybox-static: /bin/busybox with a
# symlink per applet under /bin, /etc/passwd and /etc/group with root and nobody, /tmp, and
# empty mount points. It goes in through `skiff import`, so it lands in the engine root
# (SKIFF_ROOT, or --root DIR as first argument, default /var/lib/skiff/engine).
# Idempotent: an existing busybox:latest is kept unless --force is given; the layer itself
# is reproducible (fixed mtimes, sorted entries), so re-making it gives the same layer digest.
set -euo pipefail
cd "$(dirname "$0")/.."

force=0
root_args=()
name="busybox:latest"
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --root) root_args=(--root "$2"); shift ;;
    --name) name="$2"; shift ;;
    *) echo "usage: $0 [--force] [--root DIR] [--name NAME]" >&2; exit 2 ;;
  esac
  shift
done

skiff=(node bin/skiff)
[ -f dist/src/cmd/skiff.js ] || { echo "make-busybox-image: build first (npx tsc -p tsconfig.json)" >&2; exit 1; }
busybox=/bin/busybox
[ -x "$busybox" ] || { echo "make-busybox-image: $busybox missing; apt-get install busybox-static" >&2; exit 1; }

if [ "$force" = 0 ] && [ -n "$("${skiff[@]}" images -q "${root_args[@]}" "$name")" ]; then
  echo "make-busybox-image: $name already exists"
  exit 0
fi

tree=$(mktemp -d /tmp/skiff-busybox.XXXXXX)
trap 'rm -rf "$tree"' EXIT
mkdir -p "$tree"/{bin,etc,root,tmp,dev,proc,sys,home,var,usr/bin,usr/sbin,sbin}
chmod 755 "$tree"          # mktemp made it 0700; it becomes the image's /
chmod 1777 "$tree/tmp"
chmod 700 "$tree/root"
cp "$busybox" "$tree/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$tree/bin/$applet"
done
cat > "$tree/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat > "$tree/etc/group" <<'GROUP'
root:x:0:
nobody:x:65534:
GROUP

tar --sort=name --numeric-owner --owner=0 --group=0 --mtime=@1700000000 -C "$tree" -cf - . \
  | "${skiff[@]}" import "${root_args[@]}" -c 'CMD ["sh"]' -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' -m 'busybox from Debian busybox-static' - "$name"
