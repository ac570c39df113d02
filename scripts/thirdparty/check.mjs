// check.mjs: talks to every server with independent JavaScript clients (the
// npm packages ws and sockjs-client) and checks the echo and broadcast
// behaviour the suite promises. Usage: node check.mjs SERVERS_BINARY
//
// For each library from `SERVERS_BINARY -list -long` (name and protocol) it
// starts the server on a free loopback port, then:
//   echo:      text and binary messages of several sizes come back unchanged,
//              with their type, in order;
//   broadcast: three clients, two of them sending, all receive every message
//              in the same order (the senders included);
//   rest:      POST /echo returns the body; publish + poll returns records;
//   chat:      for the servers of `SERVERS_BINARY -list -chat`, the chat
//              protocol at /chat as servers/chat/PROTOCOL.md states it (and
//              written from that page alone): two clients, two rooms, join,
//              publish, delivery with every field, refused messages, leave.
//   permessage-deflate: ws offers it (as it does by default); a server
//              started as it ships (compression off) answers no extension;
//              for every variant a library declares (`SERVERS_BINARY
//              -deflate-variants`) the server started in it negotiates the
//              extension with the variant's parameters, and echo (compressed
//              messages, every size) and broadcast pass again.
// A protocol with no JavaScript client here (plain tcp) is skipped, with a
// "skip" line saying so. Exit 0 when every check passed, 1 otherwise.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import WebSocket from "ws";
import SockJS from "sockjs-client";

const bin = process.argv[2];
if (!bin) {
  console.error("usage: node check.mjs SERVERS_BINARY");
  process.exit(2);
}
const TIMEOUT = 10000;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

function withTimeout(p, what) {
  let t;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise((_, reject) => { t = setTimeout(() => reject(new Error(`${what}: timed out`)), TIMEOUT); }),
  ]);
}

async function startServer(lib, extra = []) {
  const port = await freePort();
  const proc = spawn(bin, ["-lib", lib, "-addr", `127.0.0.1:${port}`, ...extra], { stdio: ["ignore", "ignore", "pipe"] });
  await withTimeout(new Promise((resolve, reject) => {
    proc.stderr.on("data", (d) => { if (String(d).includes("listening on")) resolve(); });
    proc.on("exit", (code) => reject(new Error(`server exited with ${code}`)));
  }), `${lib}: start`);
  return { port, stop: () => new Promise((resolve) => { proc.on("exit", resolve); proc.kill("SIGTERM"); }) };
}

// A client that queues received messages so tests can await them in order.
function inbox() {
  const queue = [], waiters = [];
  return {
    push(m) { const w = waiters.shift(); if (w) w(m); else queue.push(m); },
    next(what) { return withTimeout(new Promise((r) => { const m = queue.shift(); if (m !== undefined) r(m); else waiters.push(r); }), what); },
  };
}

// wsClient offers permessage-deflate, as ws does by default (threshold 0:
// every message it sends is compressed when the extension is negotiated);
// extensions is the server's Sec-WebSocket-Extensions answer.
function wsClient(url) {
  return withTimeout(new Promise((resolve, reject) => {
    const c = new WebSocket(url, { perMessageDeflate: { threshold: 0 } });
    const box = inbox();
    let extensions = "";
    c.on("upgrade", (res) => { extensions = res.headers["sec-websocket-extensions"] || ""; });
    c.on("message", (data, isBinary) => box.push({ data: isBinary ? Buffer.from(data) : data.toString(), isBinary }));
    c.on("open", () => resolve({ send: (d) => c.send(d), next: box.next, close: () => c.close(), extensions }));
    c.on("error", reject);
  }), `connect ${url}`);
}

// checkDeflate checks the extension a WebSocket server answered: none when
// mode is off, else permessage-deflate with both no_context_takeover
// parameters exactly when mode is no-context-takeover.
async function checkDeflate(dial, mode) {
  const c = await dial("/echo");
  const ext = c.extensions;
  c.close();
  if (mode === "off") {
    if (ext !== "") throw new Error(`compression off, but the server answered ${JSON.stringify(ext)}`);
    return;
  }
  if (!ext.startsWith("permessage-deflate")) throw new Error(`permessage-deflate ${mode} not negotiated (answer ${JSON.stringify(ext)})`);
  const noTakeover = ext.includes("server_no_context_takeover") && ext.includes("client_no_context_takeover");
  const takeover = !ext.includes("server_no_context_takeover") && !ext.includes("client_no_context_takeover");
  if (mode === "no-context-takeover" ? !noTakeover : !takeover) throw new Error(`${mode}: the server answered ${JSON.stringify(ext)}`);
}

