// test/protocols/stomp-server.ts
import { createServer } from "node:http";
import { WebSocketServer as WebSocketServer2 } from "ws";

// test/helpers/servers.ts
import { once } from "node:events";
import { WebSocketServer } from "ws";
async function listenOnLoopback(server) {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server.address().port;
}

// src/protocols/stomp-frame.ts
var maxFrameBytes = 64 * 1024 * 1024;
function header(frame, name) {
  return frame.headers.find(([n]) => n === name)?.[1];
}
var isUnescaped = (command) => command === "CONNECT" || command === "CONNECTED";
var escapes = { "\\": "\\\\", "\n": "\\n", "\r": "\\r", ":": "\\c" };
var unescapes = { "\\\\": "\\", "\\n": "\n", "\\r": "\r", "\\c": ":" };
function escapeHeader(text) {
  return text.replace(/[\\\n\r:]/g, (c) => escapes[c]);
}
function unescapeHeader(text) {
  return text.replace(/\\[\\nrc]/g, (s2) => unescapes[s2]);
}
function encodeFrame(command, headers, body = "") {
  const bytes = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const all = [...headers];
  if (bytes.length > 0 && !all.some(([n]) => n === "content-length"))
    all.push(["content-length", String(bytes.length)]);
  const esc = isUnescaped(command) ? (s2) => s2 : escapeHeader;
  const head = [command, ...all.map(([n, v]) => `${esc(n)}:${esc(v)}`)].join("\n");
  return Buffer.concat([Buffer.from(`${head}

`, "utf8"), bytes, Buffer.from([0])]);
}
var StompFrameError = class extends Error {
  name = "StompFrameError";
};
var StompReader = class {
  buffered = Buffer.alloc(0);
  push(chunk) {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const out = [];
    for (; ; ) {
      const b = this.buffered;
      if (b.length === 0) break;
      if (b[0] === 10) {
        out.push("heartbeat");
        this.buffered = b.subarray(1);
        continue;
      }
      if (b[0] === 13 && b[1] === 10) {
        out.push("heartbeat");
        this.buffered = b.subarray(2);
        continue;
      }
      if (b[0] === 13 && b.length === 1) break;
      const frame = this.readFrame(b);
      if (!frame) {
        if (b.length > maxFrameBytes)
          throw new StompFrameError(`a frame longer than ${maxFrameBytes} bytes has no end`);
        break;
      }
      out.push(frame.frame);
      this.buffered = b.subarray(frame.length);
    }
    return out;
  }
  /** Drops what is buffered (a new socket starts a new stream). */
  reset() {
    this.buffered = Buffer.alloc(0);
  }
  /** One whole frame at the start of `b` and its length, or undefined while it is incomplete. */
  readFrame(b) {
    let headEnd = -1;
    let bodyStart = -1;
    for (let i = 0; i < b.length; i++) {
      if (b[i] === 0)
        throw new StompFrameError(`no blank line after the headers: ${preview(b.subarray(0, i))}`);
      if (b[i] !== 10) continue;
      if (b[i + 1] === 10) {
        headEnd = i;
        bodyStart = i + 2;
        break;
      }
      if (b[i + 1] === 13 && b[i + 2] === 10) {
        headEnd = i;
        bodyStart = i + 3;
        break;
      }
    }
    if (headEnd < 0) return void 0;
    const lines = b.subarray(0, headEnd).toString("utf8").split("\n").map((l) => l.replace(/\r$/, ""));
    const command = lines[0];
    if (!/^[A-Z]+$/.test(command))
      throw new StompFrameError(`not a STOMP command: ${preview(Buffer.from(command))}`);
    const unesc = isUnescaped(command) ? (s2) => s2 : unescapeHeader;
    const headers = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) throw new StompFrameError(`not a header line: ${preview(Buffer.from(line))}`);
      headers.push([unesc(line.slice(0, colon)), unesc(line.slice(colon + 1))]);
    }
    const lengthText = headers.find(([n]) => n === "content-length")?.[1];
    let bodyEnd;
    if (lengthText !== void 0) {
      const length = Number(lengthText);
      if (!/^\d+$/.test(lengthText) || !Number.isSafeInteger(length))
        throw new StompFrameError(`bad content-length "${lengthText}"`);
      bodyEnd = bodyStart + length;
      if (b.length <= bodyEnd) return void 0;
      if (b[bodyEnd] !== 0) throw new StompFrameError(`no NUL after a body of content-length ${length}`);
    } else {
      bodyEnd = b.indexOf(0, bodyStart);
      if (bodyEnd < 0) return void 0;
    }
    return { frame: { command, headers, body: b.subarray(bodyStart, bodyEnd) }, length: bodyEnd + 1 };
  }
};
function preview(bytes) {
  return JSON.stringify(bytes.subarray(0, 60).toString("utf8"));
}

