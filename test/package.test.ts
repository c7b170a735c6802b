// The published package as a user gets it: `npm pack` of a fresh build, checked by publint
// and arethetypeswrong, then installed OFFLINE into new projects and used from ESM, from
// CommonJS, and from TypeScript without @types/node (skipLibCheck off).
//
// Offline: the consumer project gets a lockfile whose entries for torch-ts's dependencies
// are copied from this repository's package-lock.json, so `npm ci --offline` takes their
// tarballs from the npm cache, where this repository's `npm install` put them.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const tsc = join(root, "node_modules/typescript/lib/tsc.js");
/** PyTorch's torch.manual_seed(0); torch.randn(3) (test/seed.test.ts has the fixture). */
const SEED_LINE = "[1.5409960746765137,-0.293428897857666,-2.1787893772125244] function";
const SEED_PROGRAM = "torch.manualSeed(0); console.log(JSON.stringify(torch.randn(3).tolist()), typeof torch.nn.Linear);";

/** The environment without what an enclosing `npm test` exports to its scripts (config, lifecycle). */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    const keep = !/^npm_/i.test(k) || /^npm_config_(cache|userconfig)$/i.test(k);
    if (keep) env[k] = v;
  }
  return env;
}

/** Runs npm (the one running this test when there is one) and returns its result. */
function npm(args: string[], cwd: string, timeout = 120_000): SpawnSyncReturns<string> {
  const cli = process.env.npm_execpath;
  const [cmd, argv] = cli && /npm-cli\.js$/.test(cli) ? [process.execPath, [cli, ...args]] : ["npm", args];
  return spawnSync(cmd, argv, { cwd, env: cleanEnv(), encoding: "utf8", timeout });
}

