#!/usr/bin/env bash
# The consumer library as an application gets it: the tarball `npm pack` makes of
# packages/rotating-secrets, installed with its peer dependencies from the npm registry into a new
# application in a temporary directory; the package README's two examples compiled there against
# the package's type declarations with `tsc --strict`; then run against the local stack while their
# secrets rotate (scripts/ci/packageSmoke.ts). Fails on any of these steps.
#
#   bash scripts/ci/package-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The rotation functions the local stack runs (the package is rebuilt by npm pack's prepack).
npm run --silent build

npm pack --workspace packages/rotating-secrets --pack-destination "$work" --silent >/dev/null
tarballs=("$work"/*.tgz)
tarball="${tarballs[0]}"
echo "packed $(basename "$tarball"): $(tar -tzf "$tarball" | wc -l) files"

# The versions this repository tests with: its own package.json's.
version() { node -p "const p = require('./package.json'); p.dependencies['$1'] ?? p.devDependencies['$1']"; }
peers=(
  "pg@$(version pg)"
  "@aws-lambda-powertools/parameters@$(version @aws-lambda-powertools/parameters)"
  "@aws-sdk/client-secrets-manager@$(version @aws-sdk/client-secrets-manager)"
)
tools=(
  "typescript@$(version typescript)"
  "@types/pg@$(version @types/pg)"
  "@types/node@$(version @types/node)"
)

app="$work/app"
mkdir -p "$app/src"
printf '{ "name": "rotating-secrets-smoke", "private": true, "type": "module" }\n' >"$app/package.json"
cp packages/rotating-secrets/examples/*.ts "$app/src/"
(
  cd "$app"
  npm install --no-audit --no-fund --loglevel=error "$tarball" "${peers[@]}"
  npm install --no-audit --no-fund --loglevel=error --save-dev "${tools[@]}"
  # The strictest settings an application may use, and the package's declarations checked too.
  npx tsc --strict --exactOptionalPropertyTypes --noUncheckedIndexedAccess --skipLibCheck false \
    --module nodenext --moduleResolution nodenext --target es2022 --types node \
    --rootDir src --outDir dist src/*.ts
)
echo "compiled the examples against the package's types with tsc --strict"

npx tsx scripts/ci/packageSmoke.ts "$app"