// test/protocols/stomp-server.ts
async function startStompServer(defer, opts = {}) {
  const http = createServer();
  const offered = opts.subprotocols ?? ["v12.stomp", "v11.stomp"];
  const wss = new WebSocketServer2({
    server: http,
    handleProtocols: (protocols2) => offered.find((p) => protocols2.has(p)) ?? false
  });
  const frames = [];
  const protocols = [];
  const subscriptions = [];
  let beats = 0;
  let nextMessageId = 1;
  let connections = 0;
  wss.on("connection", (ws) => {
    connections++;
    protocols.push(ws.protocol);
    const reader = new StompReader();
    let isConnected = false;
    let beatTimer;
    let outbox = [];
    const out = (command, headers, body = "") => outbox.push(encodeFrame(command, headers, body));
    const flush = () => {
      const pending = outbox;
      outbox = [];
      if (pending.length === 0 || ws.readyState !== ws.OPEN) return;
      switch (opts.framing ?? "whole") {
        case "whole":
          for (const f of pending) ws.send(f.toString("utf8"));
          return;
        case "batched":
          ws.send(Buffer.concat(pending).toString("utf8"));
          return;
        case "split":
          for (const f of pending) {
            const cut = Math.floor(f.length / 2);
            ws.send(f.subarray(0, cut));
            ws.send(f.subarray(cut));
          }
      }
    };
    const fail = (message, body, receipt) => {
      out(
        "ERROR",
        [["message", message], ...receipt ? [["receipt-id", receipt]] : []],
        body
      );
      flush();
      ws.close();
    };
    ws.on("close", () => {
      clearInterval(beatTimer);
      for (let i = subscriptions.length - 1; i >= 0; i--)
        if (subscriptions[i].ws === ws) subscriptions.splice(i, 1);
    });
    ws.on("message", (data) => {
      let got;
      try {
        got = reader.push(data);
      } catch (err) {
        fail("malformed frame received", err.message);
        return;
      }
      for (const frame of got) {
        if (frame === "heartbeat") {
          beats++;
          continue;
        }
        frames.push(frame);
        const receipt = header(frame, "receipt");
        if (!isConnected && frame.command !== "CONNECT" && frame.command !== "STOMP") {
          fail("not connected", `${frame.command} before CONNECT`);
          return;
        }
        switch (frame.command) {
          case "CONNECT":
          case "STOMP": {
            const versions = (header(frame, "accept-version") ?? "1.0").split(",");
            const version = ["1.2", "1.1"].find((v) => versions.includes(v));
            if (!version) return fail("unsupported protocol version", `supported: 1.2, 1.1`);
            const { credentials } = opts;
            if (credentials && (header(frame, "login") !== credentials.login || header(frame, "passcode") !== credentials.passcode))
              return fail("Access refused for user", "bad login or passcode");
            const [cx, cy] = (header(frame, "heart-beat") ?? "0,0").split(",").map(Number);
            const [sx, sy] = opts.heartBeat ?? [0, 0];
            const sendEveryMs = sx === 0 || cy === 0 ? 0 : Math.max(sx, cy);
            if (sendEveryMs > 0 && !opts.isSilent)
              beatTimer = setInterval(() => ws.readyState === ws.OPEN && ws.send("\n"), sendEveryMs);
            void cx;
            isConnected = true;
            out("CONNECTED", [
              ["version", version],
              ["heart-beat", `${sx},${sy}`],
              ["session", `session-${connections}`],
              ["server", "wsx-test-stomp/1.0"]
            ]);
            break;
          }
          case "SUBSCRIBE": {
            const destination = header(frame, "destination");
            const id = header(frame, "id");
            if (!destination || id === void 0)
              return fail("bad SUBSCRIBE", "destination and id are required");
            if (destination.startsWith("/forbidden/"))
              return fail("access denied", `no access to ${destination}`, receipt);
            subscriptions.push({ ws, id, destination, ack: header(frame, "ack") ?? "auto" });
            break;
          }
          case "UNSUBSCRIBE": {
            const i = subscriptions.findIndex((s2) => s2.ws === ws && s2.id === header(frame, "id"));
            if (i >= 0) subscriptions.splice(i, 1);
            break;
          }
          case "SEND": {
            const destination = header(frame, "destination");
            if (!destination) return fail("bad SEND", "a destination is required", receipt);
            const passOn = frame.headers.filter(
              ([n]) => !["destination", "receipt", "content-length", "transaction"].includes(n)
            );
            for (const sub of subscriptions.filter((s2) => s2.destination === destination)) {
              const id = `m-${nextMessageId++}`;
              const frameOut = encodeFrame(
                "MESSAGE",
                [
                  ["destination", destination],
                  ["message-id", id],
                  ["subscription", sub.id],
                  ...sub.ack === "auto" ? [] : [["ack", id]],
                  ...passOn
                ],
                frame.body
              );
              if (sub.ws === ws) outbox.push(frameOut);
              else if (sub.ws.readyState === sub.ws.OPEN) sub.ws.send(frameOut.toString("utf8"));
            }
            break;
          }
          case "ACK":
          case "NACK":
          case "BEGIN":
          case "COMMIT":
          case "ABORT":
            break;
          case "DISCONNECT":
            if (receipt) out("RECEIPT", [["receipt-id", receipt]]);
            flush();
            ws.close();
            return;
          default:
            return fail("unknown command", frame.command, receipt);
        }
        if (receipt) out("RECEIPT", [["receipt-id", receipt]]);
      }
      flush();
    });
  });
  const port = await listenOnLoopback(http);
  defer(
    () => new Promise((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close(() => http.close(() => resolve()));
    })
  );
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    frames,
    heartBeats: () => beats,
    protocols,
    connections: () => connections
  };
}

// ../../../tmp/stomp-srv.mts
var cleanups = [];
var s = await startStompServer((f) => void cleanups.push(f), { credentials: { login: "guest", passcode: "s3cret-pass" }, heartBeat: [5e3, 5e3] });
console.log(s.url);
setTimeout(() => process.exit(0), 12e5);
