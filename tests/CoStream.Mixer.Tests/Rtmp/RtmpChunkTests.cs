using System.Buffers;
using CoStream.Mixer.Rtmp;

namespace CoStream.Mixer.Tests.Rtmp;

public class RtmpChunkTests
{
    private static List<RtmpMessage> ReadAll(RtmpChunkReader reader, ReadOnlySpan<byte> data, int feed = int.MaxValue)
    {
        // Hand the reader the bytes in slices of `feed` to prove that partial chunks consume nothing.
        var messages = new List<RtmpMessage>();
        var buffer = new List<byte>();
        int given = 0;
        while (given < data.Length || buffer.Count > 0)
        {
            var n = Math.Min(feed, data.Length - given);
            buffer.AddRange(data.Slice(given, n).ToArray());
            given += n;
            var span = buffer.ToArray().AsSpan();
            int at = 0;
            while (true)
            {
                var e = reader.TryRead(span[at..], out var m, out var consumed);
                if (e == RtmpChunkError.NeedMoreData) break;
                Assert.Equal(RtmpChunkError.None, e);
                if (m != null) messages.Add(m);
                at += consumed;
            }
            buffer.RemoveRange(0, at);
            if (n == 0 && at == 0) break;
        }
        return messages;
    }

    [Fact]
    public void Rtmp_5_3_1_Type0ThenType3Continuations_RoundTrip_InAnySlicing()
    {
        var w = new ArrayBufferWriter<byte>();
        var payload = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        RtmpChunkWriter.WriteMessage(w, 6, RtmpMessageType.Video, 1234, 1, payload, 128);
        // 12-byte type-0 header + 1000 bytes + 7 one-byte type-3 headers
        Assert.Equal(12 + 1000 + 7, w.WrittenCount);
        Assert.Equal(0x06, w.WrittenSpan[0]);
        Assert.Equal(0xC6, w.WrittenSpan[12 + 128]);
        foreach (var feed in new[] { 1, 7, 128, 5000 })
        {
            var m = Assert.Single(ReadAll(new RtmpChunkReader(), w.WrittenSpan, feed));
            Assert.Equal((RtmpMessageType.Video, 1234u, 1u), (m.Type, m.Timestamp, m.StreamId));
            Assert.Equal(payload, m.Payload);
        }
    }

    [Fact]
    public void Rtmp_5_3_1_3_ExtendedTimestamp_InEveryChunk()
    {
        var w = new ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteMessage(w, 4, RtmpMessageType.Audio, 0x01234567, 1, new byte[300], 128);
        Assert.Equal(12 + 4 + 300 + 2 * (1 + 4), w.WrittenCount);
        Assert.Equal(new byte[] { 0xFF, 0xFF, 0xFF }, w.WrittenSpan[1..4].ToArray());
        var m = Assert.Single(ReadAll(new RtmpChunkReader(), w.WrittenSpan));
        Assert.Equal(0x01234567u, m.Timestamp);
    }

    [Fact]
    public void SetChunkSize_FromThePeer_AppliesToWhatFollows()
    {
        var w = new ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteControl(w, RtmpMessageType.SetChunkSize, 4096);
        RtmpChunkWriter.WriteMessage(w, 6, RtmpMessageType.Video, 0, 1, new byte[4000], 4096); // one chunk
        var reader = new RtmpChunkReader();
        var messages = ReadAll(reader, w.WrittenSpan);
        Assert.Equal(2, messages.Count);
        Assert.Equal(4096, reader.ChunkSize);
        Assert.Equal(4000, messages[1].Payload.Length);
    }

    [Fact]
    public void Rtmp_5_3_1_2_Type1And2Headers_AccumulateDeltas()
    {
        // csid 5: type 0 (ts 1000, len 2, type 8, stream 1), type 1 (delta 20, len 1, type 8), type 2 (delta 20), type 3 (same delta)
        byte[] bytes =
        [
            0x05, 0x00, 0x03, 0xE8, 0x00, 0x00, 0x02, 0x08, 0x01, 0x00, 0x00, 0x00, 0xAA, 0xBB,
            0x45, 0x00, 0x00, 0x14, 0x00, 0x00, 0x01, 0x08, 0xCC,
            0x85, 0x00, 0x00, 0x14, 0xDD,
            0xC5, 0xEE,
        ];
        var messages = ReadAll(new RtmpChunkReader(), bytes);
        Assert.Equal(new uint[] { 1000, 1020, 1040, 1060 }, messages.Select(m => m.Timestamp));
        Assert.All(messages, m => Assert.Equal(1u, m.StreamId));
        Assert.Equal(new byte[] { 0xDD }, messages[2].Payload);
    }

    [Fact]
    public void TwoAndThreeByteBasicHeaders_AreRead()
    {
        byte[] bytes =
        [
            0x00, 0x0A, 0x00, 0x00, 0x01, 0x00, 0x00, 0x01, 0x12, 0x00, 0x00, 0x00, 0x00, 0x7F, // csid 74
            0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0x12, 0x00, 0x00, 0x00, 0x00, 0x7E, // csid 64 + 0 + 256
        ];
        var messages = ReadAll(new RtmpChunkReader(), bytes);
        Assert.Equal(new[] { 74, 320 }, messages.Select(m => m.ChunkStreamId));
    }

    [Theory]
    [InlineData("rtmp://127.0.0.1:1936/live/room1", "127.0.0.1", 1936, "live", "room1")]
    [InlineData("rtmp://127.0.0.1/live/a/b", "127.0.0.1", 1935, "live", "a/b")]
    public void RtmpUrl_Parses(string text, string host, int port, string app, string stream)
    {
        Assert.True(RtmpUrl.TryParse(text, out var url, out var reason), reason);
        Assert.Equal((host, port, app, stream), (url!.Host, url.Port, url.App, url.Stream));
        Assert.Equal($"rtmp://{host}:{port}/{app}", url.TcUrl);
    }

    [Theory]
    [InlineData("http://127.0.0.1/live/x")]
    [InlineData("rtmp://127.0.0.1/live")]
    [InlineData("rtmp://127.0.0.1/live/")]
    public void RtmpUrl_RefusesWhatIsNotAppAndStream(string text) => Assert.False(RtmpUrl.TryParse(text, out _, out _));

    [Fact]
    public void Backoff_DoublesAndIsCapped()
    {
        var o = new RtmpPublisherOptions { Url = "rtmp://127.0.0.1/live/x", ReconnectInitialDelay = TimeSpan.FromMilliseconds(100), ReconnectMaxDelay = TimeSpan.FromSeconds(1) };
        Assert.Equal(new double[] { 100, 200, 400, 800, 1000, 1000 }, Enumerable.Range(0, 6).Select(i => o.BackoffDelay(i).TotalMilliseconds));
        Assert.Equal(1000, o.BackoffDelay(1000).TotalMilliseconds);
    }
}
