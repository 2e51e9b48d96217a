// Network and secrets checks of rendered overlays, offline: who can reach whom, Redis ACL users,
// TLS certificates.
//
//   node tests/deploy/check_security.mjs [--tls=production,...] LABEL=RENDERED.yaml...
//
// Prints "ok LABEL ...", "bad LABEL ..." and "note ..." lines like validate_schemas.mjs, and exits
// 1 if any line is "bad". tests/deploy/check_manifests.sh runs it on every overlay's
// `kubectl kustomize` output. For every overlay:
//   network  the NetworkPolicies are valid; one selects every pod of the namespace for Ingress
//            and Egress with no rules (default deny); every policy selects some pod; and the set
//            of allowed (source, destination, port) triples, evaluated by netpol.mjs over the
//            endpoints of reachability.mjs, equals EXPECTED[LABEL] of expected_reachability.mjs;
//   redis    Redis loads an ACL file (--aclfile) from a mounted Secret; each server is the ACL
//            user of its own name (one of those deploy/redis/make-acl.sh writes), with its
//            password a file of a Secret no other server mounts; no password in env or args;
//   tls      overlays named in --tls (and any overlay with Certificates): each server has the
//            four TLS flags pointing into /etc/gaoxin/tls, mounted read-only from the Secret of a
//            cert-manager Certificate with serverAuth and clientAuth whose DNS names hold the
//            Service name (and every address its callers dial), issued by an Issuer of the
//            rendering or a ClusterIssuer, and gRPC probes on its plaintext health-only port
//            (which no Service exposes); other overlays must say --insecure_plaintext.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join, posix } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { EXPECTED } from "./expected_reachability.mjs";
import { evaluate, isolated, matches, policyErrors, tripleText } from "./netpol.mjs";
import { compare, endpointsOf, namespacesOf, touches, withAddresses, WORLD } from "./reachability.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, "../..");
const NS = "gaoxin";
const TLS_DIR = "/etc/gaoxin/tls";
const TLS_FLAGS = {
  GAOXIN_TLS_CERT_FILE: `${TLS_DIR}/tls.crt`,
  GAOXIN_TLS_KEY_FILE: `${TLS_DIR}/tls.key`,
  GAOXIN_TLS_CLIENT_CA_FILE: `${TLS_DIR}/ca.crt`,
  GAOXIN_TLS_CA_FILE: `${TLS_DIR}/ca.crt`,
};

const lines = [];
let bad = 0;
const say = (verdict, what) => {
  if (verdict === "bad") bad++;
  lines.push(`${verdict} ${what}`);
};

// --- helpers over rendered objects ---------------------------------------------------------------

const serverDeployments = (objs) => objs.filter((o) => o.kind === "Deployment" &&
  o.spec?.template?.metadata?.labels?.["app.kubernetes.io/component"] === "server");
const serverContainer = (dep) => dep.spec.template.spec.containers.find((c) => c.name === "server") ??
  dep.spec.template.spec.containers[0];
const envOf = (c) => Object.fromEntries((c.env ?? []).filter((e) => "value" in e).map((e) => [e.name, e.value]));

// The Secret volume mounted at the directory holding `path` in container `c`, or null.
function secretVolumeFor(dep, c, path) {
  const dir = posix.dirname(path);
  const mount = (c.volumeMounts ?? []).find((m) => m.mountPath.replace(/\/$/, "") === dir);
  if (!mount) return null;
  const vol = (dep.spec.template.spec.volumes ?? []).find((v) => v.name === mount.name);
  if (!vol?.secret) return null;
  return { mount, volume: vol, secretName: vol.secret.secretName };
}

function servicesFor(objs, dep) {
  const labels = dep.spec.template.metadata.labels ?? {};
  return objs.filter((o) => o.kind === "Service" && o.spec?.selector &&
    matches({ matchLabels: o.spec.selector }, labels));
}

// --- network -----------------------------------------------------------------------------------------

