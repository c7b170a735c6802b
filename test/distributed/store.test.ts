// TCPStore: c10d's protocol (PyTorch 1.13), our server and client against each other and
// against PyTorch's own TCPStore in both directions; bad peers and bad addresses.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import net from "node:net";
import * as torch from "../../src/index.ts";
import { PYTHON, freePort, hasPythonTorch } from "./spawn.ts";

const { TCPStore, PrefixStore } = torch.distributed;
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

test("TCPStore: set/get/add/compareSet/check/wait/numKeys/deleteKey on a server in this process", () => {
  const store = new TCPStore("127.0.0.1", 0, { isMaster: true, timeout: 5000 });
  try {
    assert.ok(store.port > 0);
    store.set("a", "1");
    store.set("bin", Uint8Array.of(0, 255, 7));
    assert.equal(text(store.get("a")), "1");
    assert.deepEqual([...store.get("bin")], [0, 255, 7]);
    assert.equal(store.add("n", 5), 5);
    assert.equal(store.add("n", -7), -2);
    assert.equal(text(store.get("n")), "-2", "add stores decimal text, as c10d");
    assert.equal(text(store.compareSet("c", "", "x")), "x", "a missing key with an empty expected value is created");
    assert.equal(text(store.compareSet("c", "nope", "y")), "x", "a mismatch returns the current value");
    assert.equal(text(store.compareSet("c", "x", "y")), "y");
    assert.equal(text(store.compareSet("missing", "e", "d")), "e", "c10d 1.13 echoes expected for a missing key");
    assert.equal(store.check(["a", "n"]), true);
    assert.equal(store.check(["a", "zz"]), false);
    store.wait(["a", "c"]);
    const t0 = performance.now();
    assert.throws(() => store.wait(["never"], 300), /Socket Timeout.*"\/never"/);
    assert.ok(performance.now() - t0 < 3000);
    assert.equal(text(store.get("a")), "1", "the store still works after a timed-out wait");
    const n = store.numKeys();
    assert.equal(store.deleteKey("a"), true);
    assert.equal(store.deleteKey("a"), false);
    assert.equal(store.numKeys(), n - 1);
    const p = new PrefixStore("job", new PrefixStore("x", store));
    p.set("k", "v");
    assert.equal(text(store.get("x/job/k")), "v", "PrefixStore keys are prefix/key, nested outside in");
    assert.equal(text(p.get("k")), "v");
    assert.throws(() => store.set(1 as unknown as string, "v"), /set\(\): argument 'key' must be a string, but got number 1/);
    assert.throws(() => store.set("k", 2 as never), /set\(\): argument 'value' must be a string or a Uint8Array, but got number 2/);
    assert.throws(() => store.wait(["k"], -1), /wait\(\): argument 'timeout' must be a positive number of milliseconds, but got number -1/);
    assert.throws(() => new TCPStore("127.0.0.1", 70000), /TCPStore\(\): argument 'port' must be at most 65535, but got 70000/);
    assert.throws(() => new TCPStore("127.0.0.1", 0, { isMaster: true, bogus: 1 } as never), /unexpected keyword argument 'bogus'/);
  } finally {
    store.close();
  }
});

