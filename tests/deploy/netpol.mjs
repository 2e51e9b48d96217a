// A Kubernetes NetworkPolicy (networking.k8s.io/v1) evaluator, offline: which connections between
// a set of endpoints (pods with their namespace, labels and ports, and addresses outside the
// cluster) the policies allow. check_security.mjs uses it to compare every overlay's allowed
// (source, destination, port) triples with an expected list; netpol_test.mjs tests it.
//
//   import { evaluate } from "./netpol.mjs";
//   const { allowed, errors } = evaluate({ namespaces, endpoints, policies });
//   // allowed: [{ src: "gaoxin/petition", dst: "gaoxin/enterprise", port: 50052, protocol: "TCP" }]
//
// The semantics implemented (https://kubernetes.io/docs/concepts/services-networking/network-policies/):
//   - a policy selects the pods of its own namespace that match spec.podSelector ({} = all of them;
//     a missing podSelector is {} too, as the API server decodes it);
//   - policyTypes: as given; when absent, Ingress, plus Egress if the policy has egress rules;
//   - a pod selected by no policy of a type is not isolated for that direction: everything is
//     allowed there; once selected by one, only what some selecting policy's rules allow is
//     (policies are additive, never subtractive; a policy with a type and no rules denies all);
//   - a rule with no (or empty) from/to matches every peer, with no (or empty) ports every port;
//   - a peer is podSelector (pods of the policy's namespace), namespaceSelector (every pod of the
//     matching namespaces), both (the matching pods of the matching namespaces), or ipBlock;
//   - ports: protocol (default TCP), a number or a named container port of the destination, an
//     optional endPort for a range;
//   - a connection needs the source's egress and the destination's ingress to allow it; an
//     endpoint outside the cluster (no namespace) has no policies of its own.
// ipBlock is applied to every endpoint with an address in the block, pods included, as Calico
// and Cilium do: the conservative reading, so a 0.0.0.0/0 rule shows up as reaching pods.
// Invalid policies (a peer with ipBlock and a selector, an empty peer, a bad selector operator,
// endPort without a numeric port, ...) are reported in `errors` instead of being guessed at.

const PROTOCOLS = new Set(["TCP", "UDP", "SCTP"]);

// --- label selectors ---------------------------------------------------------------------------

// Problems with a metav1.LabelSelector, as the API server would report them.
export function selectorErrors(selector, where) {
  const errors = [];
  if (selector === null || selector === undefined) return errors;
  if (typeof selector !== "object" || Array.isArray(selector)) return [`${where}: not a label selector`];
  for (const k of Object.keys(selector)) {
    if (k !== "matchLabels" && k !== "matchExpressions") errors.push(`${where}: unknown field ${k}`);
  }
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (typeof v !== "string") errors.push(`${where}.matchLabels.${k}: value must be a string`);
  }
  for (const [i, e] of (selector.matchExpressions ?? []).entries()) {
    const at = `${where}.matchExpressions[${i}]`;
    const values = e.values ?? [];
    if (typeof e.key !== "string" || e.key === "") errors.push(`${at}: no key`);
    if (e.operator === "In" || e.operator === "NotIn") {
      if (values.length === 0) errors.push(`${at}: ${e.operator} needs values`);
    } else if (e.operator === "Exists" || e.operator === "DoesNotExist") {
      if (values.length > 0) errors.push(`${at}: ${e.operator} takes no values`);
    } else {
      errors.push(`${at}: unknown operator ${e.operator}`);
    }
  }
  return errors;
}