function checkNetwork(label, objs) {
  const policies = objs.filter((o) => o.kind === "NetworkPolicy");
  const errors = policies.flatMap(policyErrors);
  for (const e of errors) say("bad", `${label} network: ${e}`);
  if (errors.length > 0) return;

  const denyAll = policies.filter((p) => p.metadata.namespace === NS &&
    Object.keys(p.spec?.podSelector?.matchLabels ?? {}).length === 0 &&
    (p.spec?.podSelector?.matchExpressions ?? []).length === 0 &&
    ["Ingress", "Egress"].every((t) => (p.spec?.policyTypes ?? []).includes(t)) &&
    (p.spec?.ingress ?? []).length === 0 && (p.spec?.egress ?? []).length === 0);
  if (denyAll.length > 0) {
    say("ok", `${label} network: ${denyAll.map((p) => p.metadata.name).join(", ")} denies all ingress and egress of every pod in ${NS} by default`);
  } else {
    say("bad", `${label} network: no default-deny NetworkPolicy (podSelector {}, policyTypes Ingress and Egress, no rules) in ${NS}`);
  }

  const endpoints = withAddresses([...endpointsOf(objs), ...WORLD.inNamespace(NS), ...WORLD.endpoints]);
  const namespaces = namespacesOf(objs);
  const ctx = { namespaces, policies };
  for (const ep of endpoints.filter((e) => e.namespace === NS)) {
    const open = ["Ingress", "Egress"].filter((d) => !isolated(ctx, ep, d));
    if (open.length > 0) say("bad", `${label} network: ${ep.id} is not isolated for ${open.join(" and ")}`);
  }
  for (const p of policies.filter((x) => x.metadata.namespace === NS)) {
    if (!endpoints.some((e) => e.namespace === NS && matches(p.spec?.podSelector ?? {}, e.labels))) {
      say("bad", `${label} network: NetworkPolicy ${p.metadata.name} selects no pod (a typo in its podSelector?)`);
    }
  }

  const { allowed } = evaluate({ namespaces, endpoints, policies }, touches(NS));
  const actual = allowed.map(tripleText);
  const expected = EXPECTED[label];
  if (!expected) {
    say("bad", `${label} network: no expected reachability list for overlay ${label} in tests/deploy/expected_reachability.mjs; allowed now: ${actual.join("; ")}`);
    return;
  }
  const { missing, unexpected, duplicates } = compare(actual, expected);
  for (const t of duplicates) say("bad", `${label} network: expected list names twice: ${t}`);
  for (const t of unexpected) say("bad", `${label} network: allowed but not expected: ${t}`);
  for (const t of missing) say("bad", `${label} network: expected but not allowed: ${t}`);
  if (missing.length === 0 && unexpected.length === 0) {
    say("ok", `${label} network: ${actual.length} allowed connections among ${endpoints.length} endpoints, exactly the expected ones`);
  }
}

// --- redis ---------------------------------------------------------------------------------------------

function aclUsers() {
  const out = execFileSync("bash", [join(ROOT, "deploy/redis/make-acl.sh"), "--rules"], { encoding: "utf8" });
  return out.split("\n").filter(Boolean).map((l) => l.split(" ")[1]);
}

function checkRedis(label, objs) {
  const users = aclUsers();
  const redis = objs.filter((o) => o.kind === "Deployment" &&
    o.spec?.template?.spec?.containers?.some((c) => (c.args ?? c.command ?? []).includes("redis-server")));
  if (redis.length === 0) say("bad", `${label} redis: no Deployment runs redis-server`);
  for (const dep of redis) {
    const c = dep.spec.template.spec.containers.find((x) => (x.args ?? x.command ?? []).includes("redis-server"));
    const args = [...(c.command ?? []), ...(c.args ?? [])];
    const i = args.indexOf("--aclfile");
    const file = i >= 0 ? args[i + 1] : undefined;
    const vol = file ? secretVolumeFor(dep, c, file) : null;
    if (!file) say("bad", `${label} redis: ${dep.metadata.name} has no --aclfile: every client would be the default user`);
    else if (!vol) say("bad", `${label} redis: ${dep.metadata.name} --aclfile ${file} is not in a mounted Secret`);
    else say("ok", `${label} redis: ${dep.metadata.name} loads its ACL users from ${file} (Secret ${vol.secretName})`);
    if (args.some((a) => /requirepass|masterauth/.test(a))) say("bad", `${label} redis: ${dep.metadata.name} has a password on its command line`);
  }
  const seenUsers = new Map();
  const seenSecrets = new Map();
  for (const dep of serverDeployments(objs)) {
    const name = dep.metadata.name;
    const c = serverContainer(dep);
    const env = envOf(c);
    const user = env.GAOXIN_REDIS_USER;
    const file = env.GAOXIN_REDIS_PASSWORD_FILE;
    for (const e of c.env ?? []) {
      if (/^GAOXIN_REDIS_PASSWORD$/.test(e.name)) say("bad", `${label} redis: ${name} has GAOXIN_REDIS_PASSWORD in its environment`);
    }
    for (const a of c.args ?? []) {
      if (/^--?redis_password=/.test(a)) say("bad", `${label} redis: ${name} has a Redis password on its command line`);
    }
    if (user !== name) {
      say("bad", `${label} redis: ${name} has GAOXIN_REDIS_USER '${user ?? ""}', want its own name ${name}`);
      continue;
    }
    if (!users.includes(user)) {
      say("bad", `${label} redis: ${name}: user ${user} is not an ACL user of deploy/redis/make-acl.sh (${users.join(" ")})`);
      continue;
    }
    const vol = file ? secretVolumeFor(dep, c, file) : null;
    if (!vol) {
      say("bad", `${label} redis: ${name}: GAOXIN_REDIS_PASSWORD_FILE '${file ?? ""}' is not a file of a mounted Secret`);
      continue;
    }
    if (seenUsers.has(user)) say("bad", `${label} redis: ${name} and ${seenUsers.get(user)} are both ACL user ${user}`);
    if (seenSecrets.has(vol.secretName)) say("bad", `${label} redis: ${name} and ${seenSecrets.get(vol.secretName)} both mount Secret ${vol.secretName}`);
    seenUsers.set(user, name);
    seenSecrets.set(vol.secretName, name);
    say("ok", `${label} redis: ${name} is ACL user ${user}, password ${file} (Secret ${vol.secretName}, its own)`);
  }
}

