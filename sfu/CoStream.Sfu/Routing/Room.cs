using CoStream.Sfu.Streams;
using CoStream.Sfu.Transport;

namespace CoStream.Sfu.Routing;

/// <summary>
/// A room: its transports, the producers published in it, and its dominant speaker. When a
/// producer comes or goes, every subscriber connection in the room is re-offered. Loop thread only.
/// </summary>
internal sealed class Room(string id, Router router)
{
    private readonly List<WebRtcTransport> _transports = [];
    private readonly List<Producer> _producers = [];
    private readonly ActiveSpeakerDetector<string> _speakers = new();

    public string Id { get; } = id;
    public IReadOnlyList<Producer> Producers => _producers;
    public IReadOnlyList<WebRtcTransport> Transports => _transports;
    public string? ActiveSpeaker { get; private set; }
    public bool IsEmpty => _transports.Count == 0;

    public void AddTransport(WebRtcTransport transport) => _transports.Add(transport);

    public void RemoveTransport(WebRtcTransport transport)
    {
        _transports.Remove(transport);
        var removed = _producers.RemoveAll(p => p.Transport == transport);
        if (removed > 0 || transport.Consumers.Count > 0) RenegotiateSubscribers();
        if (removed > 0) router.RenegotiateWatchers(this);
        if (!_transports.Any(t => t.Participant == transport.Participant)) _speakers.Remove(transport.Participant);
    }

    public void AddProducers(IEnumerable<Producer> producers)
    {
        _producers.AddRange(producers);
        foreach (var transport in _transports)
            if (transport.Signaling is { } signaling) signaling.SyncConsumers();
        router.RenegotiateWatchers(this);
    }

    public void RenegotiateSubscribers()
    {
        foreach (var transport in _transports)
            if (transport.Signaling is { } signaling) signaling.SyncConsumers();
    }

    public void OnAudioLevel(string participant, byte level, bool voice, long nowMs) =>
        _speakers.OnAudioLevel(participant, level, voice, nowMs);

    public void OnTick(long nowMs)
    {
        if (_speakers.TryGetChange(nowMs, out var speaker) && speaker != ActiveSpeaker)
        {
            ActiveSpeaker = speaker;
            router.OnActiveSpeakerChanged(this, speaker);
        }
    }
}
