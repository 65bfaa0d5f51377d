using System.Runtime.InteropServices;

namespace CoStream.Sfu.Protocols.Srtp;

/// <summary>
/// SRTP / SRTCP (RFC 3711, RFC 7714) for one direction of a session: the SFU keeps one inbound
/// context (Unprotect) and one outbound context (Protect) per peer, keyed from DTLS-SRTP.
/// </summary>
/// <remarks>
/// <para>Per-SSRC state is created on the first packet of an SSRC: on the sending side the
/// highest index sent (for the ROC), and the next SRTCP index; on the receiving side the replay
/// window (whose highest index also gives ROC and s_l for the index estimate), created only once
/// a packet has been authenticated. Nothing is allocated per packet after that.</para>
/// <para>Not thread-safe: the caller serialises all calls on one context.</para>
/// <para>All four operations work in place. On a refusal the bytes of the buffer are
/// unspecified (GCM wipes the would-be plaintext); the packet must be dropped.</para>
/// </remarks>
public sealed class SrtpContext : IDisposable
{
    /// <summary>The largest number of bytes <see cref="ProtectRtp"/> adds, over all profiles.</summary>
    public const int MaxRtpOverhead = SrtpProfileInfo.MaxRtpOverhead;

    /// <summary>The largest number of bytes <see cref="ProtectRtcp"/> adds, over all profiles.</summary>
    public const int MaxRtcpOverhead = SrtpProfileInfo.MaxRtcpOverhead;

    /// <summary>Default replay window (packets), RFC 3711 §3.3.2 asks for at least 64.</summary>
    public const int DefaultReplayWindowSize = 128;

    /// <summary>Smallest replay window accepted (RFC 3711 §3.3.2).</summary>
    public const int MinReplayWindowSize = 64;

    /// <summary>Largest replay window accepted.</summary>
    public const int MaxReplayWindowSize = 32768;

    private const uint MaxSrtcpIndex = 0x7FFF_FFFF;
    private const uint EncryptedFlag = 0x8000_0000;

    private readonly SrtpTransform _rtp;
    private readonly SrtpTransform _rtcp;
    private readonly int _replayWindowSize;
    private readonly Dictionary<uint, ulong> _rtpSent = new();
    private readonly Dictionary<uint, uint> _rtcpNextIndex = new();
    private readonly Dictionary<uint, SrtpReplayWindow> _rtpReceived = new();
    private readonly Dictionary<uint, SrtpReplayWindow> _rtcpReceived = new();
    private bool _disposed;

    /// <summary>
    /// Derives the SRTP and SRTCP session keys (RFC 3711 §4.3, key derivation rate 0) from the
    /// master key and salt of <paramref name="profile"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Unsupported profile or replay window size.</exception>
    /// <exception cref="ArgumentException">Master key or salt of the wrong length.</exception>
    public SrtpContext(SrtpProfile profile, ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt,
        int replayWindowSize = DefaultReplayWindowSize)
        : this(profile, DeriveKeys(profile, masterKey, masterSalt, rtcp: false),
            DeriveKeys(profile, masterKey, masterSalt, rtcp: true), replayWindowSize)
    {
    }

    /// <summary>A context from session keys given directly (RFC 7714 §16–17 vectors skip the KDF).</summary>
    internal SrtpContext(SrtpProfile profile, SrtpSessionKeys rtpKeys, SrtpSessionKeys rtcpKeys, int replayWindowSize)
    {
        if (replayWindowSize < MinReplayWindowSize || replayWindowSize > MaxReplayWindowSize)
        {
            throw new ArgumentOutOfRangeException(nameof(replayWindowSize), replayWindowSize,
                $"The replay window must hold {MinReplayWindowSize}..{MaxReplayWindowSize} packets.");
        }

        Profile = profile;
        _replayWindowSize = replayWindowSize;
        if (profile == SrtpProfile.AeadAes128Gcm)
        {
            _rtp = new AesGcmTransform(rtpKeys);
            _rtcp = new AesGcmTransform(rtcpKeys);
        }
        else
        {
            _rtp = new AesCmHmacSha1Transform(rtpKeys, SrtpProfileInfo.GetRtpAuthTagLength(profile));
            _rtcp = new AesCmHmacSha1Transform(rtcpKeys, SrtpProfileInfo.GetRtcpAuthTagLength(profile));
        }
    }

    /// <summary>The protection profile this context runs.</summary>
    public SrtpProfile Profile { get; }

    /// <summary>Bytes <see cref="ProtectRtp"/> adds for this profile.</summary>
    public int RtpOverhead => _rtp.TagLength;