function run(cmd: string, args: string[], cwd: string, timeout = 60_000): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: "utf8", timeout });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.error, undefined, `${what}: ${r.error}`);
  assert.equal(r.status, 0, `${what} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

interface LockEntry {
  version: string;
  resolved?: string;
  integrity?: string;
  dependencies?: Record<string, string>;
  dev?: boolean;
  [k: string]: unknown;
}

/**
 * A lockfile for a project whose dependencies are `direct` (entries, keyed by name) and, for
 * each of their dependencies, the entry this repository's lockfile has at Node's lookup path.
 */
function lockfile(direct: Record<string, { spec: string; entry?: object }>): object {
  const repo: Record<string, LockEntry> = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")).packages;
  const packages: Record<string, object> = { "": { dependencies: Object.fromEntries(Object.entries(direct).map(([n, d]) => [n, d.spec])) } };
  const todo: Array<[string, string]> = [];
  for (const [name, { entry }] of Object.entries(direct)) {
    if (entry) {
      packages[`node_modules/${name}`] = entry;
      for (const dep of Object.keys((entry as LockEntry).dependencies ?? {})) todo.push([`node_modules/${name}`, dep]);
    } else todo.push(["", name]);
  }
  // Node's lookup: a dependency of the package at `from` is the nearest node_modules/<name> above it.
  while (todo.length) {
    const [from, name] = todo.pop()!;
    let loc: string | undefined;
    for (let dir = from; ; ) {
      const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
      if (repo[candidate]) {
        loc = candidate;
        break;
      }
      if (!dir) break;
      const i = dir.lastIndexOf("/node_modules/");
      dir = i < 0 ? "" : dir.slice(0, i);
    }
    assert.ok(loc, `package-lock.json has no entry for ${name} (needed by ${from || "the project"})`);
    if (packages[loc]) continue;
    const { dev: _dev, ...entry } = repo[loc];
    packages[loc] = entry;
    for (const dep of Object.keys(entry.dependencies ?? {})) todo.push([loc, dep]);
  }
  return { name: "consumer", lockfileVersion: 3, requires: true, packages };
}

/** Writes package.json and package-lock.json for `direct` into `dir` and installs them offline. */
function installOffline(dir: string, direct: Record<string, { spec: string; entry?: object }>): void {
  mkdirSync(dir, { recursive: true });
  const dependencies = Object.fromEntries(Object.entries(direct).map(([n, d]) => [n, d.spec]));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, dependencies }));
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify(lockfile(direct)));
  const r = npm(["ci", "--offline", "--no-audit", "--no-fund"], dir);
  ok(r, `npm ci --offline in ${dir} (ENOTCACHED: run npm install in the repository first, it fills the npm cache)`);
  assert.doesNotMatch(r.stdout + r.stderr, /install.script|npm warn/i, "the install warns");
}

describe("the npm package", { timeout: 600_000 }, () => {
  let tmp = "";
  let tarball = "";
  let files: string[] = [];
  let project = "";
  let installed = "";

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), "torch-ts-package-"));
    // A fresh build (incremental: quick when dist is current), then the pack a publish would make.
    ok(npm(["run", "build"], root, 300_000), "npm run build");
    const packed = JSON.parse(ok(npm(["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], root), "npm pack"));
    tarball = join(tmp, packed[0].filename);
    files = packed[0].files.map((f: { path: string }) => f.path);

    project = join(tmp, "consumer");
    const spec = `file:${tarball}`;
    const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
    const entry = {
      version: pkg.version, resolved: spec, integrity, license: pkg.license, dependencies: pkg.dependencies,
      engines: pkg.engines, peerDependencies: pkg.peerDependencies, peerDependenciesMeta: pkg.peerDependenciesMeta,
    };
    installOffline(project, { "torch-ts": { spec, entry } });
    // Node projects have Node's types: in a folder of their own, so the browser project sees none.
    installOffline(join(project, "node"), { "@types/node": { spec: pkg.devDependencies["@types/node"] } });
    installed = join(project, "node_modules/torch-ts");
  });

  after(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test("the tarball: the build with its source and declaration maps, src/, LICENSE; no tests, benchmarks or build state", () => {
    for (const f of ["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts", "dist/index.js.map", "dist/index.d.ts.map", "lib/require.cjs", "lib/require.d.cts", "src/index.ts"])
      assert.ok(files.includes(f), `${f} is not in the package`);
    const stray = files.filter((f) => /(^|\/)(test|bench|examples|tools)\/|\.test\.|tsbuildinfo|(^|\/)bench\.(ts|js)$/.test(f));
    assert.deepEqual(stray, []);
    // Every file tsc emitted has its map, and every map's sources are in the package (go to
    // definition). The protobufjs modules are generated JavaScript, copied as they are.
    const emitted = files.filter((f) => /^dist\/.*(\.js|\.d\.ts)$/.test(f) && !/\.generated\./.test(f));
    assert.ok(emitted.length > 100, `only ${emitted.length} built files`);
    for (const f of emitted) {
      assert.ok(files.includes(`${f}.map`), `${f}.map is missing`);
      const map = JSON.parse(readFileSync(join(installed, `${f}.map`), "utf8"));
      for (const s of map.sources) {
        const src = relative(installed, resolve(dirname(join(installed, f)), map.sourceRoot ?? "", s));
        assert.ok(files.includes(src), `${f}.map points at ${src}, which is not in the package`);
      }
    }
  });

  test("package.json: nothing runs at install, engines is the require(esm) floor, LICENSE matches", () => {
    const packed = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    for (const s of ["preinstall", "install", "postinstall"]) assert.equal(packed.scripts?.[s], undefined, `an ${s} script`);
    assert.ok(!files.includes("binding.gyp"));
    assert.equal(packed.engines.node, "^20.19.0 || >=22.12.0");
    assert.equal(packed.license, "MIT");
    assert.match(readFileSync(join(installed, "LICENSE"), "utf8"), /^MIT License\n\nCopyright \(c\) \d{4} the torch-ts authors\n/);
  });

  test("publint --strict finds nothing", () => {
    const out = ok(run(process.execPath, [join(root, "node_modules/publint/src/cli.js"), "--strict", tarball], tmp), "publint");
    assert.match(out, /All good!/);
  });

  test("arethetypeswrong finds nothing under node10, node16 (CJS and ESM) and bundler resolution", () => {
    const r = run(process.execPath, [join(root, "node_modules/@arethetypeswrong/cli/dist/index.js"), tarball, "--format", "json"], tmp, 120_000);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.analysis.problems, [], JSON.stringify(report.analysis.problems, null, 1));
    assert.equal(r.status, 0, r.stderr);
  });

  test("import from an ES module: PyTorch's first draws", () => {
    const out = ok(run(process.execPath, ["--input-type=module", "-e", `import * as torch from "torch-ts"; ${SEED_PROGRAM}`], project), "node (ESM)");
    assert.equal(out.trim(), SEED_LINE);
  });

  test("require from CommonJS: the same module instance as import", () => {
    const code = `const torch = require("torch-ts"); ${SEED_PROGRAM}
      import("torch-ts").then((m) => console.log(m.Tensor === torch.Tensor && m.nn === torch.nn));`;
    const out = ok(run(process.execPath, ["--input-type=commonjs", "-e", code], project), "node (CJS)");
    assert.equal(out.trim(), `${SEED_LINE}\ntrue`);
  });

  test("require where Node cannot load ES modules from require(): a message that says what to do", () => {
    const r = run(process.execPath, ["--no-experimental-require-module", "--input-type=commonjs", "-e", 'require("torch-ts")'], project);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /torch-ts is an ES module, and Node v[\d.]+ cannot load it with require\(\) here: require\(\) of ES modules needs Node >= 20\.19 or >= 22\.12/);
    assert.match(r.stderr, /await import\("torch-ts"\)/);
    assert.match(r.stderr, /code: 'ERR_REQUIRE_ESM'/);
  });

  test("the installed package loads a dataset module's class in DataLoader worker threads under plain node", () => {
    writeFileSync(
      join(project, "squares.mjs"),
      'import * as torch from "torch-ts";\n' +
        "export class Squares extends torch.utils.data.Dataset {\n" +
        "  constructor(n) { super(); this.n = n; }\n" +
        "  getItem(i) { return [i * i, torch.utils.data.getWorkerInfo().id]; }\n" +
        "  get length() { return this.n; }\n}\n",
    );
    writeFileSync(
      join(project, "workers.mjs"),
      'import * as torch from "torch-ts";\nimport { Squares } from "./squares.mjs";\n' +
        "const out = [];\n" +
        "for await (const [sq, w] of new torch.utils.data.DataLoader(new Squares(7), { batchSize: 2, numWorkers: 2 })) out.push([sq.tolist(), w.tolist()]);\n" +
        "console.log(JSON.stringify(out));\n",
    );
    const out = ok(run(process.execPath, [join(project, "workers.mjs")], project), "DataLoader workers");
    assert.equal(out.trim(), JSON.stringify([[[0, 1], [0, 0]], [[4, 9], [1, 1]], [[16, 25], [0, 0]], [[36], [1]]]));
  });

  /** Writes a TypeScript project into `dir` and compiles it. */
  function compile(dir: string, compilerOptions: object, sources: Record<string, string>, extra: object = {}): void {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(sources)) writeFileSync(join(dir, name), text);
    const tsconfig = { compilerOptions: { strict: true, skipLibCheck: false, ...compilerOptions }, files: Object.keys(sources) };
    writeFileSync(join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
    for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), JSON.stringify(text));
    ok(run(process.execPath, [tsc, "-p", dir], dir, 180_000), `tsc ${JSON.stringify(compilerOptions)}`);
  }

  const consumerSource = `import * as torch from "torch-ts";
class Net extends torch.nn.Module {
  fc = new torch.nn.Linear(3, 1);
  forward(x: torch.Tensor): torch.Tensor {
    return this.fc.forward(x);
  }
}
torch.manualSeed(0);
const net = new Net();
const opt = new torch.optim.SGD(net.parameters(), { lr: 0.1 });
const loss: torch.Tensor = torch.nn.functional.mseLoss(net.forward(torch.randn(4, 3)), torch.zeros(4, 1));
loss.backward();
opt.step();
const guard = torch.noGrad();
guard.exit();
const bytes: Uint8Array = torch.saveToBuffer(net.stateDict());
export const lines = new torch.utils.data.TextLineDataset("x.txt", { encoding: "latin1" });
export const n: number = bytes.length;
`;

  test("TypeScript in a browser project (DOM lib, no @types/node, skipLibCheck off) compiles", () => {
    assert.ok(!existsSync(join(project, "node_modules/@types")), "the consumer has @types installed");
    compile(join(project, "browser"), { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM"], noEmit: true }, { "main.ts": consumerSource });
  });

  test("TypeScript for Node (module nodenext, ESM; @types/node, no DOM lib) compiles", () => {
    compile(join(project, "node/esm"), { target: "ES2022", module: "NodeNext", lib: ["ES2022"], noEmit: true }, { "main.mts": consumerSource });
  });

  test("TypeScript in a CommonJS project (module nodenext; @types/node, no DOM lib) compiles to code that runs", () => {
    const dir = join(project, "node/cjs");
    compile(dir, { target: "ES2022", module: "NodeNext", lib: ["ES2022"], esModuleInterop: true, outDir: "out" }, {
      "main.ts": `import * as torch from "torch-ts";\n${SEED_PROGRAM}\n`,
    }, { "package.json": { type: "commonjs" } });
    assert.match(readFileSync(join(dir, "out/main.js"), "utf8"), /require\("torch-ts"\)/);
    assert.equal(ok(run(process.execPath, [join(dir, "out/main.js")], dir), "the compiled CommonJS").trim(), SEED_LINE);
  });
});

