using System.Buffers.Text;
using System.Diagnostics;
using System.Text.Json;
using CoStream.LoadTest.Client;

namespace CoStream.LoadTest.Fanout;

/// <summary>
/// One room member of the benchmark: counts the <c>chat.comment</c> events whose text is the sender's timestamp
/// (<c>t:&lt;Stopwatch ticks&gt;</c>) and records their one-way latency, for the ones sent inside the measured window.
/// Called on its connection's receive loop only (one writer).
/// </summary>
internal sealed class FanoutReceiver
{
    private readonly LatencyHistogram _latency = new();
    private long _windowStart = long.MaxValue, _windowEnd = long.MaxValue;

    public long Received;
    public long OutOfOrder;
    private long _lastSentTicks;

    public SignalRJsonClient? Connection { get; set; }

    public LatencyHistogram Latency => _latency;

    public void SetWindow(long startTicks, long endTicks)
    {
        Volatile.Write(ref _windowStart, startTicks);
        Volatile.Write(ref _windowEnd, endTicks);
    }

    public void OnInvocation(string target, ReadOnlySpan<byte> record)
    {
        var now = Stopwatch.GetTimestamp();
        if (target != "event") return;
        var reader = new Utf8JsonReader(record);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("text")) continue;
            reader.Read();
            var text = reader.ValueSpan;
            if (text.Length < 3 || text[0] != (byte)'t' || text[1] != (byte)':' || !Utf8Parser.TryParse(text[2..], out long sent, out _, 'D')) return;
            if (sent < _lastSentTicks) OutOfOrder++;
            _lastSentTicks = sent;
            if (sent < Volatile.Read(ref _windowStart) || sent >= Volatile.Read(ref _windowEnd)) return;
            Received++;
            _latency.Record((now - sent) * 1_000_000 / Stopwatch.Frequency);
            return;
        }
    }
}