    /// <summary>Bytes <see cref="ProtectRtcp"/> adds for this profile.</summary>
    public int RtcpOverhead => _rtcp.RtcpOverhead;

    /// <summary>
    /// Encrypts and authenticates the RTP packet in <c>buffer[..length]</c> in place, appending
    /// the tag; <paramref name="buffer"/> must have <see cref="RtpOverhead"/> free bytes after it.
    /// </summary>
    public SrtpError ProtectRtp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        ThrowIfDisposed();
        SrtpError error = CheckLength(buffer, length);
        if (error != SrtpError.None)
        {
            return error;
        }

        ReadOnlySpan<byte> packet = buffer.Slice(0, length);
        error = SrtpPacketLayout.TryGetRtpHeaderLength(packet, out int headerLength);
        if (error != SrtpError.None)
        {
            return error;
        }

        int total = length + _rtp.TagLength;
        if (total > buffer.Length)
        {
            return SrtpError.BufferTooSmall;
        }

        uint ssrc = SrtpPacketLayout.ReadRtpSsrc(packet);
        ushort sequenceNumber = SrtpPacketLayout.ReadSequenceNumber(packet);
        ref ulong highest = ref CollectionsMarshal.GetValueRefOrAddDefault(_rtpSent, ssrc, out bool known);
        ulong index = sequenceNumber;
        if (!known)
        {
            highest = index;
        }
        else if (!SrtpIndexEstimator.TryEstimate(highest, sequenceNumber, out index))
        {
            // Before the first packet sent (ROC would be -1): protect with ROC 0 and leave the
            // state alone; a receiver refuses it as too old, as it would with any other choice.
            index = sequenceNumber;
        }
        else if (index > highest)
        {
            highest = index;
        }