// True when `labels` satisfy `selector`; an empty selector matches everything. Callers check
// selectorErrors first.
export function matches(selector, labels) {
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) {
    if (l[k] !== v) return false;
  }
  for (const e of selector?.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case "In":
        if (!has || !values.includes(l[e.key])) return false;
        break;
      case "NotIn": // true for objects without the key, as in Kubernetes
        if (has && values.includes(l[e.key])) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

// --- ipBlock -------------------------------------------------------------------------------------

function ipv4(text) {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text ?? "");
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function parseCidr(cidr) {
  const [addr, bits, extra] = String(cidr).split("/");
  const ip = ipv4(addr);
  const n = Number(bits);
  if (ip === null || extra !== undefined || !/^\d{1,2}$/.test(bits ?? "") || n > 32) return null;
  const mask = n === 0 ? 0 : (0xffffffff << (32 - n)) >>> 0;
  return { net: (ip & mask) >>> 0, mask };
}

function inCidr(ip, cidr) {
  const c = parseCidr(cidr);
  const a = ipv4(ip);
  return c !== null && a !== null && ((a & c.mask) >>> 0) === c.net;
}

// --- policies --------------------------------------------------------------------------------------

function policyTypes(spec) {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length > 0) return spec.policyTypes;
  const types = ["Ingress"];
  if (Array.isArray(spec.egress) && spec.egress.length > 0) types.push("Egress");
  return types;
}

// Problems with one NetworkPolicy object.
export function policyErrors(policy) {
  const name = `NetworkPolicy ${policy?.metadata?.namespace ?? "?"}/${policy?.metadata?.name ?? "?"}`;
  const spec = policy?.spec ?? {};
  const errors = [];
  if (typeof policy?.metadata?.namespace !== "string") errors.push(`${name}: no namespace`);
  errors.push(...selectorErrors(spec.podSelector, `${name} spec.podSelector`));
  for (const t of spec.policyTypes ?? []) {
    if (t !== "Ingress" && t !== "Egress") errors.push(`${name}: unknown policyType ${t}`);
  }
  for (const [dir, peersKey] of [["ingress", "from"], ["egress", "to"]]) {
    for (const [i, rule] of (spec[dir] ?? []).entries()) {
      const at = `${name} ${dir}[${i}]`;
      for (const [j, peer] of (rule[peersKey] ?? []).entries()) {
        const p = `${at}.${peersKey}[${j}]`;
        const keys = Object.keys(peer ?? {});
        if (keys.length === 0) errors.push(`${p}: empty peer`);
        for (const k of keys) {
          if (!["podSelector", "namespaceSelector", "ipBlock"].includes(k)) errors.push(`${p}: unknown field ${k}`);
        }
        if (peer?.ipBlock && (peer.podSelector || peer.namespaceSelector)) {
          errors.push(`${p}: ipBlock cannot be combined with a selector`);
        }
        if (peer?.ipBlock) {
          if (parseCidr(peer.ipBlock.cidr) === null) errors.push(`${p}.ipBlock: bad (or non-IPv4) cidr ${peer.ipBlock.cidr}`);
          for (const e of peer.ipBlock.except ?? []) {
            if (parseCidr(e) === null) errors.push(`${p}.ipBlock: bad except ${e}`);
          }
        }
        errors.push(...selectorErrors(peer?.podSelector, `${p}.podSelector`));
        errors.push(...selectorErrors(peer?.namespaceSelector, `${p}.namespaceSelector`));
      }
      for (const [j, port] of (rule.ports ?? []).entries()) {
        const p = `${at}.ports[${j}]`;
        if (port.protocol !== undefined && !PROTOCOLS.has(port.protocol)) errors.push(`${p}: unknown protocol ${port.protocol}`);
        if (port.endPort !== undefined && typeof port.port !== "number") errors.push(`${p}: endPort needs a numeric port`);
        if (port.endPort !== undefined && port.endPort < port.port) errors.push(`${p}: endPort below port`);
        if (port.port !== undefined && typeof port.port !== "number" && typeof port.port !== "string") {
          errors.push(`${p}: port must be a number or a port name`);
        }
      }
    }
  }
  return errors;
}

// Does `peer` of a policy in namespace `policyNs` match endpoint `ep`?
function peerMatches(peer, policyNs, ep, namespaces) {
  if (peer.ipBlock) {
    if (!ep.ip || !inCidr(ep.ip, peer.ipBlock.cidr)) return false;
    return !(peer.ipBlock.except ?? []).some((e) => inCidr(ep.ip, e));
  }
  if (ep.namespace === undefined || ep.namespace === null) return false; // selectors match pods only
  if (peer.namespaceSelector) {
    if (!matches(peer.namespaceSelector, namespaces[ep.namespace] ?? {})) return false;
  } else if (ep.namespace !== policyNs) {
    return false;
  }
  return peer.podSelector ? matches(peer.podSelector, ep.labels) : true;
}

