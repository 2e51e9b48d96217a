// Every connection the NetworkPolicies of each overlay may allow, and no other: check_security.mjs
// evaluates the policies (netpol.mjs) for every pair of endpoints with an end in namespace gaoxin
// and every declared port, and fails on any difference, both ways. A new allow, a new port, a new
// pod or a new label that opens something must be added here on purpose.
//
// Endpoints (reachability.mjs): the rendered workloads (one pod per Deployment; two instance pods
// gaoxin-pg-1/-2 for the CloudNativePG Cluster), gaoxin/ops-client (a pod labelled as a client of
// all three services), gaoxin/debug (an unlabelled pod), and the world: kube-system/kube-dns,
// cnpg-system/cnpg-controller-manager, frontend/dashboard (client labels, in a namespace labelled
// gaoxin.io/client-namespace), frontend/unlabelled, elsewhere/impostor (client labels, unlabelled
// namespace), external/kube-apiserver (172.18.0.2: 6443, 443), external/internet (203.0.113.7).
// Not listed because not subject to NetworkPolicy on most CNI plugins: the kubelet's probes
// (grpc-health ports, redis-cli) and kubectl port-forward.

const dns = (pods) => pods.flatMap((p) => [
  `gaoxin/${p} -> kube-system/kube-dns:53/TCP`,
  `gaoxin/${p} -> kube-system/kube-dns:53/UDP`,
]);

// Both overlays: the servers, Redis, the clients.
const COMMON = [
  // Service names are resolved by every pod of the namespace (base/networkpolicies.yaml dns).
  ...dns(["leads", "enterprise", "petition", "redis", "ops-client", "debug"]),
  // The cache: each server, nobody else.
  "gaoxin/leads -> gaoxin/redis:6379/TCP",
  "gaoxin/enterprise -> gaoxin/redis:6379/TCP",
  "gaoxin/petition -> gaoxin/redis:6379/TCP",
  // leads:50051 from its clients: enterprise (follows leads), a client pod here, a dashboard.
  "gaoxin/enterprise -> gaoxin/leads:50051/TCP",
  "gaoxin/ops-client -> gaoxin/leads:50051/TCP",
  "frontend/dashboard -> gaoxin/leads:50051/TCP",
  // enterprise:50052: petition (resolves USCCs), the client pod, the dashboard.
  "gaoxin/petition -> gaoxin/enterprise:50052/TCP",
  "gaoxin/ops-client -> gaoxin/enterprise:50052/TCP",
  "frontend/dashboard -> gaoxin/enterprise:50052/TCP",
  // petition:50053: nobody in the suite calls it; the client pod and the dashboard.
  "gaoxin/ops-client -> gaoxin/petition:50053/TCP",
  "frontend/dashboard -> gaoxin/petition:50053/TCP",
];

export const EXPECTED = {
  dev: COMMON,
  production: [
    ...COMMON,
    ...dns(["gaoxin-pg-1", "gaoxin-pg-2"]),
    // The servers' store (gaoxin-pg-rw forwards to the primary; a failover makes another the
    // primary, so every instance is allowed).
    ...["leads", "enterprise", "petition"].flatMap((s) => [
      `gaoxin/${s} -> gaoxin/gaoxin-pg-1:5432/TCP`,
      `gaoxin/${s} -> gaoxin/gaoxin-pg-2:5432/TCP`,
    ]),
    // Instances among themselves: streaming replication and the instance manager.
    "gaoxin/gaoxin-pg-1 -> gaoxin/gaoxin-pg-2:5432/TCP",
    "gaoxin/gaoxin-pg-1 -> gaoxin/gaoxin-pg-2:8000/TCP",
    "gaoxin/gaoxin-pg-2 -> gaoxin/gaoxin-pg-1:5432/TCP",
    "gaoxin/gaoxin-pg-2 -> gaoxin/gaoxin-pg-1:8000/TCP",
    // The CloudNativePG operator: instance status (8000) and PostgreSQL (5432).
    "cnpg-system/cnpg-controller-manager -> gaoxin/gaoxin-pg-1:5432/TCP",
    "cnpg-system/cnpg-controller-manager -> gaoxin/gaoxin-pg-1:8000/TCP",
    "cnpg-system/cnpg-controller-manager -> gaoxin/gaoxin-pg-2:5432/TCP",
    "cnpg-system/cnpg-controller-manager -> gaoxin/gaoxin-pg-2:8000/TCP",
    // The instance manager talks to the Kubernetes API.
    "gaoxin/gaoxin-pg-1 -> external/kube-apiserver:443/TCP",
    "gaoxin/gaoxin-pg-1 -> external/kube-apiserver:6443/TCP",
    "gaoxin/gaoxin-pg-2 -> external/kube-apiserver:443/TCP",
    "gaoxin/gaoxin-pg-2 -> external/kube-apiserver:6443/TCP",
  ],
};
