// Types of require.cjs: the ES module's own declarations (TypeScript >= 5.8 with module
// nodenext or node20 lets CommonJS require an ES module, as Node >= 20.19 does).
import torch = require("../dist/index.js");
export = torch;
