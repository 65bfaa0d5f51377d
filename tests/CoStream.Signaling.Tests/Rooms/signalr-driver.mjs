// Drives many real @microsoft/signalr (the official JavaScript client) connections from one Node process for the
// C# tests (the .NET SignalR client is not served by this machine's NuGet registry).
// stdin: one JSON command per line; stdout: one JSON message per line.
//   {"op":"connect","id":"a","url":"http://127.0.0.1:5000/hubs/room","token":"...","events":["event"]}
//     → {"type":"connected","id":"a"} | {"type":"connectFailed","id":"a","error":"..."}
//   {"op":"invoke","id":"a","call":7,"method":"Join","args":[0]} → {"type":"result","call":7,"ok":true,"value":...}
//   {"op":"send","id":"a","method":"Like","args":[]}             (fire and forget, no reply)
//   {"op":"stop","id":"a"}                                        → {"type":"closed","id":"a","error":null}
//   {"op":"raw","id":"r","url":"ws://...","frames":["..."]}     (raw WebSocket frames, for hostile-input tests)
//     → {"type":"raw","id":"r","received":[...],"closed":true,"code":1000}
// Every server → client message named in "events" → {"type":"event","id":"a","name":"event","args":[...],"t":<ms>}
import { createRequire } from 'node:module';
import readline from 'node:readline';

const require = createRequire(process.env.COSTREAM_WEB_CLIENT + '/package.json');
const signalR = require('@microsoft/signalr');
const WebSocket = require('ws');

const connections = new Map();
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const now = () => performance.timeOrigin + performance.now();

async function connect(cmd) {
  const builder = new signalR.HubConnectionBuilder()
    .withUrl(cmd.url, { accessTokenFactory: () => cmd.token, transport: signalR.HttpTransportType.WebSockets, skipNegotiation: true })
    .configureLogging(signalR.LogLevel.None);
  const conn = builder.build();
  conn.serverTimeoutInMilliseconds = cmd.serverTimeoutMs ?? 30000;
  for (const name of cmd.events ?? ['event']) {
    conn.on(name, (...args) => out({ type: 'event', id: cmd.id, name, args, t: now() }));
  }
  conn.onclose((e) => out({ type: 'closed', id: cmd.id, error: e ? String(e.message || e) : null }));
  connections.set(cmd.id, conn);
  try {
    await conn.start();
    out({ type: 'connected', id: cmd.id });
  } catch (e) {
    connections.delete(cmd.id);
    out({ type: 'connectFailed', id: cmd.id, error: String(e.message || e) });
  }
}

async function invoke(cmd) {
  const conn = connections.get(cmd.id);
  if (!conn) return out({ type: 'result', call: cmd.call, ok: false, error: 'no such connection ' + cmd.id });
  try {
    const value = await conn.invoke(cmd.method, ...(cmd.args ?? []));
    out({ type: 'result', call: cmd.call, ok: true, value: value ?? null });
  } catch (e) {
    out({ type: 'result', call: cmd.call, ok: false, error: String(e.message || e) });
  }
}

function raw(cmd) {
  const received = [];
  const ws = new WebSocket(cmd.url, { headers: cmd.headers ?? {} });
  let done = false;
  const finish = (closed, code) => { if (!done) { done = true; out({ type: 'raw', id: cmd.id, received, closed, code }); } };
  ws.on('open', () => { for (const f of cmd.frames ?? []) ws.send(f); });
  ws.on('message', (m) => received.push(m.toString()));
  ws.on('close', (code) => finish(true, code));
  ws.on('error', (e) => { received.push('error:' + e.message); finish(true, -1); });
  setTimeout(() => { finish(false, 0); try { ws.terminate(); } catch {} }, cmd.waitMs ?? 2000);
}

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  let cmd;
  try { cmd = JSON.parse(line); } catch { return out({ type: 'error', error: 'bad command' }); }
  switch (cmd.op) {
    case 'connect': connect(cmd); break;
    case 'invoke': invoke(cmd); break;
    case 'send': connections.get(cmd.id)?.send(cmd.method, ...(cmd.args ?? [])).catch(() => {}); break;
    case 'stop': {
      const c = connections.get(cmd.id);
      connections.delete(cmd.id);
      if (c) c.stop(); else out({ type: 'closed', id: cmd.id, error: 'no such connection' });
      break;
    }
    case 'raw': raw(cmd); break;
    case 'exit': process.exit(0);
  }
});
rl.on('close', () => process.exit(0));
