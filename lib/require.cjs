// require("torch-ts") from CommonJS (package.json exports, condition "require").
//
// torch-ts is an ES module. Node >= 20.19 and >= 22.12 load ES modules from require(), so this
// hands back the very module `import` gets (one instance: no dual-package hazard). Older Node
// (or --no-experimental-require-module) cannot; it gets this message instead of Node's.
"use strict";

try {
  module.exports = require("../dist/index.js");
} catch (e) {
  if (e && e.code === "ERR_REQUIRE_ESM") {
    const err = new Error(
      `torch-ts is an ES module, and Node ${process.version} cannot load it with require() here: ` +
        "require() of ES modules needs Node >= 20.19 or >= 22.12, without --no-experimental-require-module. " +
        'Or load it with import(): `const torch = await import("torch-ts")`.',
      { cause: e },
    );
    err.code = "ERR_REQUIRE_ESM";
    throw err;
  }
  throw e;
}
