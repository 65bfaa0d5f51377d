using System.Buffers;

namespace CoStream.Mixer.Sei;

/// <summary>
/// SEI "user data unregistered" (payloadType 5; H.264 §D.1.7 / H.265 §D.2.7) in its own NAL unit:
/// H.264 nal_unit_type 6 (1-byte header), H.265 PREFIX_SEI_NUT 39 (2-byte header). The payload is a
/// 16-byte UUID (<see cref="CoStreamUuid"/> for ours) and then the caller's bytes (UTF-8 JSON for
/// CoStream's timed commerce events). Parser surface: <see cref="TryRead"/> never throws on input.
/// </summary>
public readonly ref struct SeiUserDataUnregistered
{
    /// <summary>CoStream's UUID for its SEI messages (fixed; players look for it).</summary>
    public static readonly Guid CoStreamUuid = new("c05e7ea0-1b5e-4c0d-9a2f-6d1e5e1c0de5");

    /// <summary>The largest user payload written or read (after the UUID).</summary>
    public const int MaxPayloadSize = 64 * 1024;
    public const int PayloadTypeUserDataUnregistered = 5;
    public const int H264NalTypeSei = 6;
    public const int HevcNalTypePrefixSei = 39;
    public const int HevcNalTypeSuffixSei = 40;
    private const int UuidSize = 16;

    public Guid Uuid { get; }
    /// <summary>The user payload after the UUID (a slice of the caller's scratch buffer).</summary>
    public ReadOnlySpan<byte> Payload { get; }

    public SeiUserDataUnregistered(Guid uuid, ReadOnlySpan<byte> payload)
    {
        Uuid = uuid;
        Payload = payload;
    }

    /// <summary>The most bytes <see cref="WriteTo"/> needs for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static int GetMaxSize(int payloadLength, bool hevc) =>
        (hevc ? 2 : 1) + EmulationPrevention.MaxEscapedSize(RbspSize(payloadLength));

    private static int RbspSize(int payloadLength)
    {
        var size = UuidSize + payloadLength;
        return 1 + (size / 255 + 1) + size + 1; // payloadType, ff-coded payloadSize, payload, rbsp_trailing_bits
    }

    /// <summary>
    /// Writes the whole NAL unit (header + escaped RBSP, no start code) into <paramref name="dest"/>;
    /// returns its length. Throws for a payload over <see cref="MaxPayloadSize"/> or a short buffer
    /// (programming errors: the caller sizes it with <see cref="GetMaxSize"/>).
    /// </summary>
    public int WriteTo(Span<byte> dest, bool hevc)
    {
        if (Payload.Length > MaxPayloadSize) throw new ArgumentOutOfRangeException(nameof(Payload), $"SEI payload of {Payload.Length} bytes");
        var rbspSize = RbspSize(Payload.Length);
        var rented = ArrayPool<byte>.Shared.Rent(rbspSize);
        try
        {
            var rbsp = rented.AsSpan();
            int o = 0;
            rbsp[o++] = PayloadTypeUserDataUnregistered;
            var size = UuidSize + Payload.Length;
            for (; size >= 255; size -= 255) rbsp[o++] = 0xFF;
            rbsp[o++] = (byte)size;
            Uuid.TryWriteBytes(rbsp.Slice(o, UuidSize), bigEndian: true, out _);
            o += UuidSize;
            Payload.CopyTo(rbsp[o..]);
            o += Payload.Length;
            rbsp[o++] = 0x80; // rbsp_stop_one_bit + alignment zeros

            int header;
            if (hevc)
            {
                if (dest.Length < 2) throw new ArgumentException("destination too small", nameof(dest));
                dest[0] = HevcNalTypePrefixSei << 1; // forbidden 0, type 39, nuh_layer_id 0 (high bit)
                dest[1] = 1;                          // nuh_layer_id 0 (low bits), nuh_temporal_id_plus1 1
                header = 2;
            }
            else
            {
                if (dest.Length < 1) throw new ArgumentException("destination too small", nameof(dest));
                dest[0] = H264NalTypeSei; // forbidden 0, nal_ref_idc 0, type 6
                header = 1;
            }
            var escaped = EmulationPrevention.Escape(rbsp[..o], dest[header..]);
            if (escaped < 0) throw new ArgumentException("destination too small", nameof(dest));
            return header + escaped;
        }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>
    /// Reads an SEI NAL unit (no start code) and returns its first user_data_unregistered message whose
    /// UUID is <paramref name="uuid"/> (any UUID when null). The RBSP is unescaped into
    /// <paramref name="scratch"/> (as large as the NAL unit suffices), which the returned payload points into.
    /// The whole NAL unit is checked (every message within bounds, trailing bits present) before anything is returned.
    /// </summary>
    public static SeiError TryRead(ReadOnlySpan<byte> nal, bool hevc, Span<byte> scratch, out SeiUserDataUnregistered message,
        out int consumed, Guid? uuid = null)
    {
        message = default;
        consumed = 0;
        var header = hevc ? 2 : 1;
        if (nal.Length < header + 2) return SeiError.TooShort;
        if ((nal[0] & 0x80) != 0 || (hevc && (nal[1] & 0x07) == 0)) return SeiError.BadNalHeader;
        var type = hevc ? (nal[0] >> 1) & 0x3F : nal[0] & 0x1F;
        if (hevc ? type is not (HevcNalTypePrefixSei or HevcNalTypeSuffixSei) : type != H264NalTypeSei) return SeiError.NotSei;
        if (scratch.Length < nal.Length - header) return SeiError.ScratchTooSmall;
        var length = EmulationPrevention.Unescape(nal[header..], scratch);
        if (length < 0) return SeiError.ScratchTooSmall;
        ReadOnlySpan<byte> rbsp = scratch[..length];

        int at = 0;
        bool found = false;
        while (!IsTrailingBits(rbsp[at..]))
        {
            if (at >= rbsp.Length) return SeiError.MissingTrailingBits;
            if (!TryReadFfCoded(rbsp, ref at, out var payloadType) || !TryReadFfCoded(rbsp, ref at, out var payloadSize))
                return SeiError.BadMessageHeader;
            if (payloadSize > rbsp.Length - at) return SeiError.TruncatedMessage;
            if (payloadType == PayloadTypeUserDataUnregistered)
            {
                if (payloadSize < UuidSize) return SeiError.ShortUserData;
                var id = new Guid(rbsp.Slice(at, UuidSize), bigEndian: true);
                if (!found && (uuid == null || uuid == id))
                {
                    message = new SeiUserDataUnregistered(id, rbsp.Slice(at + UuidSize, payloadSize - UuidSize));
                    found = true;
                }
            }
            at += payloadSize;
        }
        if (!found) { message = default; return SeiError.NotFound; }
        consumed = nal.Length;
        return SeiError.None;
    }

    /// <summary>rbsp_trailing_bits: 0x80 then only zero bytes (trailing_zero_8bits).</summary>
    private static bool IsTrailingBits(ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty || rest[0] != 0x80) return false;
        return rest[1..].IndexOfAnyExcept((byte)0) < 0;
    }

    /// <summary>A payloadType / payloadSize: 0xFF bytes each add 255, then the last byte (§7.3.5).</summary>
    private static bool TryReadFfCoded(ReadOnlySpan<byte> rbsp, ref int at, out int value)
    {
        value = 0;
        while (true)
        {
            if ((uint)at >= (uint)rbsp.Length) return false;
            var b = rbsp[at++];
            value += b;
            if (value > MaxPayloadSize + UuidSize) return false;
            if (b != 0xFF) return true;
        }
    }
}
