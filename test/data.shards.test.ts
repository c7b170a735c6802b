// WebDataset shards: tar files made by Python's tarfile (pax, GNU and ustar formats, made by
// tools/gen_tar_fixtures.py) read member by member; .npy / safetensors / .pth members decoded
// to PyTorch's values; ShardWriter -> WebDataset round trips; GNU tar reads what we write;
// corrupt and truncated shards named with their byte offset; brace expansion; shard and sample
// shuffles; splits by worker and rank; resumption; shards and records over HTTP (a loopback
// server with and without Range support); fixed-record files read by range.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as torch from "../src/index.ts";
import {
  braceExpand,
  DataLoader,
  decodeNpy,
  encodeNpy,
  NpyArrayDataset,
  RawArrayDataset,
  readTar,
  ShardTracker,
  ShardWriter,
  TarError,
  WebDataset,
  type WebDatasetSample,
  writeTar,
} from "../src/utils/data/index.ts";

const FIX = new URL("./fixtures/data/tar/", import.meta.url);
const fixture = (name: string): string => new URL(name, FIX).pathname;
/** tools/gen_tar_fixtures.py's record of what Python wrote: the members of each tar, the tensors' values (int64 as strings). */
interface TarListing {
  members: { name: string; size: number; head: string }[];
}
interface Expected {
  "pax.tar": TarListing;
  "gnu.tar": TarListing;
  "ustar.tar": TarListing;
  "tensors.tar": {
    f32: unknown; i64: string[]; u8: unknown; fort: unknown; be: unknown;
    safetensors: Record<"w" | "n", unknown>; pth: Record<"x" | "k", unknown>;
  };
  "rows.npy": number[][];
}
const expected = JSON.parse(readFileSync(fixture("expected.json"), "utf8")) as Expected;
const dir = mkdtempSync(join(tmpdir(), "torch-ts-shards-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
async function entries(bytes: Uint8Array, chunk = 700) {
  const out = [];
  for await (const e of readTar(chunksOf(bytes, chunk), "mem.tar")) out.push(e);
  return out;
}
async function all<T>(src: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of src) out.push(x);
  return out;
}
const hex = (b: Uint8Array): string => Buffer.from(b.subarray(0, 16)).toString("hex");

describe("tar files made by Python's tarfile", () => {
  for (const name of ["pax.tar", "gnu.tar", "ustar.tar"] as const) {
    it(`${name}: every regular file, its name, size and bytes (directories and links skipped)`, async () => {
      for (const chunk of [1, 511, 4096, 1 << 20]) {
        const got = await entries(readFileSync(fixture(name)), chunk);
        assert.deepEqual(
          got.map((e) => ({ name: e.name, size: e.data.length, head: hex(e.data) })),
          expected[name].members,
        );
      }
    });
  }

  it("offsets: each entry starts at its first header and ends where the next starts", async () => {
    const bytes = readFileSync(fixture("pax.tar"));
    const got = await entries(bytes);
    for (let k = 1; k < got.length; k++) assert.ok(got[k]!.offset >= got[k - 1]!.end);
    for (const e of got) {
      // reading from an entry's offset gives that entry first
      const [first] = await all(readTar(chunksOf(bytes.subarray(e.offset), 999), "mem.tar", e.offset));
      assert.equal(first!.name, e.name);
      assert.equal(first!.offset, e.offset);
    }
  });
});

describe("WebDataset decoding", () => {
  it("groups files into samples by key and decodes json, txt and cls", async () => {
    const got = await all(new WebDataset(fixture("pax.tar")));
    assert.deepEqual(
      got.map((s) => ({ key: s.__key__, json: s.json, txt: s.txt, cls: s.cls, shard: s.__shard__ })),
      [
        { key: "sample000", json: { a: 1, b: [1, 2] }, txt: "hello", cls: 3, shard: 0 },
        { key: "sample001", json: { a: 2 }, txt: "wörld", cls: 7, shard: 0 },
        { key: "deep/" + "x".repeat(120), json: undefined, txt: "long name", cls: 0, shard: 0 },
        { key: "échantillon_ü", json: undefined, txt: "unicode key", cls: 1, shard: 0 },
      ],
    );
    assert.equal(got[0]!.__url__, fixture("pax.tar"));
  });

  it(".npy (C and Fortran order, both byte orders, int64 beyond 2^53, uint8), safetensors and .pth members", async () => {
    const [s] = await all(new WebDataset(fixture("tensors.tar")));
    const e = expected["tensors.tar"];
    const t = (k: string) => s![k] as torch.Tensor;
    assert.equal(t("f32.npy").dtype, "float32");
    assert.deepEqual(t("f32.npy").tolist(), e.f32);
    assert.deepEqual(Array.from(t("i64.npy").storage as BigInt64Array).map(String), e.i64);
    assert.equal(t("u8.npy").dtype, "int32");
    assert.deepEqual(t("u8.npy").tolist(), e.u8);
    assert.deepEqual(t("fort.npy").tolist(), e.fort);
    assert.deepEqual(t("be.npy").tolist(), e.be);
    const st = s!.safetensors as Record<string, torch.Tensor>;
    assert.deepEqual(st.w!.tolist(), e.safetensors.w);
    assert.deepEqual(st.n!.tolist(), e.safetensors.n);
    const pth = s!.pth as Record<string, torch.Tensor>;
    assert.deepEqual(pth.x!.tolist(), e.pth.x);
    assert.deepEqual(pth.k!.tolist(), e.pth.k);
    assert.equal(s!.cls, 4);
  });

  it("decode hooks replace or switch off the defaults", async () => {
    const [s] = await all(new WebDataset(fixture("pax.tar"), { decode: { txt: (b) => `<${new TextDecoder().decode(b)}>`, json: null } }));
    assert.equal(s!.txt, "<hello>");
    assert.ok(s!.json instanceof Uint8Array);
    const [raw] = await all(new WebDataset(fixture("pax.tar"), { decode: false }));
    assert.deepEqual(raw!.cls, new TextEncoder().encode("3"));
    await assert.rejects(all(new WebDataset(fixture("pax.tar"), { decode: { txt: () => { throw new Error("bad text"); } } })), /decoding txt of sample sample000 \(shard .*pax\.tar, byte offset \d+\): bad text/);
  });

  it("npy round trip", () => {
    for (const t of [torch.randn(3, 4), torch.arange(5), torch.tensor([true, false]), torch.randn(2, 3).double(), torch.tensor(7.5)]) {
      const back = decodeNpy(encodeNpy(t));
      assert.equal(back.dtype, t.dtype);
      assert.deepEqual(back.shape, t.shape);
      assert.deepEqual(back.tolist(), t.tolist());
    }
    assert.equal(encodeNpy(torch.zeros(2)).length % 64, 8); // header padded to 64 bytes, then the data
  });
});

describe("corrupt and truncated shards", () => {
  const bytes = readFileSync(fixture("gnu.tar"));
  const members = expected["gnu.tar"].members as { name: string; size: number }[];

  it("a damaged header names the shard and the header's offset", async () => {
    const list = await entries(bytes);
    const bad = new Uint8Array(bytes);
    const at = list[2]!.offset;
    bad[at + 10] ^= 0x55;
    const path = join(dir, "damaged.tar");
    writeFileSync(path, bad);
    await assert.rejects(all(new WebDataset(path)), (e: Error) => {
      assert.ok(e instanceof TarError && e instanceof torch.RuntimeError);
      assert.equal((e as TarError).offset, at);
      assert.match(e.message, new RegExp(`^corrupt tar header: checksum \\d+ does not match the header's bytes \\(\\d+\\) \\(shard .*damaged\\.tar, byte offset ${at}\\)$`));
      return true;
    });
  });

  it("a shard cut inside a member, inside a header, or before the end block", async () => {
    const list = await entries(bytes);
    const blob = list.find((e) => e.name === "blob.bin")!;
    const cases: [number, RegExp][] = [
      [blob.end - 512 - 1000, /truncated tar: the data ends \d+ bytes into a member of 9216 bytes \(header at byte \d+\)/],
      [list[3]!.offset + 100, /truncated tar: the data ends 100 bytes into a header/],
      [blob.end, /truncated tar: the data ends without the end-of-archive block/],
    ];
    for (const [cut, re] of cases) {
      const path = join(dir, `cut-${cut}.tar`);
      writeFileSync(path, bytes.subarray(0, cut));
      await assert.rejects(all(new WebDataset(path, { decode: false })), (e: Error) => {
        assert.ok(e instanceof TarError);
        assert.match(e.message, re);
        assert.match(e.message, new RegExp(`shard .*cut-${cut}\\.tar, byte offset \\d+\\)$`));
        assert.ok((e as TarError).offset <= cut && (e as TarError).offset >= cut - 9216 - 512);
        return true;
      });
    }
    assert.equal(members.length, list.length);
  });
});

describe("brace expansion", () => {
  it("ranges, padding, steps, alternatives, nesting, escapes, ::", () => {
    assert.deepEqual(braceExpand("data-{000..003}.tar"), ["data-000.tar", "data-001.tar", "data-002.tar", "data-003.tar"]);
    assert.deepEqual(braceExpand("s{8..11}"), ["s8", "s9", "s10", "s11"]);
    assert.deepEqual(braceExpand("s{0..10..5}"), ["s0", "s5", "s10"]);
    assert.deepEqual(braceExpand("{train,val}-{0..1}.tar"), ["train-0.tar", "train-1.tar", "val-0.tar", "val-1.tar"]);
    assert.deepEqual(braceExpand("a{b,c{d,e}}"), ["ab", "acd", "ace"]);
    assert.deepEqual(braceExpand("{a..c}"), ["a", "b", "c"]);
    assert.deepEqual(braceExpand("x\\{1..2\\}"), ["x{1..2}"]);
    assert.deepEqual(braceExpand("{x}"), ["{x}"]);
    assert.deepEqual(braceExpand("a-{0..1}::b"), ["a-0", "a-1", "b"]);
    assert.equal(braceExpand("d-{000000..000099}.tar").length, 100);
  });
});

/** Writes `n` samples into shards of `perShard` with ShardWriter; sample i: x = [i, 2i] float32, cls = i % 10. */
function makeShards(name: string, n: number, perShard: number): string {
  const w = new ShardWriter(join(dir, `${name}-%04d.tar`), { maxcount: perShard });
  for (let i = 0; i < n; i++) {
    w.write({ __key__: `s${String(i).padStart(5, "0")}`, "x.npy": torch.tensor([i, 2 * i]).float(), cls: i % 10, json: { i, even: i % 2 === 0 } });
  }
  w.close();
  assert.equal(w.shards.length, Math.ceil(n / perShard));
  return join(dir, `${name}-{0000..${String(w.shards.length - 1).padStart(4, "0")}}.tar`);
}
const ids = (samples: WebDatasetSample[]): number[] => samples.map((s) => (s.json as { i: number }).i);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("ShardWriter and WebDataset", () => {
  let pattern = "";
  before(() => {
    pattern = makeShards("rt", 100, 16);
  });

  it("round trip: every sample back, decoded, in order", async () => {
    const got = await all(new WebDataset(pattern));
    assert.deepEqual(ids(got), range(100));
    for (const s of got) {
      const i = (s.json as { i: number }).i;
      assert.deepEqual((s["x.npy"] as torch.Tensor).tolist(), [i, 2 * i]);
      assert.equal(s.cls, i % 10);
      assert.equal(s.__key__, `s${String(i).padStart(5, "0")}`);
      assert.equal(s.__shard__, Math.floor(i / 16));
    }
  });

  it("GNU tar lists what ShardWriter wrote (long names too)", () => {
    const path = join(dir, "long.tar");
    const name = "d/" + "n".repeat(150) + ".txt";
    writeFileSync(path, writeTar([[name, new TextEncoder().encode("x")], ["é.txt", new Uint8Array(3)]]));
    const out = spawnSync("tar", ["-tvf", path], { encoding: "utf8" });
    assert.equal(out.status, 0, out.stderr);
    const names = out.stdout.trim().split("\n").map((l) => l.split(/\s+/).slice(5).join(" "));
    assert.deepEqual(names, [name, "é.txt"]);
    const shard0 = spawnSync("tar", ["-tf", join(dir, "rt-0000.tar")], { encoding: "utf8" });
    assert.equal(shard0.stdout.trim().split("\n")[0], "s00000.x.npy");
  });

  it("batches through a DataLoader with workers: every sample once, shards split between workers", async () => {
    const loader = new DataLoader(new WebDataset(pattern), { batchSize: 8, numWorkers: 2 });
    const seen: number[] = [];
    for await (const b of loader) {
      const batch = b as unknown as { json: { i: torch.Tensor }; "x.npy": torch.Tensor; __key__: string[] };
      const i = batch.json.i.tolist() as number[];
      assert.deepEqual((batch["x.npy"] as torch.Tensor).select(1, 0).tolist(), i);
      seen.push(...i);
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), range(100));
  });

  it("shard shuffle and a shuffle buffer: a permutation, reproducible from the seed, new each epoch", async () => {
    const make = (seed: number) => new WebDataset(pattern, { shardShuffle: true, shuffle: 20, seed });
    const a = make(1);
    const e0 = ids(await all(a));
    const e1 = ids(await all(a)); // the next pass is the next epoch
    assert.deepEqual([...e0].sort((x, y) => x - y), range(100));
    assert.notDeepEqual(e0, range(100));
    assert.notDeepEqual(e0, e1);
    assert.deepEqual(ids(await all(make(1))), e0);
    assert.notDeepEqual(ids(await all(make(2))), e0);
    // without a seed: torch.manualSeed decides
    torch.manualSeed(5);
    const u = ids(await all(new WebDataset(pattern, { shardShuffle: true })));
    torch.manualSeed(5);
    assert.deepEqual(ids(await all(new WebDataset(pattern, { shardShuffle: true }))), u);
  });

  it("ranks read disjoint shards that together make the dataset", async () => {
    const parts = await Promise.all([0, 1, 2].map(async (rank) => ids(await all(new WebDataset(pattern, { rank, worldSize: 3, shardShuffle: true, seed: 9 })))));
    assert.deepEqual(parts.flat().sort((a, b) => a - b), range(100));
    const shardsOf = (p: number[]) => new Set(p.map((i) => Math.floor(i / 16)));
    assert.equal([...shardsOf(parts[0]!)].filter((s) => shardsOf(parts[1]!).has(s)).length, 0);
  });

  it("resumes after the last sample used: the two runs make one epoch", async () => {
    const opts = { shardShuffle: true, seed: 3 } as const;
    const first = new DataLoader(new WebDataset(pattern, opts), { batchSize: 5, numWorkers: 2 });
    const tracker = new ShardTracker();
    const before: number[] = [];
    let k = 0;
    for await (const b of first) {
      const batch = b as unknown as { json: { i: torch.Tensor }; __shard__: torch.Tensor; __end__: torch.Tensor };
      before.push(...(batch.json.i.tolist() as number[]));
      tracker.update(batch);
      if (++k === 7) break; // the job stops here (a checkpoint)
    }
    const state = JSON.parse(JSON.stringify(tracker.state())) as ReturnType<ShardTracker["state"]>; // as saved in a checkpoint
    const rest: number[] = [];
    for await (const b of new DataLoader(new WebDataset(pattern, { ...opts, resume: state }), { batchSize: 5, numWorkers: 2 })) {
      rest.push(...((b as unknown as { json: { i: torch.Tensor } }).json.i.tolist() as number[]));
    }
    assert.equal(before.length, 35);
    assert.deepEqual([...before, ...rest].sort((a, b) => a - b), range(100));
    assert.throws(() => new WebDataset(pattern, { shardShuffle: true, resume: state }), /resume with shardShuffle or shuffle needs a seed/);
  });

  it("ShardWriter's errors", () => {
    assert.throws(() => new ShardWriter(join(dir, "x.tar")), /has no %d/);
    const w = new ShardWriter(join(dir, "e-%d.tar"));
    assert.throws(() => w.write({ __key__: "a.b", txt: "x" }), /has a '\.' in its last path component/);
    assert.throws(() => w.write({ __key__: "k", weird: new Map() }), /no encoder for 'weird' \(a Map\)/);
    assert.throws(() => w.write({ txt: "x" }), /needs a __key__/);
    w.close();
  });
});

