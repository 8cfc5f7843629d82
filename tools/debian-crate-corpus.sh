#!/usr/bin/env bash
# Builds a corpus of real published crates as .crate files from Debian's librust-*-dev packages
# (their /usr/share/cargo/registry/{name}-{version}/ directories are crate sources as published,
# sometimes patched by Debian). Deterministic: every STEP-th package name in sorted order.
# Usage: tools/debian-crate-corpus.sh <out-dir> [count]   (needs apt-get; run `apt-get update` once)
set -euo pipefail
out="${1:?usage: debian-crate-corpus.sh <out-dir> [count]}"
count="${2:-200}"
mkdir -p "$out"
if [ "$(find "$out" -name '*.crate' | wc -l)" -ge "$count" ]; then
  echo "corpus ready: $(find "$out" -name '*.crate' | wc -l) crates in $out"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mapfile -t all < <(apt-cache search --names-only '^librust-[a-z0-9-]+-dev$' | awk '{print $1}' | grep -v '+' | sort)
[ "${#all[@]}" -gt 0 ] || { echo "no librust-*-dev packages found: run apt-get update first" >&2; exit 1; }
step=$(( ${#all[@]} / (count + count / 10 + 1) )); [ "$step" -ge 1 ] || step=1
picked=()
# Pick 10% more than asked: crates that Debian's packaging changed into symlinks are skipped below.
want=$(( count + count / 10 + 1 ))
for ((i = 0; i < ${#all[@]} && ${#picked[@]} < want; i += step)); do picked+=("${all[$i]}"); done
(cd "$work" && apt-get download -qq "${picked[@]}" 2>/dev/null) || true
for deb in "$work"/*.deb; do
  [ -e "$deb" ] || continue
  dpkg-deb -x "$deb" "$work/x"
done
packed=0
for dir in "$work"/x/usr/share/cargo/registry/*/; do
  [ "$packed" -lt "$count" ] || break
  name="$(basename "$dir")"
  [ -f "$dir/Cargo.toml" ] || continue
  # `cargo package` writes regular files only; symlinks here are Debian's (deduplicated licences,
  # bundled fonts replaced by system ones), so such a crate is not as published: skip it.
  if [ -n "$(find "$dir" -type l -print -quit)" ]; then
    echo "skipped $name: symlinks added by Debian's packaging" >&2
    continue
  fi
  tar -C "$work/x/usr/share/cargo/registry" -czf "$out/$name.crate" "$name"
  packed=$((packed + 1))
done
echo "corpus ready: $(find "$out" -name '*.crate' | wc -l) crates in $out"
