using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using CoStream.Mixer.Flv;
using CoStream.Mixer.Rtmp;
using CoStream.Mixer.Tests.Flv;

namespace CoStream.Mixer.Tests.Rtmp;

/// <summary>
/// RtmpConnection and RtmpPublisher against a scripted server on loopback (a TcpListener speaking just enough
/// RTMP): acknowledgement windows, peer bandwidth, ping — things nginx does not exercise in a 3 s test.
/// </summary>
public class RtmpConnectionTests
{
    /// <summary>The server side of one connection: handshake, then chunked messages both ways.</summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private TcpClient? _client;
        private NetworkStream? _stream;
        private readonly RtmpChunkReader _reader = new(16 << 20);
        private readonly byte[] _buffer = new byte[1 << 20];
        private int _filled;
        private readonly ArrayBufferWriter<byte> _out = new();
        public long BytesReceived { get; private set; }

        public ScriptedServer() => _listener.Start();
        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public async Task AcceptAsync()
        {
            _client = await _listener.AcceptTcpClientAsync();
            _stream = _client.GetStream();
            var c0c1 = new byte[1537];
            await _stream.ReadExactlyAsync(c0c1);
            var s = new byte[1 + 1536 * 2];
            s[0] = 3;
            c0c1.AsSpan(1).CopyTo(s.AsSpan(1 + 1536)); // S2 echoes C1
            await _stream.WriteAsync(s);
            await _stream.ReadExactlyAsync(new byte[1536]); // C2
        }

        public async Task SendAsync(Action<ArrayBufferWriter<byte>> write)
        {
            _out.ResetWrittenCount();
            write(_out);
            await _stream!.WriteAsync(_out.WrittenMemory);
        }

        public Task SendControlAsync(RtmpMessageType type, uint value) => SendAsync(w => RtmpChunkWriter.WriteControl(w, type, value));

        public async Task<RtmpMessage> ReceiveAsync(Func<RtmpMessage, bool>? match = null)
        {
            while (true)
            {
                int at = 0;
                while (true)
                {
                    var e = _reader.TryRead(_buffer.AsSpan(at, _filled - at), out var m, out var consumed);
                    if (e == RtmpChunkError.NeedMoreData) break;
                    Assert.Equal(RtmpChunkError.None, e);
                    at += consumed;
                    if (m != null && (match == null || match(m)))
                    {
                        Array.Copy(_buffer, at, _buffer, 0, _filled - at);
                        _filled -= at;
                        return m;
                    }
                }
                Array.Copy(_buffer, at, _buffer, 0, _filled - at);
                _filled -= at;
                var n = await _stream!.ReadAsync(_buffer.AsMemory(_filled));
                if (n == 0) throw new IOException("client closed");
                _filled += n;
                BytesReceived += n;
            }
        }

