// CoStream browser client: publish camera+microphone (or a time-stamped canvas) and play the
// room's other participants through the SFU, over the SignalR media hub, WHIP or WHEP.
import { createClockStream, watchClock } from './timecode.js';
import { RoomConnection } from './room.js';

export class CoStreamClient {
  constructor({ localContainer, remoteContainer, log }) {
    this.localContainer = localContainer;
    this.remoteContainer = remoteContainer;
    this.log = log || (() => {});
    this.hub = null;
    this.publisher = null;
    this.subscriber = null;
    this.remoteVideos = new Map();   // stream id (participant) -> <video>
    this.latencySamples = [];
    this.whipSessions = [];
    this.negotiation = Promise.resolve();
    this.errors = [];
  }

  async token({ room, participant, role, token }) {
    if (token) return token;
    const url = `/dev/token?room=${encodeURIComponent(room)}&participant=${encodeURIComponent(participant)}&role=${encodeURIComponent(role)}`;
    const res = await fetch(url);
    if (!res.ok) throw new Error('token: ' + res.status);
    return await res.text();
  }

  async localMedia({ clock, audio = true, audioOnly = false }) {
    if (this.media) return this.media;
    let stream;
    if (audioOnly) {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } else if (clock) {
      this.clock = createClockStream(30);
      stream = this.clock.stream;
      if (audio) {
        const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
        for (const t of mic.getAudioTracks()) stream.addTrack(t);
      }
    } else {
      stream = await navigator.mediaDevices.getUserMedia({ audio, video: { width: 640, height: 480 } });
    }
    const v = document.createElement('video');
    v.muted = true; v.autoplay = true; v.playsInline = true; v.srcObject = stream;
    this.localContainer.appendChild(v);
    this.media = stream;
    return stream;
  }

  async join(opts) {
    const token = await this.token(opts);
    this.hub = new signalR.HubConnectionBuilder()
      .withUrl('/hubs/media', { accessTokenFactory: () => token })
      .build();
    this.hub.on('offer', (sdp) => this.onServerOffer(sdp));
    this.hub.on('activeSpeaker', (participant) => { this.activeSpeaker = participant; this.log('active speaker: ' + participant); });
    await this.hub.start();
    this.log('hub connected as ' + opts.participant);
    if (opts.roomHub !== false) await this.connectRoom(opts, token);
    if (opts.role !== 'audience' && opts.publish !== false) {
      // A guest publishes only on stage: ask, and wait for the anchor to take it on.
      if (opts.role === 'guest' && this.room) await this.goOnStage(opts);
      await this.publish(opts);
    }
    await this.subscribe();
  }

  // The room hub: ordered, deduplicated events (onEvent), state, stage and PK calls (this.room.*).
  async connectRoom(opts, token) {
    this.room = new RoomConnection({ token: token || await this.token(opts), participant: opts.participant, log: this.log });
    this.room.autoAccept = !!opts.autoAccept;
    for (const cb of this.pendingEventCallbacks || []) this.room.onEvent(cb);
    await this.room.connect();
    return this.room;
  }

  onEvent(cb) {
    if (this.room) this.room.onEvent(cb);
    else (this.pendingEventCallbacks ||= []).push(cb);
  }

  roomEvents() { return this.room ? this.room.events : []; }

  async goOnStage(opts) {
    if (this.room.isOnStage()) return;
    const joined = this.room.waitForEvent((e) => e.kind === 'stage.joined' && e.data.participant === opts.participant);
    await this.room.requestToJoin(!!opts.audioOnly);
    await joined;
  }

  makePc() {
    return new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  }

