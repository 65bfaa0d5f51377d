using CoStream.Sfu.Protocols.Rtp;
using static CoStream.Sfu.Protocols.Tests.Rtp.RtpTestBytes;

namespace CoStream.Sfu.Protocols.Tests.Rtp;

public class RtpHeaderExtensionsTests
{
    private const string FixedHeaderWithX = "90 60 0001 00000001 00000002"; // V=2 X=1, PT 96, seq 1, ts 1, SSRC 2

    // RFC 8285 §4.2 figure: three one-byte elements with two padding bytes before the third.
    private static readonly byte[] OneByteExample = Hex(
        FixedHeaderWithX +
        "BEDE 0003" +       // one-byte profile, 3 words of body
        "10 AA" +           // ID=1 L=0: 1 byte
        "21 BBCC" +         // ID=2 L=1: 2 bytes
        "00 00" +           // padding
        "33 01020304");     // ID=3 L=3: 4 bytes

    // RFC 8285 §4.3 figure: two-byte elements, one of them empty, a padding byte between.
    private static readonly byte[] TwoByteExample = Hex(
        FixedHeaderWithX +
        "1000 0003" +       // two-byte profile (appbits 0), 3 words of body
        "01 00" +           // ID=1 L=0: empty value
        "02 01 BB" +        // ID=2 L=1
        "00" +              // padding
        "03 04 01020304");  // ID=3 L=4

    private static RtpHeader Read(ReadOnlySpan<byte> packet)
    {
        Assert.Equal(RtpError.None, RtpHeader.TryRead(packet, out RtpHeader header, out _));
        return header;
    }

    private static List<(int Id, int Offset, byte[] Value)> Elements(ReadOnlySpan<byte> packet, out RtpError error)
    {
        RtpHeader header = Read(packet);
        var list = new List<(int, int, byte[])>();
        var enumerator = RtpHeaderExtensions.Enumerate(packet, header);
        foreach (RtpExtensionElement element in enumerator)
        {
            list.Add((element.Id, element.ValueOffset, element.Value.ToArray()));
        }

        // foreach works on a copy of the enumerator, so walk again to read the final error.
        var again = RtpHeaderExtensions.Enumerate(packet, header);
        while (again.MoveNext())
        {
        }

        error = again.Error;
        return list;
    }

    private static void AssertElement((int Id, int Offset, byte[] Value) element, int id, int offset, byte[] value)
    {
        Assert.Equal(id, element.Id);
        Assert.Equal(offset, element.Offset);
        Assert.Equal(value, element.Value);
    }

    [Fact]
    public void Rfc8285_4_2_OneByteElementsWithPadding()
    {
        RtpHeader header = Read(OneByteExample);
        Assert.True(header.IsOneByteExtension);

        var elements = Elements(OneByteExample, out RtpError error);

        Assert.Equal(RtpError.None, error);
        Assert.Equal(3, elements.Count);
        AssertElement(elements[0], 1, 17, Hex("AA"));
        AssertElement(elements[1], 2, 19, Hex("BBCC"));
        AssertElement(elements[2], 3, 24, Hex("01020304"));
    }

    [Fact]
    public void Rfc8285_4_3_TwoByteElementsWithPaddingAndEmptyValue()
    {
        RtpHeader header = Read(TwoByteExample);
        Assert.True(header.IsTwoByteExtension);

        var elements = Elements(TwoByteExample, out RtpError error);

        Assert.Equal(RtpError.None, error);
        Assert.Equal(3, elements.Count);
        AssertElement(elements[0], 1, 18, Array.Empty<byte>());
        AssertElement(elements[1], 2, 20, Hex("BB"));
        AssertElement(elements[2], 3, 24, Hex("01020304"));
    }

    [Fact]
    public void Rfc8285_4_3_AppBitsInTheProfileStillMeanTwoByteForm()
    {
        byte[] packet = Hex(FixedHeaderWithX + "100F 0001" + "C8 01 7F 00"); // appbits 0xF, ID=200 L=1
        Assert.True(RtpHeaderExtensions.TryGetExtension(packet, Read(packet), 200, out ReadOnlySpan<byte> value));
        Assert.Equal(Hex("7F"), value.ToArray());
    }

    [Fact]
    public void Rfc8285_4_2_Id15StopsProcessingKeepingEarlierElements()
    {
        byte[] packet = Hex(FixedHeaderWithX + "BEDE 0002" + "10 AA" + "F3" +             // ID=15: stop here
            "21 BBCC 0000");    // an element after ID 15, then padding
        var elements = Elements(packet, out RtpError error);

        Assert.Equal(RtpError.None, error);
        Assert.Single(elements);
        Assert.Equal(1, elements[0].Id);
        Assert.False(RtpHeaderExtensions.TryFindExtension(packet, Read(packet), 2, out _, out _));
    }

    [Fact]
    public void Rfc8285_4_1_NoExtensionMeansNoElementsAndNoError()
    {
        byte[] packet = Hex("80 60 0001 00000001 00000002 AABB");
        var elements = Elements(packet, out RtpError error);

        Assert.Empty(elements);
        Assert.Equal(RtpError.None, error);
        Assert.False(RtpHeaderExtensions.TryFindExtension(packet, Read(packet), 1, out _, out _));
    }

