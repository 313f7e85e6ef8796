#!/usr/bin/env bash
# The CDK construct library as a CDK user gets it: the tarball `npm pack` makes of packages/cdk,
# installed with aws-cdk-lib, constructs, cdk-nag and the aws-cdk CLI from the npm registry into a
# new CDK app in a temporary directory; the package's example app (packages/cdk/examples/app.ts)
# compiled there against the package's types with `tsc --strict`; then `cdk synth` with no AWS account
# (an environment-agnostic stack), cdk-nag's AwsSolutions pack failing the synth on any unacknowledged
# finding; then cfn-lint on the synthesized template where it is installed. Also checks that a
# CommonJS app can `require` the package. Fails on any of these steps.
#
#   bash scripts/ci/cdk-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

# The CLI is the one tool not in package.json: only the scratch app runs it.
CDK_CLI_VERSION=2.1149.0

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The function bundles the package ships (npm pack's prepack copies them from dist/).
npm run --silent build

npm pack --workspace packages/cdk --pack-destination "$work" --silent >/dev/null
tarballs=("$work"/*.tgz)
tarball="${tarballs[0]}"
tar -tzf "$tarball" >"$work/contents"
echo "packed $(basename "$tarball"): $(wc -l <"$work/contents") files"
for name in random-value api-token postgres-single-user postgres-alternating-users; do
  grep -qx "package/assets/$name/index.cjs" "$work/contents" || {
    echo "the tarball ships no assets/$name/index.cjs" >&2
    exit 1
  }
done

# The versions this repository tests with: its own package.json's.
version() { node -p "const p = require('./package.json'); p.dependencies['$1'] ?? p.devDependencies['$1']"; }

libraries=("aws-cdk-lib@$(version aws-cdk-lib)" "constructs@$(version constructs)" "cdk-nag@$(version cdk-nag)")
tools=("aws-cdk@$CDK_CLI_VERSION" "typescript@$(version typescript)" "@types/node@$(version @types/node)")

app="$work/app"
mkdir -p "$app/src"
printf '{ "name": "cdk-smoke", "private": true, "type": "module" }\n' >"$app/package.json"
printf '{ "app": "node dist/app.js" }\n' >"$app/cdk.json"
cp packages/cdk/examples/app.ts "$app/src/"
(
  cd "$app"
  npm install --no-audit --no-fund --loglevel=error "$tarball" "${libraries[@]}"
  npm install --no-audit --no-fund --loglevel=error --save-dev "${tools[@]}"
  npx tsc --strict --noUncheckedIndexedAccess --skipLibCheck --module nodenext --moduleResolution nodenext \
    --target es2022 --types node --rootDir src --outDir dist src/app.ts
  echo "compiled the example app against the package's types with tsc --strict"

  # A CommonJS app (most CDK apps are): its types through the package's "require" condition, then
  # the CommonJS entry itself.
  printf '%s\n' "import { RotationFunctions, ServiceSecret } from '@secrets-rotation/cdk';" \
    "if (typeof RotationFunctions !== 'function' || typeof ServiceSecret !== 'function') process.exit(1);" \
    >src/commonjs.cts
  npx tsc --strict --skipLibCheck --module nodenext --moduleResolution nodenext --target es2022 --types node \
    --rootDir src --outDir dist src/commonjs.cts
  node dist/commonjs.cjs
  echo "compiled and required the package from CommonJS"

  # No account, no credentials, no notices or telemetry: nothing but the synth leaves the machine.
  CDK_DISABLE_CLI_TELEMETRY=true npx cdk synth --quiet --no-notices --no-version-reporting
  echo "cdk synth: SecretsRotation synthesized, no unacknowledged AwsSolutions finding"
)

template="$app/cdk.out/SecretsRotation.template.json"
test -s "$template"
if command -v cfn-lint >/dev/null 2>&1; then
  # W3005: aws-cdk-lib writes DependsOn on a function's role beside the GetAtt of it (so the role's
  # policies exist first); redundant for CloudFormation, and not the construct's to change.
  cfn-lint --ignore-checks W3005 -- "$template"
  echo "cfn-lint: the synthesized template is clean"
else
  echo "cfn-lint not installed: skipping the lint of the synthesized template"
fi
