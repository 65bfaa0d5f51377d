using System.Buffers.Binary;
using CoStream.Sfu.Protocols.Demux;
using CoStream.Sfu.Protocols.Srtp;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>
/// SRTP/SRTCP unprotection (RFC 3711, RFC 7714) for one profile, with the unit tests' master keys
/// (RFC 3711 Appendix B.3; libsrtp's GCM vector). The classifier picks RTP or RTCP, as the
/// transport does. A sender keeps producing genuine packets, so fresh ones are accepted and their
/// mutations reach the authentication and replay checks.
/// </summary>
internal sealed class SrtpTarget : FuzzTarget
{
    private static readonly byte[] Rfc3711MasterKey = Convert.FromHexString("E1F97A0D3E018BE0D64FA32C06DE4139");
    private static readonly byte[] Rfc3711MasterSalt = Convert.FromHexString("0EC675AD498AFEEBB6960B3AABE6");
    private static readonly byte[] GcmMasterKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f");
    private static readonly byte[] GcmMasterSalt = Convert.FromHexString("a0a1a2a3a4a5a6a7a8a9aaab");
    private const uint Ssrc = 0x0BADF00D;

    private readonly SrtpProfile _profile;
    private readonly SrtpContext _sender;
    private readonly SrtpContext _receiver;
    private byte[] _buffer = new byte[2048];
    private readonly List<byte[]> _seeds = new();
    private ushort _sequence = 1000;

    public SrtpTarget(SrtpProfile profile, string name)
    {
        _profile = profile;
        Name = name;
        (byte[] key, byte[] salt) = profile == SrtpProfile.AeadAes128Gcm
            ? (GcmMasterKey, GcmMasterSalt)
            : (Rfc3711MasterKey, Rfc3711MasterSalt);
        _sender = new SrtpContext(profile, key, salt);
        _receiver = new SrtpContext(profile, key, salt);
        var random = new Random((int)profile);
        foreach (byte[] rtp in FuzzSeeds.Rtp(16))
        {
            _seeds.Add(Protect(rtp, isRtcp: false));
        }

        foreach (byte[] rtcp in FuzzSeeds.Rtcp())
        {
            _seeds.Add(Protect(rtcp, isRtcp: true));
        }

        // The receiver has seen the seeds: replays of them are duplicates or too old.
        foreach (byte[] seed in _seeds)
        {
            _ = Run(seed);
        }
    }

    public override string Name { get; }

    public override string Folder => "Srtp";

    public override string EntryPoints => $"SrtpContext.UnprotectRtp / UnprotectRtcp ({_profile})";

    public override IReadOnlyList<byte[]> Seeds => _seeds;

    public override void FindLengthFields(ReadOnlySpan<byte> input, List<LengthField> fields)
    {
        if (PacketClassifier.Classify(input) == PacketKind.Rtcp)
        {
            LengthFieldWalker.Rtcp(input, fields);
        }
        else
        {
            LengthFieldWalker.Rtp(input, fields);
        }
    }

    public override byte[]? NextFreshSeed(Random random)
    {
        if (random.Next(2) == 0)
        {
            IReadOnlyList<byte[]> plain = FuzzSeeds.Rtcp();
            return Protect(plain[random.Next(plain.Count)], isRtcp: true);
        }

        byte[] rtp = FuzzSeeds.ChromeVp8Packet.ToArray();
        BinaryPrimitives.WriteUInt16BigEndian(rtp.AsSpan(2), ++_sequence);
        BinaryPrimitives.WriteUInt32BigEndian(rtp.AsSpan(8), Ssrc);
        return Protect(rtp, isRtcp: false);
    }

    public override string? Run(byte[] input)
    {
        if (_buffer.Length < input.Length + 64)
        {
            _buffer = new byte[input.Length + 64];
        }

        // As a socket hands it over: the datagram at the start of a larger receive buffer.
        input.CopyTo(_buffer, 0);
        Span<byte> span = _buffer.AsSpan(0, input.Length + 64);
        bool isRtcp = PacketClassifier.Classify(input) == PacketKind.Rtcp;
        SrtpError error = isRtcp
            ? _receiver.UnprotectRtcp(span, input.Length, out int plainLength)
            : _receiver.UnprotectRtp(span, input.Length, out plainLength);
        if (error != SrtpError.None)
        {
            return ReasonName<SrtpError>.Of(isRtcp ? "Rtcp" : "Rtp", error);
        }

        FuzzInvariant.Check(plainLength > 0 && plainLength <= input.Length, $"plain length {plainLength} of {input.Length}");
        return null;
    }

    private byte[] Protect(byte[] plain, bool isRtcp)
    {
        byte[] buffer = new byte[plain.Length + SrtpContext.MaxRtcpOverhead + SrtpContext.MaxRtpOverhead];
        plain.CopyTo(buffer, 0);
        SrtpError error = isRtcp
            ? _sender.ProtectRtcp(buffer, plain.Length, out int length)
            : _sender.ProtectRtp(buffer, plain.Length, out length);
        if (error != SrtpError.None)
        {
            throw new InvalidOperationException($"seed not protected: {error}");
        }

        return buffer[..length];
    }
}