// --- tls -----------------------------------------------------------------------------------------------

function probePorts(c) {
  return ["startupProbe", "readinessProbe", "livenessProbe"].map((p) => [p, c[p]?.grpc?.port]);
}

function checkTls(label, objs, wantTls) {
  const certs = objs.filter((o) => o.kind === "Certificate" && String(o.apiVersion).startsWith("cert-manager.io/"));
  const issuers = objs.filter((o) => o.kind === "Issuer" && String(o.apiVersion).startsWith("cert-manager.io/"));
  const servers = serverDeployments(objs);
  if (!wantTls && certs.length === 0) {
    for (const dep of servers) {
      const env = envOf(serverContainer(dep));
      const tlsSet = Object.keys(TLS_FLAGS).filter((k) => env[k]);
      if (env.GAOXIN_INSECURE_PLAINTEXT === "true" && tlsSet.length === 0) {
        say("ok", `${label} tls: ${dep.metadata.name} is plaintext on purpose (GAOXIN_INSECURE_PLAINTEXT=true, no certificate)`);
      } else {
        say("bad", `${label} tls: ${dep.metadata.name} has no certificate and GAOXIN_INSECURE_PLAINTEXT '${env.GAOXIN_INSECURE_PLAINTEXT ?? ""}' (${tlsSet.join(" ")}): the server would refuse to start`);
      }
    }
    return;
  }
  if (certs.length === 0) {
    say("bad", `${label} tls: no cert-manager Certificate, but overlay ${label} must serve TLS`);
    return;
  }
  for (const cert of certs) {
    const ref = cert.spec?.issuerRef ?? {};
    if ((ref.kind ?? "Issuer") === "Issuer" && !issuers.some((i) => i.metadata.name === ref.name)) {
      say("bad", `${label} tls: Certificate ${cert.metadata.name} names Issuer '${ref.name}', which is not in the overlay`);
    } else if (ref.kind === "ClusterIssuer") {
      say("note", `${label} tls: Certificate ${cert.metadata.name} is issued by ClusterIssuer ${ref.name} (cluster-wide: not checked here)`);
    }
  }
  // Who dials whom: GAOXIN_*_ADDR=host:port of the callers.
  const dialled = new Map(); // host -> callers
  for (const dep of servers) {
    for (const [k, v] of Object.entries(envOf(serverContainer(dep)))) {
      if (!/^GAOXIN_[A-Z]+_ADDR$/.test(k)) continue;
      const host = String(v).replace(/:\d+$/, "");
      dialled.set(host, [...(dialled.get(host) ?? []), dep.metadata.name]);
    }
  }
  for (const dep of servers) {
    const name = dep.metadata.name;
    const c = serverContainer(dep);
    const env = envOf(c);
    const problems = [];
    for (const [k, v] of Object.entries(TLS_FLAGS)) {
      if (env[k] !== v) problems.push(`${k} is '${env[k] ?? ""}', want ${v}`);
    }
    if (env.GAOXIN_INSECURE_PLAINTEXT === "true") problems.push("GAOXIN_INSECURE_PLAINTEXT=true next to a certificate");
    const vol = secretVolumeFor(dep, c, `${TLS_DIR}/tls.crt`);
    if (!vol) {
      problems.push(`no Secret mounted at ${TLS_DIR}`);
    } else {
      if (vol.mount.readOnly !== true) problems.push(`${TLS_DIR} is not mounted readOnly`);
      const items = (vol.volume.secret.items ?? []).map((i) => `${i.key}:${i.path}`);
      for (const f of ["tls.crt", "tls.key", "ca.crt"]) {
        if (items.length > 0 && !items.includes(`${f}:${f}`)) problems.push(`the ${TLS_DIR} volume has no item ${f}`);
      }
      const cert = certs.find((x) => x.spec?.secretName === vol.secretName);
      if (!cert) {
        problems.push(`Secret ${vol.secretName} at ${TLS_DIR} is made by no Certificate of the overlay`);
      } else {
        const usages = cert.spec.usages ?? ["digital signature", "key encipherment"];
        for (const u of ["server auth", "client auth"]) {
          if (!usages.includes(u)) problems.push(`Certificate ${cert.metadata.name} lacks usage '${u}'`);
        }
        const names = cert.spec.dnsNames ?? [];
        const svcs = servicesFor(objs, dep).map((s) => s.metadata.name);
        if (svcs.length === 0) problems.push("no Service selects it");
        for (const s of svcs) {
          for (const n of [s, `${s}.${NS}.svc`]) {
            if (!names.includes(n)) problems.push(`Certificate ${cert.metadata.name} has no DNS name ${n} (Service ${s})`);
          }
          for (const host of [...dialled.keys()].filter((h) => h === s || h.startsWith(`${s}.`))) {
            if (!names.includes(host)) problems.push(`${dialled.get(host).join(", ")} dial ${host}, not a DNS name of Certificate ${cert.metadata.name}`);
          }
        }
        if (cert.spec.isCA) problems.push(`Certificate ${cert.metadata.name} is a CA certificate`);
      }
    }
    // The kubelet's probes cannot do TLS: they go to the plaintext health-only listener.
    const grpcPort = (c.ports ?? []).find((p) => p.name === "grpc")?.containerPort;
    const healthPort = Number(String(env.GAOXIN_HEALTH_LISTEN ?? "").split(":").pop());
    if (!env.GAOXIN_HEALTH_LISTEN) problems.push("no GAOXIN_HEALTH_LISTEN: the kubelet's gRPC probes cannot reach a TLS port");
    else if (!(c.ports ?? []).some((p) => p.containerPort === healthPort)) problems.push(`health port ${healthPort} is not a container port`);
    for (const [probe, port] of probePorts(c)) {
      if (port === grpcPort) problems.push(`${probe} goes to the TLS port ${grpcPort}`);
      else if (port !== healthPort) problems.push(`${probe} port ${port} is not the health port ${healthPort}`);
    }
    for (const s of servicesFor(objs, dep)) {
      for (const p of s.spec.ports ?? []) {
        const target = p.targetPort ?? p.port;
        const hp = (c.ports ?? []).find((x) => x.containerPort === healthPort);
        if (target === healthPort || (hp?.name && target === hp.name)) {
          problems.push(`Service ${s.metadata.name} exposes the plaintext health port`);
        }
      }
    }
    if (problems.length > 0) {
      for (const p of problems) say("bad", `${label} tls: ${name}: ${p}`);
    } else {
      say("ok", `${label} tls: ${name} serves and calls with mutual TLS (Secret ${vol.secretName}), probes on plaintext health port ${healthPort}`);
    }
  }
}