        public async ValueTask DisposeAsync()
        {
            _client?.Dispose();
            _listener.Stop();
            await Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Rtmp_5_4_Acknowledgement_WindowAndPing_AreAnswered()
    {
        await using var server = new ScriptedServer();
        var accept = server.AcceptAsync();
        await using var client = await RtmpConnection.ConnectAsync("127.0.0.1", server.Port, TimeSpan.FromSeconds(5), CancellationToken.None);
        await accept;

        await server.SendControlAsync(RtmpMessageType.WindowAcknowledgementSize, 1000);
        await server.SendAsync(w => RtmpChunkWriter.WriteMessage(w, 5, RtmpMessageType.DataAmf0, 0, 1, new byte[1500], 128));
        var ack = await server.ReceiveAsync(m => m.Type == RtmpMessageType.Acknowledgement);
        Assert.InRange(BinaryPrimitives.ReadUInt32BigEndian(ack.Payload), 1000u, 2000u); // bytes the client had received

        await server.SendAsync(w => RtmpChunkWriter.WriteUserControl(w, RtmpUserControlEvent.PingRequest, 777));
        var pong = await server.ReceiveAsync(m => m.Type == RtmpMessageType.UserControl);
        Assert.Equal((ushort)RtmpUserControlEvent.PingResponse, BinaryPrimitives.ReadUInt16BigEndian(pong.Payload));
        Assert.Equal(777u, BinaryPrimitives.ReadUInt32BigEndian(pong.Payload.AsSpan(2)));

        // §5.4.5: Set Peer Bandwidth is answered with a Window Acknowledgement Size (half the window: acks come early).
        var bandwidth = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(bandwidth, 4000);
        bandwidth[4] = 2; // dynamic
        await server.SendAsync(w => RtmpChunkWriter.WriteMessage(w, 2, RtmpMessageType.SetPeerBandwidth, 0, 0, bandwidth, 128));
        var window = await server.ReceiveAsync(m => m.Type == RtmpMessageType.WindowAcknowledgementSize);
        Assert.Equal(2000u, BinaryPrimitives.ReadUInt32BigEndian(window.Payload));

        // With 4000 bytes of peer bandwidth, a second 5000-byte message waits for the server's Acknowledgement.
        var first = client.SendMessageAsync(6, RtmpMessageType.Video, 0, 1, new byte[5000], CancellationToken.None);
        await first;
        var second = client.SendMessageAsync(6, RtmpMessageType.Video, 40, 1, new byte[5000], CancellationToken.None);
        var m1 = await server.ReceiveAsync(m => m.Type == RtmpMessageType.Video);
        Assert.Equal(5000, m1.Payload.Length);
        Assert.False(second.IsCompleted, "the second message went out without an acknowledgement");
        await server.SendControlAsync(RtmpMessageType.Acknowledgement, (uint)client.BytesSent);
        await second;
        var m2 = await server.ReceiveAsync(m => m.Type == RtmpMessageType.Video);
        Assert.Equal(40u, m2.Timestamp);
        Assert.Equal(1, client.AcknowledgementsReceived);
    }

    /// <summary>
    /// A server that grants a small peer bandwidth and never acknowledges: the writer stalls on the window, the
    /// queue fills, and the publisher drops non-key video first (counted) — the mixer's calls never block.
    /// </summary>
    [Fact]
    public async Task StalledServer_QueueFills_FramesDroppedAndCounted_WritesNeverBlock()
    {
        await using var server = new ScriptedServer();
        var accept = server.AcceptAsync();
        await using var publisher = new RtmpPublisher(new RtmpPublisherOptions { Url = $"rtmp://127.0.0.1:{server.Port}/live/s", QueueCapacity = 16 });
        publisher.Start();
        await accept;

        var bandwidth = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(bandwidth, 8000);
        await server.SendAsync(w => RtmpChunkWriter.WriteMessage(w, 2, RtmpMessageType.SetPeerBandwidth, 0, 0, bandwidth, 128));
        var connect = await server.ReceiveAsync(m => m.Type == RtmpMessageType.CommandAmf0);
        Assert.Equal(Amf0Error.None, RtmpCommand.TryRead(connect.Payload, out var cmd));
        Assert.Equal("connect", cmd!.Name);
        Assert.Equal("live", Assert.IsType<Amf0Object>(cmd.Arguments[0])["app"]);
        await server.SendAsync(w => RtmpChunkWriter.WriteMessage(w, 3, RtmpMessageType.CommandAmf0, 0, 0,
            RtmpCommand.Encode("_result", cmd.TransactionId, null, new Amf0Object { { "code", "NetConnection.Connect.Success" } }), 128));
        while (true)
        {
            var m = await server.ReceiveAsync(m => m.Type == RtmpMessageType.CommandAmf0);
            RtmpCommand.TryRead(m.Payload, out cmd);
            if (cmd!.Name == "createStream")
                await server.SendAsync(w => RtmpChunkWriter.WriteMessage(w, 3, RtmpMessageType.CommandAmf0, 0, 0, RtmpCommand.Encode("_result", cmd.TransactionId, null, 1.0), 4096));
            if (cmd.Name == "publish") break;
        }
        await server.SendAsync(w => RtmpChunkWriter.WriteMessage(w, 3, RtmpMessageType.CommandAmf0, 0, 1,
            RtmpCommand.Encode("onStatus", 0, null, new Amf0Object { { "level", "status" }, { "code", "NetStream.Publish.Start" } }), 4096));
        RtmpPublisherNginxTests.WaitUntil(() => publisher.State == RtmpPublisherState.Publishing, TimeSpan.FromSeconds(10), "publishing");

        var video = MediaTools.Video(90, gop: 30, hevc: false);
        publisher.WriteMetadata(MediaTools.Metadata(hevc: false, null));
        MediaTools.Feed(publisher, video, null, 48_000); // returns: nothing here waits for the network
        Assert.True(publisher.TagsDroppedBehind > 0, "frames were dropped when the queue was full");
        Assert.InRange(publisher.QueueLength, 1, 16);
        Assert.True(publisher.TagsSent < 90);
    }
}