function sockjsClient(url) {
  return withTimeout(new Promise((resolve, reject) => {
    const c = new SockJS(url, null, { transports: ["websocket"] });
    const box = inbox();
    c.onmessage = (e) => box.push({ data: e.data, isBinary: false });
    c.onopen = () => resolve({ send: (d) => c.send(d), next: box.next, close: () => c.close() });
    c.onclose = (e) => reject(new Error(`closed ${e.code} ${e.reason}`));
  }), `connect ${url}`);
}

function text(n, seed) {
  let s = "";
  for (let i = 0; i < n; i++) s += String.fromCharCode(97 + ((i * 7 + seed) % 26));
  return s;
}

// emptyDropped: the library declares that it drops empty messages
// (servers -deviations); then the message after an empty one must be the
// next to come back.
async function checkEcho(dial, textOnly, emptyDropped) {
  const c = await dial("/echo");
  for (const n of [0, 1, 125, 126, 65535, 65536, 1 << 20]) {
    if (n === 0 && emptyDropped) {
      c.send("");
      c.send(new Uint8Array(0));
      c.send("after-empty");
      const m = await c.next("echo after empty messages");
      if (m.isBinary || m.data !== "after-empty") throw new Error("an empty message came back although declared dropped");
      continue;
    }
    const t = text(n, n);
    c.send(t);
    const m = await c.next(`echo ${n} B text`);
    if (m.isBinary || m.data !== t) throw new Error(`echo of ${n} B text differs`);
    if (textOnly) continue;
    const b = Buffer.from(t, "latin1").map((x, i) => (x * 31 + i) & 255);
    c.send(b);
    const mb = await c.next(`echo ${n} B binary`);
    if (!mb.isBinary || !Buffer.from(mb.data).equals(b)) throw new Error(`echo of ${n} B binary differs`);
  }
  for (let i = 0; i < 50; i++) c.send(`m${i}`);
  for (let i = 0; i < 50; i++) {
    const m = await c.next(`echo order ${i}`);
    if (m.data !== `m${i}`) throw new Error(`echo order: got ${m.data}, want m${i}`);
  }
  c.close();
}

