using CoStream.Sfu.Protocols.Codecs;
using CoStream.Sfu.Protocols.Rtp;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>
/// RTP header (RFC 3550 §5.1), RFC 8285 extension elements and their values, then the payload
/// through the codec parsers, as the producer path reads a packet.
/// </summary>
internal sealed class RtpTarget : FuzzTarget
{
    private readonly byte[] _copy = new byte[4096];

    public override string Name => "rtp";

    public override string Folder => "Rtp";

    public override string EntryPoints => "RtpHeader.TryRead, RtpHeaderExtensions.Enumerate/TryFindExtension/ClearExtension, extension values, payload codecs";

    public override IReadOnlyList<byte[]> Seeds { get; } = FuzzSeeds.Rtp();

    public override void FindLengthFields(ReadOnlySpan<byte> input, List<LengthField> fields) => LengthFieldWalker.Rtp(input, fields);

    public override string? Run(byte[] input)
    {
        RtpError error = RtpHeader.TryRead(input, out RtpHeader header, out int consumed);
        if (error != RtpError.None)
        {
            FuzzInvariant.Check(consumed == 0, "refused but consumed");
            return ReasonName<RtpError>.Of(error);
        }

        FuzzInvariant.Check(consumed == header.PayloadOffset, "consumed is not the payload offset");
        FuzzInvariant.Check(header.PayloadLength >= 0
            && input.Length == header.PayloadOffset + header.PayloadLength + header.PaddingLength, "lengths do not add up");
        ReadOnlySpan<byte> payload = header.GetPayload(input);
        _ = header.GetExtensionBody(input);
        for (int i = 0; i < header.CsrcCount; i++)
        {
            _ = header.GetCsrc(input, i);
        }

        var enumerator = RtpHeaderExtensions.Enumerate(input, header);
        int lastId = 0;
        while (enumerator.MoveNext())
        {
            RtpExtensionElement element = enumerator.Current;
            FuzzInvariant.Check(element.ValueOffset >= header.ExtensionOffset
                && element.ValueOffset + element.ValueLength <= header.ExtensionOffset + header.ExtensionLength,
                $"element {element.Id} outside the extension body");
            lastId = element.Id;
            _ = AbsSendTime.TryRead(element.Value, out _);
            _ = TransportSequenceNumber.TryRead(element.Value, out _);
            _ = AudioLevel.TryRead(element.Value, out _, out _);
            _ = SdesIdentifier.TryRead(element.Value, out _);
            _ = PlayoutDelay.TryRead(element.Value, out _, out _);
        }

        // The forwarder's rewrites, on a copy.
        Span<byte> copy = _copy.AsSpan(0, input.Length);
        input.CopyTo(copy);
        if (lastId != 0 && RtpHeaderExtensions.TryFindExtension(copy, header, lastId, out int offset, out int length))
        {
            FuzzInvariant.Check(offset + length <= input.Length, "found extension outside the packet");
            _ = RtpHeaderExtensions.ClearExtension(copy, header, lastId);
        }

        _ = Vp8PayloadDescriptor.TryRead(payload, out _, out _);
        _ = H264Payload.TryIsKeyFrame(payload, out _);
        _ = Vp9Payload.IsKeyFrame(payload);
        _ = OpusToc.TryRead(payload, out _);

        return enumerator.Error == RtpError.None ? null : ReasonName<RtpError>.Of("Extensions", enumerator.Error);
    }
}
