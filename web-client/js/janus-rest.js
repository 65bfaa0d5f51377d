// A minimal client for Janus's plain REST API (no janus.js): sessions, plugin handles,
// messages, trickle, and one long-poll loop per session that routes events to handles.
const tx = () => Math.random().toString(36).slice(2, 12);

export class JanusSession {
  static async create(baseUrl, log = () => {}) {
    const res = await post(baseUrl, { janus: 'create' });
    const session = new JanusSession(baseUrl, res.data.id, log);
    session.poll();
    return session;
  }

  constructor(baseUrl, id, log) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.id = id;
    this.log = log;
    this.handles = new Map();      // handle id -> JanusHandle
    this.closed = false;
  }

  get url() { return `${this.baseUrl}/${this.id}`; }

  async attach(plugin) {
    const res = await post(this.url, { janus: 'attach', plugin });
    const handle = new JanusHandle(this, res.data.id);
    this.handles.set(handle.id, handle);
    return handle;
  }

  async poll() {
    while (!this.closed) {
      let events;
      try {
        const res = await fetch(`${this.url}?maxev=10&rid=${Date.now()}`, { cache: 'no-store' });
        if (!res.ok) throw new Error(`long poll: HTTP ${res.status}`);
        events = await res.json();
      } catch (e) {
        if (this.closed) return;
        this.log('janus poll error: ' + e.message);
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      for (const ev of Array.isArray(events) ? events : [events]) {
        if (ev.janus === 'keepalive') continue;
        const handle = this.handles.get(ev.sender);
        if (handle) handle.dispatch(ev);
        else this.log('janus event without handle: ' + JSON.stringify(ev));
      }
    }
  }

  async destroy() {
    this.closed = true;
    try { await post(this.url, { janus: 'destroy' }); } catch { /* already gone */ }
  }
}

export class JanusHandle {
  constructor(session, id) {
    this.session = session;
    this.id = id;
    this.waiters = [];             // { match(ev) -> bool, resolve, reject }
    this.onTrickle = null;         // (candidate | null) -> void
    this.onEvent = null;           // (ev) -> void for anything nobody waits for
  }

  get url() { return `${this.session.url}/${this.id}`; }

  /** Sends a plugin request; resolves with the synchronous reply (success or ack). */
  async message(body, jsep) {
    const msg = { janus: 'message', body };
    if (jsep) msg.jsep = { type: jsep.type, sdp: jsep.sdp };
    return await post(this.url, msg);
  }

  /** Sends a plugin request whose result comes as an asynchronous event; resolves with it. */
  async request(body, jsep, match) {
    const waiting = this.next(match || ((ev) => ev.janus === 'event'));
    const reply = await this.message(body, jsep);
    if (reply.janus !== 'ack' && reply.janus !== 'success') throw new Error('janus: ' + JSON.stringify(reply));
    const ev = await waiting;
    const data = ev.plugindata?.data;
    if (data?.error) throw new Error(`janus ${data.error_code}: ${data.error}`);
    return ev;
  }

  next(match, timeoutMs = 15000) {
    return new Promise((resolve, reject) => {
      const w = { match, resolve, reject };
      this.waiters.push(w);
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) { this.waiters.splice(i, 1); reject(new Error('janus: timed out waiting for an event')); }
      }, timeoutMs);
    });
  }

  dispatch(ev) {
    if (ev.janus === 'trickle') {
      const c = ev.candidate;
      this.onTrickle?.(!c || c.completed ? null : c);
      return;
    }
    const i = this.waiters.findIndex((w) => w.match(ev));
    if (i >= 0) { this.waiters.splice(i, 1)[0].resolve(ev); return; }
    this.onEvent?.(ev);
  }

  async trickle(candidate) {
    const c = candidate
      ? { candidate: candidate.candidate, sdpMid: candidate.sdpMid, sdpMLineIndex: candidate.sdpMLineIndex }
      : { completed: true };
    await post(this.url, { janus: 'trickle', candidate: c });
  }
}

async function post(url, msg) {
  msg.transaction = tx();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(msg),
  });
  if (!res.ok) throw new Error(`janus POST ${url}: HTTP ${res.status}`);
  const json = await res.json();
  if (json.janus === 'error') throw new Error(`janus ${json.error?.code}: ${json.error?.reason}`);
  return json;
}
