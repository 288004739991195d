#!/usr/bin/env node
// The `readiness` command (npx readiness ...). Run `npm run build` first.
require("../build/cli/readiness.js");
