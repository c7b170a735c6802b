// The communication thread. It owns every socket of torch.distributed in this process (store
// clients and servers, the process group's mesh) and runs the collectives, while the main
// thread either waits for it (blocking calls) or goes on computing (asyncOp, DDP's buckets
// during backward). Requests come as messages; answers go back on a MessagePort, after which
// the answer counter in shared memory is bumped and notified so a main thread blocked in
// Atomics.wait wakes up (see ../bridge.ts).
import { parentPort, workerData, type MessagePort } from "node:worker_threads";
import * as algo from "./algorithms.ts";
import { Engine, type GroupInfo } from "./engine.ts";
import type { OpDesc } from "./frames.ts";
import { Mesh } from "./mesh.ts";
import type { RedCode, WireDType } from "./reduce.ts";
import { StoreClient } from "./storeClient.ts";
import { StoreServer } from "./storeServer.ts";
import type { Request, Region, StoreMethod } from "./messages.ts";

const { port, signal } = workerData as { port: MessagePort; signal: SharedArrayBuffer };
const counter = new Int32Array(signal);

function answer(id: number, ok: boolean, value?: unknown): void {
  port.postMessage(ok ? { id, ok, value } : { id, ok, error: value });
  Atomics.add(counter, 0, 1);
  Atomics.notify(counter, 0);
}

const stores = new Map<number, { client: StoreClient; server: StoreServer | null; port: number }>();
/** Servers by port, for multiTenant stores (several TCPStore objects sharing one server). */
const servers = new Map<number, { server: StoreServer; users: number }>();
let pg: { mesh: Mesh; engine: Engine } | null = null;

function view(r: Region): Uint8Array {
  return new Uint8Array(r.buffer, r.offset, r.length);
}

async function handle(req: Request): Promise<unknown> {
  switch (req.t) {
    case "store.open": {
      let server: StoreServer | null = null;
      let actualPort = req.port;
      if (req.isServer) {
        const shared = req.multiTenant ? servers.get(req.port) : undefined;
        if (shared) {
          shared.users++;
          server = shared.server;
        } else {
          server = await StoreServer.listen(req.host, req.port);
          servers.set(server.port, { server, users: 1 });
        }
        actualPort = server.port;
      }
      let client: StoreClient;
      try {
        client = await StoreClient.connect(req.host, actualPort, req.timeoutMs);
        if (req.numWorkers !== null && req.waitWorkers) await client.waitForWorkers(req.numWorkers, req.isServer);
      } catch (e) {
        if (server) await releaseServer(server);
        throw e;
      }
      stores.set(req.storeId, { client, server, port: actualPort });
      return actualPort;
    }
    case "store.op": {
      const s = stores.get(req.storeId);
      if (!s) throw new Error("the store has been closed");
      return storeOp(s.client, req.method, req.args);
    }
    case "store.close": {
      const s = stores.get(req.storeId);
      if (!s) return null;
      stores.delete(req.storeId);
      s.client.close();
      if (s.server) await releaseServer(s.server);
      return null;
    }
    case "pg.init": {
      const s = stores.get(req.storeId);
      if (!s) throw new Error("the store has been closed");
      const client = s.client;
      const host = req.host ?? localAddress(client);
      const prefix = req.prefix;
      const rendezvous = {
        set: (k: string, v: string) => client.set(prefix + k, v),
        get: (k: string, timeoutMs: number) => client.get(prefix + k, timeoutMs),
        check: (keys: string[]) => client.check(keys.map((k) => prefix + k)),
      };
      const engine = new Engine(req.rank);
      const mesh = await Mesh.create(req.rank, req.size, host, rendezvous, req.timeoutMs, engine);
      engine.mesh = mesh;
      pg = { mesh, engine };
      return null;
    }
    case "group.new": {
      requirePg().engine.addGroup(req.group as GroupInfo);
      return null;
    }
    case "op":
      return runOp(req);
    case "pg.destroy": {
      if (pg) {
        const m = pg.mesh;
        pg = null;
        await m.close();
      }
      return null;
    }
  }
}

function requirePg(): { mesh: Mesh; engine: Engine } {
  if (!pg) throw new Error("Default process group has not been initialized, please make sure to call init_process_group.");
  return pg;
}

async function runOp(req: Extract<Request, { t: "op" }>): Promise<unknown> {
  const { engine } = requirePg();
  const bufs = req.regions.map(view);
  const dtype = req.dtype as WireDType, op = req.redop as RedCode;
  const desc: OpDesc = { op: req.op, dtype: req.dtype, shape: req.shape, redop: req.redop, root: req.root };
  switch (req.op) {
    case "send":
      await engine.send(req.group, req.peer, req.tag, req.dtype, req.shape, bufs[0]);
      return null;
    case "recv":
      return engine.recv(req.group, req.peer, req.tag, req.dtype, req.shape, bufs[0], req.timeoutMs);
  }
  await engine.collective(req.group, desc, (run) => {
    switch (req.op) {
      case "allReduce": return algo.allReduce(run, bufs[0], dtype, op);
      case "broadcast": return algo.broadcast(run, bufs[0], req.root);
      case "reduce": return algo.reduce(run, bufs[0], dtype, op, req.root);
      case "allGather": return algo.allGather(run, bufs[0], req.piece);
      case "reduceScatter": return algo.reduceScatter(run, bufs[0], req.piece, dtype, op);
      case "gather": return algo.gather(run, bufs[0], req.root);
      case "scatter": return algo.scatter(run, bufs[0], req.root);
      case "barrier": return algo.barrier(run);
      default: throw new Error(`unknown collective ${req.op}`);
    }
  });
  return null;
}

async function storeOp(c: StoreClient, method: StoreMethod, args: unknown[]): Promise<unknown> {
  switch (method) {
    case "set": return c.set(args[0] as Uint8Array, args[1] as Uint8Array);
    case "get": return c.get(args[0] as Uint8Array);
    case "add": return Number(await c.add(args[0] as Uint8Array, BigInt(args[1] as number)));
    case "compareSet": return c.compareSet(args[0] as Uint8Array, args[1] as Uint8Array, args[2] as Uint8Array);
    case "check": return c.check(args[0] as Uint8Array[]);
    case "wait": return c.wait(args[0] as Uint8Array[], (args[1] as number | null) ?? c.timeoutMs);
    case "numKeys": return Number(await c.numKeys());
    case "deleteKey": return c.deleteKey(args[0] as Uint8Array);
    case "setTimeout":
      c.timeoutMs = args[0] as number;
      return null;
  }
}

async function releaseServer(server: StoreServer): Promise<void> {
  const s = servers.get(server.port);
  if (s && --s.users > 0) return;
  servers.delete(server.port);
  await server.close();
}

/** The address this rank publishes for its peers: the local end of its store connection. */
function localAddress(c: StoreClient): string {
  const a = c.localAddress() ?? "127.0.0.1";
  return a.startsWith("::ffff:") ? a.slice(7) : a;
}

function errorValue(e: unknown): { name: string; message: string } {
  const err = e instanceof Error ? e : new Error(String(e));
  return { name: err.name, message: err.message };
}

parentPort!.on("message", (req: Request) => {
  handle(req).then((v) => answer(req.id, true, v), (e) => answer(req.id, false, errorValue(e)));
});