async function checkBroadcast(dial, port) {
  const clients = [];
  for (let i = 0; i < 3; i++) clients.push(await dial("/broadcast"));
  // Wait until the server counts all three subscribers.
  await withTimeout((async () => {
    for (;;) {
      const s = await (await fetch(`http://127.0.0.1:${port}/stats`)).json();
      if (s.subscribers === 3) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  })(), "subscribers joined");
  for (let j = 0; j < 20; j++) { clients[0].send(`a${j}`); clients[1].send(`b${j}`); }
  const orders = [];
  for (const c of clients) {
    const got = [];
    for (let k = 0; k < 40; k++) got.push((await c.next(`broadcast message ${k}`)).data);
    orders.push(got.join(","));
  }
  if (orders[1] !== orders[0] || orders[2] !== orders[0]) throw new Error("subscribers saw different orders");
  for (const p of ["a", "b"]) {
    const mine = orders[0].split(",").filter((m) => m.startsWith(p));
    if (mine.join(",") !== Array.from({ length: 20 }, (_, j) => `${p}${j}`).join(",")) throw new Error(`sender ${p}: order not kept`);
  }
  clients.forEach((c) => c.close());
}

// checkChat follows servers/chat/PROTOCOL.md only. dial opens /chat.
async function checkChat(dial) {
  const [c1, c2] = [await dial("/chat"), await dial("/chat")];
  const recv = async (c, what) => {
    const m = await c.next(what);
    if (m.isBinary) throw new Error(`${what}: a binary message, want text`);
    let v;
    try { v = JSON.parse(m.data); } catch (e) { throw new Error(`${what}: not JSON: ${m.data}`); }
    if (v === null || typeof v !== "object" || Array.isArray(v)) throw new Error(`${what}: not a JSON object: ${m.data}`);
    return v;
  };
  const send = (c, v) => c.send(typeof v === "string" ? v : JSON.stringify(v));
  const expect = (v, want, what) => {
    for (const [k, x] of Object.entries(want)) {
      if (v[k] !== x) throw new Error(`${what}: ${k} is ${JSON.stringify(v[k])}, want ${JSON.stringify(x)} (got ${JSON.stringify(v)})`);
    }
    return v;
  };
  const join = async (c, room) => {
    send(c, { type: "join", room });
    const a = expect(await recv(c, `joined ${room}`), { type: "joined", room }, `join ${room}`);
    if (!Number.isInteger(a.id) || a.id < 0) throw new Error(`join ${room}: id ${a.id}, want an unsigned integer`);
    return a.id;
  };
  const id1 = await join(c1, "r1");
  if (await join(c1, "r2") !== id1) throw new Error("one connection answered with two ids");
  const id2 = await join(c2, "r1");
  if (id2 === id1) throw new Error(`two connections share id ${id1}`);

  // A unix-nanosecond time stamp that a double holds exactly (whole seconds).
  const ts = Math.floor(Date.now() / 1000) * 1e9;
  const t1 = "héllo \"quoted\" \\ ✓ 😀 </script>";
  send(c1, { type: "publish", room: "r1", seq: 1, ts, text: t1 });
  const want1 = { type: "message", room: "r1", from: id1, seq: 1, ts, text: t1 };
  expect(await recv(c2, "r1 message at the other member"), want1, "r1 message at c2");
  expect(await recv(c1, "r1 message at the sender"), want1, "r1 message at c1");
  // r2 has c1 alone: c2 must not get its message, so c2's next one is
  // c1's following publish to r1 (one sender's messages keep their order).
  send(c1, { type: "publish", room: "r2", seq: 2, ts, text: "only r2" });
  send(c1, { type: "publish", room: "r1", seq: 3, ts, text: "r1 again" });
  expect(await recv(c1, "r2 message at its member"), { type: "message", room: "r2", from: id1, seq: 2, text: "only r2" }, "r2 at c1");
  expect(await recv(c1, "r1 message 3 at c1"), { type: "message", room: "r1", seq: 3 }, "r1 at c1");
  expect(await recv(c2, "r1 message 3 at c2"), { type: "message", room: "r1", from: id1, seq: 3, text: "r1 again" }, "c2 after a message of a room it is not in");

  // Refused messages: an error message each, the connection and its rooms stay.
  for (const bad of ["{not json", JSON.stringify({ type: "wave", room: "r1" }), JSON.stringify({ type: "leave", room: "nowhere" }), JSON.stringify({ type: "join" })]) {
    send(c2, bad);
    const e = expect(await recv(c2, `answer to ${bad}`), { type: "error" }, `answer to ${bad}`);
    if (typeof e.error !== "string" || !e.error) throw new Error(`answer to ${bad}: no error text`);
  }
  send(c1, { type: "publish", room: "r1", seq: 4, ts, text: "after errors" });
  expect(await recv(c2, "r1 message after refused input"), { type: "message", room: "r1", from: id1, seq: 4 }, "c2 after refused input");
  expect(await recv(c1, "r1 message 4 at c1"), { type: "message", room: "r1", seq: 4 }, "r1 at c1");

  // Leave: no r1 message after the left answer. c1 publishes once c2 left;
  // once c1 has its own copy the server has handled it, and c2's next
  // message must answer its next request.
  send(c2, { type: "leave", room: "r1" });
  expect(await recv(c2, "left r1"), { type: "left", room: "r1", id: id2 }, "leave r1");
  send(c1, { type: "publish", room: "r1", seq: 5, ts, text: "after leave" });
  expect(await recv(c1, "r1 message 5 at c1"), { type: "message", room: "r1", seq: 5 }, "r1 at c1");
  // Publishing to a room one is not in reaches its members, not the sender.
  send(c2, { type: "publish", room: "r2", seq: 1, ts, text: "from outside" });
  expect(await recv(c1, "r2 message from a non-member"), { type: "message", room: "r2", from: id2, seq: 1, text: "from outside" }, "r2 from c2");
  await join(c2, "r3");
  c1.close();
  c2.close();
}

async function checkRest(port) {
  const base = `http://127.0.0.1:${port}`;
  const body = Buffer.from(text(1 << 20, 3));
  const r = await fetch(`${base}/echo`, { method: "POST", body });
  if (r.status !== 200 || !Buffer.from(await r.arrayBuffer()).equals(body)) throw new Error("POST /echo differs");
  const seqs = [];
  for (const m of ["one", "two\nlines"]) seqs.push(Number((await (await fetch(`${base}/publish`, { method: "POST", body: m })).text()).trim()));
  const poll = await fetch(`${base}/poll?after=${seqs[0] - 1}`);
  const raw = Buffer.from(await poll.arrayBuffer()).toString();
  const want = `${seqs[0]} 3\none\n${seqs[1]} 9\ntwo\nlines\n`;
  if (poll.status !== 200 || raw !== want) throw new Error(`poll answered ${JSON.stringify(raw)}, want ${JSON.stringify(want)}`);
  const empty = await fetch(`${base}/poll?after=${seqs[1]}`);
  if (empty.status !== 204) throw new Error(`poll with nothing new answered ${empty.status}, want 204`);
}

const libs = execFileSync(bin, ["-list", "-long"]).toString().trim().split("\n").map((l) => l.split("\t"));
const chat = new Set(execFileSync(bin, ["-list", "-chat"]).toString().trim().split("\n").filter((l) => l));
// Declared permessage-deflate variants, as lib -> [[mode, level]...].
const deflate = new Map();
for (const l of execFileSync(bin, ["-deflate-variants"]).toString().trim().split("\n").filter((l) => l)) {
  const [lib, mode, level] = l.split("\t");
  deflate.set(lib, [...(deflate.get(lib) || []), [mode, level]]);
}
const clients = new Set(["http", "sockjs", "ws"]);
// Declared deviations, as "lib\tbehaviour" keys.
const deviations = new Set(execFileSync(bin, ["-deviations"]).toString().trim().split("\n")
  .filter((l) => l).map((l) => l.split("\t").slice(0, 2).join("\t")));
let failed = 0;
let skipped = 0;
for (const [lib, proto] of libs) {
  if (!clients.has(proto)) {
    skipped++;
    console.log(`skip  ${lib}: no JavaScript client for protocol ${proto}`);
    continue;
  }
  const srv = await startServer(lib);
  try {
    if (proto === "http") {
      await checkRest(srv.port);
    } else if (proto === "sockjs") {
      const dial = (path) => sockjsClient(`http://127.0.0.1:${srv.port}${path}`);
      await checkEcho(dial, true);
      await checkBroadcast(dial, srv.port);
      if (chat.has(lib)) await checkChat(dial);
    } else {
      const dial = (path) => wsClient(`ws://127.0.0.1:${srv.port}${path}`);
      await checkDeflate(dial, "off");
      await checkEcho(dial, false, deviations.has(`${lib}\tempty-message-delivered`));
      await checkBroadcast(dial, srv.port);
      if (chat.has(lib)) await checkChat(dial);
    }
    console.log(`ok    ${lib}${chat.has(lib) ? " (with chat)" : ""}`);
  } catch (e) {
    failed++;
    console.log(`FAIL  ${lib}: ${e.message}`);
  } finally {
    await srv.stop();
  }
}
// permessage-deflate: every declared variant of every WebSocket library
// (SockJS's client here negotiates no extension: the browser check covers
// sockjs).
let deflateRuns = 0;
for (const [lib, proto] of libs) {
  if (proto !== "ws") continue;
  for (const [mode, level] of deflate.get(lib) || []) {
    deflateRuns++;
    const name = `${lib} -deflate ${mode} -deflate-level ${level}`;
    const srv = await startServer(lib, ["-deflate", mode, "-deflate-level", level]);
    try {
      const dial = (path) => wsClient(`ws://127.0.0.1:${srv.port}${path}`);
      await checkDeflate(dial, mode);
      // Compressed, an empty message has a payload on the wire: a library
      // that drops empty payloads (a declared deviation) echoes it.
      await checkEcho(dial, false, false);
      await checkBroadcast(dial, srv.port);
      console.log(`ok    ${name}`);
    } catch (e) {
      failed++;
      console.log(`FAIL  ${name}: ${e.message}`);
    } finally {
      await srv.stop();
    }
  }
}
console.log(`${libs.length + deflateRuns - failed - skipped} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed ? 1 : 0);