  addSendTracks(pc, stream, opts) {
    for (const track of stream.getTracks()) {
      const init = { direction: 'sendonly', streams: [stream] };
      if (track.kind === 'video' && opts.simulcast) {
        init.sendEncodings = [
          { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
          { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
          { rid: 'f', maxBitrate: 1_200_000 },
        ];
      }
      const tr = pc.addTransceiver(track, init);
      if (track.kind === 'video' && opts.videoCodec && tr.setCodecPreferences) {
        const caps = RTCRtpSender.getCapabilities('video').codecs;
        const preferred = caps.filter(c => c.mimeType.toLowerCase() === 'video/' + opts.videoCodec.toLowerCase());
        tr.setCodecPreferences([...preferred, ...caps.filter(c => !preferred.includes(c))]);
      }
    }
  }

  async publish(opts) {
    const stream = await this.localMedia(opts);
    const pc = this.makePc();
    this.addSendTracks(pc, stream, opts);
    pc.onconnectionstatechange = () => this.log('publisher ' + pc.connectionState);
    await pc.setLocalDescription(await pc.createOffer());
    const answer = await this.hub.invoke('Publish', pc.localDescription.sdp);
    await pc.setRemoteDescription({ type: 'answer', sdp: answer });
    this.publisher = pc;
  }

  async subscribe() {
    const pc = this.makePc();
    pc.ontrack = (e) => this.onRemoteTrack(e);
    pc.onconnectionstatechange = () => this.log('subscriber ' + pc.connectionState);
    this.subscriber = pc;
    const offer = await this.hub.invoke('Subscribe');
    if (offer) await this.onServerOffer(offer);   // empty: nothing published yet, the offer will be pushed
  }

  onServerOffer(sdp) {
    this.negotiation = this.negotiation.then(async () => {
      const pc = this.subscriber;
      await pc.setRemoteDescription({ type: 'offer', sdp });
      await pc.setLocalDescription(await pc.createAnswer());
      await this.hub.invoke('Answer', pc.localDescription.sdp);
    }).catch(e => { this.errors.push(String(e)); this.log('negotiation failed: ' + e); });
    return this.negotiation;
  }

  onRemoteTrack(e) {
    const id = e.streams[0]?.id || e.track.id;
    let v = this.remoteVideos.get(id);
    if (!v) {
      v = document.createElement('video');
      v.autoplay = true; v.playsInline = true; v.muted = true;   // muted: autoplay policy; audio still decodes
      v.dataset.participant = id;
      v.srcObject = new MediaStream();
      this.remoteContainer.appendChild(v);
      this.remoteVideos.set(id, v);
      watchClock(v, (ms) => this.latencySamples.push(ms));
    }
    v.srcObject.addTrack(e.track);
    v.play().catch(() => {});
    e.track.onended = () => v.srcObject.removeTrack(e.track);
  }

  // WHIP (RFC 9725) publish straight from the browser.
  async whipPublish(opts) {
    const token = await this.token(opts);
    const stream = await this.localMedia(opts);
    const pc = this.makePc();
    this.addSendTracks(pc, stream, opts);
    await pc.setLocalDescription(await pc.createOffer());
    const res = await fetch(`/whip/${encodeURIComponent(opts.room)}`, {
      method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + token }, body: pc.localDescription.sdp,
    });
    if (res.status !== 201) throw new Error('WHIP ' + res.status + ' ' + await res.text());
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    this.whipSessions.push({ pc, url: res.headers.get('Location'), token });
    this.publisher = pc;
    return res.headers.get('Location');
  }

  // WHEP playback: recvonly audio+video of one publisher of the room.
  async whepPlay(opts) {
    const token = await this.token(opts);
    const pc = this.makePc();
    pc.addTransceiver('audio', { direction: 'recvonly' });
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.ontrack = (e) => this.onRemoteTrack({ track: e.track, streams: [{ id: 'whep-' + (opts.source || 'room') }] });
    await pc.setLocalDescription(await pc.createOffer());
    const q = opts.source ? `?source=${encodeURIComponent(opts.source)}` : '';
    const res = await fetch(`/whep/${encodeURIComponent(opts.room)}${q}`, {
      method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + token }, body: pc.localDescription.sdp,
    });
    if (res.status !== 201) throw new Error('WHEP ' + res.status + ' ' + await res.text());
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
    this.whipSessions.push({ pc, url: res.headers.get('Location'), token });
    this.subscriber = pc;
    return res.headers.get('Location');
  }

  // Totals of what arrived through the SFU, from getStats(): video frames decoded, audio samples received.
  async inboundStats() {
    const out = { framesDecoded: 0, framesReceived: 0, audioSamples: 0, audioPackets: 0, videoPackets: 0, nackCount: 0, pliCount: 0, packetsLost: 0, byCodec: {} };
    const pcs = [this.subscriber, ...this.whipSessions.map(s => s.pc)].filter(Boolean);
    for (const pc of new Set(pcs)) {
      const stats = await pc.getStats();
      const codecs = new Map();
      stats.forEach(s => { if (s.type === 'codec') codecs.set(s.id, s.mimeType); });
      stats.forEach(s => {
        if (s.type !== 'inbound-rtp') return;
        if (s.kind === 'video') {
          out.framesDecoded += s.framesDecoded || 0; out.framesReceived += s.framesReceived || 0;
          out.videoPackets += s.packetsReceived || 0; out.nackCount += s.nackCount || 0; out.pliCount += s.pliCount || 0;
          const mime = codecs.get(s.codecId); if (mime) out.byCodec[mime] = (out.byCodec[mime] || 0) + (s.framesDecoded || 0);
        } else if (s.kind === 'audio') {
          out.audioSamples += s.totalSamplesReceived || 0; out.audioPackets += s.packetsReceived || 0;
        }
        out.packetsLost += s.packetsLost || 0;
      });
    }
    return out;
  }

  // The publisher connection's send-side bandwidth estimate (bits/s), driven by the SFU's transport-wide CC feedback.
  async publishEstimate() {
    if (!this.publisher) return 0;
    let bps = 0;
    (await this.publisher.getStats()).forEach(s => {
      if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate) bps = s.availableOutgoingBitrate;
    });
    return bps;
  }

  // Widths of the video frames being decoded now, per inbound video stream.
  async inboundFrameWidths() {
    const widths = [];
    const pcs = [this.subscriber, ...this.whipSessions.map(s => s.pc)].filter(Boolean);
    for (const pc of new Set(pcs)) (await pc.getStats()).forEach(s => {
      if (s.type === 'inbound-rtp' && s.kind === 'video' && s.frameWidth) widths.push(s.frameWidth);
    });
    return widths;
  }

  remoteParticipants() { return [...this.remoteVideos.keys()]; }

  async leave() {
    for (const s of this.whipSessions) {
      await fetch(s.url, { method: 'DELETE', headers: { Authorization: 'Bearer ' + s.token } }).catch(() => {});
      s.pc.close();
    }
    this.whipSessions = [];
    this.publisher?.close(); this.subscriber?.close();
    this.publisher = this.subscriber = null;
    await this.hub?.stop();
    await this.room?.stop();
    this.clock?.stop();
    this.media?.getTracks().forEach(t => t.stop());
    this.media = null;
  }
}