        _rtp.ProtectRtp(buffer.Slice(0, total), headerLength, ssrc, index);
        protectedLength = total;
        return SrtpError.None;
    }

    /// <summary>
    /// Authenticates, replay-checks and decrypts the SRTP packet in <c>buffer[..length]</c> in
    /// place. State (ROC, highest index, replay window) changes only when the packet is accepted.
    /// </summary>
    public SrtpError UnprotectRtp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        ThrowIfDisposed();
        SrtpError error = CheckLength(buffer, length);
        if (error != SrtpError.None)
        {
            return error;
        }

        int tagLength = _rtp.TagLength;
        if (length < SrtpPacketLayout.RtpFixedHeaderLength + tagLength)
        {
            return SrtpError.TooShort;
        }

        Span<byte> packet = buffer.Slice(0, length);
        error = SrtpPacketLayout.TryGetRtpHeaderLength(packet.Slice(0, length - tagLength), out int headerLength);
        if (error != SrtpError.None)
        {
            return error;
        }

        uint ssrc = SrtpPacketLayout.ReadRtpSsrc(packet);
        ushort sequenceNumber = SrtpPacketLayout.ReadSequenceNumber(packet);
        ulong index = sequenceNumber;
        if (_rtpReceived.TryGetValue(ssrc, out SrtpReplayWindow? window))
        {
            if (!SrtpIndexEstimator.TryEstimate(window.Highest, sequenceNumber, out index))
            {
                return SrtpError.ReplayOld;
            }

            error = window.Check(index);
            if (error != SrtpError.None)
            {
                return error;
            }
        }

        if (!_rtp.UnprotectRtp(packet, headerLength, ssrc, index))
        {
            return SrtpError.AuthenticationFailed;
        }

        if (window is null)
        {
            _rtpReceived.Add(ssrc, new SrtpReplayWindow(_replayWindowSize, index));
        }
        else
        {
            window.Accept(index);
        }

        plainLength = length - tagLength;
        return SrtpError.None;
    }

    /// <summary>
    /// Encrypts (E = 1) and authenticates the RTCP (compound) packet in <c>buffer[..length]</c>
    /// in place, appending the E|index word and the tag; <paramref name="buffer"/> must have
    /// <see cref="RtcpOverhead"/> free bytes after it. The first index of an SSRC is 1, as libsrtp.
    /// </summary>
    public SrtpError ProtectRtcp(Span<byte> buffer, int length, out int protectedLength)
    {
        protectedLength = 0;
        ThrowIfDisposed();
        SrtpError error = CheckLength(buffer, length);
        if (error != SrtpError.None)
        {
            return error;
        }

        if (length < SrtpPacketLayout.RtcpHeaderLength)
        {
            return SrtpError.TooShort;
        }

        if (!SrtpPacketLayout.HasVersion2(buffer))
        {
            return SrtpError.BadVersion;
        }

        int total = length + _rtcp.RtcpOverhead;
        if (total > buffer.Length)
        {
            return SrtpError.BufferTooSmall;
        }

        uint ssrc = SrtpPacketLayout.ReadRtcpSsrc(buffer);
        ref uint next = ref CollectionsMarshal.GetValueRefOrAddDefault(_rtcpNextIndex, ssrc, out bool known);
        if (!known)
        {
            next = 1;
        }

        uint index = next;
        next = index == MaxSrtcpIndex ? 0 : index + 1;
        _rtcp.ProtectRtcp(buffer.Slice(0, total), length, ssrc, index);
        protectedLength = total;
        return SrtpError.None;
    }

    /// <summary>
    /// Authenticates, replay-checks (on the 31-bit SRTCP index, per SSRC) and, if E is set,
    /// decrypts the SRTCP packet in <c>buffer[..length]</c> in place.
    /// </summary>
    public SrtpError UnprotectRtcp(Span<byte> buffer, int length, out int plainLength)
    {
        plainLength = 0;
        ThrowIfDisposed();
        SrtpError error = CheckLength(buffer, length);
        if (error != SrtpError.None)
        {
            return error;
        }

        if (length < SrtpPacketLayout.RtcpHeaderLength + _rtcp.RtcpOverhead)
        {
            return SrtpError.TooShort;
        }

        Span<byte> packet = buffer.Slice(0, length);
        if (!SrtpPacketLayout.HasVersion2(packet))
        {
            return SrtpError.BadVersion;
        }

        uint ssrc = SrtpPacketLayout.ReadRtcpSsrc(packet);
        uint word = _rtcp.ReadRtcpIndexWord(packet);
        uint index = word & ~EncryptedFlag;
        if (_rtcpReceived.TryGetValue(ssrc, out SrtpReplayWindow? window))
        {
            error = window.Check(index);
            if (error != SrtpError.None)
            {
                return error;
            }
        }

        if (!_rtcp.UnprotectRtcp(packet, ssrc, word))
        {
            return SrtpError.AuthenticationFailed;
        }

        if (window is null)
        {
            _rtcpReceived.Add(ssrc, new SrtpReplayWindow(_replayWindowSize, index));
        }
        else
        {
            window.Accept(index);
        }

        plainLength = length - _rtcp.RtcpOverhead;
        return SrtpError.None;
    }

    /// <summary>Sets the SRTCP index the next ProtectRtcp of <paramref name="ssrc"/> uses (test vectors).</summary>
    internal void SetNextRtcpIndex(uint ssrc, uint index) => _rtcpNextIndex[ssrc] = index & MaxSrtcpIndex;

    /// <summary>The ROC the receiving side holds for <paramref name="ssrc"/>, or null before its first packet.</summary>
    internal uint? GetReceiveRoc(uint ssrc) =>
        _rtpReceived.TryGetValue(ssrc, out SrtpReplayWindow? window) ? (uint)(window.Highest >> 16) : null;

    /// <summary>The ROC the sending side holds for <paramref name="ssrc"/>, or null before its first packet.</summary>
    internal uint? GetSendRoc(uint ssrc) =>
        _rtpSent.TryGetValue(ssrc, out ulong highest) ? (uint)(highest >> 16) : null;

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _rtp.Dispose();
        _rtcp.Dispose();
    }

    private static SrtpError CheckLength(Span<byte> buffer, int length)
    {
        if (length < 0)
        {
            return SrtpError.Malformed;
        }

        return length > buffer.Length ? SrtpError.BufferTooSmall : SrtpError.None;
    }

    private static SrtpSessionKeys DeriveKeys(SrtpProfile profile, ReadOnlySpan<byte> masterKey,
        ReadOnlySpan<byte> masterSalt, bool rtcp)
    {
        if (!SrtpProfileInfo.IsSupported(profile))
        {
            throw new ArgumentOutOfRangeException(nameof(profile), profile, "Unsupported SRTP protection profile.");
        }

        if (masterKey.Length != SrtpProfileInfo.GetMasterKeyLength(profile))
        {
            throw new ArgumentException($"The master key of {profile} is {SrtpProfileInfo.GetMasterKeyLength(profile)} bytes.", nameof(masterKey));
        }

        if (masterSalt.Length != SrtpProfileInfo.GetMasterSaltLength(profile))
        {
            throw new ArgumentException($"The master salt of {profile} is {SrtpProfileInfo.GetMasterSaltLength(profile)} bytes.", nameof(masterSalt));
        }

        return SrtpKeyDerivation.DeriveSessionKeys(profile, masterKey, masterSalt, rtcp);
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
