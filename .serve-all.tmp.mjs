// test/protocols/phoenix-server.ts
import { once as once2 } from "node:events";
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

// test/protocols/phoenix-server.ts
async function startPhoenix(defer2) {
  const http = createServer();
  const wss = new WebSocketServer2({ noServer: true });
  const server = {
    url: "",
    received: [],
    queries: [],
    answersHeartbeats: true,
    sockets: () => [...wss.clients]
  };
  const members = /* @__PURE__ */ new Map();
  http.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/socket/websocket") {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    server.queries.push(url.searchParams);
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws));
  });
  wss.on("connection", (ws) => {
    const send = (m) => ws.send(JSON.stringify(m));
    const reply = (m, status, response) => send([m[0], m[1], m[2], "phx_reply", { status, response }]);
    ws.on("message", (data) => {
      const m = JSON.parse(data.toString());
      server.received.push(m);
      const [joinRef, , topic, event, payload] = m;
      if (topic === "phoenix" && event === "heartbeat") {
        if (server.answersHeartbeats) reply(m, "ok", {});
        return;
      }
      const room = members.get(topic);
      if (event === "phx_join") {
        const params = payload;
        if (topic.startsWith("secret:") || params.token === "bad")
          return reply(m, "error", { reason: "unauthorized" });
        if (!topic.startsWith("room:")) return reply(m, "error", { reason: "unmatched topic" });
        const joined = room ?? /* @__PURE__ */ new Map();
        joined.set(ws, joinRef);
        members.set(topic, joined);
        return reply(m, "ok", { joined: topic, params });
      }
      if (!room?.has(ws) || room.get(ws) !== joinRef) return reply(m, "error", { reason: "unmatched topic" });
      switch (event) {
        case "phx_leave":
          room.delete(ws);
          reply(m, "ok", {});
          send([joinRef, joinRef, topic, "phx_close", {}]);
          return;
        case "new_msg":
          for (const [member] of room) member.send(JSON.stringify([null, null, topic, "new_msg", payload]));
          return reply(m, "ok", {});
        case "ping":
          return reply(m, "ok", { pong: payload });
        case "boom":
          return reply(m, "error", { reason: "boom" });
        case "crash":
          room.delete(ws);
          return send([joinRef, joinRef, topic, "phx_error", {}]);
        default:
          return reply(m, "error", { reason: `no handle_in for ${event}` });
      }
    });
    ws.on("close", () => {
      for (const room of members.values()) room.delete(ws);
    });
  });
  const port = await listenOnLoopback(http);
  server.url = `ws://127.0.0.1:${port}/socket`;
  defer2(async () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    http.close();
    await once2(http, "close");
  });
  return server;
}

// test/protocols/signalr-server.ts
import { once as once3 } from "node:events";
import { createServer as createServer2 } from "node:http";
import { WebSocketServer as WebSocketServer3 } from "ws";
var rs = "";
async function startSignalr(defer2, opts = {}) {
  const http = createServer2();
  const wss = new WebSocketServer3({ noServer: true });
  const server = {
    url: "",
    received: [],
    frames: [],
    isTalking: true,
    sockets: () => [...wss.clients]
  };
  http.on("upgrade", (req, socket, head) => {
    if (new URL(req.url ?? "/", "http://x").pathname !== "/chat") {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit("connection", ws));
  });
  wss.on("connection", (ws) => {
    let isHandshaken = false;
    const send = (...records) => {
      if (server.isTalking) ws.send(records.map((r) => JSON.stringify(r) + rs).join(""));
    };
    const ping = opts.pingMs ? setInterval(() => send({ type: 6 }), opts.pingMs) : void 0;
    ws.on("close", () => clearInterval(ping));
    const complete = (id, body) => id === void 0 ? [] : [{ type: 3, invocationId: id, ...body }];
    ws.on("message", (data) => {
      const text = data.toString();
      server.frames.push(text);
      for (const part of text.split(rs).slice(0, -1)) {
        const record = JSON.parse(part);
        if (!isHandshaken) {
          if (record.protocol !== "json") {
            send({ error: `Requested protocol '${record.protocol}' is not available.` });
            ws.close(1e3);
            return;
          }
          isHandshaken = true;
          send({});
          continue;
        }
        server.received.push(record);
        const id = record.invocationId;
        const args = record.arguments ?? [];
        if (record.type === 6) continue;
        if (record.type === 4 && record.target === "Counter") {
          const n = args[0];
          for (let i = 0; i < n; i++) send({ type: 2, invocationId: id, item: i });
          send({ type: 3, invocationId: id });
          continue;
        }
        if (record.type !== 1) continue;
        switch (record.target) {
          case "Add":
            send(...complete(id, { result: args[0] + args[1] }));
            break;
          case "Echo":
            send(...complete(id, { result: args[0] }));
            break;
          case "Fail":
            send(
              ...complete(id, {
                error: "An unexpected error occurred invoking 'Fail' on the server. HubException: it failed"
              })
            );
            break;
          case "Send":
            for (const client of wss.clients)
              if (client !== ws && server.isTalking)
                client.send(JSON.stringify({ type: 1, target: "ReceiveMessage", arguments: args }) + rs);
            send({ type: 1, target: "ReceiveMessage", arguments: args }, ...complete(id, {}));
            break;
          case "Kick":
            send({ type: 7, error: "Connection closed with an error. kicked", allowReconnect: false });
            ws.close(1e3);
            break;
          default:
            send(
              ...complete(id, {
                error: `Failed to invoke '${record.target}' due to an error on the server. HubException: Method does not exist.`
              })
            );
        }
      }
    });
  });
  const port = await listenOnLoopback(http);
  server.url = `ws://127.0.0.1:${port}/chat`;
  defer2(async () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    http.close();
    await once3(http, "close");
  });
  return server;
}

