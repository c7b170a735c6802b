// The framing between ranks: headers, descriptions compared between ranks, and a connection
// that receives bytes that are not frames (closed as a protocol error, nothing else disturbed).
import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { KIND, decodeHeader, encodeHeader, mismatch, type Header, type OpDesc } from "../../src/distributed/wire/frames.ts";
import { Peer, ReadRoute, type FrameHandler } from "../../src/distributed/wire/mesh.ts";

test("frame headers round-trip; anything else is refused", () => {
  const h = encodeHeader(KIND.DATA, 3, 70000, 5, 123456);
  assert.deepEqual(decodeHeader(h), { kind: KIND.DATA, group: 3, seq: 70000, tag: 5, length: 123456 });
  const bad = h.slice();
  bad[0] ^= 1;
  assert.equal(decodeHeader(bad), null);
  const badKind = h.slice();
  badKind[4] = 99;
  assert.equal(decodeHeader(badKind), null);
});

test("descriptions of one collective: what differs is named with both ranks' values", () => {
  const d = (o: Partial<OpDesc>): OpDesc => ({ op: "allReduce", dtype: "float32", shape: [4], redop: 0, root: -1, ...o });
  assert.equal(mismatch(d({}), 0, d({}), 1), null);
  assert.equal(mismatch(d({}), 0, d({ shape: [5] }), 1), "rank 1 passed float32 [5], rank 0 passed float32 [4]");
  assert.equal(mismatch(d({}), 2, d({ dtype: "int64" }), 1), "rank 1 passed int64 [4], rank 2 passed float32 [4]");
  assert.equal(mismatch(d({}), 0, d({ op: "broadcast" }), 1), "rank 1 called broadcast where rank 0 called allReduce");
  assert.equal(mismatch(d({ op: "broadcast", root: 0 }), 0, d({ op: "broadcast", root: 1 }), 1), "rank 1 passed root 1, rank 0 passed root 0");
});

/** A Peer reading a loopback connection it opened; the test writes raw bytes into the other end. */
async function peerPair(): Promise<{ peer: Peer; raw: net.Socket; events: string[]; closed: Promise<string> }> {
  const events: string[] = [];
  let onClosed!: (why: string) => void;
  const closed = new Promise<string>((r) => (onClosed = r));
  const handler: FrameHandler = {
    dataSink: (_from, h: Header) => ({ write: (p) => events.push(`data ${h.tag} ${p.length}`) }),
    control: (_from, h, p) => events.push(`control ${h.kind} ${new TextDecoder().decode(p)}`),
    peerClosed: (_r, why) => onClosed(why),
  };
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const accepted = new Promise<net.Socket>((r) => server.once("connection", r));
  const route = new ReadRoute();
  const reader = net.connect({ port: (server.address() as net.AddressInfo).port, host: "127.0.0.1", onread: route.onread });
  const raw = await accepted;
  server.close();
  // (its writing connection does not matter here: the reader stands in for it)
  return { peer: new Peer(1, reader, route, null, reader, "test", handler), raw, events, closed };
}

test("a connection that sends frames, then garbage: frames delivered, then closed as a protocol error", async () => {
  const { raw, events, closed } = await peerPair();
  const payload = new TextEncoder().encode('{"x":1}');
  const data = Uint8Array.from({ length: 10 }, (_, i) => i);
  const stream = [encodeHeader(KIND.DESC, 0, 0, 0, payload.length), payload, encodeHeader(KIND.DATA, 0, 0, 7, data.length), data];
  // byte by byte: headers and payloads split anywhere
  for (const part of stream) for (const b of part) raw.write(Uint8Array.of(b));
  raw.write(Uint8Array.from({ length: 24 }, (_, i) => 0xa0 + i));
  const why = await closed;
  assert.match(why, /protocol error: rank 1 \(test\) sent a frame header with a bad magic number or kind/);
  assert.equal(events[0], 'control 1 {"x":1}');
  assert.equal(events.slice(1).reduce((n, e) => n + Number(e.split(" ")[2]), 0), 10);
  raw.destroy();
});

test("a control frame claiming megabytes is a protocol error, not an allocation", async () => {
  const { raw, closed } = await peerPair();
  raw.write(encodeHeader(KIND.ABORT, 0, 0, 0, 0xfffffff0));
  assert.match(await closed, /protocol error: .* a control frame of 4294967280 bytes/);
  raw.destroy();
});
