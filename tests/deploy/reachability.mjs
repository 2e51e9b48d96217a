// The endpoints a rendered overlay puts on the network, the world around it, and the comparison
// of what the NetworkPolicies allow with what is expected. Used by check_security.mjs and
// netpol_test.mjs; the evaluation itself is netpol.mjs.
//
//   const endpoints = [...endpointsOf(objects), ...WORLD.endpoints];
//   const { allowed } = evaluate({ namespaces, endpoints, policies }, touches("gaoxin"));
//   const { missing, unexpected } = compare(allowed.map(tripleText), EXPECTED.dev);
//
// Pods: one endpoint per workload (Deployment, StatefulSet, DaemonSet, Job, CronJob, bare Pod),
// with its pod template's labels and every declared container port; replicas share labels and
// ports, so one stands for all (two replicas of a workload are the same pair as the pod with
// itself, which is not listed). A CloudNativePG Cluster stands for the two instance pods the
// operator makes (cnpg.io/* labels, ports 5432 postgresql, 8000 status, 9187 metrics; see
// CNPG_PORTS), so traffic between instances is visible too.
//
// WORLD: what a cluster has besides the suite, to show what reaches in or out: kube-dns, the
// CloudNativePG operator, the API server (an address outside the pod network), an address on
// the internet, pods labelled as clients in a namespace labelled for clients, the same labels
// in an unlabelled namespace (impostors), and unlabelled pods. Their labels are the ones
// documented in deploy/k8s/README.md (section 7).

export const CLIENT_LABELS = {
  "gaoxin.io/client-of-leads": "true",
  "gaoxin.io/client-of-enterprise": "true",
  "gaoxin.io/client-of-petition": "true",
};

// cloudnative-pg pkg/specs: the instance container's ports.
export const CNPG_PORTS = [
  { port: 5432, protocol: "TCP", name: "postgresql" },
  { port: 8000, protocol: "TCP", name: "status" },
  { port: 9187, protocol: "TCP", name: "metrics" },
];

const nsLabels = (name, extra = {}) => ({ "kubernetes.io/metadata.name": name, ...extra });

export const WORLD = {
  namespaces: {
    "kube-system": nsLabels("kube-system"),
    "cnpg-system": nsLabels("cnpg-system"),
    frontend: nsLabels("frontend", { "gaoxin.io/client-namespace": "true" }),
    elsewhere: nsLabels("elsewhere"),
  },
  endpoints: [
    {
      id: "kube-system/kube-dns",
      namespace: "kube-system",
      labels: { "k8s-app": "kube-dns" },
      ports: [
        { port: 53, protocol: "UDP", name: "dns" },
        { port: 53, protocol: "TCP", name: "dns-tcp" },
        { port: 9153, protocol: "TCP", name: "metrics" },
      ],
    },
    {
      id: "cnpg-system/cnpg-controller-manager",
      namespace: "cnpg-system",
      labels: { "app.kubernetes.io/name": "cloudnative-pg" },
      ports: [
        { port: 9443, protocol: "TCP", name: "webhook-server" },
        { port: 8080, protocol: "TCP", name: "metrics" },
      ],
    },
    { id: "frontend/dashboard", namespace: "frontend", labels: { ...CLIENT_LABELS }, ports: [] },
    { id: "frontend/unlabelled", namespace: "frontend", labels: {}, ports: [] },
    { id: "elsewhere/impostor", namespace: "elsewhere", labels: { ...CLIENT_LABELS }, ports: [] },
    // Where the API server answers (kind: 6443 on a node address; managed clusters: 443).
    {
      id: "external/kube-apiserver",
      ip: "172.18.0.2",
      labels: {},
      ports: [
        { port: 6443, protocol: "TCP" },
        { port: 443, protocol: "TCP" },
      ],
    },
    {
      id: "external/internet",
      ip: "203.0.113.7",
      labels: {},
      ports: [
        { port: 443, protocol: "TCP" },
        { port: 80, protocol: "TCP" },
      ],
    },
  ],
  // Pods in the namespace under test that no manifest declares: a client (a Job running
  // gaoxinctl, say) and a pod nobody labelled (kubectl run debug).
  inNamespace: (ns) => [
    { id: `${ns}/ops-client`, namespace: ns, labels: { ...CLIENT_LABELS }, ports: [] },
    { id: `${ns}/debug`, namespace: ns, labels: { run: "debug" }, ports: [] },
  ],
};

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"]);

function podTemplateOf(obj) {
  if (obj.kind === "Pod") return { metadata: obj.metadata, spec: obj.spec };
  if (WORKLOAD_KINDS.has(obj.kind)) return obj.spec?.template;
  if (obj.kind === "CronJob") return obj.spec?.jobTemplate?.spec?.template;
  return null;
}

function containerPorts(spec) {
  const out = [];
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      out.push({ port: p.containerPort, protocol: p.protocol ?? "TCP", ...(p.name ? { name: p.name } : {}) });
    }
  }
  return out;
}

// The endpoints of rendered objects (see the top of this file), each with a pod address.
export function endpointsOf(objects) {
  const out = [];
  for (const obj of objects) {
    const ns = obj.metadata?.namespace ?? "default";
    const template = podTemplateOf(obj);
    if (template) {
      out.push({ id: `${ns}/${obj.metadata.name}`, namespace: ns, labels: { ...(template.metadata?.labels ?? {}) },
                 ports: containerPorts(template.spec) });
    } else if (obj.kind === "Cluster" && String(obj.apiVersion).startsWith("postgresql.cnpg.io/")) {
      for (const [n, role] of [[1, "primary"], [2, "replica"]]) {
        const pod = `${obj.metadata.name}-${n}`;
        out.push({
          id: `${ns}/${pod}`,
          namespace: ns,
          labels: {
            ...(obj.spec?.inheritedMetadata?.labels ?? {}),
            "cnpg.io/cluster": obj.metadata.name,
            "cnpg.io/instanceName": pod,
            "cnpg.io/podRole": "instance",
            "cnpg.io/instanceRole": role,
            role,
          },
          ports: CNPG_PORTS.map((p) => ({ ...p })),
        });
      }
    }
  }
  return out;
}

// Gives pods without an address one from the pod network 10.244.0.0/16, in order.
export function withAddresses(endpoints) {
  let n = 10;
  return endpoints.map((e) => (e.ip || !e.namespace ? e : { ...e, ip: `10.244.${n >> 8}.${n++ & 255}` }));
}

// Namespace labels: the rendered Namespace objects (plus the label the API server adds), then
// the world's.
export function namespacesOf(objects, world = WORLD) {
  const out = { ...world.namespaces };
  for (const obj of objects) {
    if (obj.kind === "Namespace") out[obj.metadata.name] = nsLabels(obj.metadata.name, obj.metadata.labels ?? {});
  }
  return out;
}

// Only pairs with an end in namespace `ns`: the rest is not this suite's business.
export const touches = (ns) => (src, dst) => src.namespace === ns || dst.namespace === ns;

// Set difference both ways, sorted.
export function compare(actual, expected) {
  const a = new Set(actual);
  const e = new Set(expected);
  return {
    missing: [...e].filter((t) => !a.has(t)).sort(),
    unexpected: [...a].filter((t) => !e.has(t)).sort(),
    duplicates: expected.filter((t, i) => expected.indexOf(t) !== i),
  };
}
