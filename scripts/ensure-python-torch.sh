#!/bin/bash
# The PyTorch tests run scripts under Debian's python3-torch (never a pip download), with the OpenMP build of
# OpenBLAS: without it torch links the slow reference BLAS. Debian's torch imports only from /usr/bin/python3
# (another python3, e.g. pyenv's, may come first on PATH). Idempotent: does nothing when both are there.
set -euo pipefail
PY=/usr/bin/python3
PACKAGES=(python3-torch python3-torchvision libopenblas0-openmp)
have_all() {
  [ -x "$PY" ] && "$PY" -c 'import torch, torchvision' >/dev/null 2>&1 && dpkg -s libopenblas0-openmp >/dev/null 2>&1
}
if have_all; then
  exit 0
fi
t0=$(date +%s)
echo "installing Debian PyTorch: ${PACKAGES[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
before=$(dpkg-query -W -f='${Package}\n' | sort)
apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >&2
after=$(dpkg-query -W -f='${Package}\n' | sort)
# OpenBLAS registers itself as the libblas/liblapack alternative with a higher priority than the reference BLAS;
# select it explicitly in case an administrator pinned the alternative to manual mode.
for lib in libblas.so.3 liblapack.so.3; do
  alt=$(update-alternatives --list "$lib-$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)" 2>/dev/null | grep openblas-openmp | head -1 || true)
  [ -n "$alt" ] && update-alternatives --set "$lib-$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)" "$alt" >&2 || true
done
added=$(comm -13 <(echo "$before") <(echo "$after") | wc -l)
echo "installed ${PACKAGES[*]} ($added Debian packages in all) in $(( $(date +%s) - t0 )) s" >&2
"$PY" -c 'import torch; print("torch", torch.__version__, "ready at /usr/bin/python3")' >&2
