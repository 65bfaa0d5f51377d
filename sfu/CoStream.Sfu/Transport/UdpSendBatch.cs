using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CoStream.Sfu.Transport;

/// <summary>
/// Collects the datagrams the loop sends while it handles one incoming datagram (a 1→N fan-out)
/// and hands them to the kernel in one <c>sendmmsg(2)</c> call on Linux, instead of N <c>sendto</c>
/// calls. Slots are pinned arrays and the message headers live in native memory, so a batch
/// allocates nothing. Loop thread only. On other systems it sends each datagram at once.
/// </summary>
internal sealed unsafe class UdpSendBatch : IDisposable
{
    public const int Capacity = 64;
    private const int AddressSize = 128; // sizeof(struct sockaddr_storage)

    private readonly Socket _socket;
    private readonly int _fd;
    private readonly bool _native;
    private readonly byte[][] _slots = new byte[Capacity][];
    private readonly SocketAddress?[] _fallbackTargets = new SocketAddress?[Capacity];
    private readonly MMsgHdr* _messages;
    private readonly IoVec* _vectors;
    private readonly byte* _addresses;
    private int _count;

    public UdpSendBatch(Socket socket, int slotSize, bool useSendmmsg = true)
    {
        _socket = socket;
        _fd = (int)socket.SafeHandle.DangerousGetHandle();
        _native = useSendmmsg && OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;
        for (var i = 0; i < Capacity; i++) _slots[i] = GC.AllocateArray<byte>(slotSize, pinned: true);
        _messages = (MMsgHdr*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(MMsgHdr)));
        _vectors = (IoVec*)NativeMemory.AllocZeroed((nuint)(Capacity * sizeof(IoVec)));
        _addresses = (byte*)NativeMemory.AllocZeroed(Capacity * AddressSize);
        for (var i = 0; i < Capacity; i++)
        {
            _vectors[i].Base = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_slots[i]));
            _messages[i].Header.Name = (nint)(_addresses + i * AddressSize);
            _messages[i].Header.Iov = (nint)(_vectors + i);
            _messages[i].Header.IovLen = 1;
        }
    }

    public long Syscalls { get; private set; }
    public long Datagrams { get; private set; }
    public long Errors { get; private set; }

    /// <summary>The slot the next datagram is written into.</summary>
    public byte[] Current => _slots[_count];

    /// <summary>Queues the first <paramref name="length"/> bytes of <see cref="Current"/> for <paramref name="to"/>.</summary>
    public void Enqueue(int length, SocketAddress to)
    {
        if (!_native)
        {
            Send(_slots[_count].AsSpan(0, length), to);
            return;
        }
        var size = Math.Min(to.Size, AddressSize);
        to.Buffer.Span.Slice(0, size).CopyTo(new Span<byte>(_addresses + _count * AddressSize, size));
        _messages[_count].Header.NameLen = (uint)size;
        _vectors[_count].Length = (nuint)length;
        if (++_count == Capacity) Flush();
    }

    /// <summary>Sends everything queued.</summary>
    public void Flush()
    {
        if (_disposed != 0) { _count = 0; return; }
        var sent = 0;
        while (sent < _count)
        {
            var n = SendMmsg(_fd, _messages + sent, (uint)(_count - sent), 0);
            Syscalls++;
            if (n <= 0)
            {
                // The first message failed (e.g. EPERM, ENOBUFS): drop it and go on with the rest.
                Errors++;
                sent++;
                continue;
            }
            sent += n;
            Datagrams += n;
        }
        _count = 0;
    }

    private void Send(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, to);
            Syscalls++;
            Datagrams++;
        }
        catch (SocketException)
        {
            Errors++;
        }
    }

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        NativeMemory.Free(_messages);
        NativeMemory.Free(_vectors);
        NativeMemory.Free(_addresses);
    }

    [DllImport("libc", EntryPoint = "sendmmsg", SetLastError = true)]
    private static extern int SendMmsg(int fd, MMsgHdr* messages, uint count, int flags);

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public nint Base;
        public nuint Length;
    }

    // struct msghdr (Linux, LP64): name, namelen, iov, iovlen, control, controllen, flags.
    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public nint Name;
        public uint NameLen;
        public nint Iov;
        public nuint IovLen;
        public nint Control;
        public nuint ControlLen;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MMsgHdr
    {
        public MsgHdr Header;
        public uint Length;
    }
}
