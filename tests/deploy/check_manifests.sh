#!/usr/bin/env bash
# Offline checks of the Kubernetes manifests in deploy/k8s (no cluster; the network only for the
# first `npm ci` of tests/deploy's pinned packages).
#
#   bash tests/deploy/check_manifests.sh            # checks deploy/k8s, then proves it can fail
#   bash tests/deploy/check_manifests.sh DIR        # checks another copy of deploy/k8s only
#
# Layout checked: DIR/base (shared by all overlays), DIR/overlays/<name> (each one a complete
# suite: dev and production must exist), DIR/secrets (examples, never applied).
#
# Why not `kubectl apply/create --dry-run=client`: both still ask an API server for its resource
# list (and for the OpenAPI schema when validating), so they fail without a cluster. What works
# offline, and is used here:
#   - `kubectl kustomize DIR` renders exactly what `kubectl apply -k` would send;
#   - `kubectl annotate --local -f FILE k=v -o go-template=...` parses a manifest (YAML syntax,
#     apiVersion/kind/metadata.name present) without contacting a server, and its go-template
#     output gives the fields checked below, parsed by kubectl rather than by grep;
#   - tests/deploy/validate_schemas.mjs (node, npm packages pinned in tests/deploy/package-lock.json,
#     installed here with `npm ci`) validates every rendered object against the schema of its
#     kind and apiVersion, unknown fields included: kubernetes-models for the built-in kinds, the
#     vendored CRD schemas for CloudNativePG's Cluster and cert-manager's Certificate and Issuer; a
#     kind with no schema fails;
#   - tests/deploy/check_security.mjs checks the network and the secrets of every rendering: a
#     default deny, and the NetworkPolicies evaluated (tests/deploy/netpol.mjs) for every pair of
#     pods and every declared port, the allowed connections compared with the expected list in
#     tests/deploy/expected_reachability.mjs (both ways: an extra allow fails, a missing one too);
#     each server its own Redis ACL user with its password in its own Secret, Redis loading the
#     ACL file; TLS (production: cert-manager Certificates with serverAuth and clientAuth for the
#     Service names, the four TLS flags, probes on the plaintext health port) or, elsewhere,
#     plaintext said explicitly. Its evaluator has unit tests (tests/deploy/netpol_test.mjs, run
#     here after npm ci, unless a DIR was given).
# The semantic checks, for every overlay:
#   - every file parses; each kustomization lists every manifest of its directory, no Secret;
#     every overlay builds on ../../base; the rendering holds no Secret, all in namespace gaoxin;
#   - each server Deployment has startup/readiness/liveness gRPC probes naming its full service
#     name (cross-checked with services/<svc>/main.cc when it exists) on its container port;
#   - terminationGracePeriodSeconds * 1000 > preStop sleep + the shutdown grace the pod is
#     configured with (env, envFrom ConfigMap, or args; the flag's default 10000 otherwise);
#   - every Deployment runs as non-root with a read-only root file system and resource limits;
#   - SQLite servers (GAOXIN_DB not a postgresql:// URI): replicas 1, strategy Recreate, no HPA,
#     a PDB that allows the one disruption;
#   - PostgreSQL servers: no PVC, no password in GAOXIN_DB but GAOXIN_DB_PASSWORD_FILE, an HPA of
#     at least 2 replicas on CPU (and no spec.replicas an apply would reset it to), RollingUpdate
#     with maxUnavailable 0, a PDB with minAvailable 1 (below the HPA minimum), topology spread
#     over kubernetes.io/hostname and (ScheduleAnyway) topology.kubernetes.io/zone, a preStop
#     sleep; when the overlay has a CloudNativePG Cluster, GAOXIN_DB, the password Secret and the
#     Cluster agree, with several instances and synchronous_commit on;
#   - no Secret reaches a container as env or envFrom; every *_FILE setting naming a key, token,
#     password or secret points into a mounted Secret volume;
#   - each server has a Service on its container port named grpc, and a PDB;
#   - images carry tags only in kustomization images: lists, and every rendered image has a tag
#     (not latest) or digest;
#   - no Secret anywhere under DIR holds anything but placeholders or SHA-256 token lines, and no
#     file holds a raw gaoxinctl token or a private key;
#   - the image's USER matches the pods' runAsUser, and the tools the pods exec (preStop sleep,
#     the token-reading shell) come with the Debian runtime image.
# Then, unless a DIR was given, it breaks copies of the manifests in known ways and checks that
# each break is caught, GAOXIN_CHECK_JOBS copies at a time (default: the number of CPUs); only
# the copies broken for the schema check run the node validator (GAOXIN_CHECK_SCHEMA=0 for the
# others).
#
# Exit status: 0 when all checks pass. Last line: "N passed, N failed".
# shellcheck disable=SC2016,SC2013  # single-quoted awk programs; ConfigMap names have no spaces
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
K8S="${1:-$ROOT/deploy/k8s}"
SELF_TEST=1
[ $# -ge 1 ] && SELF_TEST=0
WANT_OVERLAYS=(dev production)

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
note() { echo "NOTE $*"; }
finish() {
  echo "${passed} passed, ${failed} failed"
  [ "${failed}" -eq 0 ]
  exit $?
}

for tool in kubectl node npm; do
  if ! command -v "${tool}" >/dev/null 2>&1; then
    fail "${tool} is not installed"
    finish
  fi
done
if [ ! -f "${K8S}/base/kustomization.yaml" ]; then
  fail "${K8S}/base/kustomization.yaml not found"
  finish
fi

WORK="$(mktemp -d)"
trap 'rm -rf "${WORK}"' EXIT
# Never reach a real cluster, whatever the caller's kubeconfig says.
export KUBECONFIG="${WORK}/kubeconfig"
: >"${KUBECONFIG}"

# --- 0. the schema validator's packages, exactly as locked ---------------------------------------
# npm ci runs only when node_modules was not installed from this very package-lock.json; the
# lock is held on the lock file itself, so two runs never install at once.
DEPS="${ROOT}/tests/deploy"
lock_sum="$(sha256sum "${DEPS}/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "${DEPS}/node_modules/.gaoxin-lock-sha256" 2>/dev/null)" != "${lock_sum}" ]; then
  (
    flock 9
    if [ "$(cat "${DEPS}/node_modules/.gaoxin-lock-sha256" 2>/dev/null)" != "${lock_sum}" ]; then
      cd "${DEPS}" && npm ci --no-audit --no-fund --loglevel=error >"${WORK}/npm.log" 2>&1 &&
        echo "${lock_sum}" >node_modules/.gaoxin-lock-sha256
    fi
  ) 9<"${DEPS}/package-lock.json"
  if [ "$(cat "${DEPS}/node_modules/.gaoxin-lock-sha256" 2>/dev/null)" = "${lock_sum}" ]; then
    pass "npm ci in tests/deploy ($(node --version), packages of package-lock.json)"
  else
    fail "npm ci in tests/deploy: $(tail -n 3 "${WORK}/npm.log" 2>/dev/null | tr '\n' ' ')"
    finish
  fi
fi

# The NetworkPolicy evaluator's own tests (node's built-in runner): once per run, not per copy.
if [ "${SELF_TEST}" = 1 ]; then
  if node --test "${DEPS}/netpol_test.mjs" >"${WORK}/netpol-test.out" 2>&1; then
    pass "netpol evaluator unit tests: $(grep -E '^# pass' "${WORK}/netpol-test.out" | sed 's/^# //')"
  else
    fail "netpol evaluator unit tests: $(grep -E '^not ok|^# (pass|fail)' "${WORK}/netpol-test.out" | tr '\n' ' ')"
  fi
fi

# Expected server Deployments and the gRPC service each one serves.
declare -A WANT_SERVICE=(
  [leads]=gaoxin.leads.v1.LeadService
  [enterprise]=gaoxin.enterprise.v1.EnterpriseService
  [petition]=gaoxin.petition.v1.PetitionService
)
DEFAULT_SHUTDOWN_GRACE_MS=10000 # common/config.cc

