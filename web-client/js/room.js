// The room hub (/hubs/room) from the browser: Join with replay, events delivered once each and in sequence order
// (replay and live delivery overlap; a reconnect joins again after the last seen seq), the stage (co-streaming) and
// PK calls, and the room's state kept up to date from the events. Used by CoStreamClient (costream.js).

export class RoomConnection {
  constructor({ token, participant, log }) {
    this.token = token;
    this.participant = participant;
    this.log = log || (() => {});
    this.lastSeq = 0;
    this.events = [];          // every event, in seq order
    this.state = null;         // Join's state, updated from stage.* / pk.* events
    this.callbacks = [];
    this.buffer = null;        // live events that arrive while a Join is in flight
    this.autoAccept = false;   // anchor: take every requester on stage
  }

  async connect() {
    this.hub = new signalR.HubConnectionBuilder()
      .withUrl('/hubs/room', { accessTokenFactory: () => this.token })
      .withAutomaticReconnect()
      .build();
    this.hub.on('event', (e) => this.receive(e));
    this.hub.onreconnected(() => this.join().catch((e) => this.log('room rejoin failed: ' + e)));
    await this.hub.start();
    return await this.join();
  }

  // Join (again) after the last seq seen: replay first, then what arrived live meanwhile, each seq once.
  async join() {
    this.buffer = [];
    let result;
    try {
      result = await this.hub.invoke('Join', this.lastSeq);
    } finally {
      const live = this.buffer || [];
      this.buffer = null;
      if (result) {
        this.state = result.state;
        if (!result.replayComplete) this.log('room: replay incomplete, state snapshot used');
        for (const e of result.replay) this.accept(e, false);
        if (!result.replayComplete) this.lastSeq = Math.max(this.lastSeq, result.lastSeq);
      }
      for (const e of live.sort((a, b) => a.seq - b.seq)) this.accept(e, true);
    }
    this.log(`room ${result.room}: joined as ${result.role}, seq ${this.lastSeq}`);
    return result;
  }

  receive(e) {
    if (this.buffer) { this.buffer.push(e); return; }
    this.accept(e, true);
  }

  accept(e, live) {
    if (e.seq <= this.lastSeq) return;   // already seen (replay and live delivery overlap)
    this.lastSeq = e.seq;
    this.events.push(e);
    this.apply(e);
    for (const cb of this.callbacks) { try { cb(e, live); } catch (err) { this.log('onEvent: ' + err); } }
    if (this.autoAccept && e.kind === 'stage.requested') this.acceptRequest(e.data.participant).catch((err) => this.log('auto-accept: ' + err));
  }

  // Keeps state.stage / state.pk in step with the events (the snapshot is exact at Join; events move it on).
  apply(e) {
    const stage = this.state?.stage;
    const p = e.data?.participant;
    if (stage) {
      const drop = (list) => list.filter((x) => x.participant !== p);
      switch (e.kind) {
        case 'stage.requested': stage.requests = [...drop(stage.requests), { participant: p, audioOnly: e.data.audioOnly, expiresAtMs: e.data.expiresAtMs }]; break;
        case 'stage.invited': stage.invites = [...drop(stage.invites), { participant: p, audioOnly: e.data.audioOnly, expiresAtMs: e.data.expiresAtMs }]; break;
        case 'stage.requestCancelled': case 'stage.requestDeclined': case 'stage.requestExpired': stage.requests = drop(stage.requests); break;
        case 'stage.inviteCancelled': case 'stage.inviteDeclined': case 'stage.inviteExpired': stage.invites = drop(stage.invites); break;
        case 'stage.joined':
          stage.requests = drop(stage.requests); stage.invites = drop(stage.invites);
          stage.guests = [...drop(stage.guests), { participant: p, audioOnly: e.data.audioOnly, away: false }]; break;
        case 'stage.left': stage.guests = drop(stage.guests); break;
        case 'stage.disconnected': case 'stage.reconnected':
          stage.guests = stage.guests.map((g) => g.participant === p ? { ...g, away: e.kind === 'stage.disconnected' } : g); break;
      }
    }
    if (this.state && e.kind.startsWith('pk.')) {
      const d = e.data;
      if (e.kind === 'pk.invited' || e.kind === 'pk.started') {
        this.state.pk = { id: d.pk, status: e.kind === 'pk.invited' ? 'invited' : 'active', fromRoom: d.fromRoom, fromAnchor: d.fromAnchor, toRoom: d.toRoom, toAnchor: d.toAnchor };
      } else {
        this.state.pk = null;
      }
    }
  }

  onEvent(cb) { this.callbacks.push(cb); }

  // Resolves with the first event (already seen or future) that matches.
  waitForEvent(match, timeoutMs = 30000) {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching room event')), timeoutMs);
      this.callbacks.push((e) => { if (match(e)) { clearTimeout(timer); resolve(e); } });
    });
  }

  isOnStage() { return !!this.state?.stage?.guests?.some((g) => g.participant === this.participant); }

  // Stage: audience / guest side.
  requestToJoin(audioOnly = false) { return this.hub.invoke('RequestToJoin', audioOnly); }
  cancelRequest() { return this.hub.invoke('CancelRequest'); }
  acceptInvite() { return this.hub.invoke('AcceptInvite'); }
  declineInvite() { return this.hub.invoke('DeclineInvite'); }
  leaveStage() { return this.hub.invoke('LeaveStage'); }
  // Stage: the anchor.
  acceptRequest(participant) { return this.hub.invoke('AcceptRequest', participant); }
  declineRequest(participant) { return this.hub.invoke('DeclineRequest', participant); }
  invite(participant, audioOnly = false) { return this.hub.invoke('Invite', participant, audioOnly); }
  cancelInvite(participant) { return this.hub.invoke('CancelInvite', participant); }
  removeGuest(participant) { return this.hub.invoke('RemoveGuest', participant); }
  // PK between two rooms' anchors.
  invitePk(targetRoom) { return this.hub.invoke('InvitePk', targetRoom); }
  acceptPk(fromRoom) { return this.hub.invoke('AcceptPk', fromRoom); }
  declinePk(fromRoom) { return this.hub.invoke('DeclinePk', fromRoom); }
  cancelPk() { return this.hub.invoke('CancelPk'); }
  endPk() { return this.hub.invoke('EndPk'); }

  async stop() { await this.hub?.stop(); }
}
