// Schema check of rendered Kubernetes manifests, offline.
//
//   node tests/deploy/validate_schemas.mjs [LABEL=]RENDERED.yaml...
//
// Prints one line per object, "ok LABEL KIND/NAME: ..." or "bad LABEL KIND/NAME: ...", plus
// "note ..." lines, and exits 1 if any line is "bad". LABEL defaults to the file name.
// tests/deploy/check_manifests.sh runs it once on every overlay's `kubectl kustomize` output.
//
// Built-in kinds are validated with the npm package kubernetes-models (generated from the
// Kubernetes OpenAPI schema: types, enums, required fields, formats such as quantities). That
// schema has no additionalProperties: false, so its validators accept any unknown field, where
// `kubectl apply` (server-side field validation, Strict by default since Kubernetes 1.27) rejects
// it. So each object is handed to the validator behind a Proxy that records which keys the
// validator reads: the generated code reads every property its schema knows, and never one it
// does not, so a key that was never read is a field the schema does not have (a misspelling, or
// a field at the wrong level). A canary below proves that on every run.
//
// Custom resources (CloudNativePG's Cluster, cert-manager's Certificate and Issuer) are validated
// against their CRD's openAPIV3Schema, vendored in schemas/ (see crd_schema.mjs for where each
// came from, and the x-gaoxin-crd field of each file), with ajv; unknown fields are rejected the same
// way (additionalProperties: false wherever the schema lists properties). The CRD's CEL rules
// (x-kubernetes-validations) cannot be evaluated here; a note says how many were skipped.
//
// Any other apiVersion/kind is "bad": an object nobody can validate fails, it does not pass.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import Ajv from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { parseAllDocuments } from "yaml";

const HERE = dirname(fileURLToPath(import.meta.url));
// Custom resources this repository's manifests use: "apiVersion kind" -> schema file.
const CRD_SCHEMAS = {
  "postgresql.cnpg.io/v1 Cluster": "schemas/postgresql.cnpg.io_v1_Cluster.json",
  "cert-manager.io/v1 Certificate": "schemas/cert-manager.io_v1_Certificate.json",
  "cert-manager.io/v1 Issuer": "schemas/cert-manager.io_v1_Issuer.json",
};
const MAX_ERRORS = 5;

// --- built-in kinds: kubernetes-models plus unknown-field tracking ------------------------------

// Wraps `root` so that every key read from it (or from any object reached through it) is recorded.
function tracked(root) {
  const reads = new Map(); // plain object or array -> Set of keys read
  const proxies = new WeakMap();
  const wrap = (value) => {
    if (value === null || typeof value !== "object") return value;
    if (proxies.has(value)) return proxies.get(value);
    const keys = new Set();
    reads.set(value, keys);
    const note = (k) => typeof k === "string" && keys.add(k);
    const proxy = new Proxy(value, {
      get(target, k, receiver) {
        note(k);
        return wrap(Reflect.get(target, k, receiver));
      },
      has(target, k) {
        note(k);
        return Reflect.has(target, k);
      },
      getOwnPropertyDescriptor(target, k) {
        note(k);
        return Reflect.getOwnPropertyDescriptor(target, k);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  return { proxy: wrap(root), reads };
}

// Keys present in `node` that the validator never read, as JSON-pointer-like paths.
function unreadKeys(node, reads, path = "", out = []) {
  if (node === null || typeof node !== "object") return out;
  const keys = reads.get(node);
  if (!keys) return out; // never reached: its parent's key is reported instead
  for (const k of Object.keys(node)) {
    if (!keys.has(k)) out.push(`${path}/${k}`);
    else unreadKeys(node[k], reads, `${path}/${k}`, out);
  }
  return out;
}

async function builtinModel(apiVersion, kind) {
  // "apps/v1" + "Deployment" -> kubernetes-models/apps/v1/Deployment (one kind's module: loading
  // all of v1 costs more than the rest of the run); the package's exports map decides what exists.
  if (!/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) return null;
  let mod;
  try {
    mod = await import(`kubernetes-models/${apiVersion}/${kind}`);
  } catch {
    return null;
  }
  const model = Object.hasOwn(mod, kind) ? mod[kind] : undefined;
  if (typeof model !== "function" || model.apiVersion !== apiVersion || model.kind !== kind) return null;
  return model;
}

function validateBuiltin(model, obj) {
  const errors = [];
  const { proxy, reads } = tracked(obj);
  try {
    model.prototype.validate.call(proxy);
  } catch (e) {
    errors.push(...String(e.message).split("\n").filter(Boolean));
  }
  for (const p of unreadKeys(obj, reads)) errors.push(`${p}: unknown field (not in the ${obj.kind} schema)`);
  return errors;
}

// --- custom resources: the vendored CRD schema with ajv ------------------------------------------

// Rejects unknown fields like a Strict apply would: additionalProperties: false wherever a schema
// lists properties and says nothing about others.
function strict(schema) {
  if (schema === null || typeof schema !== "object") return schema;
  if (Array.isArray(schema)) return schema.map(strict);
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "properties") out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, strict(s)]));
    else if (["items", "additionalProperties", "not", "allOf", "anyOf", "oneOf"].includes(k)) out[k] = strict(v);
    else out[k] = v;
  }
  if (out.properties && !("additionalProperties" in out) && !out["x-kubernetes-preserve-unknown-fields"]) {
    out.additionalProperties = false;
  }
  // The CRD formats as plain keywords, so the compiled validator needs no format table.
  if (out.format === "int32") Object.assign(out, { minimum: -(2 ** 31), maximum: 2 ** 31 - 1 });
  if (out.format === "date-time") out.pattern = "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?([Zz]|[+-]\\d\\d:\\d\\d)$";
  if (typeof out.format === "string") delete out.format; // int64: any integer (type says so)
  return out;
}

