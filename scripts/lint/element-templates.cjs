#!/usr/bin/env node
// Validates Camunda Modeler element templates against the Camunda 7 element-templates JSON schema.
// Usage: node scripts/lint/element-templates.cjs processes/element-templates/*.json
// Prints every error and exits 1 when a template is invalid (ProcessLintTest runs it).
'use strict';
const fs = require('node:fs');
const { validateAll } = require('@bpmn-io/element-templates-validator');

let failed = false;
for (const file of process.argv.slice(2)) {
  const templates = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const { valid, results } = validateAll(Array.isArray(templates) ? templates : [templates]);
  const problems = results.flatMap((r, i) => (r.errors || []).map(e =>
    `${file}: template ${i} (${(templates[i] || {}).id}): ${e.dataPath || '/'} ${e.message}`));
  problems.forEach(p => console.error(p));
  console.log(`${file}: ${results.length} templates, ${problems.length} errors`);
  failed = failed || !valid;
}
process.exit(failed ? 1 : 0);
