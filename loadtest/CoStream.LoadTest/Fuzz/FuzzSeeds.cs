using System.Buffers.Binary;
using System.Net;
using CoStream.Sfu.Protocols.Rtp;
using CoStream.Sfu.Protocols.Stun;
using CoStream.Sfu.Protocols.Tests.Rtcp;
using CoStream.Sfu.Protocols.Tests.Stun;

namespace CoStream.LoadTest.Fuzz;

/// <summary>
/// Valid messages to start from: the unit tests' vectors (RFC 5769 STUN, Chrome RTCP, Chrome's
/// VP8 packet; their files are linked into this project) and messages built with our writers.
/// </summary>
internal static class FuzzSeeds
{
    /// <summary>ICE credentials that make RFC 5769 §2.1's request authenticate (USERNAME "evtj:h6vY").</summary>
    public const string LocalUfrag = "evtj";
    public const string RemoteUfrag = "h6vY";
    public const string Password = Rfc5769Vectors.ShortTermPassword;

    /// <summary>Chrome's first packet of a VP8 key frame (tests/.../Rtp/ChromeVp8PacketTests.cs).</summary>
    public static readonly byte[] ChromeVp8Packet = Convert.FromHexString(
        "90603A7F7B2C91D45EB1C3F2BEDE0003221A2B3C31002A4030000000" + // RTP header, 3 one-byte extensions
        "90E09C410720" +                                             // VP8 descriptor, PictureID 0x1C41, TL0 7
        "1002009D012A800268010047088588");                            // key frame header

    public static IReadOnlyList<byte[]> Stun()
    {
        var seeds = new List<byte[]>
        {
            Rfc5769Vectors.SampleRequest, Rfc5769Vectors.SampleIPv4Response, Rfc5769Vectors.SampleIPv6Response,
            Rfc5769Vectors.SampleLongTermRequest,
        };
        byte[] buffer = new byte[512];
        var error = new StunMessageWriter(buffer, StunMessageType.BindingError, StunTransactionId.NewRandom());
        error.AddErrorCode(487, "Role Conflict");
        error.AddXorMappedAddress(new IPEndPoint(IPAddress.IPv6Loopback, 9));
        error.AddSoftware("CoStream");
        error.AddFingerprint();
        seeds.Add(buffer[..error.Length]);
        foreach (bool useCandidate in new[] { false, true })
        {
            foreach (bool controlled in new[] { false, true })
            {
                seeds.Add(BindingRequest(useCandidate, controlled));
            }
        }

        var indication = new StunMessageWriter(buffer, StunMessageType.BindingIndication, StunTransactionId.NewRandom());
        indication.AddFingerprint();
        seeds.Add(buffer[..indication.Length]);
        return seeds;
    }

    /// <summary>A browser's connectivity check to our lite agent, as our writer builds it.</summary>
    public static byte[] BindingRequest(bool useCandidate, bool controlled)
    {
        byte[] buffer = new byte[256];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingRequest, StunTransactionId.NewRandom());
        writer.AddUsername($"{LocalUfrag}:{RemoteUfrag}");
        writer.AddPriority(1845501695);
        if (controlled)
        {
            writer.AddIceControlled(42);
        }
        else
        {
            writer.AddIceControlling(0x1122334455667788);
        }

        if (useCandidate)
        {
            writer.AddUseCandidate();
        }