describe("shards and records over HTTP", () => {
  let server: Server;
  let base = "";
  let pattern = "";
  const ranges: string[] = [];
  before(async () => {
    pattern = makeShards("http", 40, 10);
    server = createServer((req, res) => {
      const url = new URL(req.url!, "http://x");
      let path = join(dir, url.pathname.replace(/^\/(norange\/)?/, ""));
      if (url.pathname.startsWith("/fixtures/")) path = fixture(url.pathname.slice("/fixtures/".length));
      let body: Buffer;
      try {
        body = readFileSync(path);
      } catch {
        res.writeHead(404).end();
        return;
      }
      const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
      if (m && !url.pathname.startsWith("/norange/")) {
        ranges.push(req.headers.range!);
        const end = m[2] ? Number(m[2]) + 1 : body.length;
        res.writeHead(206, { "Content-Range": `bytes ${m[1]}-${end - 1}/${body.length}` }).end(body.subarray(Number(m[1]), end));
      } else res.writeHead(200).end(body);
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(() => server.close());

  it("streams shards from URLs, in workers too, and resumes with Range requests (or without them)", async () => {
    const urls = pattern.replace(dir, base);
    assert.deepEqual(ids(await all(new WebDataset(urls))), range(40));
    const seen: number[] = [];
    for await (const b of new DataLoader(new WebDataset(urls), { batchSize: 4, numWorkers: 2 })) {
      seen.push(...((b as unknown as { json: { i: torch.Tensor } }).json.i.tolist() as number[]));
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), range(40));
    const samples = await all(new WebDataset(urls));
    const cut = samples[13]!; // resume after sample 13 (shard 1)
    for (const prefix of [base, base + "/norange"]) {
      ranges.length = 0;
      const rest = ids(await all(new WebDataset(pattern.replace(dir, prefix), { resume: { epoch: 0, shards: { [cut.__shard__]: cut.__end__ } } })));
      assert.deepEqual(rest, range(40).slice(14));
      assert.deepEqual(ranges, prefix === base ? [`bytes=${cut.__end__}-`] : []);
    }
    await assert.rejects(all(new WebDataset(`${base}/missing.tar`)), /cannot fetch .*missing\.tar: HTTP 404/);
  });

  it("NpyArrayDataset over a URL reads rows with Range requests", async () => {
    const ds = await NpyArrayDataset.open(`${base}/fixtures/rows.npy`);
    assert.equal(ds.length, 50);
    assert.deepEqual((await ds.getItem(7)).tolist(), expected["rows.npy"][7]);
    const loader = new DataLoader(ds, { batchSize: 8, shuffle: true, generator: new torch.Generator().manualSeed(0) });
    const rows: number[][] = [];
    for await (const b of loader) rows.push(...(b.tolist() as number[][]));
    assert.deepEqual(rows.sort((a, b) => a[0]! - b[0]!), expected["rows.npy"]);
  });
});

describe("fixed-record files read by range", () => {
  it("NpyArrayDataset: rows of a .npy file written by numpy.save, with negative indices and bounds", () => {
    const ds = new NpyArrayDataset(fixture("rows.npy"));
    assert.equal(ds.length, 50);
    assert.deepEqual(ds.shape, [50, 3]);
    assert.deepEqual((ds.getItem(0) as torch.Tensor).tolist(), expected["rows.npy"][0]);
    assert.deepEqual((ds.getItem(-1) as torch.Tensor).tolist(), expected["rows.npy"][49]);
    assert.throws(() => ds.getItem(50), (e: Error) => e instanceof torch.IndexError && /index 50 is out of bounds for axis 0 with size 50/.test(e.message));
    const batches = [...new DataLoader(ds, { batchSize: 16 })] as torch.Tensor[];
    assert.deepEqual(batches.flatMap((b) => b.tolist() as number[][]), expected["rows.npy"]);
    ds.close();
  });

  it("NpyArrayDataset in worker threads: each worker opens the file itself", async () => {
    const rows: number[][] = [];
    for await (const b of new DataLoader(new NpyArrayDataset(fixture("rows.npy")), { batchSize: 8, numWorkers: 2 })) rows.push(...(b.tolist() as number[][]));
    assert.deepEqual(rows, expected["rows.npy"]);
  });

  it("RawArrayDataset: headerless big-endian records after a header, and size checks", () => {
    const n = 7;
    const path = join(dir, "raw.bin");
    const buf = Buffer.alloc(16 + n * 2 * 8);
    for (let i = 0; i < n * 2; i++) buf.writeDoubleBE(i * 1.5, 16 + i * 8);
    writeFileSync(path, buf);
    const ds = new RawArrayDataset(path, { dtype: "float64", shape: [2], offset: 16, byteOrder: "big" });
    assert.equal(ds.length, n);
    assert.deepEqual((ds.getItem(3) as torch.Tensor).tolist(), [9, 10.5]);
    assert.throws(() => new RawArrayDataset(path, { dtype: "float64", shape: [3], offset: 16 }), /holds 112 bytes after the offset, not a whole number of 24-byte records/);
    assert.throws(() => new NpyArrayDataset(path), /not a \.npy file/);
    assert.throws(() => new RawArrayDataset(path, { dtype: "float64", endian: "big" } as never), /RawArrayDataset\(\) got an unexpected keyword argument 'endian'/);
    assert.throws(() => new WebDataset(path, { shuffel: 10 } as never), /WebDataset\(\) got an unexpected keyword argument 'shuffel'/);
  });
});