    public static TheoryData<string, RtpError, int, string> MalformedBodies => new()
    {
        { "ABCD 0001 10AA0000", RtpError.ExtensionUnknownProfile, 0, "RFC 3550 profile, not RFC 8285" },
        { "BEDE 0001 10AA 13BB", RtpError.ExtensionElementOutOfBounds, 1, "one-byte: L=3 runs past the body" },
        { "BEDE 0001 05AABBCC", RtpError.ExtensionInvalidId, 0, "one-byte: ID 0 with L=5 is not padding" },
        { "1000 0001 01 01 AA 02", RtpError.ExtensionElementOutOfBounds, 1, "two-byte: ID byte without length byte" },
        { "1000 0001 01 05 AABB", RtpError.ExtensionElementOutOfBounds, 0, "two-byte: L=5 runs past the body" },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public void Rfc8285_RefusesMalformedBodies(string extension, RtpError expected, int elementsBefore, string why)
    {
        byte[] packet = Hex(FixedHeaderWithX + extension);
        var elements = Elements(packet, out RtpError error);

        Assert.True(expected == error, $"{why}: expected {expected}, got {error}");
        Assert.Equal(elementsBefore, elements.Count);
    }

    [Fact]
    public void Rfc8285_FindGivesOffsetsIntoThePacket()
    {
        RtpHeader header = Read(OneByteExample);

        Assert.True(RtpHeaderExtensions.TryFindExtension(OneByteExample, header, 3, out int offset, out int length));
        Assert.Equal(24, offset);
        Assert.Equal(4, length);
        Assert.False(RtpHeaderExtensions.TryFindExtension(OneByteExample, header, 4, out offset, out length));
        Assert.Equal(0, offset);
        Assert.Equal(0, length);
    }

    [Fact]
    public void Rfc8285_SetValueInPlaceRequiresTheSameLength()
    {
        byte[] packet = (byte[])OneByteExample.Clone();
        RtpHeader header = Read(packet);

        Assert.True(RtpHeaderExtensions.TrySetExtensionValue(packet, header, 2, Hex("1122")));
        Assert.False(RtpHeaderExtensions.TrySetExtensionValue(packet, header, 2, Hex("112233")));
        Assert.False(RtpHeaderExtensions.TrySetExtensionValue(packet, header, 9, Hex("11")));

        Assert.True(RtpHeaderExtensions.TryGetExtension(packet, header, 2, out ReadOnlySpan<byte> value));
        Assert.Equal(Hex("1122"), value.ToArray());
        Assert.Equal(OneByteExample.Length, packet.Length);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Rfc8285_4_ClearTurnsAnElementIntoPadding(bool oneByte)
    {
        byte[] packet = (byte[])(oneByte ? OneByteExample : TwoByteExample).Clone();
        RtpHeader header = Read(packet);

        Assert.True(RtpHeaderExtensions.ClearExtension(packet, header, 2));
        Assert.False(RtpHeaderExtensions.ClearExtension(packet, header, 2));

        var elements = Elements(packet, out RtpError error);
        Assert.Equal(RtpError.None, error);
        Assert.Equal(new[] { 1, 3 }, elements.Select(e => e.Id).ToArray());
        Assert.Equal(Hex("01020304"), elements[1].Value);
    }

    [Fact]
    public void Rfc8285_ClearUnmappedKeepsOnlyNegotiatedIds()
    {
        byte[] packet = (byte[])OneByteExample.Clone();
        RtpHeader header = Read(packet);
        var keep = new RtpExtensionMap();
        Assert.True(keep.TryRegister(3, RtpExtensionUris.Mid));

        int cleared = RtpHeaderExtensions.ClearUnmapped(packet, header, keep);

        Assert.Equal(2, cleared);
        var elements = Elements(packet, out _);
        Assert.Equal(3, Assert.Single(elements).Id);
    }

    [Fact]
    public void Rfc8285_4_2_WriterProducesTheOneByteExample()
    {
        byte[] buffer = new byte[64];
        var writer = new RtpPacketWriter(buffer, payloadType: 96, sequenceNumber: 1, timestamp: 1, ssrc: 2);
        writer.AddExtension(1, Hex("AA"));
        writer.AddExtension(2, Hex("BBCC"));
        writer.AddExtensionPadding(2);
        writer.AddExtension(3, Hex("01020304"));
        int length = writer.Complete(ReadOnlySpan<byte>.Empty);

        Assert.Equal(OneByteExample, buffer.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void Rfc8285_4_3_WriterProducesTheTwoByteExample()
    {
        byte[] buffer = new byte[64];
        var writer = new RtpPacketWriter(buffer, 96, 1, 1, 2, extensionForm: RtpExtensionForm.TwoByte);
        writer.AddExtension(1, ReadOnlySpan<byte>.Empty);
        writer.AddExtension(2, Hex("BB"));
        writer.AddExtensionPadding(1);
        writer.AddExtension(3, Hex("01020304"));
        int length = writer.Complete(ReadOnlySpan<byte>.Empty);

        Assert.Equal(TwoByteExample, buffer.AsSpan(0, length).ToArray());
    }

    [Fact]
    public void Rfc8285_4_3_TwoByteFormCarriesLargeIdsAndLongValues()
    {
        byte[] buffer = new byte[600];
        byte[] longValue = Enumerable.Range(0, 255).Select(i => (byte)i).ToArray();
        var writer = new RtpPacketWriter(buffer, 96, 1, 1, 2, extensionForm: RtpExtensionForm.TwoByte);
        writer.AddExtension(255, longValue);
        writer.AddExtension(15, Hex("0102"));
        int length = writer.Complete(Hex("FF"));
        ReadOnlySpan<byte> packet = buffer.AsSpan(0, length);
        RtpHeader header = Read(packet);

        Assert.True(RtpHeaderExtensions.TryGetExtension(packet, header, 255, out ReadOnlySpan<byte> value));
        Assert.Equal(longValue, value.ToArray());
        Assert.True(RtpHeaderExtensions.TryGetExtension(packet, header, 15, out value));
        Assert.Equal(Hex("0102"), value.ToArray());
        Assert.Equal(Hex("FF"), header.GetPayload(packet).ToArray());
    }
}
