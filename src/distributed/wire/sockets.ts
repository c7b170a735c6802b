// Connecting and listening with c10d's retry behaviour and error wording (socket.cpp).
import net from "node:net";
import os from "node:os";

/** Seconds as c10d prints a std::chrono duration ("30s", or "2.5s" below a whole second). */
export function seconds(ms: number): string {
  return `${Number.isInteger(ms / 1000) ? ms / 1000 : (ms / 1000).toFixed(3).replace(/0+$/, "")}s`;
}

function errnoText(e: NodeJS.ErrnoException): string {
  const n = typeof e.errno === "number" ? -e.errno : undefined;
  const text = e.code === "EADDRINUSE" ? "Address already in use" : e.code === "EACCES" ? "Permission denied" : e.code ?? e.message;
  return n !== undefined ? `errno: ${n} - ${text}` : text;
}

/** c10d's error for a server socket that cannot listen. */
export function listenError(host: string, port: number, e: NodeJS.ErrnoException): Error {
  const where = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return new Error(
    `The server socket has failed to listen on any local network address. The server socket has failed to bind to ${where} (${errnoText(e)}).`,
  );
}

/**
 * Connects to host:port, retrying refused and unreachable connections (the server may not
 * be up yet) with a growing pause until `timeoutMs` has passed; then fails with c10d's message.
 */
export function connectWithRetry(host: string, port: number, timeoutMs: number, opts: net.NetConnectOpts = { port }): Promise<net.Socket> {
  const deadline = Date.now() + timeoutMs;
  let pause = 10;
  let last: Error | null = null;
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const left = deadline - Date.now();
      if (left <= 0) {
        const why = last ? ` (last error: ${last.message})` : "";
        reject(new Error(`The client socket has timed out after ${seconds(timeoutMs)} while trying to connect to (${host}, ${port}).${why}`));
        return;
      }
      const s = net.connect({ ...opts, host, port, noDelay: true } as net.NetConnectOpts);
      const timer = setTimeout(() => s.destroy(new Error("connect timed out")), left);
      s.once("connect", () => {
        clearTimeout(timer);
        s.removeAllListeners("error");
        resolve(s);
      });
      s.once("error", (e) => {
        clearTimeout(timer);
        s.destroy();
        last = e;
        setTimeout(attempt, Math.min(pause, Math.max(0, deadline - Date.now())));
        pause = Math.min(pause * 2, 1000);
      });
    };
    attempt();
  });
}

export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host.startsWith("127.");
}

/** This machine's name, as torchrun reports it in failures. */
export function hostname(): string {
  return os.hostname();
}