# kubectl parses; go-template prints one tab-separated fact per line.
# DEP: name component replicas strategy grace maxSurge maxUnavailable podNonRoot podUser
# shellcheck disable=SC2016
TEMPLATE='{{- $kind := .kind -}}{{- $name := .metadata.name -}}
OBJ	{{$kind}}	{{$name}}
{{- if eq $kind "Deployment" }}{{ $pod := .spec.template.spec }}
DEP	{{$name}}	{{index .spec.template.metadata.labels "app.kubernetes.io/component"}}	{{.spec.replicas}}	{{with .spec.strategy}}{{.type}}	{{with .rollingUpdate}}{{.maxSurge}}	{{.maxUnavailable}}{{else}}	{{end}}{{else}}		{{end}}	{{$pod.terminationGracePeriodSeconds}}	{{with $pod.securityContext}}{{.runAsNonRoot}}	{{.runAsUser}}{{else}}	{{end}}
{{- range $pod.volumes }}{{ if .persistentVolumeClaim }}
PVC	{{$name}}	{{.name}}	{{.persistentVolumeClaim.claimName}}{{end}}{{end}}
{{- range $pod.volumes }}{{ $v := .name }}{{ with .secret }}
SECVOL	{{$name}}	{{$v}}	{{.secretName}}	{{range .items}}{{.key}}:{{.path}} {{end}}{{end}}{{end}}
{{- range $pod.topologySpreadConstraints }}
SPREAD	{{$name}}	{{.topologyKey}}	{{.whenUnsatisfiable}}	{{.maxSkew}}	{{with .labelSelector}}{{with .matchLabels}}{{index . "app.kubernetes.io/name"}}{{end}}{{end}}{{end}}
{{- range $pod.containers }}{{ $c := .name }}
CTR	{{$name}}	{{$c}}	{{with .securityContext}}{{.runAsNonRoot}}	{{.readOnlyRootFilesystem}}	{{.runAsUser}}{{else}}		{{end}}	{{with .resources}}{{with .limits}}{{.memory}}{{end}}	{{with .requests}}{{.memory}}	{{.cpu}}{{else}}	{{end}}{{else}}		{{end}}
IMG	{{$name}}	{{$c}}	{{.image}}
{{- with .command }}
CMD	{{$name}}	{{$c}}	{{range .}}{{.}} {{end}}{{end}}
{{- with .lifecycle }}{{ with .preStop }}
PRESTOP	{{$name}}	{{$c}}	{{if .exec}}exec	{{range .exec.command}}{{.}} {{end}}{{else if .sleep}}sleep	{{.sleep.seconds}}{{else}}other	-{{end}}{{end}}{{end}}
{{- range .ports }}
PORT	{{$name}}	{{$c}}	{{.containerPort}}	{{.name}}{{end}}
{{- range .volumeMounts }}
MOUNT	{{$name}}	{{$c}}	{{.name}}	{{.mountPath}}{{end}}
{{- with .startupProbe }}{{ with .grpc }}
PROBE	{{$name}}	{{$c}}	startup	{{.port}}	{{.service}}{{end}}{{end}}
{{- with .readinessProbe }}
PROBE	{{$name}}	{{$c}}	readiness	{{with .grpc}}{{.port}}	{{.service}}{{else}}-	-{{end}}{{end}}
{{- with .livenessProbe }}
PROBE	{{$name}}	{{$c}}	liveness	{{with .grpc}}{{.port}}	{{.service}}{{else}}-	-{{end}}{{end}}
{{- range .env }}{{ if .valueFrom }}{{ with .valueFrom.secretKeyRef }}
ENVSECRET	{{$name}}	{{$c}}	{{.name}}{{end}}{{else}}
ENV	{{$name}}	{{$c}}	{{.name}}	{{.value}}{{end}}{{end}}
{{- range .envFrom }}{{ with .configMapRef }}
ENVFROM	{{$name}}	{{$c}}	{{.name}}{{end}}{{ with .secretRef }}
ENVSECRET	{{$name}}	{{$c}}	{{.name}}{{end}}{{end}}
{{- range .args }}
ARG	{{$name}}	{{$c}}	{{.}}{{end}}
{{- end }}
{{- else if eq $kind "ConfigMap" }}{{ range $k, $v := .data }}
CMDATA	{{$name}}	{{$k}}	{{$v}}{{end}}
{{- else if eq $kind "Service" }}{{ range .spec.ports }}
SVC	{{$name}}	{{index $.spec.selector "app.kubernetes.io/name"}}	{{.port}}{{end}}
{{- else if eq $kind "PodDisruptionBudget" }}
PDB	{{$name}}	{{index .spec.selector.matchLabels "app.kubernetes.io/name"}}	{{.spec.minAvailable}}	{{.spec.maxUnavailable}}
{{- else if eq $kind "HorizontalPodAutoscaler" }}
HPA	{{$name}}	{{.spec.scaleTargetRef.kind}}	{{.spec.scaleTargetRef.name}}	{{.spec.minReplicas}}	{{.spec.maxReplicas}}	{{range .spec.metrics}}{{.type}}{{with .resource}}:{{.name}}:{{.target.type}}:{{.target.averageUtilization}}{{end}} {{end}}
{{- else if eq $kind "Cluster" }}
CLUSTER	{{$name}}	{{.apiVersion}}	{{.spec.instances}}	{{with .spec.bootstrap}}{{with .initdb}}{{.database}}	{{.owner}}{{else}}	{{end}}{{else}}	{{end}}	{{with .spec.postgresql}}{{with .parameters}}{{.synchronous_commit}}{{end}}{{end}}
IMG	{{$name}}		{{.spec.imageName}}
{{- end }}
'
# Values: "<no value>" is what go-template prints for an absent field.
clean() { sed 's/<no value>//g'; }
# `read` collapses runs of tabs (IFS whitespace) and would shift empty fields: read these rows with
# the non-whitespace unit separator instead.
US=$'\037'

# --- 1. every manifest file parses ---------------------------------------------------------------
# kustomization.yaml and kustomizeconfig.yaml are kustomize's own files, not Kubernetes objects.
mapfile -t FILES < <(find "${K8S}" -type f \( -name '*.yaml' -o -name '*.yml' \) \
  ! -name kustomization.yaml ! -name kustomizeconfig.yaml | sort)
rel() { echo "${1#"${K8S}"/}"; }
parse_args=()
for f in "${FILES[@]}"; do parse_args+=(-f "$f"); done
if out="$(kubectl annotate --local "${parse_args[@]}" gaoxin.check=1 -o name 2>&1)"; then
  pass "parses: ${#FILES[@]} files ($(echo "${out}" | wc -l) objects)"
else
  # One call failed: find which file(s).
  for f in "${FILES[@]}"; do
    if ! out="$(kubectl annotate --local -f "$f" gaoxin.check=1 -o name 2>&1)" || [ -z "${out}" ]; then
      fail "parses: $(rel "$f"): $(echo "${out}" | head -n 3)"
    fi
  done
fi

# --- 2. kustomizations list every manifest of their directory, no Secret -------------------------
# A name counts as listed when a line of the kustomization is "- NAME" or "path: NAME".
listed() { grep -qE "^[[:space:]]*(-[[:space:]]*|-?[[:space:]]*path:[[:space:]]*)$2[[:space:]]*(#.*)?$" "$1"; }
mapfile -t KUSTS < <(find "${K8S}" -type f -name kustomization.yaml | sort)
for k in "${KUSTS[@]}"; do
  if grep -nE '^[^#]*secrets/' "$k" >"${WORK}/secret-refs"; then
    fail "kustomization $(rel "$(dirname "$k")") lists $(sed -E 's/^[0-9]+:[[:space:]]*-?[[:space:]]*//' "${WORK}/secret-refs" | paste -sd ' '): an apply would overwrite the real Secret"
  else
    pass "kustomization $(rel "$(dirname "$k")") lists nothing from secrets/"
  fi
done
for f in "${FILES[@]}" $(find "${K8S}" -type f -name kustomizeconfig.yaml); do
  r="$(rel "$f")"
  case "${r}" in secrets/*) continue ;; esac
  k="$(dirname "$f")/kustomization.yaml"
  if [ ! -f "$k" ]; then
    fail "${r}: no kustomization.yaml in its directory: it would never be applied"
  elif listed "$k" "$(basename "$f" | sed 's/\./\\./g')"; then
    pass "kustomization $(rel "$(dirname "$f")") lists $(basename "$f")"
  else
    fail "kustomization $(rel "$(dirname "$f")") does not list $(basename "$f"): it would never be applied"
  fi
done
mapfile -t OVERLAYS < <(find "${K8S}/overlays" -mindepth 2 -maxdepth 2 -name kustomization.yaml \
                          -printf '%h\n' 2>/dev/null | sed 's|.*/||' | sort)
for want in "${WANT_OVERLAYS[@]}"; do
  if [[ " ${OVERLAYS[*]} " == *" ${want} "* ]]; then
    pass "overlay ${want} exists"
  else
    fail "overlay ${want} is missing (overlays/${want}/kustomization.yaml)"
  fi
done
for ov in "${OVERLAYS[@]}"; do
  if listed "${K8S}/overlays/${ov}/kustomization.yaml" '\.\./\.\./base/?'; then
    pass "overlay ${ov} builds on ../../base"
  else
    fail "overlay ${ov} does not include ../../base"
  fi
done

# Image tags live in kustomization images: lists only; the manifests name bare images.
mapfile -t MANIFESTS < <(printf '%s\n' "${FILES[@]}" | grep -v "^${K8S}/secrets/")
if grep -nE '^[[:space:]-]*(image|imageName):[[:space:]]*"?[^[:space:]"#]+(:[^[:space:]"#/]+|@sha256:[0-9a-f]+)"?[[:space:]]*(#.*)?$' \
     "${MANIFESTS[@]}" >"${WORK}/tagged-images"; then
  fail "image tag outside kustomization images: $(sed -E "s|^${K8S}/||" "${WORK}/tagged-images" | tr -s ' ' | tr '\n' ';')"
else
  pass "no manifest pins an image tag: tags are set in kustomization images: only"
fi