// --- main ------------------------------------------------------------------------------------------------

const args = process.argv.slice(2);
const tlsArg = args.find((a) => a.startsWith("--tls="));
const wantTls = new Set(tlsArg ? tlsArg.slice(6).split(",").filter(Boolean) : []);
const files = args.filter((a) => !a.startsWith("--"));
if (files.length === 0) {
  console.error("usage: node check_security.mjs [--tls=OVERLAY,...] LABEL=RENDERED.yaml...");
  process.exit(2);
}
for (const arg of files) {
  const eq = arg.indexOf("=");
  const label = eq > 0 ? arg.slice(0, eq) : arg;
  const file = eq > 0 ? arg.slice(eq + 1) : arg;
  let objs;
  try {
    objs = parseAllDocuments(readFileSync(file, "utf8"), { version: "1.1" })
      .map((d) => d.toJS())
      .filter((o) => o && typeof o === "object");
  } catch (e) {
    say("bad", `${label} cannot read ${file}: ${e.message}`);
    continue;
  }
  for (const [what, check] of [["network", checkNetwork], ["redis", checkRedis],
                                ["tls", (l, o) => checkTls(l, o, wantTls.has(l))]]) {
    try {
      check(label, objs);
    } catch (e) {
      say("bad", `${label} ${what}: the check itself failed: ${e.stack?.split("\n").slice(0, 2).join(" ")}`);
    }
  }
}
console.log(lines.join("\n"));
process.exit(bad > 0 ? 1 : 0);
