#!/usr/bin/env bash
# Installs what skiff needs on a Debian 12 machine and builds it. Idempotent: a second run
# installs nothing and only rebuilds what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages skiff runs for real (see docs/ and ../shared/DESIGN.md "Real parts").
DEB_PACKAGES=(
  runc crun conmon              # OCI runtimes and the container monitor
  busybox-static                # the base image for tests and examples (scripts/make-busybox-image.sh)
  containernetworking-plugins   # CNI plugins for pod networking
  nftables iptables iproute2    # service proxy, test hosts
  docker-registry skopeo umoci  # registry tests and interop
  apache2-utils                 # htpasswd -B: bcrypt users for the registry basic-auth test
  etcd-server etcd-client       # the etcd store backend
  podman buildah hyperfine      # benchmark peers
  attr                          # setfattr/getfattr: overlayfs opaque-dir xattrs in image layers
  socat                         # the node agent's attach: stdin into conmon's SOCK_SEQPACKET attach socket
)
missing=()
for p in "${DEB_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  npm ci --no-audit --no-fund
fi
echo "setup: building"
npm run --silent build
echo "setup: ready"
