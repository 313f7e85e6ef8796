#!/usr/bin/env bash
# Drives the local stack with the real AWS CLI: create, read, stage, rotate, list and filter secrets.
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

# update-secret: a new AWSCURRENT, the old one AWSPREVIOUS; the description changes in place.
before=$(sm get-secret-value --secret-id cli/smoke | field VersionId)
updated=$(sm update-secret --secret-id cli/smoke --secret-string '{"password":"cli-updated-password-3"}' \
  --description 'updated by the smoke check' | field VersionId)
[ "$(sm get-secret-value --secret-id cli/smoke | field VersionId)" = "$updated" ] || fail "update-secret did not move AWSCURRENT"
[ "$(sm get-secret-value --secret-id cli/smoke --version-stage AWSPREVIOUS | field VersionId)" = "$before" ] ||
  fail "update-secret did not move AWSPREVIOUS"
[ "$(sm describe-secret --secret-id cli/smoke | field Description)" = "updated by the smoke check" ] ||
  fail "update-secret did not change the description"

# batch-get-secret-value: values of the secrets named, and an error entry for one that does not exist.
sm create-secret --name cli/batch --secret-string '{"password":"cli-batch-password-4"}' >/dev/null
batch=$(sm batch-get-secret-value --secret-id-list cli/smoke cli/batch cli/missing)
[ "$(echo "$batch" | field SecretValues.1.SecretString)" = '{"password":"cli-batch-password-4"}' ] ||
  fail "batch-get-secret-value did not return the second value"
[ "$(echo "$batch" | field Errors.0.ErrorCode)" = "ResourceNotFoundException" ] ||
  fail "batch-get-secret-value did not report the missing secret"

# list-secrets --filters: `all` needs every word of the value, at the start of a word, in any case.
names() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).SecretList.map(x=>x.Name).join(" ")))'; }
sm create-secret --name cli-filter/SecretOne7 --secret-string '{"password":"cli-filter-password-7"}' >/dev/null
sm create-secret --name cli-filter/SecretTwo7 --secret-string '{"password":"cli-filter-password-8"}' \
  --description 'Second filter secret' >/dev/null
[ "$(sm list-secrets --filters Key=all,Values=SecretOne | names)" = "cli-filter/SecretOne7" ] ||
  fail "list-secrets --filters Key=all,Values=SecretOne did not find SecretOne alone"
[ "$(sm list-secrets --filters Key=all,Values=secret | names)" = "cli-filter/SecretOne7 cli-filter/SecretTwo7" ] ||
  fail "list-secrets --filters Key=all,Values=secret did not find both secrets"
[ "$(sm list-secrets --filters Key=all,Values='second FILTER' | names)" = "cli-filter/SecretTwo7" ] ||
  fail "list-secrets --filters Key=all did not search the description"
[ "$(sm list-secrets --filters Key=all,Values=ret | names)" = "" ] ||
  fail "list-secrets --filters Key=all matched the middle of a word"
[ "$(sm list-secrets --filters Key=name,Values=cli-filter/ Key=all,Values=two | names)" = "cli-filter/SecretTwo7" ] ||
  fail "list-secrets with two filters did not need both"

# A replicated secret: read in the replica Region under the same name, following its primary, read-only there.
replica() { AWS_DEFAULT_REGION=eu-west-1 sm "$@"; }
sm create-secret --name cli/replicated --secret-string '{"password":"cli-replicated-password-5"}' \
  --add-replica-regions Region=eu-west-1 >/dev/null
replica_arn=$(replica describe-secret --secret-id cli/replicated | field ARN)
[[ "$replica_arn" == arn:aws:secretsmanager:eu-west-1:000000000000:secret:cli/replicated-?????? ]] ||
  fail "unexpected replica ARN $replica_arn"
[ "$(replica describe-secret --secret-id cli/replicated | field PrimaryRegion)" = "us-east-1" ] ||
  fail "the replica does not name its primary Region"
sm put-secret-value --secret-id cli/replicated --secret-string '{"password":"cli-replicated-password-6"}' >/dev/null
[ "$(replica get-secret-value --secret-id cli/replicated | field SecretString)" = '{"password":"cli-replicated-password-6"}' ] ||
  fail "the replica did not follow its primary"
if replica put-secret-value --secret-id cli/replicated --secret-string '{"password":"x-x-x-x-x"}' >/dev/null 2>&1; then
  fail "a replica accepted a write"
fi
if sm delete-secret --secret-id cli/replicated >/dev/null 2>&1; then fail "a primary with replicas was deleted"; fi
sm remove-regions-from-replication --secret-id cli/replicated --remove-replica-regions eu-west-1 >/dev/null
sm delete-secret --secret-id cli/replicated --force-delete-without-recovery >/dev/null
if grep -q "cli-updated-password-3\|cli-batch-password-4\|cli-filter-password\|cli-replicated-password" "$log_file"; then
  fail "a secret value reached the stack log"
fi

echo "aws-cli-smoke: 1 passed, 0 failed"
