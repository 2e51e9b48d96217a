// Unit tests of the NetworkPolicy evaluator (netpol.mjs) and the reachability model
// (reachability.mjs). Each case states what Kubernetes allows and checks the evaluator agrees,
// including a deliberately over-broad policy (fixtures/overbroad.yaml) that must be reported.
//
//   node --test tests/deploy/netpol_test.mjs      (check_manifests.sh runs it after npm ci)
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { allows, evaluate, isolated, matches, policyErrors, selectorErrors, tripleText } from "./netpol.mjs";
import { compare, endpointsOf, namespacesOf, touches, withAddresses } from "./reachability.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));

// A small world: namespaces a (labelled team=x) and b; pods a/web, a/api (ports 80 http, 9090
// metrics, 53/UDP dns), a/db (5432), b/client; an address outside the cluster.
const NAMESPACES = {
  a: { "kubernetes.io/metadata.name": "a", team: "x" },
  b: { "kubernetes.io/metadata.name": "b" },
};
const EP = {
  web: { id: "a/web", namespace: "a", labels: { app: "web", tier: "front" }, ip: "10.244.0.1", ports: [] },
  api: {
    id: "a/api",
    namespace: "a",
    labels: { app: "api", tier: "back" },
    ip: "10.244.0.2",
    ports: [
      { port: 80, protocol: "TCP", name: "http" },
      { port: 9090, protocol: "TCP", name: "metrics" },
      { port: 53, protocol: "UDP", name: "dns" },
    ],
  },
  db: { id: "a/db", namespace: "a", labels: { app: "db" }, ip: "10.244.0.3", ports: [{ port: 5432, protocol: "TCP", name: "pg" }] },
  client: { id: "b/client", namespace: "b", labels: { app: "web" }, ip: "10.244.1.1", ports: [] },
  outside: { id: "external/host", ip: "198.51.100.9", labels: {}, ports: [{ port: 443, protocol: "TCP" }] },
};
const ENDPOINTS = Object.values(EP);

const np = (name, spec, namespace = "a") => ({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy",
  metadata: { name, namespace }, spec });
