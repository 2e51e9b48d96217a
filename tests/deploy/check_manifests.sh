#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests in deploy/k8s (no cluster, no network).
#
#   bash tests/deploy/check_manifests.sh            # checks deploy/k8s, then proves it can fail
#   bash tests/deploy/check_manifests.sh DIR        # checks another copy of deploy/k8s only
#
# Why not `kubectl apply/create --dry-run=client`: both still ask an API server for its resource
# list (and for the OpenAPI schema when validating), so they fail without a cluster. What works
# offline, and is used here:
#   - `kubectl kustomize DIR` renders exactly what `kubectl apply -k` would send;
#   - `kubectl annotate --local -f FILE k=v -o go-template=...` parses a manifest (YAML syntax,
#     apiVersion/kind/metadata.name present) without contacting a server, and its go-template
#     output gives the fields checked below, parsed by kubectl rather than by grep.
# Neither validates against the API schema (an unknown field passes); the semantic checks below
# cover what matters for this suite:
#   - every file parses; the kustomization renders and lists every manifest but the Secrets;
#   - each server Deployment has startup/readiness/liveness gRPC probes naming its full service
#     name (cross-checked with services/<svc>/main.cc when it exists) on its container port;
#   - terminationGracePeriodSeconds * 1000 > the shutdown grace the pod is configured with
#     (env, envFrom ConfigMap, or args; the flag's default 10000 otherwise);
#   - every Deployment runs as non-root with a read-only root file system and resource limits;
#     SQLite servers have replicas 1 and strategy Recreate; each has a Service and a PDB;
#   - Redis has a NetworkPolicy admitting only pods of its own namespace;
#   - no Secret anywhere under deploy/k8s holds anything but placeholders or SHA-256 token lines,
#     and no file holds a raw gaoxinctl token or a private key;
#   - the image's USER matches the pods' runAsUser.
# Then, unless a DIR was given, it breaks copies of the manifests in known ways and checks that
# each break is caught.
#
# Exit status: 0 when all checks pass. Last line: "N passed, N failed".
# shellcheck disable=SC2016,SC2013  # single-quoted awk programs; ConfigMap names have no spaces
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
K8S="${1:-$ROOT/deploy/k8s}"
SELF_TEST=1
[ $# -ge 1 ] && SELF_TEST=0

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() {
  echo "${passed} passed, ${failed} failed"
  [ "${failed}" -eq 0 ]
  exit $?
}

if ! command -v kubectl >/dev/null 2>&1; then
  fail "kubectl is not installed"
  finish
fi
if [ ! -f "${K8S}/kustomization.yaml" ]; then
  fail "${K8S}/kustomization.yaml not found"
  finish
fi

WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT
# Never reach a real cluster, whatever the caller's kubeconfig says.
export KUBECONFIG="${WORK}/kubeconfig"
: >"${KUBECONFIG}"

# Expected server Deployments and the gRPC service each one serves.
declare -A WANT_SERVICE=(
  [leads]=gaoxin.leads.v1.LeadService
  [enterprise]=gaoxin.enterprise.v1.EnterpriseService
  [petition]=gaoxin.petition.v1.PetitionService
)
DEFAULT_SHUTDOWN_GRACE_MS=10000 # common/config.cc

# kubectl parses; go-template prints one tab-separated fact per line.
# shellcheck disable=SC2016
TEMPLATE='{{- $kind := .kind -}}{{- $name := .metadata.name -}}
OBJ	{{$kind}}	{{$name}}
{{- if eq $kind "Deployment" }}{{ $pod := .spec.template.spec }}
DEP	{{$name}}	{{index .spec.template.metadata.labels "app.kubernetes.io/component"}}	{{.spec.replicas}}	{{with .spec.strategy}}{{.type}}{{end}}	{{$pod.terminationGracePeriodSeconds}}	{{with $pod.securityContext}}{{.runAsNonRoot}}	{{.runAsUser}}{{end}}
{{- range $pod.volumes }}{{ if .persistentVolumeClaim }}
PVC	{{$name}}	{{.persistentVolumeClaim.claimName}}{{end}}{{end}}
{{- range $pod.containers }}{{ $c := .name }}
CTR	{{$name}}	{{$c}}	{{with .securityContext}}{{.runAsNonRoot}}	{{.readOnlyRootFilesystem}}	{{.runAsUser}}{{else}}		{{end}}	{{with .resources}}{{with .limits}}{{.memory}}{{end}}	{{with .requests}}{{.memory}}{{end}}{{else}}	{{end}}
{{- range .ports }}
PORT	{{$name}}	{{$c}}	{{.containerPort}}{{end}}
{{- with .startupProbe }}{{ with .grpc }}
PROBE	{{$name}}	{{$c}}	startup	{{.port}}	{{.service}}{{end}}{{end}}
{{- with .readinessProbe }}
PROBE	{{$name}}	{{$c}}	readiness	{{with .grpc}}{{.port}}	{{.service}}{{else}}-	-{{end}}{{end}}
{{- with .livenessProbe }}
PROBE	{{$name}}	{{$c}}	liveness	{{with .grpc}}{{.port}}	{{.service}}{{else}}-	-{{end}}{{end}}
{{- range .env }}
ENV	{{$name}}	{{$c}}	{{.name}}	{{.value}}{{end}}
{{- range .envFrom }}{{ with .configMapRef }}
ENVFROM	{{$name}}	{{$c}}	{{.name}}{{end}}{{end}}
{{- range .args }}
ARG	{{$name}}	{{$c}}	{{.}}{{end}}
{{- end }}
{{- else if eq $kind "ConfigMap" }}{{ range $k, $v := .data }}
CMDATA	{{$name}}	{{$k}}	{{$v}}{{end}}
{{- else if eq $kind "Service" }}{{ range .spec.ports }}
SVC	{{$name}}	{{index $.spec.selector "app.kubernetes.io/name"}}	{{.port}}{{end}}
{{- else if eq $kind "PodDisruptionBudget" }}
PDB	{{$name}}	{{index .spec.selector.matchLabels "app.kubernetes.io/name"}}
{{- else if eq $kind "NetworkPolicy" }}
NP	{{$name}}	{{index .spec.podSelector.matchLabels "app.kubernetes.io/name"}}	{{range .spec.ingress}}{{range .from}}{{range $k, $v := .}}{{$k}} {{end}}{{end}}{{end}}
{{- end }}
'
facts() { kubectl annotate --local -f "$1" gaoxin.check=1 -o go-template="${TEMPLATE}"; }
# Values: "<no value>" is what go-template prints for an absent field.
clean() { sed 's/<no value>//g'; }
# `read` collapses runs of tabs (IFS whitespace) and would shift empty fields: read these rows with
# the non-whitespace unit separator instead.
US=$'\037'
rows() { awk -F'\t' "$@" "${FACTS}" | tr '\t' "${US}"; }

# --- 1. every manifest file parses ---------------------------------------------------------
mapfile -t FILES < <(find "${K8S}" -type f \( -name '*.yaml' -o -name '*.yml' \) ! -name kustomization.yaml | sort)
for f in "${FILES[@]}"; do
  rel="${f#"${K8S}"/}"
  if out="$(kubectl annotate --local -f "$f" gaoxin.check=1 -o name 2>&1)" && [ -n "${out}" ]; then
    pass "parses: ${rel} ($(echo "${out}" | wc -l) objects)"
  else
    fail "parses: ${rel}: $(echo "${out}" | head -n 3)"
  fi
done

# --- 2. the kustomization renders and covers every non-Secret manifest -----------------------
RENDERED="${WORK}/rendered.yaml"
if kubectl kustomize "${K8S}" >"${RENDERED}" 2>"${WORK}/kustomize.err"; then
  pass "kubectl kustomize renders $(grep -c '^kind:' "${RENDERED}") objects"
else
  fail "kubectl kustomize: $(head -n 3 "${WORK}/kustomize.err")"
  finish
fi
for f in "${FILES[@]}"; do
  rel="${f#"${K8S}"/}"
  case "${rel}" in
    secrets/*)
      if grep -qE "^[[:space:]]*-[[:space:]]*${rel}[[:space:]]*$" "${K8S}/kustomization.yaml"; then
        fail "kustomization lists ${rel}: an apply would overwrite the real Secret"
      else
        pass "kustomization leaves ${rel} out"
      fi ;;
    *)
      if grep -qE "^[[:space:]]*-[[:space:]]*${rel}[[:space:]]*$" "${K8S}/kustomization.yaml"; then
        pass "kustomization lists ${rel}"
      else
        fail "kustomization does not list ${rel}: it would never be applied"
      fi ;;
  esac
done
if grep -q '^kind: Secret$' "${RENDERED}"; then
  fail "the rendered kustomization contains a Secret (apply would reset it)"
else
  pass "the rendered kustomization contains no Secret"
fi
if grep -qE '^  namespace: ' "${RENDERED}" && ! grep -E '^  namespace: ' "${RENDERED}" | grep -qv 'namespace: gaoxin$'; then
  pass "every namespaced object is in namespace gaoxin"
else
  fail "objects outside namespace gaoxin: $(grep -E '^  namespace: ' "${RENDERED}" | grep -v 'gaoxin$' | sort -u | tr '\n' ' ')"
fi

FACTS="${WORK}/facts.tsv"
if ! facts "${RENDERED}" 2>"${WORK}/facts.err" | clean >"${FACTS}"; then
  fail "cannot read the rendered objects: $(head -n 3 "${WORK}/facts.err")"
  finish
fi
col() { awk -F'\t' -v t="$1" -v k="$2" -v n="$3" '$1 == t && $2 == k { print $n }' "${FACTS}"; }

# --- 3. Deployments ----------------------------------------------------------------------------
mapfile -t SERVERS < <(awk -F'\t' '$1 == "DEP" && $3 == "server" { print $2 }' "${FACTS}" | sort)
want_sorted="$(printf '%s\n' "${!WANT_SERVICE[@]}" | sort | tr '\n' ' ')"
have_sorted="$(printf '%s\n' "${SERVERS[@]}" | sort | tr '\n' ' ')"
if [ "${want_sorted}" = "${have_sorted}" ]; then
  pass "server Deployments: ${have_sorted}"
else
  fail "server Deployments are '${have_sorted}', want '${want_sorted}'"
fi

for dep in "${SERVERS[@]}"; do
  want="${WANT_SERVICE[${dep}]:-}"
  [ -z "${want}" ] && continue
  # The name the server really registers with the health service, when its code exists.
  main="${ROOT}/services/${dep}/main.cc"
  if [ -f "${main}" ]; then
    in_code="$(tr '\n' ' ' <"${main}" | grep -oE 'FromFlags\([[:space:]]*"[^"]+"' |
               sed -E 's/.*"([^"]+)"/\1/' | head -n 1)"
    if [ -n "${in_code}" ] && [ "${in_code}" != "${want}" ]; then
      fail "${dep}: services/${dep}/main.cc serves ${in_code}, the check expects ${want}"
    fi
    [ -n "${in_code}" ] && want="${in_code}"
  fi
  ports="$(awk -F'\t' -v d="${dep}" '$1 == "PORT" && $2 == d { print $4 }' "${FACTS}" | tr '\n' ' ')"
  for kind in readiness liveness; do
    line="$(awk -F'\t' -v d="${dep}" -v k="${kind}" '$1 == "PROBE" && $2 == d && $4 == k' "${FACTS}")"
    port="$(echo "${line}" | cut -f5)"
    svc="$(echo "${line}" | cut -f6)"
    if [ -z "${line}" ] || [ "${port}" = "-" ]; then
      fail "${dep}: no gRPC ${kind} probe"
    elif [ "${svc}" != "${want}" ]; then
      fail "${dep}: ${kind} probe asks for service '${svc}', want '${want}'"
    elif [[ " ${ports} " != *" ${port} "* ]]; then
      fail "${dep}: ${kind} probe port ${port} is not a container port (${ports})"
    else
      pass "${dep}: gRPC ${kind} probe ${want} on :${port}"
    fi
  done
  while IFS="${US}" read -r _ _ _ _ port svc; do
    if [ "${svc}" = "${want}" ] && [[ " ${ports} " == *" ${port} "* ]]; then
      pass "${dep}: gRPC startup probe ${want} on :${port}"
    else
      fail "${dep}: startup probe asks for '${svc}' on :${port}, want '${want}' on one of ${ports}"
    fi
  done < <(rows -v d="${dep}" '$1 == "PROBE" && $2 == d && $4 == "startup"')

  # Shutdown grace: flag default < envFrom ConfigMaps < env < command-line args.
  grace="${DEFAULT_SHUTDOWN_GRACE_MS}"
  source_of="default of --shutdown_grace_ms"
  for cm in $(awk -F'\t' -v d="${dep}" '$1 == "ENVFROM" && $2 == d { print $4 }' "${FACTS}"); do
    v="$(awk -F'\t' -v c="${cm}" '$1 == "CMDATA" && $2 == c && $3 == "GAOXIN_SHUTDOWN_GRACE_MS" { print $4 }' "${FACTS}")"
    [ -n "${v}" ] && grace="${v}" && source_of="ConfigMap ${cm}"
  done
  v="$(awk -F'\t' -v d="${dep}" '$1 == "ENV" && $2 == d && $4 == "GAOXIN_SHUTDOWN_GRACE_MS" { print $5 }' "${FACTS}" | tail -n 1)"
  [ -n "${v}" ] && grace="${v}" && source_of="env"
  v="$(awk -F'\t' -v d="${dep}" '$1 == "ARG" && $2 == d' "${FACTS}" | cut -f4 |
       sed -n -E 's/^--?shutdown_grace_ms=([0-9]+)$/\1/p' | tail -n 1)"
  [ -n "${v}" ] && grace="${v}" && source_of="args"
  tgps="$(col DEP "${dep}" 6)"
  if ! [[ "${grace}" =~ ^[0-9]+$ ]]; then
    fail "${dep}: shutdown grace '${grace}' (${source_of}) is not a number of milliseconds"
  elif [ -z "${tgps}" ]; then
    fail "${dep}: no terminationGracePeriodSeconds (the default 30 s is implicit; state it)"
  elif [ $((tgps * 1000)) -gt "${grace}" ]; then
    pass "${dep}: terminationGracePeriodSeconds ${tgps}s > shutdown grace ${grace}ms (${source_of})"
  else
    fail "${dep}: terminationGracePeriodSeconds ${tgps}s <= shutdown grace ${grace}ms (${source_of}): SIGKILL would cut the drain"
  fi

  # SQLite: one writer process.
  db="$(awk -F'\t' -v d="${dep}" '$1 == "ENV" && $2 == d && $4 == "GAOXIN_DB" { print $5 }' "${FACTS}" | tail -n 1)"
  if [[ "${db}" != postgres* ]]; then
    replicas="$(col DEP "${dep}" 4)"
    strategy="$(col DEP "${dep}" 5)"
    if [ "${replicas:-1}" = "1" ] && [ "${strategy}" = "Recreate" ]; then
      pass "${dep}: SQLite (${db:-default path}) with replicas 1 and strategy Recreate"
    else
      fail "${dep}: SQLite (${db:-default path}) needs replicas 1 and strategy Recreate, has ${replicas:-1} / ${strategy:-RollingUpdate}"
    fi
  fi
  if awk -F'\t' -v d="${dep}" '$1 == "SVC" && $3 == d' "${FACTS}" | cut -f4 | grep -qxF "${ports// /}"; then
    pass "${dep}: Service on :${ports// /}"
  else
    fail "${dep}: no Service selecting it on its container port ${ports}"
  fi
  if awk -F'\t' -v d="${dep}" '$1 == "PDB" && $3 == d' "${FACTS}" | grep -q .; then
    pass "${dep}: PodDisruptionBudget"
  else
    fail "${dep}: no PodDisruptionBudget"
  fi
done

# Every Deployment, the Redis one included.
while IFS="${US}" read -r _ dep _ _ _ _ pod_nonroot pod_user; do
  while IFS="${US}" read -r _ _ c c_nonroot ro c_user lim req; do
    nonroot="${pod_nonroot}"
    [ -n "${c_nonroot}" ] && nonroot="${c_nonroot}"
    user="${pod_user}"
    [ -n "${c_user}" ] && user="${c_user}"
    if [ "${nonroot}" = "true" ] && [ "${user}" != "0" ]; then
      pass "${dep}/${c}: runAsNonRoot${user:+ (uid ${user})}"
    else
      fail "${dep}/${c}: runAsNonRoot is '${nonroot}', runAsUser '${user}'"
    fi
    if [ "${ro}" = "true" ]; then
      pass "${dep}/${c}: readOnlyRootFilesystem"
    else
      fail "${dep}/${c}: readOnlyRootFilesystem is '${ro}'"
    fi
    if [ -n "${lim}" ] && [ -n "${req}" ]; then
      pass "${dep}/${c}: memory request ${req}, limit ${lim}"
    else
      fail "${dep}/${c}: memory request '${req}' / limit '${lim}' missing"
    fi
  done < <(rows -v d="${dep}" '$1 == "CTR" && $2 == d')
done < <(rows '$1 == "DEP"')

# --- 4. Redis is reachable from this namespace only ---------------------------------------------
np="$(awk -F'\t' '$1 == "NP" && $3 == "redis"' "${FACTS}")"
if [ -z "${np}" ]; then
  fail "no NetworkPolicy selects Redis"
elif echo "${np}" | cut -f4 | grep -qE 'namespaceSelector|ipBlock'; then
  fail "the Redis NetworkPolicy admits peers outside the namespace: ${np}"
elif ! echo "${np}" | cut -f4 | grep -q podSelector; then
  fail "the Redis NetworkPolicy names no podSelector peer: ${np}"
else
  pass "Redis NetworkPolicy admits pods of its own namespace only"
fi

# --- 5. Secrets hold placeholders or SHA-256 lines only ------------------------------------------
# shellcheck disable=SC2016
SECRET_TEMPLATE='{{- if eq .kind "Secret" -}}
{{- if .data }}{{ range $k, $v := .data }}=== {{$.metadata.name}} data:{{$k}}
{{end}}{{ end -}}
{{- range $k, $v := .stringData }}=== {{$.metadata.name}} {{$k}}
{{$v}}
{{end}}{{- end -}}'
secrets_seen=0
for f in "${FILES[@]}"; do
  rel="${f#"${K8S}"/}"
  if ! out="$(kubectl annotate --local -f "$f" gaoxin.check=1 -o go-template="${SECRET_TEMPLATE}" 2>/dev/null)"; then
    continue # a parse failure is already reported above
  fi
  [ -z "${out}" ] && continue
  secrets_seen=$((secrets_seen + 1))
  # One verdict line per Secret key: "ok <what>" or "bad <why>".
  verdicts="$(echo "${out}" | awk '
    function verdict() {
      if (key == "") return
      if (key ~ /^data:/) { print "bad " name "/" substr(key, 6) ": base64 data: use stringData placeholders"; }
      else if (hash_lines > 0 && other == 0) { print "ok " name "/" key ": " hash_lines " SHA-256 token line(s)"; }
      else if (placeholder && other_nonph == 0) { print "ok " name "/" key ": placeholder"; }
      else { print "bad " name "/" key ": holds something other than placeholders or SHA-256 lines"; }
    }
    /^=== / { verdict(); name = $2; key = $3; hash_lines = 0; other = 0; other_nonph = 0; placeholder = 0; next }
    {
      line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line)
      if (line == "") next
      if (line ~ /PLACEHOLDER/) placeholder = 1
      if (line ~ /^#/) next
      # <64 hex> <principal> <roles>; no {n} intervals: mawk lacks them.
      if (split(line, part, /[ \t]+/) == 3 && length(part[1]) == 64 && part[1] !~ /[^0-9a-f]/) {
        hash_lines++; next
      }
      other++
      if (line !~ /PLACEHOLDER/) other_nonph++
    }
    END { verdict() }')"
  while read -r v rest; do
    [ -z "${v}" ] && continue
    if [ "${v}" = "ok" ]; then pass "secret ${rel}: ${rest}"; else fail "secret ${rel}: ${rest}"; fi
  done <<<"${verdicts}"
done
if [ "${secrets_seen}" -gt 0 ]; then
  pass "${secrets_seen} file(s) with Secrets checked"
else
  fail "no example Secret found under ${K8S} (tokens and PII key examples expected)"
fi
if grep -rnE 'gx_[0-9a-f]{16,}' "${K8S}" >"${WORK}/tokens.hits"; then
  fail "raw gaoxinctl token(s) in manifests: $(cut -d: -f1,2 "${WORK}/tokens.hits" | tr '\n' ' ')"
else
  pass "no raw gaoxinctl token in any manifest"
fi
if grep -rlE -- '-----BEGIN [A-Z ]*PRIVATE KEY-----' "${K8S}" >"${WORK}/keys.hits"; then
  fail "private key material in: $(tr '\n' ' ' <"${WORK}/keys.hits")"
else
  pass "no private key material in any manifest"
fi

# --- 6. image and pods agree on the user ---------------------------------------------------------
CONTAINERFILE="${ROOT}/deploy/container/Containerfile"
if [ -f "${CONTAINERFILE}" ]; then
  image_user="$(grep -E '^USER[[:space:]]' "${CONTAINERFILE}" | tail -n 1 | awk '{print $2}' | cut -d: -f1)"
  if ! [[ "${image_user}" =~ ^[0-9]+$ ]] || [ "${image_user}" = "0" ]; then
    fail "Containerfile: final USER '${image_user}' must be a numeric non-root uid (runAsNonRoot can only verify numbers)"
  else
    pass "Containerfile: final USER ${image_user}"
    for dep in "${SERVERS[@]}"; do
      u="$(col DEP "${dep}" 8)"
      if [ -z "${u}" ] || [ "${u}" = "${image_user}" ]; then
        pass "${dep}: runAsUser ${u:-unset} matches the image user ${image_user}"
      else
        fail "${dep}: runAsUser ${u} differs from the image user ${image_user} (volume ownership)"
      fi
    done
  fi
fi

# --- 7. the checks above can fail ------------------------------------------------------------
# Each mutation breaks a copy of the manifests in one way; the check must reject every copy.
mutate() { # name, file, sed expression, pattern the resulting FAIL line must match
  local name="$1" file="$2" expr="$3" want="$4" copy="${WORK}/mut-$1"
  cp -r "${K8S}" "${copy}"
  sed -i -E "${expr}" "${copy}/${file}"
  if cmp -s "${K8S}/${file}" "${copy}/${file}"; then
    fail "self-test ${name}: the mutation changed nothing (update it to the manifests)"
  elif bash "${BASH_SOURCE[0]}" "${copy}" >"${WORK}/mut-${name}.log" 2>&1; then
    fail "self-test ${name}: a broken copy passed"
  elif ! grep -E '^FAIL' "${WORK}/mut-${name}.log" | grep -qE -- "${want}"; then
    fail "self-test ${name}: rejected, but not for /${want}/: $(grep -m 1 '^FAIL' "${WORK}/mut-${name}.log")"
  else
    pass "self-test ${name}: caught ($(grep -E '^FAIL' "${WORK}/mut-${name}.log" | grep -m 1 -E -- "${want}" | cut -c6-))"
  fi
}
if [ "${SELF_TEST}" = 1 ]; then
  mutate yaml-syntax configmap.yaml 's/^data:$/data: [/' 'parses: configmap.yaml'
  mutate probe-service leads.yaml 's/service: gaoxin\.leads\.v1\.LeadService/service: gaoxin.leads.v1.LeadsService/' \
    'leads: readiness probe asks for'
  mutate liveness-probe-service petition.yaml '/livenessProbe/,/service:/ s/service: .*/service: ""/' \
    'petition: liveness probe asks for'
  mutate probe-port enterprise.yaml '/readinessProbe/,/port:/ s/port: 50052/port: 50051/' \
    'enterprise: readiness probe port 50051'
  mutate grace-too-short leads.yaml 's/terminationGracePeriodSeconds: 30/terminationGracePeriodSeconds: 10/' \
    'leads: terminationGracePeriodSeconds 10s <='
  mutate grace-env-override petition.yaml \
    's/^( +)- name: GAOXIN_LISTEN$/\1- name: GAOXIN_SHUTDOWN_GRACE_MS\n\1  value: "45000"\n&/' \
    'petition: .*45000ms \(env\)'
  mutate grace-configmap configmap.yaml 's/GAOXIN_SHUTDOWN_GRACE_MS: "10000"/GAOXIN_SHUTDOWN_GRACE_MS: "30000"/' \
    '30000ms \(ConfigMap gaoxin-common\)'
  mutate root-user enterprise.yaml 's/runAsNonRoot: true/runAsNonRoot: false/' 'enterprise/server: runAsNonRoot'
  mutate container-root redis.yaml '/containers:/,$ s/runAsNonRoot: true/runAsNonRoot: false/' \
    'redis/redis: runAsNonRoot'
  mutate writable-root leads.yaml 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/' \
    'leads/server: readOnlyRootFilesystem'
  mutate no-limits redis.yaml '/limits:/,/memory:/ { /memory:/d }' 'redis/redis: memory'
  mutate sqlite-replicas enterprise.yaml 's/replicas: 1 /replicas: 3 /' 'enterprise: SQLite .* has 3'
  mutate sqlite-rolling petition.yaml 's/type: Recreate/type: RollingUpdate/' 'petition: SQLite .*RollingUpdate'
  mutate no-pdb leads.yaml '/^kind: PodDisruptionBudget$/,$ s/app.kubernetes.io\/name: leads/app.kubernetes.io\/name: lead/' \
    'leads: no PodDisruptionBudget'
  mutate unlisted-manifest kustomization.yaml '/- networkpolicy-redis.yaml/d' 'does not list networkpolicy-redis'
  mutate netpol-open networkpolicy-redis.yaml 's/- podSelector: \{\}/- namespaceSelector: {}/' \
    'NetworkPolicy admits peers outside'
  mutate secret-listed kustomization.yaml 's/^  - petition.yaml$/&\n  - secrets\/pii-key.example.yaml/' \
    'kustomization lists secrets/pii-key'
  mutate secret-real-key secrets/pii-key.example.yaml 's/key: "PLACEHOLDER.*/key: "0123456789abcdef0123456789abcdef"/' \
    'gaoxin-pii-key/key: holds something'
  mutate secret-raw-token secrets/tokens.example.yaml \
    's/^(    )0{64} placeholder-nobody/\1gx_0123456789abcdef0123456789abcdef placeholder-nobody/' 'raw gaoxinctl token'
  mutate secret-base64 secrets/pii-key.example.yaml \
    's/^stringData:$/data:/; s/key: "PLACEHOLDER.*/key: MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=/' 'base64 data'
fi

finish
