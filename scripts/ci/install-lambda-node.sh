#!/usr/bin/env bash
# Installs the Node.js the functions run on in production (pinned in lambda-node.env) and prints the
# directory holding its `node`, to put first on PATH:
#
#   PATH="$(bash scripts/ci/install-lambda-node.sh):$PATH" npm test
#
# The tarball comes from the npm registry and must match the committed integrity, not only the one the
# registry serves today. Only `node` and its licence are unpacked, into a cache outside the repository
# (LAMBDA_NODE_CACHE, default ${XDG_CACHE_HOME:-$HOME/.cache}/secrets-rotation-suite); a later call
# reuses it. With --cached it installs nothing: it prints the directory if installed, else exits 1.
#
# With --arch arm64 it installs the arm64 build of the same version instead (the deployed architecture),
# which an x86_64 machine runs through qemu-user (qemu-aarch64-static, with Debian's arm64 C and C++
# runtime libraries under /usr/aarch64-linux-gnu); its directory then also holds `node-arm64`, a
# wrapper that does so. The build uses it to make the arm64 code cache.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lambda-node.env
. "$here/lambda-node.env"
fail() {
  echo "install-lambda-node: $*" >&2
  exit 1
}

cached=""
arch=x64
while [[ $# -gt 0 ]]; do
  case "$1" in
  --cached) cached=1 ;;
  --arch)
    arch="${2:-}"
    shift
    ;;
  *) fail "unknown option $1 (usage: install-lambda-node.sh [--cached] [--arch x64|arm64])" ;;
  esac
  shift
done
case "$arch" in
x64) ;;
arm64)
  LAMBDA_NODE_PACKAGE="$LAMBDA_NODE_ARM64_PACKAGE"
  LAMBDA_NODE_INTEGRITY="$LAMBDA_NODE_ARM64_INTEGRITY"
  ;;
*) fail "--arch must be x64 or arm64, not '$arch'" ;;
esac

[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] ||
  fail "$LAMBDA_NODE_PACKAGE is installed on Linux x86_64 machines; this is $(uname -s) $(uname -m)"
cache="${LAMBDA_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/secrets-rotation-suite}"
dest="$cache/$LAMBDA_NODE_PACKAGE-$LAMBDA_NODE_VERSION"

if [[ ! -x "$dest/bin/node" ]]; then
  [[ -z "$cached" ]] || exit 1
  mkdir -p "$cache"
  # Unpacked beside the destination and renamed into place: an interrupted install leaves no half
  # a Node behind, and a concurrent one that finishes first simply wins.
  work="$(mktemp -d "$cache/.install.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --loglevel=error "$LAMBDA_NODE_PACKAGE@$LAMBDA_NODE_VERSION" >/dev/null)
  tarball="$work/$LAMBDA_NODE_PACKAGE-$LAMBDA_NODE_VERSION.tgz"
  expected="$(printf '%s' "${LAMBDA_NODE_INTEGRITY#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')"
  actual="$(sha512sum "$tarball" | cut -d' ' -f1)"
  [[ "$actual" == "$expected" ]] ||
    fail "$LAMBDA_NODE_PACKAGE@$LAMBDA_NODE_VERSION does not match the integrity in lambda-node.env"
  mkdir "$work/unpacked"
  tar -xzf "$tarball" -C "$work/unpacked" package/bin/node package/LICENSE
  mv -T "$work/unpacked/package" "$dest" 2>/dev/null || [[ -x "$dest/bin/node" ]] ||
    fail "could not move the unpacked Node to $dest"
fi

run="$dest/bin/node"
if [[ "$arch" == arm64 ]]; then
  command -v qemu-aarch64-static >/dev/null ||
    fail "running the arm64 Node here needs qemu-user (apt-get install qemu-user-static libc6-arm64-cross libstdc++6-arm64-cross)"
  [[ -d /usr/aarch64-linux-gnu/lib ]] ||
    fail "running the arm64 Node here needs the arm64 runtime libraries (apt-get install libc6-arm64-cross libstdc++6-arm64-cross)"
  run="$dest/bin/node-arm64"
  if [[ ! -x "$run" ]]; then
    printf '#!/bin/sh\nexec qemu-aarch64-static -L /usr/aarch64-linux-gnu "$(dirname "$0")/node" "$@"\n' >"$run.$$"
    chmod 755 "$run.$$"
    mv -f "$run.$$" "$run"
  fi
fi
version="$("$run" --version)" || fail "$run does not run"
[[ "$version" == "v$LAMBDA_NODE_VERSION" ]] ||
  fail "$dest/bin/node is $version, not v$LAMBDA_NODE_VERSION: remove $dest and run again"
printf '%s\n' "$dest/bin"