const DENY_ALL = np("deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
const port = (ep, n, protocol = "TCP") => ep.ports.find((p) => p.port === n && p.protocol === protocol);
const can = (policies, src, dst, n, protocol) =>
  allows({ namespaces: NAMESPACES, policies }, src, dst, port(dst, n, protocol));
const allowedSet = (policies) =>
  evaluate({ namespaces: NAMESPACES, endpoints: ENDPOINTS, policies }).allowed.map(tripleText).sort();

test("label selectors: matchLabels, every matchExpressions operator, empty selects all", () => {
  const l = { app: "api", tier: "back" };
  assert.equal(matches({}, l), true);
  assert.equal(matches(undefined, l), true);
  assert.equal(matches({ matchLabels: { app: "api" } }, l), true);
  assert.equal(matches({ matchLabels: { app: "api", tier: "front" } }, l), false);
  assert.equal(matches({ matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] }, l), true);
  assert.equal(matches({ matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] }, l), false);
  assert.equal(matches({ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }] }, l), false);
  assert.equal(matches({ matchExpressions: [{ key: "app", operator: "NotIn", values: ["api"] }] }, l), false);
  // NotIn is true for an object without the key, as in Kubernetes.
  assert.equal(matches({ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a"] }] }, l), true);
  assert.equal(matches({ matchExpressions: [{ key: "tier", operator: "Exists" }] }, l), true);
  assert.equal(matches({ matchExpressions: [{ key: "zone", operator: "Exists" }] }, l), false);
  assert.equal(matches({ matchExpressions: [{ key: "zone", operator: "DoesNotExist" }] }, l), true);
  assert.equal(matches({ matchExpressions: [{ key: "app", operator: "DoesNotExist" }] }, l), false);
  // Labels and expressions together: both must hold.
  assert.equal(matches({ matchLabels: { tier: "back" }, matchExpressions: [{ key: "app", operator: "In", values: ["db"] }] }, l), false);
  assert.deepEqual(selectorErrors({ matchExpressions: [{ key: "a", operator: "Equals", values: ["x"] }] }, "s"),
    ["s.matchExpressions[0]: unknown operator Equals"]);
  assert.equal(selectorErrors({ matchExpressions: [{ key: "a", operator: "In" }] }, "s").length, 1);
  assert.equal(selectorErrors({ matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }, "s").length, 1);
  assert.equal(selectorErrors({ matchLabel: { a: "b" } }, "s").length, 1); // misspelled: not "all"
});

test("no policy: everything is allowed; a default deny: nothing is", () => {
  assert.equal(can([], EP.web, EP.api, 80), true);
  assert.equal(can([], EP.client, EP.db, 5432), true);
  assert.deepEqual(allowedSet([DENY_ALL]), [
    // Only connections with no end in namespace a survive: b/client -> outside.
    "b/client -> external/host:443/TCP",
  ]);
  assert.equal(isolated({ policies: [DENY_ALL] }, EP.web, "Ingress"), true);
  assert.equal(isolated({ policies: [DENY_ALL] }, EP.client, "Ingress"), false); // another namespace
});

test("policyTypes: absent means Ingress, plus Egress only when there are egress rules", () => {
  const ingressOnly = np("i", { podSelector: { matchLabels: { app: "api" } }, ingress: [] });
  assert.equal(isolated({ policies: [ingressOnly] }, EP.api, "Ingress"), true);
  assert.equal(isolated({ policies: [ingressOnly] }, EP.api, "Egress"), false);
  assert.equal(can([ingressOnly], EP.web, EP.api, 80), false); // isolated, no rules
  assert.equal(can([ingressOnly], EP.api, EP.db, 5432), true); // egress untouched
  const withEgress = np("e", { podSelector: { matchLabels: { app: "api" } }, egress: [{ to: [{ podSelector: { matchLabels: { app: "db" } } }] }] });
  assert.equal(isolated({ policies: [withEgress] }, EP.api, "Egress"), true);
  assert.equal(isolated({ policies: [withEgress] }, EP.api, "Ingress"), true);
  assert.equal(can([withEgress], EP.api, EP.db, 5432), true);
  assert.equal(can([withEgress], EP.api, EP.outside, 443), false);
  assert.equal(can([withEgress], EP.web, EP.api, 80), false); // Ingress implied, no ingress rules
  // egress: [] is no rules: Egress is not implied.
  const emptyEgress = np("ee", { podSelector: {}, egress: [] });
  assert.equal(isolated({ policies: [emptyEgress] }, EP.api, "Egress"), false);
});

test("policies are additive: each allow adds, none takes away", () => {
  const httpFromWeb = np("h", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "web" } } }], ports: [{ port: 80 }] }] });
  const metricsFromDb = np("m", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "db" } } }], ports: [{ port: 9090 }] }] });
  const policies = [DENY_ALL, httpFromWeb, metricsFromDb,
    np("egress-all", { podSelector: {}, policyTypes: ["Egress"], egress: [{}] })];
  assert.equal(can(policies, EP.web, EP.api, 80), true);
  assert.equal(can(policies, EP.web, EP.api, 9090), false);
  assert.equal(can(policies, EP.db, EP.api, 9090), true);
  assert.equal(can(policies, EP.db, EP.api, 80), false);
  // An egress rule {} (no to, no ports) allows everything out, the outside included.
  assert.equal(can(policies, EP.web, EP.outside, 443), true);
});

test("both ends must allow: egress of the source and ingress of the destination", () => {
  const ingress = np("in", { podSelector: { matchLabels: { app: "db" } }, policyTypes: ["Ingress"],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "api" } } }] }] });
  const egress = np("out", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Egress"],
    egress: [{ to: [{ podSelector: { matchLabels: { app: "db" } } }], ports: [{ port: 5432 }] }] });
  assert.equal(can([DENY_ALL, ingress], EP.api, EP.db, 5432), false); // api's egress denied
  assert.equal(can([DENY_ALL, egress], EP.api, EP.db, 5432), false); // db's ingress denied
  assert.equal(can([DENY_ALL, ingress, egress], EP.api, EP.db, 5432), true);
});

test("peers: podSelector is this namespace only; namespaceSelector; both; empty from is everyone", () => {
  const ingress = (from) => [np("p", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"], ingress: [{ from }] })];
  // podSelector alone: a/web yes, b/client (same labels, other namespace) no.
  assert.equal(can(ingress([{ podSelector: { matchLabels: { app: "web" } } }]), EP.web, EP.api, 80), true);
  assert.equal(can(ingress([{ podSelector: { matchLabels: { app: "web" } } }]), EP.client, EP.api, 80), false);
  // podSelector {}: every pod of the policy's namespace, still not b's.
  assert.equal(can(ingress([{ podSelector: {} }]), EP.db, EP.api, 80), true);
  assert.equal(can(ingress([{ podSelector: {} }]), EP.client, EP.api, 80), false);
  // namespaceSelector alone: every pod of the matching namespaces.
  assert.equal(can(ingress([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "b" } } }]), EP.client, EP.api, 80), true);
  assert.equal(can(ingress([{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "b" } } }]), EP.web, EP.api, 80), false);
  assert.equal(can(ingress([{ namespaceSelector: {} }]), EP.client, EP.api, 80), true);
  assert.equal(can(ingress([{ namespaceSelector: {} }]), EP.outside, EP.api, 80), false); // not a pod
  // Both in one peer: AND. As two peers: OR.
  const both = [{ namespaceSelector: { matchLabels: { team: "x" } }, podSelector: { matchLabels: { app: "web" } } }];
  assert.equal(can(ingress(both), EP.web, EP.api, 80), true);
  assert.equal(can(ingress(both), EP.db, EP.api, 80), false);
  assert.equal(can(ingress(both), EP.client, EP.api, 80), false);
  const either = [{ namespaceSelector: { matchLabels: { team: "x" } } }, { podSelector: { matchLabels: { app: "web" } } }];
  assert.equal(can(ingress(either), EP.db, EP.api, 80), true);
  // from absent or empty: every source, the outside included.
  assert.equal(can(ingress(undefined), EP.outside, EP.api, 80), true);
  assert.equal(can(ingress([]), EP.client, EP.api, 9090), true);
});