function countCel(schema) {
  if (schema === null || typeof schema !== "object") return 0;
  let n = Array.isArray(schema["x-kubernetes-validations"]) ? schema["x-kubernetes-validations"].length : 0;
  for (const v of Object.values(schema)) n += countCel(v);
  return n;
}

// Compiling a CRD schema takes most of a second; the compiled code is kept in node_modules/.cache
// (under node_modules so that its imports of ajv's runtime resolve), keyed by what it was made from.
const AJV_OPTIONS = { strict: false, allErrors: true, code: { source: true } };
const AJV_VERSION = JSON.parse(readFileSync(join(HERE, "node_modules/ajv/package.json"), "utf8")).version;
const CACHE = join(HERE, "node_modules/.cache/gaoxin-crd-validators");
const crdValidators = new Map();

async function compileCached(schema) {
  const text = JSON.stringify(schema);
  const id = createHash("sha256").update(`${AJV_VERSION}\n${JSON.stringify(AJV_OPTIONS)}\n${text}`).digest("hex");
  const file = join(CACHE, `${id.slice(0, 32)}.cjs`); // CommonJS: ajv's standalone code require()s its runtime
  try {
    return (await import(pathToFileURL(file).href)).default;
  } catch {
    const ajv = new Ajv(AJV_OPTIONS);
    const validate = ajv.compile(schema);
    try {
      mkdirSync(CACHE, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, standaloneCode(ajv, validate));
      renameSync(tmp, file); // atomic: a concurrent run sees the whole file or none
    } catch {
      // no cache then; the validator just compiled is as good
    }
    return validate;
  }
}

async function crdValidator(apiVersion, kind) {
  const key = `${apiVersion} ${kind}`;
  if (!Object.hasOwn(CRD_SCHEMAS, key)) return null;
  if (!crdValidators.has(key)) {
    const file = join(HERE, CRD_SCHEMAS[key]);
    const schema = JSON.parse(readFileSync(file, "utf8"));
    const { $comment, "x-gaoxin-crd": origin, ...body } = schema;
    // Manifests carry no status (the API server ignores it on apply): leaving it out of the schema
    // halves the validator, and a status in a manifest is then reported as an unknown field.
    const { status, ...properties } = body.properties;
    const validate = await compileCached(strict({ ...body, properties }));
    crdValidators.set(key, { validate, origin, cel: countCel(properties), file: CRD_SCHEMAS[key] });
  }
  return crdValidators.get(key);
}

// The CRD schema leaves metadata open (type: object); an object in a kustomization needs no more
// than these, each of the type the API server would insist on.
function validateCrMetadata(meta) {
  const errors = [];
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return ["/metadata: must be an object"];
  const allowed = { name: "string", namespace: "string", labels: "map", annotations: "map" };
  for (const [k, v] of Object.entries(meta)) {
    if (!Object.hasOwn(allowed, k)) errors.push(`/metadata/${k}: unknown or unexpected metadata field`);
    else if (allowed[k] === "string" && typeof v !== "string") errors.push(`/metadata/${k}: must be string`);
    else if (allowed[k] === "map" && (v === null || typeof v !== "object" || Array.isArray(v) ||
             Object.values(v).some((x) => typeof x !== "string"))) {
      errors.push(`/metadata/${k}: must be a map of strings`);
    }
  }
  return errors;
}

