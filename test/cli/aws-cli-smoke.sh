#!/usr/bin/env bash
# Drives the local stack with the real AWS CLI: create, read, stage and rotate a secret.
# Run by .ci/run where `aws` is installed; needs the functions built (npm test builds them).
set -euo pipefail
cd "$(dirname "$0")/../.."

data_dir=$(mktemp -d)
log_file="$data_dir/stack.log"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
endpoint="http://127.0.0.1:$port"

# node itself (not npx, whose child would outlive the kill) so cleanup stops the stack.
node --import tsx local/start.ts --port "$port" --token-port 0 --no-postgres --data-dir "$data_dir/state" --no-demo >"$log_file" 2>&1 &
stack_pid=$!
cleanup() {
  kill "$stack_pid" 2>/dev/null || true
  wait "$stack_pid" 2>/dev/null || true
  rm -rf "$data_dir"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -fsS "$endpoint/_local/health" >/dev/null 2>&1 && break
  sleep 0.1
done

export AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local AWS_DEFAULT_REGION=us-east-1 AWS_PAGER=''
sm() { aws secretsmanager --endpoint-url "$endpoint" --output json "$@"; }
fail() { echo "aws-cli-smoke: FAILED: $*" >&2; cat "$log_file" >&2; exit 1; }
field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=process.argv[1].split(".").reduce((o,k)=>o?.[k],JSON.parse(s));console.log(typeof v==="object"?JSON.stringify(v):v)})' "$1"; }

arn=$(sm create-secret --name cli/smoke --secret-string '{"password":"cli-initial-password-1"}' | field ARN)
[[ "$arn" == arn:aws:secretsmanager:us-east-1:000000000000:secret:cli/smoke-?????? ]] || fail "unexpected ARN $arn"

[ "$(sm get-secret-value --secret-id cli/smoke | field SecretString)" = '{"password":"cli-initial-password-1"}' ] ||
  fail "get-secret-value did not return the stored value"

staged=$(sm put-secret-value --secret-id "$arn" --secret-string '{"password":"cli-staged-password-2"}' \
  --version-stages AWSPENDING --client-request-token 11111111-2222-4333-8444-555555555555 | field VersionId)
current=$(sm describe-secret --secret-id cli/smoke | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const m=JSON.parse(s).VersionIdsToStages;console.log(Object.keys(m).find(k=>m[k].includes("AWSCURRENT")))})')
sm update-secret-version-stage --secret-id cli/smoke --version-stage AWSPENDING --remove-from-version-id "$staged" >/dev/null
sm update-secret-version-stage --secret-id cli/smoke --version-stage AWSCURRENT \
  --move-to-version-id "$staged" --remove-from-version-id "$current" >/dev/null
[ "$(sm get-secret-value --secret-id cli/smoke --version-stage AWSPREVIOUS | field VersionId)" = "$current" ] ||
  fail "AWSPREVIOUS did not follow AWSCURRENT"

if sm update-secret-version-stage --secret-id cli/smoke --version-stage AWSCURRENT \
  --move-to-version-id "$current" --remove-from-version-id 99999999-2222-4333-8444-555555555555 >/dev/null 2>&1; then
  fail "a label move naming the wrong RemoveFromVersionId succeeded"
fi

rotation=$(sm rotate-secret --secret-id cli/smoke \
  --rotation-lambda-arn arn:aws:lambda:us-east-1:000000000000:function:random-value \
  --rotation-rules AutomaticallyAfterDays=30 | field VersionId)
for _ in $(seq 1 100); do
  [ "$(sm get-secret-value --secret-id cli/smoke | field VersionId)" = "$rotation" ] && break
  sleep 0.1
done
[ "$(sm get-secret-value --secret-id cli/smoke | field VersionId)" = "$rotation" ] || fail "rotation did not finish"
[ "$(sm describe-secret --secret-id cli/smoke | field RotationEnabled)" = "true" ] || fail "rotation not enabled"
[ "$(sm get-secret-value --secret-id cli/smoke --version-stage AWSPREVIOUS | field VersionId)" = "$staged" ] ||
  fail "AWSPREVIOUS is not the version that was current before the rotation"
if grep -q "cli-staged-password-2\|cli-initial-password-1" "$log_file"; then fail "a secret value reached the stack log"; fi

echo "aws-cli-smoke: 1 passed, 0 failed"