test("ports: numbers, names, ranges, protocols; absent means all", () => {
  const rule = (ports) => [np("p", { podSelector: { matchLabels: { app: "api" } }, policyTypes: ["Ingress"], ingress: [{ ports }] })];
  assert.equal(can(rule([{ port: 80 }]), EP.web, EP.api, 80), true);
  assert.equal(can(rule([{ port: 80 }]), EP.web, EP.api, 9090), false);
  assert.equal(can(rule([{ port: "metrics" }]), EP.web, EP.api, 9090), true); // a named container port
  assert.equal(can(rule([{ port: "metrics" }]), EP.web, EP.api, 80), false);
  assert.equal(can(rule([{ port: "grpc" }]), EP.web, EP.api, 80), false); // no such name
  assert.equal(can(rule([{ port: 80, endPort: 9000 }]), EP.web, EP.api, 80), true);
  assert.equal(can(rule([{ port: 81, endPort: 9090 }]), EP.web, EP.api, 9090), true);
  assert.equal(can(rule([{ port: 81, endPort: 9089 }]), EP.web, EP.api, 9090), false);
  // TCP is the default protocol: a TCP rule does not open 53/UDP, a UDP one does.
  assert.equal(can(rule([{ port: 53 }]), EP.web, EP.api, 53, "UDP"), false);
  assert.equal(can(rule([{ port: 53, protocol: "UDP" }]), EP.web, EP.api, 53, "UDP"), true);
  assert.equal(can(rule([{ protocol: "UDP" }]), EP.web, EP.api, 53, "UDP"), true); // every UDP port
  assert.equal(can(rule([{ protocol: "UDP" }]), EP.web, EP.api, 80), false);
  assert.equal(can(rule(undefined), EP.web, EP.api, 9090), true);
  assert.equal(can(rule([]), EP.web, EP.api, 9090), true);
});

test("ipBlock: cidr and except, applied to pods too (the conservative reading)", () => {
  const egress = (to) => [np("e", { podSelector: { matchLabels: { app: "web" } }, policyTypes: ["Egress"], egress: [{ to }] })];
  assert.equal(can(egress([{ ipBlock: { cidr: "198.51.100.0/24" } }]), EP.web, EP.outside, 443), true);
  assert.equal(can(egress([{ ipBlock: { cidr: "198.51.100.0/24", except: ["198.51.100.8/29"] } }]), EP.web, EP.outside, 443), false);
  assert.equal(can(egress([{ ipBlock: { cidr: "203.0.113.0/24" } }]), EP.web, EP.outside, 443), false);
  // 0.0.0.0/0 also reaches pods, as on Calico and Cilium.
  assert.equal(can(egress([{ ipBlock: { cidr: "0.0.0.0/0" } }]), EP.web, EP.db, 5432), true);
  assert.equal(can(egress([{ ipBlock: { cidr: "10.244.0.0/16", except: ["10.244.0.3/32"] } }]), EP.web, EP.db, 5432), false);
  // Selectors never match an address outside the cluster.
  assert.equal(can(egress([{ namespaceSelector: {} }]), EP.web, EP.outside, 443), false);
});

