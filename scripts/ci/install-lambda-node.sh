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
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lambda-node.env
. "$here/lambda-node.env"
fail() {
  echo "install-lambda-node: $*" >&2
  exit 1
}

[[ "$(uname -s)-$(uname -m)" == Linux-x86_64 ]] ||
  fail "$LAMBDA_NODE_PACKAGE holds Linux x86_64 binaries; this is $(uname -s) $(uname -m)"
cache="${LAMBDA_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/secrets-rotation-suite}"
dest="$cache/$LAMBDA_NODE_PACKAGE-$LAMBDA_NODE_VERSION"

if [[ ! -x "$dest/bin/node" ]]; then
  [[ "${1:-}" != --cached ]] || exit 1
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

version="$("$dest/bin/node" --version)" || fail "$dest/bin/node does not run"
[[ "$version" == "v$LAMBDA_NODE_VERSION" ]] ||
  fail "$dest/bin/node is $version, not v$LAMBDA_NODE_VERSION: remove $dest and run again"
printf '%s\n' "$dest/bin"