# --- 3. render each overlay ---------------------------------------------------------------------
if kubectl kustomize "${K8S}/base" >"${WORK}/base.yaml" 2>"${WORK}/kustomize.err"; then
  pass "kubectl kustomize base renders $(grep -c '^kind:' "${WORK}/base.yaml") objects"
else
  fail "kubectl kustomize base: $(head -n 3 "${WORK}/kustomize.err")"
fi
RENDERED_OK=()
for ov in "${OVERLAYS[@]}"; do
  r="${WORK}/${ov}.yaml"
  if kubectl kustomize "${K8S}/overlays/${ov}" >"${r}" 2>"${WORK}/kustomize.err"; then
    pass "[${ov}] kubectl kustomize renders $(grep -c '^kind:' "${r}") objects"
    RENDERED_OK+=("${ov}")
  else
    fail "[${ov}] kubectl kustomize: $(head -n 3 "${WORK}/kustomize.err")"
    continue
  fi
  if grep -q '^kind: Secret$' "${r}"; then
    fail "[${ov}] the rendering contains a Secret (apply would reset it)"
  else
    pass "[${ov}] the rendering contains no Secret"
  fi
  if grep -qE '^  namespace: ' "${r}" && ! grep -E '^  namespace: ' "${r}" | grep -qv 'namespace: gaoxin$'; then
    pass "[${ov}] every namespaced object is in namespace gaoxin"
  else
    fail "[${ov}] objects outside namespace gaoxin: $(grep -E '^  namespace: ' "${r}" | grep -v 'gaoxin$' | sort -u | tr '\n' ' ')"
  fi
done
[ "${#RENDERED_OK[@]}" -eq 0 ] && finish

# --- 4. schema of every rendered object -----------------------------------------------------------
# GAOXIN_CHECK_SCHEMA=0 skips this step: the self-test sets it for the copies it breaks for another
# rule (the schema-* copies keep it), which saves a node start per copy.
schema_args=()
for ov in "${RENDERED_OK[@]}"; do schema_args+=("${ov}=${WORK}/${ov}.yaml"); done
if [ "${GAOXIN_CHECK_SCHEMA:-1}" = 0 ]; then
  note "schema check skipped (GAOXIN_CHECK_SCHEMA=0)"
  : >"${WORK}/schemas.out"
  schema_rc=0
else
  node "${DEPS}/validate_schemas.mjs" "${schema_args[@]}" >"${WORK}/schemas.out" 2>"${WORK}/schemas.err"
  schema_rc=$?
fi
while read -r verdict rest; do
  case "${verdict}" in
    ok) pass "schema: ${rest}" ;;
    bad) fail "schema: ${rest}" ;;
    note) note "schema: ${rest}" ;;
    *) fail "schema: unexpected output: ${verdict} ${rest}" ;;
  esac
done <"${WORK}/schemas.out"
if [ "${schema_rc}" -ne 0 ] && ! grep -q '^bad ' "${WORK}/schemas.out"; then
  fail "schema: validate_schemas.mjs exited ${schema_rc}: $(head -n 3 "${WORK}/schemas.err" | tr '\n' ' ')"
fi

# --- 4b. network and secrets: reachability, Redis ACL users, TLS ---------------------------------
# Overlays that must serve TLS (cert-manager Certificates); the others must say plaintext.
TLS_OVERLAYS=production
node "${DEPS}/check_security.mjs" --tls="${TLS_OVERLAYS}" "${schema_args[@]}" \
  >"${WORK}/security.out" 2>"${WORK}/security.err"
security_rc=$?
while read -r verdict rest; do
  case "${verdict}" in
    ok) pass "security: ${rest}" ;;
    bad) fail "security: ${rest}" ;;
    note) note "security: ${rest}" ;;
    *) fail "security: unexpected output: ${verdict} ${rest}" ;;
  esac
done <"${WORK}/security.out"
if [ "${security_rc}" -ne 0 ] && ! grep -q '^bad ' "${WORK}/security.out"; then
  fail "security: check_security.mjs exited ${security_rc}: $(head -n 3 "${WORK}/security.err" | tr '\n' ' ')"
fi

# --- 5. semantics, per overlay --------------------------------------------------------------------
CONTAINERFILE="${ROOT}/deploy/container/Containerfile"
image_user=""
runtime_image=""
if [ -f "${CONTAINERFILE}" ]; then
  image_user="$(grep -E '^USER[[:space:]]' "${CONTAINERFILE}" | tail -n 1 | awk '{print $2}' | cut -d: -f1)"
  runtime_image="$(sed -n -E 's/^ARG RUNTIME_IMAGE=([^[:space:]]+).*/\1/p' "${CONTAINERFILE}" | tail -n 1)"
  if ! [[ "${image_user}" =~ ^[0-9]+$ ]] || [ "${image_user}" = "0" ]; then
    fail "Containerfile: final USER '${image_user}' must be a numeric non-root uid (runAsNonRoot can only verify numbers)"
    image_user=""
  else
    pass "Containerfile: final USER ${image_user}"
  fi
fi
# Tools the pods exec besides the server, and why the runtime image has them.
declare -A DEBIAN_ESSENTIAL=(
  [/bin/sleep]=coreutils [/bin/cat]=coreutils [/usr/bin/sleep]=coreutils [/usr/bin/cat]=coreutils
  [/bin/sh]=dash [/usr/local/bin/gaoxin-server]="the image's entrypoint"
)

# The facts of one overlay, loaded once into arrays: the checks below then fork no awk per field.
# Keys join names with "|"; values join fields with tabs.
load_facts() {
  unset DEP ENVV ENVFROMS ENVSECRETS ARGS PORTS GRPCPORT PROBES CTRS MOUNTS SECVOLS PVCS SPREADS \
        PRESTOPS CMDS IMGS CMDATA SVCPORTS PDBS HPAS CLUSTERS
  declare -gA DEP=() ENVV=() ENVFROMS=() ENVSECRETS=() ARGS=() PORTS=() GRPCPORT=() PROBES=() CTRS=() \
              MOUNTS=() SECVOLS=() PVCS=() SPREADS=() PRESTOPS=() CMDS=() CMDATA=() SVCPORTS=() PDBS=() \
              HPAS=()
  declare -ga IMGS=() CLUSTERS=() DEPS_ORDER=()
  local -a f
  local T=$'\t' line
  while IFS= read -r line; do
    IFS="${US}" read -r -a f <<<"${line}"
    case "${f[0]:-}" in
      DEP) line="${line#DEP"${US}"}"; DEP["${f[1]:-}"]="${line//${US}/${T}}"; DEPS_ORDER+=("${f[1]:-}") ;;
      ENV) ENVV["${f[1]:-}|${f[3]:-}"]="${f[4]:-}" ;;
      ENVFROM) ENVFROMS["${f[1]:-}"]+="${f[3]:-} " ;;
      ENVSECRET) ENVSECRETS["${f[1]:-}"]+="${f[2]:-}/${f[3]:-} " ;;
      ARG) ARGS["${f[1]:-}"]+="${f[3]:-}${T}" ;;
      PORT) PORTS["${f[1]:-}"]+="${f[3]:-} "; [ "${f[4]:-}" = grpc ] && GRPCPORT["${f[1]:-}"]="${f[3]:-}" ;;
      PROBE) PROBES["${f[1]:-}|${f[3]:-}"]="${f[4]:-}${T}${f[5]:-}" ;;
      CTR) CTRS["${f[1]:-}"]+="${f[2]:-}${T}${f[3]:-}${T}${f[4]:-}${T}${f[5]:-}${T}${f[6]:-}${T}${f[7]:-}${T}${f[8]:-}"$'\n' ;;
      MOUNT) MOUNTS["${f[1]:-}|${f[2]:-}|${f[4]:-}"]="${f[3]:-}" ;;
      SECVOL) SECVOLS["${f[1]:-}|${f[2]:-}"]="${f[3]:-}${T}${f[4]:-}" ;;
      PVC) PVCS["${f[1]:-}"]+="${f[3]:-} " ;;
      SPREAD) [ "${f[5]:-}" = "${f[1]:-}" ] && SPREADS["${f[1]:-}|${f[2]:-}"]="${f[3]:-}${T}${f[4]:-}" ;;
      PRESTOP) PRESTOPS["${f[1]:-}"]="${f[3]:-}${T}${f[4]:-}" ;;
      CMD) CMDS["${f[1]:-}"]+="${f[3]%% *} " ;;
      IMG) IMGS+=("${f[1]:-}${T}${f[2]:-}${T}${f[3]:-}") ;;
      CMDATA) CMDATA["${f[1]:-}|${f[2]:-}"]="${f[3]:-}" ;;
      SVC) SVCPORTS["${f[2]:-}"]+="${f[3]:-} " ;;
      PDB) PDBS["${f[2]:-}"]="${f[1]:-}${T}${f[3]:-}${T}${f[4]:-}" ;;
      HPA) [ "${f[2]:-}" = "Deployment" ] && HPAS["${f[3]:-}"]="${f[1]:-}${T}${f[4]:-}${T}${f[5]:-}${T}${f[6]:-}" ;;
      CLUSTER) CLUSTERS+=("${f[1]:-}${T}${f[3]:-}${T}${f[4]:-}${T}${f[5]:-}${T}${f[6]:-}") ;;
    esac
  done < <(tr '\t' "${US}" <"$1")
}
# field N (1-based) of a tab-joined value
fld() { local IFS=$'\t' a; read -r -a a <<<"$1" || true; echo "${a[$(($2 - 1))]:-}"; }
# Tab-joined values may have empty fields, which `read -a` with IFS=tab would drop: split on tabs
# keeping them.
split_tabs() { # value, array name
  local -n split_into="$2"
  split_into=()
  local s="$1"$'\t'
  while [ -n "${s}" ]; do split_into+=("${s%%$'\t'*}"); s="${s#*$'\t'}"; done
}