test("invalid policies are reported, not guessed at", () => {
  const bad = (spec) => policyErrors(np("x", spec));
  assert.match(bad({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }] }] }).join(), /ipBlock cannot be combined/);
  assert.match(bad({ podSelector: {}, ingress: [{ from: [{}] }] }).join(), /empty peer/);
  assert.match(bad({ podSelector: {}, ingress: [{ ports: [{ port: "http", endPort: 90 }] }] }).join(), /endPort needs a numeric port/);
  assert.match(bad({ podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: "ICMP" }] }] }).join(), /unknown protocol/);
  assert.match(bad({ podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/33" } }] }] }).join(), /bad \(or non-IPv4\) cidr/);
  assert.match(bad({ podSelector: {}, policyTypes: ["ingress"] }).join(), /unknown policyType/);
  assert.match(bad({ podSelector: {}, ingress: [{ from: [{ podSelecter: {} }] }] }).join(), /unknown field podSelecter/);
  assert.deepEqual(bad({ podSelector: { matchLabels: { app: "x" } }, ingress: [{ from: [{ podSelector: {} }], ports: [{ port: 80 }] }] }), []);
  const { allowed, errors } = evaluate({ namespaces: NAMESPACES, endpoints: ENDPOINTS,
    policies: [np("x", { podSelector: {}, ingress: [{ from: [{}] }] })] });
  assert.equal(errors.length, 1);
  assert.deepEqual(allowed, []); // nothing vouched for
});

test("a deliberately over-broad policy in a fixture is reported, and a missing allow too", () => {
  const objs = parseAllDocuments(readFileSync(join(HERE, "fixtures/overbroad.yaml"), "utf8"), { version: "1.1" })
    .map((d) => d.toJS()).filter(Boolean);
  const world = {
    namespaces: { other: { "kubernetes.io/metadata.name": "other" } },
    endpoints: [
      { id: "other/stranger", namespace: "other", labels: {}, ports: [] },
      { id: "external/internet", ip: "203.0.113.7", labels: {}, ports: [{ port: 443, protocol: "TCP" }] },
    ],
  };
  const endpoints = withAddresses([...endpointsOf(objs), ...world.endpoints]);
  assert.deepEqual(endpoints.map((e) => e.id).sort(), ["external/internet", "other/stranger", "shop/api", "shop/web"]);
  assert.deepEqual(endpoints.find((e) => e.id === "shop/api").ports.map((p) => `${p.name}:${p.port}/${p.protocol}`),
    ["http:8080/TCP", "metrics:9090/TCP"]);
  const policies = objs.filter((o) => o.kind === "NetworkPolicy");
  const { allowed, errors } = evaluate({ namespaces: namespacesOf(objs, world), endpoints, policies }, touches("shop"));
  assert.deepEqual(errors, []);
  const intended = ["shop/web -> shop/api:8080/TCP"];
  const result = compare(allowed.map(tripleText), intended);
  assert.deepEqual(result.unexpected, [
    "other/stranger -> shop/api:8080/TCP",
    "other/stranger -> shop/api:9090/TCP",
  ]);
  assert.deepEqual(result.missing, []);
  // Without the over-broad policy: exactly the intended connection.
  const narrow = evaluate({ namespaces: namespacesOf(objs, world), endpoints,
    policies: policies.filter((p) => p.metadata.name !== "api-ingress") }, touches("shop"));
  assert.deepEqual(compare(narrow.allowed.map(tripleText), intended), { missing: [], unexpected: [], duplicates: [] });
  // And without web's egress allow, the intended connection goes missing.
  const cut = evaluate({ namespaces: namespacesOf(objs, world), endpoints,
    policies: policies.filter((p) => !["api-ingress", "web-to-api"].includes(p.metadata.name)) }, touches("shop"));
  assert.deepEqual(compare(cut.allowed.map(tripleText), intended).missing, intended);
});

test("the model: CloudNativePG instances, addresses, namespaces", () => {
  const objs = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "n", labels: { x: "y" } } },
    { apiVersion: "postgresql.cnpg.io/v1", kind: "Cluster", metadata: { name: "pg", namespace: "n" }, spec: { instances: 3 } },
    { apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "cj", namespace: "n" },
      spec: { jobTemplate: { spec: { template: { metadata: { labels: { j: "1" } }, spec: { containers: [{ name: "c" }] } } } } } },
  ];
  const eps = withAddresses(endpointsOf(objs));
  assert.deepEqual(eps.map((e) => e.id), ["n/pg-1", "n/pg-2", "n/cj"]);
  assert.equal(eps[0].labels["cnpg.io/cluster"], "pg");
  assert.equal(eps[1].labels["cnpg.io/instanceRole"], "replica");
  assert.deepEqual(eps[0].ports.map((p) => p.port), [5432, 8000, 9187]);
  assert.notEqual(eps[0].ip, eps[1].ip);
  assert.deepEqual(namespacesOf(objs, { namespaces: {} }).n, { "kubernetes.io/metadata.name": "n", x: "y" });
  assert.deepEqual(compare(["a", "b"], ["b", "c", "c"]), { missing: ["c"], unexpected: ["a"], duplicates: ["c"] });
});