// Does a rule's `ports` admit destination port `port` (an entry of dst.ports)?
function portMatches(ports, port) {
  if (!Array.isArray(ports) || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? "TCP") !== (port.protocol ?? "TCP")) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === "string") return port.name !== undefined && p.port === port.name;
    if (p.endPort !== undefined) return port.port >= p.port && port.port <= p.endPort;
    return port.port === p.port;
  });
}

function rulesAllow(rules, peersKey, policyNs, peer, port, namespaces) {
  return (rules ?? []).some((rule) => {
    const peers = rule[peersKey];
    const peerOk = !Array.isArray(peers) || peers.length === 0 ||
      peers.some((p) => peerMatches(p, policyNs, peer, namespaces));
    return peerOk && portMatches(rule.ports, port);
  });
}

// Is `direction` ("Ingress" from `peer` into `ep`, or "Egress" from `ep` to `peer`) allowed on
// destination port `port` by the policies of ep's namespace?
function sideAllows(direction, ep, peer, port, policies, namespaces) {
  if (ep.namespace === undefined || ep.namespace === null) return true; // outside the cluster
  const selecting = policies.filter((p) => p.metadata.namespace === ep.namespace &&
    matches(p.spec?.podSelector ?? {}, ep.labels) && policyTypes(p.spec ?? {}).includes(direction));
  if (selecting.length === 0) return true; // not isolated
  const [rulesKey, peersKey] = direction === "Ingress" ? ["ingress", "from"] : ["egress", "to"];
  return selecting.some((p) => rulesAllow(p.spec[rulesKey], peersKey, p.metadata.namespace, peer, port, namespaces));
}

// Whether `src` may open a connection to `dst` on `port` (one of dst.ports).
export function allows({ namespaces, policies }, src, dst, port) {
  return sideAllows("Egress", src, dst, port, policies, namespaces) &&
    sideAllows("Ingress", dst, src, port, policies, namespaces);
}

// Which pods a policy isolates, per direction: for the "default deny" check.
export function isolated({ policies }, ep, direction) {
  return policies.some((p) => p.metadata?.namespace === ep.namespace &&
    matches(p.spec?.podSelector ?? {}, ep.labels) && policyTypes(p.spec ?? {}).includes(direction));
}

// Every allowed (src, dst, port) for src != dst where `include(src, dst)` holds (default: all).
// endpoints: [{ id, namespace (undefined outside the cluster), labels, ip, ports: [{ port,
// protocol, name }] }]. namespaces: { name: labels }. Returns { allowed, errors }; with errors
// the allowed list is empty (nothing can be vouched for).
export function evaluate({ namespaces, endpoints, policies }, include = () => true) {
  const errors = policies.flatMap(policyErrors);
  for (const ep of endpoints) {
    for (const p of ep.ports ?? []) {
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) errors.push(`${ep.id}: bad port ${p.port}`);
      if (!PROTOCOLS.has(p.protocol ?? "TCP")) errors.push(`${ep.id}: bad protocol ${p.protocol}`);
    }
  }
  if (errors.length > 0) return { allowed: [], errors };
  const ctx = { namespaces, policies };
  const allowed = [];
  for (const src of endpoints) {
    for (const dst of endpoints) {
      if (src.id === dst.id || !include(src, dst)) continue;
      for (const port of dst.ports ?? []) {
        if (allows(ctx, src, dst, port)) {
          allowed.push({ src: src.id, dst: dst.id, port: port.port, protocol: port.protocol ?? "TCP" });
        }
      }
    }
  }
  return { allowed, errors };
}

// "gaoxin/petition -> gaoxin/enterprise:50052/TCP"
export function tripleText(t) {
  return `${t.src} -> ${t.dst}:${t.port}/${t.protocol}`;
}