check_overlay() {
  local ov="$1" P="[$1]" FACTS="${WORK}/$1.facts"
  if ! kubectl annotate --local -f "${WORK}/${ov}.yaml" gaoxin.check=1 -o go-template="${TEMPLATE}" \
       2>"${WORK}/facts.err" | clean >"${FACTS}"; then
    fail "${P} cannot read the rendered objects: $(head -n 3 "${WORK}/facts.err")"
    return
  fi
  load_facts "${FACTS}"

  local -a servers=() d_
  local dep
  for dep in "${DEPS_ORDER[@]}"; do
    split_tabs "${DEP[${dep}]}" d_
    [ "${d_[1]:-}" = "server" ] && servers+=("${dep}")
  done
  local want_sorted have_sorted
  want_sorted="$(printf '%s\n' "${!WANT_SERVICE[@]}" | sort | tr '\n' ' ')"
  have_sorted="$(printf '%s\n' "${servers[@]}" | sort | tr '\n' ' ')"
  if [ "${want_sorted}" = "${have_sorted}" ]; then
    pass "${P} server Deployments: ${have_sorted}"
  else
    fail "${P} server Deployments are '${have_sorted}', want '${want_sorted}'"
  fi

  for dep in $(printf '%s\n' "${servers[@]}" | sort); do
    local want="${WANT_SERVICE[${dep}]:-}"
    [ -z "${want}" ] && continue
    # The name the server really registers with the health service, when its code exists.
    local main="${ROOT}/services/${dep}/main.cc" in_code
    if [ -f "${main}" ]; then
      in_code="$(tr '\n' ' ' <"${main}" | grep -oE 'FromFlags\([[:space:]]*"[^"]+"' |
                 sed -E 's/.*"([^"]+)"/\1/' | head -n 1)"
      if [ -n "${in_code}" ] && [ "${in_code}" != "${want}" ]; then
        fail "${P} ${dep}: services/${dep}/main.cc serves ${in_code}, the check expects ${want}"
      fi
      [ -n "${in_code}" ] && want="${in_code}"
    fi
    local ports="${PORTS[${dep}]:-}" kind probe port svc
    ports="${ports% }"
    for kind in readiness liveness startup; do
      probe="${PROBES[${dep}|${kind}]-unset}"
      port="${probe%%$'\t'*}"
      svc="${probe#*$'\t'}"
      if [ "${probe}" = "unset" ] || [ "${port}" = "-" ]; then
        fail "${P} ${dep}: no gRPC ${kind} probe"
      elif [ "${svc}" != "${want}" ]; then
        fail "${P} ${dep}: ${kind} probe asks for service '${svc}', want '${want}'"
      elif [[ " ${ports} " != *" ${port} "* ]]; then
        fail "${P} ${dep}: ${kind} probe port ${port} is not a container port (${ports})"
      else
        pass "${P} ${dep}: gRPC ${kind} probe ${want} on :${port}"
      fi
    done

    # Shutdown grace: flag default < envFrom ConfigMaps < env < command-line args.
    local grace="${DEFAULT_SHUTDOWN_GRACE_MS}" source_of="default of --shutdown_grace_ms" cm v a
    for cm in ${ENVFROMS[${dep}]:-}; do
      v="${CMDATA[${cm}|GAOXIN_SHUTDOWN_GRACE_MS]:-}"
      [ -n "${v}" ] && grace="${v}" && source_of="ConfigMap ${cm}"
    done
    v="${ENVV[${dep}|GAOXIN_SHUTDOWN_GRACE_MS]:-}"
    [ -n "${v}" ] && grace="${v}" && source_of="env"
    local -a args_
    split_tabs "${ARGS[${dep}]:-}" args_
    for a in "${args_[@]}"; do
      [[ "${a}" =~ ^--?shutdown_grace_ms=([0-9]+)$ ]] && grace="${BASH_REMATCH[1]}" && source_of="args"
    done
    # preStop runs before SIGTERM and its time counts against the grace period.
    local prestop="${PRESTOPS[${dep}]:-}" prestop_s=0 prestop_desc="" pkind pval
    pkind="${prestop%%$'\t'*}"
    pval="${prestop#*$'\t'}"; pval="${pval% }"
    case "${pkind}" in
      "") ;;
      sleep) prestop_s="${pval}"; prestop_desc="preStop sleep ${pval}s + " ;;
      exec)
        if [[ "${pval}" =~ ^(/usr)?(/bin/)?sleep\ ([0-9]+)$ ]]; then
          prestop_s="${BASH_REMATCH[3]}"; prestop_desc="preStop ${prestop_s}s (${pval}) + "
        else
          prestop_s=""; prestop_desc="preStop '${pval}'"
        fi ;;
      *) prestop_s=""; prestop_desc="preStop ${pkind}" ;;
    esac
    split_tabs "${DEP[${dep}]}" d_
    # d_: component replicas strategy maxSurge maxUnavailable grace podNonRoot podUser
    local replicas="${d_[2]:-}" strategy="${d_[3]:-}" surge="${d_[4]:-}" unavail="${d_[5]:-}" tgps="${d_[6]:-}"
    if ! [[ "${grace}" =~ ^[0-9]+$ ]]; then
      fail "${P} ${dep}: shutdown grace '${grace}' (${source_of}) is not a number of milliseconds"
    elif [ -z "${prestop_s}" ]; then
      fail "${P} ${dep}: ${prestop_desc} is not a plain sleep of whole seconds: the check cannot add its time to the grace"
    elif [ -z "${tgps}" ]; then
      fail "${P} ${dep}: no terminationGracePeriodSeconds (the default 30 s is implicit; state it)"
    elif [ $((tgps * 1000)) -gt $((prestop_s * 1000 + grace)) ]; then
      pass "${P} ${dep}: terminationGracePeriodSeconds ${tgps}s > ${prestop_desc}shutdown grace ${grace}ms (${source_of})"
    else
      fail "${P} ${dep}: terminationGracePeriodSeconds ${tgps}s <= ${prestop_desc}shutdown grace ${grace}ms (${source_of}): SIGKILL would cut the drain"
    fi

    local db="${ENVV[${dep}|GAOXIN_DB]:-}" hpa="${HPAS[${dep}]:-}" pdb="${PDBS[${dep}]:-}"
    [ -z "${pdb}" ] && fail "${P} ${dep}: no PodDisruptionBudget"
    if [[ "${db}" != postgres://* && "${db}" != postgresql://* ]]; then
      # SQLite: one writer process.
      if [ "${replicas:-1}" = "1" ] && [ "${strategy}" = "Recreate" ]; then
        pass "${P} ${dep}: SQLite (${db:-the image default}) with replicas 1 and strategy Recreate"
      else
        fail "${P} ${dep}: SQLite (${db:-the image default}) needs replicas 1 and strategy Recreate, has ${replicas:-1} / ${strategy:-RollingUpdate}"
      fi
      if [ -n "${hpa}" ]; then
        fail "${P} ${dep}: SQLite (${db:-the image default}) with a HorizontalPodAutoscaler ($(fld "${hpa}" 1)): it would start a second writer"
      fi
      if [ -n "${pdb}" ]; then
        local -a p_
        split_tabs "${pdb}" p_
        local min="${p_[1]:-}" max="${p_[2]:-}"
        if { [ -n "${max}" ] && [ "${max}" != "0" ] && [ "${max}" != "0%" ]; } || [ "${min}" = "0" ]; then
          pass "${P} ${dep}: PodDisruptionBudget allows the one pod's disruption (${max:+maxUnavailable ${max}}${min:+minAvailable ${min}})"
        else
          fail "${P} ${dep}: PodDisruptionBudget minAvailable '${min}' / maxUnavailable '${max}' with one replica would block node drains for good"
        fi
      fi
    else
      check_postgres_server "${ov}" "${dep}" "${db}" "${replicas}" "${strategy}" "${surge}" "${unavail}" "${hpa}" "${pdb}"
    fi

    local grpc_port="${GRPCPORT[${dep}]:-}"
    if [ -n "${grpc_port}" ] && [[ " ${SVCPORTS[${dep}]:-} " == *" ${grpc_port} "* ]]; then
      pass "${P} ${dep}: Service on :${grpc_port}"
    else
      fail "${P} ${dep}: no Service selecting it on its container port named grpc (${grpc_port:-none}; ports ${ports})"
    fi

    local u="${d_[8]:-}"
    if [ -n "${image_user}" ]; then
      if [ -z "${u}" ] || [ "${u}" = "${image_user}" ]; then
        pass "${P} ${dep}: runAsUser ${u:-unset} matches the image user ${image_user}"
      else
        fail "${P} ${dep}: runAsUser ${u} differs from the image user ${image_user} (volume ownership)"
      fi
    fi
    # What the pod execs besides the image's entrypoint must be in the runtime image.
    local tool tools="${CMDS[${dep}]:-}"
    [ "${pkind}" = "exec" ] && tools+="${pval%% *}"
    # shellcheck disable=SC2086  # a space-separated list of paths
    for tool in $(printf '%s\n' ${tools} | sort -u); do
      if [ -n "${DEBIAN_ESSENTIAL[${tool}]:-}" ] && [[ "${runtime_image}" == debian:* ]]; then
        pass "${P} ${dep}: execs ${tool}, in the ${runtime_image} runtime image (${DEBIAN_ESSENTIAL[${tool}]})"
      else
        fail "${P} ${dep}: execs ${tool}, not known to be in the runtime image '${runtime_image}'"
      fi
    done
  done

  # Every Deployment, the Redis one included.
  local d c line nonroot user key name value dir vol
  local -a c_
  for d in "${DEPS_ORDER[@]}"; do
    split_tabs "${DEP[${d}]}" d_
    while IFS= read -r line; do
      [ -z "${line}" ] && continue
      split_tabs "${line}" c_
      # c_: name nonRoot readOnlyRoot user memLimit memRequest cpuRequest
      c="${c_[0]:-}"
      nonroot="${d_[7]:-}"
      [ -n "${c_[1]:-}" ] && nonroot="${c_[1]:-}"
      user="${d_[8]:-}"
      [ -n "${c_[3]:-}" ] && user="${c_[3]:-}"
      if [ "${nonroot}" = "true" ] && [ "${user}" != "0" ]; then
        pass "${P} ${d}/${c}: runAsNonRoot${user:+ (uid ${user})}"
      else
        fail "${P} ${d}/${c}: runAsNonRoot is '${nonroot}', runAsUser '${user}'"
      fi
      if [ "${c_[2]:-}" = "true" ]; then
        pass "${P} ${d}/${c}: readOnlyRootFilesystem"
      else
        fail "${P} ${d}/${c}: readOnlyRootFilesystem is '${c_[2]:-}'"
      fi
      if [ -n "${c_[4]:-}" ] && [ -n "${c_[5]:-}" ]; then
        pass "${P} ${d}/${c}: memory request ${c_[5]:-}, limit ${c_[4]:-}"
      else
        fail "${P} ${d}/${c}: memory request '${c_[5]:-}' / limit '${c_[4]:-}' missing"
      fi
    done <<<"${CTRS[${d}]:-}"
    # Secrets reach containers as files only.
    if [ -n "${ENVSECRETS[${d}]:-}" ]; then
      fail "${P} ${d}: Secret in env/envFrom (${ENVSECRETS[${d}]% }): mount it as a file instead"
    else
      pass "${P} ${d}: no Secret in env or envFrom"
    fi
    for key in "${!ENVV[@]}"; do
      [[ "${key}" == "${d}|"* ]] || continue
      name="${key#*|}"
      [[ "${name}" =~ _FILE$ && "${name}" =~ (KEY|TOKEN|PASSWORD|SECRET) ]] || continue
      value="${ENVV[${key}]}"
      dir="$(dirname "${value}")"
      vol=""
      for c in $(printf '%s' "${CTRS[${d}]:-}" | cut -f1); do
        vol="${MOUNTS[${d}|${c}|${dir}]:-}"
        [ -n "${vol}" ] && break
      done
      if [ -n "${vol}" ] && [ -n "${SECVOLS[${d}|${vol}]:-}" ]; then
        pass "${P} ${d}: ${name} is a file of Secret volume ${vol} ($(fld "${SECVOLS[${d}|${vol}]}" 1))"
      else
        fail "${P} ${d}: ${name}=${value} is not in a mounted Secret volume (no Secret mounted at ${dir})"
      fi
    done
  done

  # Images: tagged or pinned by digest, never latest.
  local img
  local -a i_
  for line in "${IMGS[@]}"; do
    split_tabs "${line}" i_
    d="${i_[0]:-}" c="${i_[1]:-}" img="${i_[2]:-}"
    if [[ "${img}" =~ @sha256:[0-9a-f]{64}$ ]] || { [[ "${img##*/}" == *:* ]] && [[ "${img##*:}" != latest ]]; }; then
      pass "${P} ${d}${c:+/${c}}: image ${img}"
    else
      fail "${P} ${d}${c:+/${c}}: image '${img}' has no tag or digest, or is :latest (set it in kustomization images:)"
    fi
  done

  check_clusters "${ov}"
}

# A server on PostgreSQL: what running several replicas needs.
check_postgres_server() {
  local ov="$1" dep="$2" db="$3" replicas="$4" strategy="$5" surge="$6" unavail="$7" hpa="$8" pdb="$9"
  local P="[${ov}]"
  local pvcs="${PVCS[${dep}]:-}"
  if [ -n "${pvcs}" ]; then
    fail "${P} ${dep}: PostgreSQL server mounts a PersistentVolumeClaim (${pvcs% }): replicas must not hold local state"
  else
    pass "${P} ${dep}: PostgreSQL (${db}), no PersistentVolumeClaim"
  fi
  # A libpq URI: postgresql://[user[:password]@]host[:port][/db][?params]
  local rest userinfo="" hostport dbname dbuser dbhost
  rest="${db#*://}"
  [[ "${rest%%/*}" == *@* ]] && userinfo="${rest%%@*}" && rest="${rest#*@}"
  hostport="${rest%%[/?]*}"
  dbhost="${hostport%:*}"
  dbname="${rest#"${hostport}"}"; dbname="${dbname#/}"; dbname="${dbname%%\?*}"
  dbuser="${userinfo%%:*}"
  if [[ "${userinfo}" == *:* ]] || [[ "${db}" =~ [?\&]password= ]]; then
    fail "${P} ${dep}: password in GAOXIN_DB (the server refuses it; use GAOXIN_DB_PASSWORD_FILE)"
  else
    pass "${P} ${dep}: no password in GAOXIN_DB"
  fi
  local pwfile="${ENVV[${dep}|GAOXIN_DB_PASSWORD_FILE]:-}"
  [ -z "${pwfile}" ] && fail "${P} ${dep}: PostgreSQL without GAOXIN_DB_PASSWORD_FILE"

  # Replicas: the HPA owns the count.
  if [ -z "${hpa}" ]; then
    fail "${P} ${dep}: no HorizontalPodAutoscaler for a PostgreSQL server (spec.replicas ${replicas:-unset, i.e. 1})"
  else
    local -a h_
    split_tabs "${hpa}" h_
    local hname="${h_[0]:-}" hmin="${h_[1]:-}" hmax="${h_[2]:-}" hmetrics="${h_[3]:-}"
    if [ "${hmin:-1}" -ge 2 ] 2>/dev/null && [ "${hmax}" -ge "${hmin}" ] 2>/dev/null; then
      pass "${P} ${dep}: HorizontalPodAutoscaler ${hname}, ${hmin}..${hmax} replicas"
    else
      fail "${P} ${dep}: HorizontalPodAutoscaler ${hname} has minReplicas ${hmin:-1 (default)}, maxReplicas ${hmax}: fewer than 2 replicas"
    fi
    if [[ " ${hmetrics} " == *" Resource:cpu:Utilization:"[0-9]* ]]; then
      local cpu_missing="" line
      local -a c_
      while IFS= read -r line; do
        [ -z "${line}" ] && continue
        split_tabs "${line}" c_
        [ -z "${c_[6]:-}" ] && cpu_missing+="${c_[0]:-} "
      done <<<"${CTRS[${dep}]:-}"
      if [ -n "${cpu_missing}" ]; then
        fail "${P} ${dep}: the HPA scales on CPU utilisation but container(s) ${cpu_missing% } request no CPU"
      else
        pass "${P} ${dep}: HPA on CPU utilisation (${hmetrics% }) of containers that request CPU"
      fi
    else
      fail "${P} ${dep}: HorizontalPodAutoscaler ${hname} has no CPU utilisation metric (${hmetrics:-none})"
    fi
    if [ -n "${replicas}" ]; then
      fail "${P} ${dep}: spec.replicas ${replicas} next to HPA ${hname}: every apply would reset the HPA's count to it (leave it out)"
    fi
  fi
  if [ -n "${replicas}" ] && [ "${replicas}" -lt 2 ] 2>/dev/null; then
    fail "${P} ${dep}: replicas ${replicas}: a PostgreSQL server runs at least 2"
  fi

  if [ "${strategy}" = "RollingUpdate" ] && { [ "${unavail}" = "0" ] || [ "${unavail}" = "0%" ]; } &&
     [ -n "${surge}" ] && [ "${surge}" != "0" ] && [ "${surge}" != "0%" ]; then
    pass "${P} ${dep}: RollingUpdate, maxSurge ${surge}, maxUnavailable ${unavail}"
  else
    fail "${P} ${dep}: needs strategy RollingUpdate with maxUnavailable 0 and maxSurge > 0, has '${strategy:-RollingUpdate (default)}' maxSurge '${surge:-25% (default)}' maxUnavailable '${unavail:-25% (default)}'"
  fi

  if [ -n "${pdb}" ]; then
    local -a p_
    split_tabs "${pdb}" p_
    if [ "${p_[1]:-}" = "1" ] && [ -z "${p_[2]:-}" ]; then
      pass "${P} ${dep}: PodDisruptionBudget ${p_[0]:-} minAvailable 1"
    else
      fail "${P} ${dep}: PodDisruptionBudget ${p_[0]:-} needs minAvailable 1 (and no maxUnavailable), has minAvailable '${p_[1]:-}' maxUnavailable '${p_[2]:-}'"
    fi
  fi

  local host_spread="${SPREADS[${dep}|kubernetes.io/hostname]:-}" zone_spread="${SPREADS[${dep}|topology.kubernetes.io/zone]:-}"
  if [ -n "${host_spread}" ]; then
    pass "${P} ${dep}: topology spread over kubernetes.io/hostname (${host_spread%%$'\t'*}, maxSkew ${host_spread#*$'\t'})"
  else
    fail "${P} ${dep}: no topology spread over kubernetes.io/hostname selecting its own pods"
  fi
  if [ "${zone_spread%%$'\t'*}" = "ScheduleAnyway" ]; then
    pass "${P} ${dep}: topology spread over topology.kubernetes.io/zone, ScheduleAnyway"
  else
    fail "${P} ${dep}: no ScheduleAnyway topology spread over topology.kubernetes.io/zone selecting its own pods (${zone_spread%%$'\t'*})"
  fi

  local pre="${PRESTOPS[${dep}]:-}"
  if [ -n "${pre}" ]; then
    pre="${pre//$'\t'/ }"
    pass "${P} ${dep}: preStop hook (${pre% }): endpoints update before the drain"
  else
    fail "${P} ${dep}: no preStop hook: kube-proxy may still send new connections after SIGTERM"
  fi

  # The CloudNativePG Cluster of this overlay, if it has one, and the servers must agree.
  if [ "${#CLUSTERS[@]}" -gt 0 ]; then
    local line cname="" cdb="" cowner="" all="" match=""
    local -a k_
    for line in "${CLUSTERS[@]}"; do
      split_tabs "${line}" k_
      all+="${k_[0]:-} "
      if [ "${dbhost}" = "${k_[0]:-}-rw" ] || [[ "${dbhost}" == "${k_[0]:-}-rw."* ]]; then
        match=1 cname="${k_[0]:-}" cdb="${k_[2]:-}" cowner="${k_[3]:-}"
        break
      fi
    done
    if [ -z "${match}" ]; then
      fail "${P} ${dep}: GAOXIN_DB host '${dbhost}' is not the -rw Service of the overlay's Cluster(s) ${all% }"
    else
      if [ "${dbname}" = "${cdb}" ] && [ "${dbuser}" = "${cowner}" ]; then
        pass "${P} ${dep}: GAOXIN_DB is database ${cdb} as ${cowner} on Cluster ${cname}'s primary (${dbhost})"
      else
        fail "${P} ${dep}: GAOXIN_DB names database '${dbname}' user '${dbuser}', Cluster ${cname} bootstraps database '${cdb}' owner '${cowner}'"
      fi
      local pwdir pwvol="" c pwsecret=""
      pwdir="$(dirname "${pwfile:-/nonexistent/x}")"
      for c in $(printf '%s' "${CTRS[${dep}]:-}" | cut -f1); do
        pwvol="${MOUNTS[${dep}|${c}|${pwdir}]:-}"
        [ -n "${pwvol}" ] && break
      done
      [ -n "${pwvol}" ] && pwsecret="${SECVOLS[${dep}|${pwvol}]:-}"
      if [ "${pwsecret%%$'\t'*}" = "${cname}-app" ] && [[ " ${pwsecret#*$'\t'}" == *" password:$(basename "${pwfile:-x}") "* ]]; then
        pass "${P} ${dep}: GAOXIN_DB_PASSWORD_FILE is key password of ${cname}-app, the Cluster's app Secret"
      else
        fail "${P} ${dep}: GAOXIN_DB_PASSWORD_FILE ${pwfile:-unset} is not key password of Secret ${cname}-app (has '${pwsecret//$'\t'/ }')"
      fi
    fi
  else
    note "${P} ${dep}: no CloudNativePG Cluster in this overlay: GAOXIN_DB host ${dbhost} is a managed PostgreSQL, not cross-checked"
  fi
}

# The Clusters themselves.
check_clusters() {
  local ov="$1" P="[$1]" line
  local -a k_
  for line in "${CLUSTERS[@]}"; do
    split_tabs "${line}" k_
    # k_: name instances database owner synchronous_commit
    if [ "${k_[1]:-1}" -ge 2 ] 2>/dev/null; then
      pass "${P} Cluster ${k_[0]:-}: ${k_[1]:-} instances (a primary and $((k_[1] - 1)) replica(s))"
    else
      fail "${P} Cluster ${k_[0]:-}: ${k_[1]:-1} instance(s): no replica to fail over to"
    fi
    if [ -n "${k_[2]:-}" ] && [ -n "${k_[3]:-}" ]; then
      pass "${P} Cluster ${k_[0]:-}: bootstrap initdb database ${k_[2]:-} owner ${k_[3]:-}"
    else
      fail "${P} Cluster ${k_[0]:-}: no bootstrap.initdb database and owner"
    fi
    if [ "${k_[4]:-}" = "on" ]; then
      pass "${P} Cluster ${k_[0]:-}: synchronous_commit on"
    else
      fail "${P} Cluster ${k_[0]:-}: synchronous_commit is '${k_[4]:-}', want on"
    fi
  done
}

for ov in "${RENDERED_OK[@]}"; do
  check_overlay "${ov}"
done

# --- 6. Secrets hold placeholders or SHA-256 lines only -------------------------------------------
# shellcheck disable=SC2016
SECRET_TEMPLATE='{{- if eq .kind "Secret" -}}
{{- if .data }}{{ range $k, $v := .data }}=== {{$.metadata.name}} data:{{$k}}
{{end}}{{ end -}}
{{- range $k, $v := .stringData }}=== {{$.metadata.name}} {{$k}}
{{$v}}
{{end}}{{- end -}}'
secrets_seen=0
for f in $(grep -lE '^kind:[[:space:]]*Secret[[:space:]]*$' "${FILES[@]}"); do
  r="$(rel "$f")"
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
    if [ "${v}" = "ok" ]; then pass "secret ${r}: ${rest}"; else fail "secret ${r}: ${rest}"; fi
  done <<<"${verdicts}"
done
if [ "${secrets_seen}" -gt 0 ]; then
  pass "${secrets_seen} file(s) with Secrets checked"
else
  fail "no example Secret found under ${K8S} (tokens and key examples expected)"
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

# --- 7. the checks above can fail ---------------------------------------------------------------
# Each mutation breaks a copy of the manifests in one way; the check must reject every copy.
# The copies are checked JOBS at a time (GAOXIN_CHECK_JOBS, default: the number of CPUs); each
# writes its verdict to a file, and the verdicts are reported in order at the end.
MUTATIONS=()
JOBS="${GAOXIN_CHECK_JOBS:-$(nproc 2>/dev/null || echo 2)}"
mutate() { # name, file, sed expression, pattern the resulting FAIL line must match
  local name="$1"
  MUTATIONS+=("${name}")
  while [ "$(jobs -rp | wc -l)" -ge "${JOBS}" ]; do wait -n; done
  mutate_one "$@" >"${WORK}/mut-${name}.verdict" &
}
mutate_one() {
  local name="$1" file="$2" expr="$3" want="$4" copy="${WORK}/mut-$1"
  cp -r "${K8S}" "${copy}"
  sed -i -E "${expr}" "${copy}/${file}"
  if cmp -s "${K8S}/${file}" "${copy}/${file}"; then
    echo "FAIL self-test ${name}: the mutation changed nothing (update it to the manifests)"
  elif GAOXIN_CHECK_SCHEMA="$([[ "${name}" == schema-* ]] && echo 1 || echo 0)" \
       bash "${BASH_SOURCE[0]}" "${copy}" >"${WORK}/mut-${name}.log" 2>&1; then
    echo "FAIL self-test ${name}: a broken copy passed"
  elif ! grep -E '^FAIL' "${WORK}/mut-${name}.log" | grep -qE -- "${want}"; then
    echo "FAIL self-test ${name}: rejected, but not for /${want}/: $(grep -m 1 '^FAIL' "${WORK}/mut-${name}.log")"
  else
    echo "PASS self-test ${name}: caught ($(grep -E '^FAIL' "${WORK}/mut-${name}.log" | grep -m 1 -E -- "${want}" | cut -c6-))"
  fi
  rm -rf "${copy}"
}
if [ "${SELF_TEST}" = 1 ]; then
  B=base
  DEV=overlays/dev
  PROD=overlays/production
  # Files, kustomizations, Secrets.
  mutate yaml-syntax ${B}/configmap.yaml 's/^data:$/data: [/' 'parses: base/configmap.yaml'
  mutate unlisted-manifest ${B}/kustomization.yaml '/- networkpolicies.yaml/d' \
    'kustomization base does not list networkpolicies.yaml'
  mutate unlisted-patch ${PROD}/kustomization.yaml '/- path: deployments-postgresql.yaml/d' \
    'kustomization overlays/production does not list deployments-postgresql.yaml'
  mutate overlay-without-base ${DEV}/kustomization.yaml '/- \.\.\/\.\.\/base/d' 'overlay dev does not include \.\./\.\./base'
  mutate secret-listed ${PROD}/kustomization.yaml 's/^  - pdb.yaml$/&\n  - ..\/..\/secrets\/pii-key.example.yaml/' \
    'kustomization overlays/production lists \.\./\.\./secrets/pii-key'
  mutate secret-real-key secrets/pii-key.example.yaml 's/key: "PLACEHOLDER.*/key: "0123456789abcdef0123456789abcdef"/' \
    'gaoxin-pii-key/key: holds something'
  mutate secret-raw-token secrets/tokens.example.yaml \
    's/^(    )0{64} placeholder-nobody/\1gx_0123456789abcdef0123456789abcdef placeholder-nobody/' 'raw gaoxinctl token'
  mutate secret-base64 secrets/page-token-key.example.yaml \
    's/^stringData:$/data:/; s/key: "PLACEHOLDER.*/key: MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=/' 'base64 data'
  # Schema (validate_schemas.mjs).
  mutate schema-unknown-field ${B}/leads.yaml 's/^(  )revisionHistoryLimit: 5/\1revisionHistoryLimt: 5/' \
    'schema: dev Deployment/leads: /spec/revisionHistoryLimt: unknown field'
  mutate schema-wrong-type ${B}/enterprise.yaml 's/failureThreshold: 30$/failureThreshold: "30"/' \
    'schema: dev Deployment/enterprise: .*startupProbe/failureThreshold must be integer'
  mutate schema-unknown-kind ${PROD}/hpa.yaml 's/^apiVersion: autoscaling\/v2$/apiVersion: autoscaling\/v3/' \
    'schema: production HorizontalPodAutoscaler/leads: no schema for apiVersion autoscaling/v3'
  mutate schema-cnpg-field ${PROD}/postgres-cluster.yaml 's/^  instances: 3$/  instance: 3/' \
    "schema: production Cluster/gaoxin-pg: .*'instance' \(unknown field\)"
  mutate schema-cnpg-type ${PROD}/postgres-cluster.yaml 's/^    size: 20Gi$/    size: [20Gi]/' \
    'schema: production Cluster/gaoxin-pg: /spec/storage/size: must be string'
  # Probes and shutdown timing.
  mutate probe-service ${B}/leads.yaml 's/service: gaoxin\.leads\.v1\.LeadService/service: gaoxin.leads.v1.LeadsService/' \
    '\[dev\] leads: readiness probe asks for'
  mutate liveness-probe-service ${B}/petition.yaml '/livenessProbe/,/service:/ s/service: .*/service: ""/' \
    '\[production\] petition: liveness probe asks for'
  mutate probe-port ${B}/enterprise.yaml '/readinessProbe/,/port:/ s/port: 50052/port: 50051/' \
    '\[dev\] enterprise: readiness probe port 50051'
  mutate grace-too-short ${B}/leads.yaml 's/terminationGracePeriodSeconds: 30/terminationGracePeriodSeconds: 10/' \
    '\[dev\] leads: terminationGracePeriodSeconds 10s <='
  mutate grace-env-override ${B}/petition.yaml \
    's/^( +)- name: GAOXIN_LISTEN$/\1- name: GAOXIN_SHUTDOWN_GRACE_MS\n\1  value: "45000"\n&/' \
    '\[dev\] petition: .*45000ms \(env\)'
  mutate grace-configmap ${B}/configmap.yaml 's/GAOXIN_SHUTDOWN_GRACE_MS: "10000"/GAOXIN_SHUTDOWN_GRACE_MS: "30000"/' \
    '30000ms \(ConfigMap gaoxin-common\)'
  mutate grace-prestop ${PROD}/deployments-postgresql.yaml 's/"\/bin\/sleep", "5"/"\/bin\/sleep", "25"/' \
    '\[production\] leads: terminationGracePeriodSeconds 30s <= preStop 25s .* \+ shutdown grace 10000ms'
  mutate no-prestop ${PROD}/deployments-postgresql.yaml '/^          lifecycle:$/,/command:/d' \
    '\[production\] enterprise: no preStop hook'
  # Pod security and resources.
  mutate root-user ${B}/enterprise.yaml 's/runAsNonRoot: true/runAsNonRoot: false/' '\[dev\] enterprise/server: runAsNonRoot'
  mutate container-root ${B}/redis.yaml '/containers:/,$ s/runAsNonRoot: true/runAsNonRoot: false/' \
    '\[production\] redis/redis: runAsNonRoot'
  mutate writable-root ${B}/leads.yaml 's/readOnlyRootFilesystem: true/readOnlyRootFilesystem: false/' \
    '\[dev\] leads/server: readOnlyRootFilesystem'
  mutate no-limits ${B}/redis.yaml '/limits:/,/memory:/ { /memory:/d }' '\[dev\] redis/redis: memory'
  # Network (check_security.mjs): an extra allow, a missing one, no default deny, bad policies.
  mutate netpol-no-default-egress-deny ${B}/networkpolicies.yaml \
    '0,/policyTypes: \["Ingress", "Egress"\]/ s//policyTypes: ["Ingress"]/' \
    'security: dev network: no default-deny NetworkPolicy'
  mutate netpol-every-namespace ${B}/networkpolicies.yaml \
    '/- namespaceSelector: # namespaces labelled for clients/{s/: #.*/: {} # every namespace/;n;N;d}' \
    'security: production network: allowed but not expected: elsewhere/impostor -> gaoxin/leads:50051/TCP'
  mutate netpol-redis-open ${B}/networkpolicies.yaml \
    '/^  name: redis$/,/port: 6379/ s/^  ingress:$/  ingress:\n    - from:\n        - namespaceSelector: {}/' \
    'security: dev network: allowed but not expected: elsewhere/impostor -> gaoxin/redis:6379/TCP'
  mutate netpol-no-dns-udp ${B}/networkpolicies.yaml '/- protocol: UDP/,/port: 53/d' \
    'security: dev network: expected but not allowed: gaoxin/enterprise -> kube-system/kube-dns:53/UDP'
  mutate netpol-bad-selector ${B}/networkpolicies.yaml '0,/operator: In/ s/operator: In/operator: Exists/' \
    'security: dev network: NetworkPolicy gaoxin/redis ingress\[0\]\.from\[0\]\.podSelector\.matchExpressions\[0\]: Exists takes no values'
  mutate netpol-operator-namespace ${PROD}/networkpolicies-postgresql.yaml 's/name: cnpg-system$/name: cnpg/' \
    'security: production network: expected but not allowed: cnpg-system/cnpg-controller-manager -> gaoxin/gaoxin-pg-1:8000/TCP'
  mutate netpol-selects-nothing ${PROD}/networkpolicies-postgresql.yaml \
    '/name: postgresql-egress$/,/cnpg.io\/cluster/ s/gaoxin-pg$/gaoxin-db/' \
    'security: production network: NetworkPolicy postgresql-egress selects no pod'
  mutate client-label-removed ${B}/petition.yaml '/gaoxin.io\/client-of-enterprise/d' \
    'security: dev network: expected but not allowed: gaoxin/petition -> gaoxin/enterprise:50052/TCP'
  # Redis ACL users.
  mutate redis-no-acl ${B}/redis.yaml '/- --aclfile/,/users.acl$/d' 'security: dev redis: redis has no --aclfile'
  mutate redis-shared-user ${B}/enterprise.yaml '/GAOXIN_REDIS_USER/,/value:/ s/value: enterprise/value: leads/' \
    "security: dev redis: enterprise has GAOXIN_REDIS_USER 'leads', want its own name enterprise"
  mutate redis-shared-secret ${B}/petition.yaml 's/secretName: gaoxin-redis-petition/secretName: gaoxin-redis-enterprise/' \
    'security: production redis: (petition and enterprise|enterprise and petition) both mount Secret gaoxin-redis-enterprise'
  mutate redis-password-unmounted ${B}/leads.yaml 's/value: \/etc\/gaoxin\/redis\/password/value: \/etc\/gaoxin\/redis-pw\/password/' \
    "security: dev redis: leads: GAOXIN_REDIS_PASSWORD_FILE '/etc/gaoxin/redis-pw/password' is not a file of a mounted Secret"
  # TLS (production) and plaintext (dev).
  mutate tls-no-client-auth ${PROD}/certificates.yaml '0,/- client auth/ {/- client auth/d}' \
    "security: production tls: leads: Certificate leads-tls lacks usage 'client auth'"
  mutate tls-dns-name ${PROD}/certificates.yaml '/^    - enterprise$/d' \
    'security: production tls: enterprise: .*petition dial enterprise, not a DNS name of Certificate enterprise-tls'
  mutate tls-wrong-ca ${PROD}/deployments-tls.yaml '0,/value: \/etc\/gaoxin\/tls\/ca.crt/ s/ca.crt$/tls.crt/' \
    "security: production tls: leads: GAOXIN_TLS_CLIENT_CA_FILE is '/etc/gaoxin/tls/tls.crt', want /etc/gaoxin/tls/ca.crt"
  mutate tls-probe-on-tls-port ${PROD}/deployments-tls.yaml '/startupProbe:/,/port:/ s/port: 50152/port: 50052/' \
    'security: production tls: enterprise: startupProbe goes to the TLS port 50052'
  mutate tls-issuer-missing ${PROD}/issuer-ref.yaml 's/name: gaoxin-ca$/name: gaoxin-root/' \
    "security: production tls: Certificate leads-tls names Issuer 'gaoxin-root', which is not in the overlay"
  mutate tls-unmounted ${PROD}/deployments-tls.yaml '/- name: tls$/,/readOnly: true/d' \
    'security: production tls: leads: no Secret mounted at /etc/gaoxin/tls'
  mutate plaintext-unsaid ${DEV}/plaintext.yaml '0,/value: "true"/ s/value: "true"/value: "false"/' \
    "security: dev tls: leads has no certificate and GAOXIN_INSECURE_PLAINTEXT 'false'"
  mutate schema-cert-usage ${PROD}/certificates.yaml '0,/- server auth/ s/- server auth/- serverAuth/' \
    'schema: production Certificate/leads-tls: /spec/usages/1: must be equal to one of the allowed values'
  # Secrets as files.
  mutate secret-env ${B}/leads.yaml \
    's/^( +)- name: GAOXIN_LISTEN$/\1- name: GAOXIN_PII_KEY\n\1  valueFrom:\n\1    secretKeyRef: {name: gaoxin-pii-key, key: key}\n&/' \
    '\[dev\] leads: Secret in env/envFrom \(server/gaoxin-pii-key\)'
  mutate secret-envfrom ${B}/enterprise.yaml 's/^( +)- configMapRef:$/\1- secretRef:\n\1    name: gaoxin-tokens\n&/' \
    '\[production\] enterprise: Secret in env/envFrom \(server/gaoxin-tokens\)'
  mutate secret-file-unmounted ${B}/petition.yaml 's/value: \/etc\/gaoxin\/pii\/key/value: \/etc\/gaoxin\/pii-key\/key/' \
    '\[dev\] petition: GAOXIN_PII_KEY_FILE=/etc/gaoxin/pii-key/key is not in a mounted Secret'
  mutate exec-unknown-tool ${PROD}/deployments-postgresql.yaml 's/"\/bin\/sleep", "5"/"\/busybox\/sleep", "5"/' \
    '\[production\] leads: execs /busybox/sleep, not known'
  # Images.
  mutate image-tag-in-manifest ${B}/leads.yaml 's/image: gaoxin\/leads-server /image: gaoxin\/leads-server:v2 /' \
    'image tag outside kustomization images: base/leads.yaml'
  mutate image-latest ${B}/kustomization.yaml '0,/newTag: dev/ s/newTag: dev/newTag: latest/' \
    "\[dev\] leads/server: image 'gaoxin/leads-server:latest'"
  # SQLite (dev).
  mutate sqlite-replicas ${DEV}/deployments-sqlite.yaml '/name: enterprise$/,/replicas:/ s/replicas: 1/replicas: 3/' \
    '\[dev\] enterprise: SQLite .* has 3'
  mutate sqlite-rolling ${DEV}/deployments-sqlite.yaml 's/type: Recreate/type: RollingUpdate/' \
    '\[dev\] petition: SQLite .*RollingUpdate'
  mutate sqlite-hpa ${DEV}/pdb.yaml \
    '$ s/$/\n---\napiVersion: autoscaling\/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: leads\n  namespace: gaoxin\nspec:\n  scaleTargetRef:\n    apiVersion: apps\/v1\n    kind: Deployment\n    name: leads\n  minReplicas: 2\n  maxReplicas: 3/' \
    '\[dev\] leads: SQLite .* with a HorizontalPodAutoscaler'
  mutate sqlite-pdb-blocks ${DEV}/pdb.yaml '0,/maxUnavailable: 1/ s/maxUnavailable: 1/minAvailable: 1/' \
    '\[dev\] leads: PodDisruptionBudget .* would block node drains'
  mutate no-pdb ${DEV}/pdb.yaml 's/app.kubernetes.io\/name: leads$/app.kubernetes.io\/name: lead/' \
    '\[dev\] leads: no PodDisruptionBudget'
  # PostgreSQL (production).
  mutate pg-pvc ${PROD}/deployments-postgresql.yaml \
    's/^( +)- name: db-password$/\1- name: data\n\1  persistentVolumeClaim:\n\1    claimName: leads-data\n&/' \
    '\[production\] leads: PostgreSQL server mounts a PersistentVolumeClaim \(leads-data\)'
  mutate pg-password-in-uri ${PROD}/deployments-postgresql.yaml 's/postgresql:\/\/gaoxin@/postgresql:\/\/gaoxin:hunter2@/' \
    '\[production\] petition: password in GAOXIN_DB'
  mutate pg-no-password-file ${PROD}/deployments-postgresql.yaml '/- name: GAOXIN_DB_PASSWORD_FILE/,/value:/d' \
    '\[production\] leads: PostgreSQL without GAOXIN_DB_PASSWORD_FILE'
  mutate pg-one-replica ${PROD}/hpa.yaml 's/minReplicas: 2/minReplicas: 1/' \
    '\[production\] enterprise: HorizontalPodAutoscaler enterprise has minReplicas 1'
  mutate pg-fixed-replicas ${PROD}/deployments-postgresql.yaml 's/^  strategy:$/  replicas: 2\n&/' \
    '\[production\] leads: spec.replicas 2 next to HPA'
  mutate pg-no-hpa ${PROD}/hpa.yaml 's/^    name: petition$/    name: petitions/' \
    '\[production\] petition: no HorizontalPodAutoscaler'
  mutate pg-hpa-memory ${PROD}/hpa.yaml 's/name: cpu$/name: memory/' \
    '\[production\] leads: HorizontalPodAutoscaler leads has no CPU utilisation metric'
  mutate pg-max-unavailable ${PROD}/deployments-postgresql.yaml 's/maxUnavailable: 0/maxUnavailable: 1/' \
    '\[production\] leads: needs strategy RollingUpdate with maxUnavailable 0'
  mutate pg-pdb ${PROD}/pdb.yaml 's/minAvailable: 1/maxUnavailable: 1/' \
    '\[production\] enterprise: PodDisruptionBudget enterprise needs minAvailable 1'
  mutate pg-no-host-spread ${PROD}/deployments-postgresql.yaml 's/topologyKey: kubernetes.io\/hostname/topologyKey: example.com\/rack/' \
    '\[production\] leads: no topology spread over kubernetes.io/hostname'
  mutate pg-hard-zone-spread ${PROD}/deployments-postgresql.yaml 's/whenUnsatisfiable: ScheduleAnyway/whenUnsatisfiable: DoNotSchedule/' \
    '\[production\] petition: no ScheduleAnyway topology spread over topology.kubernetes.io/zone'
  mutate pg-wrong-host ${PROD}/postgres-cluster.yaml 's/^  name: gaoxin-pg$/  name: gaoxin-db/' \
    "\[production\] leads: GAOXIN_DB host 'gaoxin-pg-rw' is not the -rw Service"
  mutate pg-wrong-database ${PROD}/postgres-cluster.yaml 's/^      database: gaoxin$/      database: gx/' \
    "\[production\] leads: GAOXIN_DB names database 'gaoxin' user 'gaoxin', Cluster gaoxin-pg bootstraps database 'gx'"
  mutate pg-wrong-secret ${PROD}/deployments-postgresql.yaml 's/secretName: gaoxin-pg-app/secretName: gaoxin-pg-superuser/' \
    '\[production\] enterprise: GAOXIN_DB_PASSWORD_FILE /etc/gaoxin/db/password is not key password of Secret gaoxin-pg-app'
  mutate pg-one-instance ${PROD}/postgres-cluster.yaml 's/^  instances: 3$/  instances: 1/' \
    '\[production\] Cluster gaoxin-pg: 1 instance'
  mutate pg-async-commit ${PROD}/postgres-cluster.yaml 's/synchronous_commit: "on"/synchronous_commit: "off"/' \
    "\[production\] Cluster gaoxin-pg: synchronous_commit is 'off'"
  wait
  for name in "${MUTATIONS[@]}"; do
    verdict="$(cat "${WORK}/mut-${name}.verdict" 2>/dev/null)"
    case "${verdict}" in
      PASS\ *) pass "${verdict#PASS }" ;;
      FAIL\ *) fail "${verdict#FAIL }" ;;
      *) fail "self-test ${name}: no verdict ('${verdict}')" ;;
    esac
  done
fi

finish