test("PyTorch's TCPStore as a client of our server: both see each other's keys", { skip: !hasPythonTorch() && "python3-torch is not installed" }, () => {
  const store = new TCPStore("127.0.0.1", 0, { isMaster: true, worldSize: 2, waitForWorkers: false, timeout: 20_000 });
  try {
    store.set("fromTs", "hello");
    store.add("counter", 40);
    const py = `
import datetime, json
import torch.distributed as dist
s = dist.TCPStore("127.0.0.1", ${store.port}, 2, False, datetime.timedelta(seconds=20))
out = {"fromTs": s.get("fromTs").decode(), "add": s.add("counter", 2)}
s.set("fromPy", b"\\x00\\x01\\xfe")
out["cas"] = [s.compare_set("cas", "", "v1").decode(), s.compare_set("cas", "v1", "v2").decode(), s.compare_set("cas", "zz", "v3").decode()]
s.wait(["fromTs", "counter"])
try:
    s.wait(["never"], datetime.timedelta(milliseconds=200))
    out["timeout"] = "no"
except RuntimeError as e:
    out["timeout"] = str(e)
out["num_keys"] = s.num_keys()
out["deleted"] = [s.delete_key("cas"), s.delete_key("cas")]
print(json.dumps(out))
`;
    // Our server runs on the communication thread, so it serves Python while this thread waits.
    const r = spawnSync(PYTHON, ["-c", py], { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.fromTs, "hello");
    assert.equal(out.add, 42);
    assert.deepEqual(out.cas, ["v1", "v2", "v2"]);
    assert.match(out.timeout, /Socket Timeout/);
    // fromTs, counter, init/ (the Python client counted itself in), fromPy, cas
    assert.equal(out.num_keys, 5);
    assert.deepEqual(out.deleted, [true, false]);
    assert.deepEqual([...store.get("fromPy")], [0, 1, 254]);
    assert.equal(text(store.get("counter")), "42");
  } finally {
    store.close();
  }
});

test("our TCPStore as a client of PyTorch's server", { skip: !hasPythonTorch() && "python3-torch is not installed" }, async () => {
  // The server picks its own port (0) and prints it: no window for another process to take it.
  const py = `
import datetime, json
import torch.distributed as dist
s = dist.TCPStore("127.0.0.1", 0, 2, True, datetime.timedelta(seconds=30), wait_for_workers=False)
print(s.port, flush=True)
s.set("fromPy", "from python")
s.wait(["fromTs"])
print(json.dumps({"fromTs": s.get("fromTs").decode(), "n": s.add("n", 0), "cas": s.get("cas").decode()}), flush=True)
s.set("pyRead", "1")
s.wait(["done"])
`;
  const child = spawn(PYTHON, ["-c", py], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "", stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const exited = new Promise((r) => child.on("close", r));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (d) => {
      stdout += d;
      const nl = stdout.indexOf("\n");
      if (nl >= 0 && !Number.isNaN(Number(stdout.slice(0, nl)))) resolve(Number(stdout.slice(0, nl)));
    });
    child.on("close", () => reject(new Error(`python exited: ${stderr}`)));
  });
  try {
    // with worldSize, this client counts itself in under "init/", as PyTorch's clients do
    const store = new TCPStore("127.0.0.1", port, 2, false, 30_000);
    assert.equal(text(store.get("fromPy")), "from python");
    assert.equal(store.add("n", 3), 3);
    assert.equal(store.add("n", 4), 7);
    assert.equal(text(store.compareSet("cas", "", "a")), "a");
    assert.equal(store.check(["fromPy", "n"]), true);
    assert.equal(store.check(["nope"]), false);
    assert.throws(() => store.wait(["never"], 200), /Socket Timeout/);
    // fromPy, init/, n, cas (counted before fromTs wakes Python, which then adds pyRead)
    assert.equal(store.numKeys(), 4);
    store.set("fromTs", Uint8Array.of(104, 105));
    store.wait(["pyRead"]); // Python has read "n": deleting it now cannot race its add
    // fromPy, init/, n, cas, fromTs, pyRead
    assert.equal(store.numKeys(), 6);
    assert.equal(store.deleteKey("n"), true);
    store.set("done", "1");
    await exited;
    store.close();
    assert.equal(child.exitCode, 0, stderr);
    assert.deepEqual(JSON.parse(stdout.split("\n")[1]), { fromTs: "hi", n: 7, cas: "a" });
  } finally {
    child.kill("SIGKILL");
  }
});

/** Sends bytes to host:port and resolves when the server closes the connection (or after ms). */
function sendGarbage(port: number, bytes: Uint8Array, ms: number): Promise<"closed" | "open"> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(bytes));
    const timer = setTimeout(() => {
      s.destroy();
      resolve("open");
    }, ms);
    s.on("error", () => {});
    s.on("close", () => {
      clearTimeout(timer);
      resolve("closed");
    });
  });
}

test("random bytes and malformed queries close that connection; the store keeps serving", async () => {
  const store = new TCPStore("127.0.0.1", 0, { isMaster: true, timeout: 5000 });
  try {
    store.set("k", "v");
    assert.equal(await sendGarbage(store.port, Uint8Array.of(200, 1, 2, 3), 3000), "closed", "unknown query type");
    const huge = new Uint8Array(9);
    huge[0] = 0; // SET with a key length of 2^63
    huge[8] = 0x80;
    assert.equal(await sendGarbage(store.port, huge, 3000), "closed", "absurd length");
    const getMissing = Uint8Array.of(2, 3, 0, 0, 0, 0, 0, 0, 0, 47, 122, 122); // GET "/zz" without WAIT
    assert.equal(await sendGarbage(store.port, getMissing, 3000), "closed", "GET of a missing key (std::map::at throws in c10d)");
    const rnd = new Uint8Array(4096);
    for (let i = 0; i < rnd.length; i++) rnd[i] = (i * 2654435761) >>> 24;
    await sendGarbage(store.port, rnd, 500);
    assert.equal(text(store.get("k")), "v");
    store.set("k2", "v2");
    assert.equal(text(store.get("k2")), "v2");
  } finally {
    store.close();
  }
});

test("an unreachable store and a port in use fail with c10d's messages, in bounded time", async () => {
  const port = await freePort();
  const t0 = performance.now();
  assert.throws(() => new TCPStore("127.0.0.1", port, { timeout: 1500 }),
    new RegExp(`The client socket has timed out after 1\\.5s while trying to connect to \\(127\\.0\\.0\\.1, ${port}\\)`));
  assert.ok(performance.now() - t0 < 10_000);
  const taken = new TCPStore("127.0.0.1", 0, { isMaster: true, timeout: 5000 });
  try {
    assert.throws(() => new TCPStore("127.0.0.1", taken.port, { isMaster: true, timeout: 2000 }),
      /The server socket has failed to listen on any local network address\. .*Address already in use/);
  } finally {
    taken.close();
  }
});