        writer.AddMessageIntegrity(System.Text.Encoding.ASCII.GetBytes(Password));
        writer.AddFingerprint();
        return buffer[..writer.Length];
    }

    /// <summary>RTP packets as RtpPacketWriter builds them (CSRCs, both extension forms, padding) plus Chrome's VP8 packet.</summary>
    public static IReadOnlyList<byte[]> Rtp(int count = 48)
    {
        var random = new Random(3550);
        var seeds = new List<byte[]> { ChromeVp8Packet };
        byte[] buffer = new byte[1500];
        Span<byte> value = stackalloc byte[16];
        for (int n = 0; n < count; n++)
        {
            var form = n % 3 == 0 ? RtpExtensionForm.TwoByte : RtpExtensionForm.OneByte;
            var writer = new RtpPacketWriter(buffer, (byte)(96 + (n % 32)), (ushort)random.Next(65536), (uint)random.Next(),
                (uint)random.Next(), n % 2 == 0, form);
            for (int i = n % 5 == 0 ? random.Next(1, 16) : 0; i > 0; i--)
            {
                writer.AddCsrc((uint)random.Next());
            }

            for (int i = random.Next(5); i > 0; i--)
            {
                if (random.Next(4) == 0)
                {
                    writer.AddExtensionPadding(random.Next(1, 4));
                }

                int length = form == RtpExtensionForm.OneByte ? random.Next(1, 17) : random.Next(0, 17);
                random.NextBytes(value[..length]);
                writer.AddExtension(form == RtpExtensionForm.OneByte ? random.Next(1, 15) : random.Next(1, 256), value[..length]);
            }

            byte[] payload = new byte[random.Next(0, 64)];
            random.NextBytes(payload);
            int written = writer.Complete(payload, n % 4 == 0 ? random.Next(1, 40) : 0);
            seeds.Add(buffer[..written]);
        }

        return seeds;
    }

    /// <summary>The RTCP unit tests' samples: Chrome RR/SDES/REMB/TWCC, pion TWCC, SR, BYE, NACK, PLI, FIR.</summary>
    public static IReadOnlyList<byte[]> Rtcp() =>
    [
        RtcpSamples.ChromeReceiverReport,
        RtcpSamples.ChromeSourceDescription,
        RtcpSamples.ChromeRemb,
        RtcpSamples.ChromeCompound,
        RtcpSamples.ChromeTransportWideFeedback,
        RtcpSamples.PionTransportWideFeedback,
        [0x81, 0xC8, 0x00, 0x0D, 0x90, 0x2F, 0x9E, 0x2E, 0xDA, 0x8B, 0xD1, 0xFC, 0xDD, 0xDD, 0xA0, 0x5A, 0xAA, 0xF4, 0xED, 0xD5,
         0, 0, 0, 1, 0, 0, 0, 2, 0xBC, 0x5E, 0x9A, 0x40, 0x1F, 0xFF, 0xFF, 0xFE, 0, 1, 0x46, 0xE1, 0, 0, 1, 0x11,
         0x09, 0xF3, 0x64, 0x32, 0, 2, 0x4A, 0x79, 0xCA, 0xFE, 0xBA, 0xBE], // SR with one report block
        [0x82, 0xCB, 0x00, 0x04, 0x90, 0x2F, 0x9E, 0x2E, 0xBC, 0x5E, 0x9A, 0x40, 0x05, 0x62, 0x79, 0x65, 0x21, 0x21, 0, 0], // BYE, reason
        [0x82, 0xCA, 0x00, 0x07, 0, 0, 0, 1, 0x01, 0x02, 0x61, 0x62, 0x06, 0x03, 0x78, 0x79, 0x7A, 0, 0, 0,
         0, 0, 0, 2, 0x02, 0x00, 0x08, 0x03, 0x01, 0x70, 0x71, 0x00], // SDES, 2 chunks
        [0x81, 0xCD, 0x00, 0x04, 0x90, 0x2F, 0x9E, 0x2E, 0xBC, 0x5E, 0x9A, 0x40, 0xFF, 0xFE, 0x80, 0x05, 0x00, 0x64, 0, 0], // NACK
        [0x81, 0xCE, 0x00, 0x02, 0x90, 0x2F, 0x9E, 0x2E, 0x90, 0x2F, 0x9E, 0x2E], // PLI
        [0x84, 0xCE, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78, 0x2A, 0, 0, 0], // FIR
        [0x8F, 0xCD, 0x00, 0x09, 0, 0, 0, 0x0A, 0, 0, 0, 0x0B, 0xFF, 0xFA, 0x00, 0x14, 0, 0, 0x10, 0x05, 0x9F, 0x1C, 0xE4, 0x18,
         1, 2, 3, 4, 5, 6, 7, 8, 0xFF, 0x38, 0x10, 0x20, 0x01, 0x00, 0, 0], // TWCC with status vectors
    ];

    /// <summary>A DTLS 1.2 record header over a short body, for the classifier (the DTLS target uses real flights).</summary>
    public static byte[] DtlsRecord(byte contentType)
    {
        byte[] record = new byte[13 + 16];
        record[0] = contentType;
        record[1] = 0xFE;
        record[2] = 0xFD;
        BinaryPrimitives.WriteUInt16BigEndian(record.AsSpan(11), 16);
        return record;
    }
}
