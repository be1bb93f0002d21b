# Shared by the data scripts (sourced, not run): Debian packages are downloaded into a cache and unpacked
# there with dpkg-deb, never installed.

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
apt_updated=0
apt_update_once() { if [[ $apt_updated -eq 0 ]]; then as_root apt-get update -qq; apt_updated=1; fi; }

# apt_install_missing PKG... : installs the Debian packages that are not installed yet.
apt_install_missing() {
  local need=() p
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || need+=("$p"); done
  if (( ${#need[@]} )); then
    echo "installing: ${need[*]}"
    apt_update_once
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

# unpack_deb CACHE PKG [HOOK]: downloads PKG's newest .deb into CACHE/deb once and unpacks it into CACHE/x/PKG
# (a stamp names the .deb unpacked, so a newer one is unpacked again). HOOK, if given, is called as
# HOOK PKG DEST after unpacking and before the stamp is written (e.g. to extract archives inside the package).
unpack_deb() {
  local cache=$1 p=$2 hook=${3:-} have deb dest
  shopt -s nullglob; have=("$cache/deb/${p}_"*.deb); shopt -u nullglob
  if (( ${#have[@]} == 0 )); then
    echo "apt-get download $p"
    if ! (cd "$cache/deb" && apt-get download -q "$p" >/dev/null 2>&1); then
      apt_update_once
      (cd "$cache/deb" && apt-get download -q "$p" >/dev/null)
    fi
    shopt -s nullglob; have=("$cache/deb/${p}_"*.deb); shopt -u nullglob
  fi
  deb=$(printf '%s\n' "${have[@]}" | sort -V | tail -n 1)
  dest="$cache/x/$p"
  if [[ "$(cat "$dest/.deb" 2>/dev/null)" != "$(basename "$deb")" ]]; then
    echo "unpack $(basename "$deb")"
    rm -rf "$dest"; mkdir -p "$dest"
    dpkg-deb -x "$deb" "$dest"
    if [[ -n $hook ]]; then "$hook" "$p" "$dest"; fi
    dpkg-deb -f "$deb" Version > "$dest/.version"
    basename "$deb" > "$dest/.deb"
  fi
}
