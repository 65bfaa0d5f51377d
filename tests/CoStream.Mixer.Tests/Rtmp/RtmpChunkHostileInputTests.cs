using CoStream.Mixer.Rtmp;
using CoStream.Mixer.Tests.Flv;

namespace CoStream.Mixer.Tests.Rtmp;

/// <summary>Random, truncated and mutated bytes into the RTMP chunk reader: refused and counted, never thrown.</summary>
public class RtmpChunkHostileInputTests
{
    private const int Cases = 100_000;

    [Fact]
    public void RtmpChunkReader_RandomAndMutatedInput_IsRefusedAndCounted()
    {
        var rng = new Random(4203);
        var w = new System.Buffers.ArrayBufferWriter<byte>();
        RtmpChunkWriter.WriteControl(w, RtmpMessageType.WindowAcknowledgementSize, 5_000_000);
        RtmpChunkWriter.WriteMessage(w, 3, RtmpMessageType.CommandAmf0, 0, 0, RtmpCommand.Encode("_result", 1, null, "x"), 128);
        RtmpChunkWriter.WriteMessage(w, 6, RtmpMessageType.Video, 0x1000000, 1, new byte[700], 128); // extended timestamp, 6 chunks
        var valid = w.WrittenSpan.ToArray();
        long refused = 0, messages = 0;
        for (int i = 0; i < Cases / 2; i++)
        {
            var reader = new RtmpChunkReader(maxMessageSize: 64 * 1024);
            var input = FlvHostileInputTests.Mutate(rng, valid, i);
            int at = 0;
            while (at < input.Length)
            {
                var e = reader.TryRead(input.AsSpan(at), out var m, out var consumed);
                if (m != null) messages++;
                if (e == RtmpChunkError.NeedMoreData) break;
                if (e != RtmpChunkError.None) { Assert.True(reader.Refused > 0); refused++; break; }
                Assert.True(consumed > 0);
                at += consumed;
            }
        }
        Assert.True(refused > 1000, $"{refused} refusals");
        Assert.True(messages > 1000, $"{messages} messages");
    }

    [Fact]
    public void RtmpChunkReader_HostileHeaders_AreRefusedWithReasons()
    {
        // fmt 1 on a chunk stream never opened
        Assert.Equal(RtmpChunkError.UnknownChunkStream, new RtmpChunkReader().TryRead([0x43, 0, 0, 0, 0, 0, 4, 9], out _, out _));
        // fmt 0 announcing a 16 MiB message to a reader bounded at 1 MiB
        Assert.Equal(RtmpChunkError.MessageTooLarge, new RtmpChunkReader().TryRead([0x03, 0, 0, 0, 0xFF, 0xFF, 0xFF, 9, 0, 0, 0, 0], out _, out _));
        // Set Chunk Size 0
        var r = new RtmpChunkReader();
        Assert.Equal(RtmpChunkError.BadChunkSize, r.TryRead([0x02, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0], out _, out _));
        Assert.Equal(1, r.Refused);
    }
}