function validateCr(v, obj) {
  const errors = validateCrMetadata(obj.metadata);
  if (!v.validate(obj)) {
    for (const e of v.validate.errors) {
      const extra = e.keyword === "additionalProperties" ? ` '${e.params.additionalProperty}' (unknown field)` : "";
      errors.push(`${e.instancePath || "/"}: ${e.message}${extra}`);
    }
  }
  return errors;
}

// --- main ------------------------------------------------------------------------------------------

const lines = [];
let bad = 0;
const say = (verdict, what) => {
  if (verdict === "bad") bad++;
  lines.push(`${verdict} ${what}`);
};

// The canary: if a future kubernetes-models stopped reading properties the way the tracking
// relies on, misspelled fields would pass silently. Refuse to vouch for anything then.
{
  const { Deployment } = await import("kubernetes-models/apps/v1/Deployment");
  const canary = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "canary", labels: { a: "b" } },
    spec: {
      replicas: "2",
      selector: { matchLabels: { a: "b" } },
      template: {
        metadata: { labels: { a: "b" } },
        spec: { containers: [{ name: "c", image: "i", imagePullPolicyy: "Always", ports: [{ containerPort: 1 }] }] },
      },
    },
  };
  const errors = validateBuiltin(Deployment, canary).join("\n");
  const wants = ["/spec/template/spec/containers/0/imagePullPolicyy: unknown field", "replicas must be integer"];
  const missing = wants.filter((w) => !errors.includes(w));
  if (missing.length > 0) say("bad", `canary: the validator no longer reports ${missing.join(" / ")}; got: ${errors || "nothing"}`);
  else say("ok", "canary: a misspelled field and a wrong type in a Deployment are both reported");
}

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error("usage: node validate_schemas.mjs [LABEL=]RENDERED.yaml...");
  process.exit(2);
}
for (const arg of args) {
  const eq = arg.indexOf("=");
  const label = eq > 0 ? arg.slice(0, eq) : arg;
  const file = eq > 0 ? arg.slice(eq + 1) : arg;
  let text;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    say("bad", `${label} cannot read ${file}: ${e.message}`);
    continue;
  }
  // YAML 1.1, as Kubernetes reads manifests (sigs.k8s.io/yaml): an unquoted on/off/yes/no is a boolean.
  const docs = parseAllDocuments(text, { version: "1.1" });
  let index = 0;
  for (const doc of docs) {
    index++;
    if (doc.errors.length > 0) {
      say("bad", `${label} document ${index}: YAML: ${doc.errors[0].message.split("\n")[0]}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    const { apiVersion, kind } = obj;
    const name = `${label} ${kind ?? "?"}/${obj?.metadata?.name ?? `#${index}`}`;
    if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof obj?.metadata?.name !== "string") {
      say("bad", `${name}: apiVersion, kind and metadata.name are required`);
      continue;
    }
    const model = await builtinModel(apiVersion, kind);
    const crd = model ? null : await crdValidator(apiVersion, kind);
    let errors;
    let how;
    if (model) {
      errors = validateBuiltin(model, obj);
      how = `${apiVersion} schema (kubernetes-models), no unknown fields`;
    } else if (crd) {
      errors = validateCr(crd, obj);
      how = `CRD schema ${crd.file} (${crd.origin.source.split(" (")[0]}), no unknown fields`;
    } else {
      say("bad", `${name}: no schema for apiVersion ${apiVersion} kind ${kind} (not a built-in kind of kubernetes-models, no CRD schema in tests/deploy/schemas)`);
      continue;
    }
    if (errors.length === 0) {
      say("ok", `${name}: ${how}`);
    } else {
      const more = errors.length > MAX_ERRORS ? ` (+${errors.length - MAX_ERRORS} more)` : "";
      say("bad", `${name}: ${errors.slice(0, MAX_ERRORS).join("; ")}${more}`);
    }
  }
}
for (const v of crdValidators.values()) {
  lines.push(`note ${v.origin.kind} ${v.origin.group}/${v.origin.version}: the CRD's ${v.cel} CEL rules (x-kubernetes-validations) are not evaluated offline; the API server checks them at apply`);
}
console.log(lines.join("\n"));
process.exit(bad > 0 ? 1 : 0);