// test/protocols/actioncable-server.ts
import { once as once4 } from "node:events";
import { createServer as createServer3 } from "node:http";
import { WebSocketServer as WebSocketServer4 } from "ws";
async function startActionCable(defer2, opts = {}) {
  const http = createServer3();
  const wss = new WebSocketServer4({
    noServer: true,
    handleProtocols: (protocols) => protocols.has("actioncable-v1-json") ? "actioncable-v1-json" : false
  });
  const server = {
    url: "",
    received: [],
    offered: [],
    isPinging: true,
    sockets: () => [...wss.clients]
  };
  const streams = /* @__PURE__ */ new Map();
  http.on("upgrade", (req, socket, head) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname !== "/cable") {
      socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      return;
    }
    server.offered.push((req.headers["sec-websocket-protocol"] ?? "").split(/\s*,\s*/));
    wss.handleUpgrade(req, socket, head, (ws) => {
      const send = (msg) => ws.send(JSON.stringify(msg));
      if (url.searchParams.get("token") === "bad") {
        send({ type: "disconnect", reason: "unauthorized", reconnect: false });
        ws.close();
        return;
      }
      send({ type: "welcome" });
      const ping = setInterval(() => {
        if (server.isPinging) send({ type: "ping", message: Math.floor(Date.now() / 1e3) });
      }, opts.pingMs ?? 3e3);
      ws.on("close", () => {
        clearInterval(ping);
        for (const subs of streams.values()) subs.delete(ws);
      });
      ws.on("message", (data) => {
        const cmd = JSON.parse(data.toString());
        server.received.push(cmd);
        const { identifier } = cmd;
        const channel = JSON.parse(identifier).channel;
        const subs = streams.get(identifier) ?? /* @__PURE__ */ new Set();
        switch (cmd.command) {
          case "subscribe":
            if (channel === "ChatChannel") {
              subs.add(ws);
              streams.set(identifier, subs);
              send({ identifier, type: "confirm_subscription" });
            } else send({ identifier, type: "reject_subscription" });
            return;
          case "unsubscribe":
            subs.delete(ws);
            return;
          case "message": {
            if (!subs.has(ws)) return;
            const payload = JSON.parse(cmd.data ?? "{}");
            if (payload.action === "speak")
              for (const member of subs) member.send(JSON.stringify({ identifier, message: payload }));
            else if (payload.action === "echo") send({ identifier, message: payload });
          }
        }
      });
    });
  });
  const port = await listenOnLoopback(http);
  server.url = `ws://127.0.0.1:${port}/cable`;
  defer2(async () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    http.close();
    await once4(http, "close");
  });
  return server;
}

// ../../../tmp/serve-all.ts
var defer = () => {
};
var p = await startPhoenix(defer);
var s = await startSignalr(defer);
var a = await startActionCable(defer);
console.log(JSON.stringify({ phoenix: p.url, signalr: s.url, actioncable: a.url }));
