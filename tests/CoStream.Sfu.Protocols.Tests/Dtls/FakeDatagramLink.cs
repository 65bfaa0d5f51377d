using System.Collections.Concurrent;
using System.Threading.Channels;
using CoStream.Sfu.Protocols.Dtls;

namespace CoStream.Sfu.Protocols.Tests.Dtls;

/// <summary>Direction of a datagram on the <see cref="FakeDatagramLink"/>.</summary>
public enum LinkDirection
{
    ClientToServer = 0,
    ServerToClient = 1,
}

/// <summary>
/// In-memory UDP between a DTLS client and server: each direction is a queue drained by its own
/// task (so a send never re-enters the receiver on the sender's thread, as with a real socket).
/// A drop rule sees (direction, index within direction, bytes) and may lose the datagram.
/// Every datagram sent is recorded for later use as a fuzzing seed.
/// </summary>
internal sealed class FakeDatagramLink : IAsyncDisposable
{
    private readonly Channel<byte[]>[] _channels =
    {
        Channel.CreateUnbounded<byte[]>(), Channel.CreateUnbounded<byte[]>(),
    };

    private readonly int[] _sent = new int[2];
    private readonly Task[] _pumps = new Task[2];
    private readonly DtlsSrtpTransport?[] _receivers = new DtlsSrtpTransport?[2];

    internal FakeDatagramLink()
    {
        ClientSender = new Sender(this, LinkDirection.ClientToServer);
        ServerSender = new Sender(this, LinkDirection.ServerToClient);
    }

    /// <summary>Return true to lose the datagram.</summary>
    internal Func<LinkDirection, int, byte[], bool> Drop { get; set; } = (_, _, _) => false;

    internal IDatagramSender ClientSender { get; }

    internal IDatagramSender ServerSender { get; }

    internal ConcurrentQueue<(LinkDirection Direction, byte[] Datagram)> Sent { get; } = new();

    internal int DroppedCount;

    internal void Connect(DtlsSrtpTransport client, DtlsSrtpTransport server)
    {
        _receivers[(int)LinkDirection.ClientToServer] = server;
        _receivers[(int)LinkDirection.ServerToClient] = client;
        for (int i = 0; i < 2; i++)
        {
            int direction = i;
            _pumps[i] = Task.Run(async () =>
            {
                await foreach (byte[] datagram in _channels[direction].Reader.ReadAllAsync())
                {
                    _receivers[direction]!.ReceiveDatagram(datagram);
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (Channel<byte[]> channel in _channels)
        {
            channel.Writer.TryComplete();
        }

        foreach (Task pump in _pumps)
        {
            if (pump is not null)
            {
                await pump;
            }
        }
    }

    private void Transmit(LinkDirection direction, ReadOnlySpan<byte> datagram)
    {
        byte[] copy = datagram.ToArray();
        int index = Interlocked.Increment(ref _sent[(int)direction]) - 1;
        Sent.Enqueue((direction, copy));
        if (Drop(direction, index, copy))
        {
            Interlocked.Increment(ref DroppedCount);
            return;
        }

        _channels[(int)direction].Writer.TryWrite(copy);
    }

    private sealed class Sender : IDatagramSender
    {
        private readonly FakeDatagramLink _link;
        private readonly LinkDirection _direction;

        internal Sender(FakeDatagramLink link, LinkDirection direction)
        {
            _link = link;
            _direction = direction;
        }

        public void Send(ReadOnlySpan<byte> datagram) => _link.Transmit(_direction, datagram);
    }
}
