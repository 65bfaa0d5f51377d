using System.Globalization;

namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>
/// Writes server-initiated (re)offers to a subscriber (JSEP, RFC 8829 §5.2). Every active m-section is
/// sendonly (or inactive without a track), <c>a=setup:actpass</c>, <c>a=rtcp-mux</c>, in one BUNDLE group,
/// with <c>a=ice-lite</c> at session level. A stopped slot keeps its place and mid with port 0 and leaves the
/// BUNDLE group; the caller may later recycle it (<see cref="FindRecyclableSlot"/>) under a fresh mid
/// (<see cref="NextMid"/>). Mid stability is the caller's: pass the same <see cref="OfferedMedia"/> list, in order.
/// </summary>
public static class SdpOfferer
{
    /// <exception cref="ArgumentException">Duplicate mids, or an active slot without codecs (options are ours, not untrusted input).</exception>
    public static SessionDescription CreateOffer(OfferOptions options)
    {
        var offer = new SessionDescription
        {
            Origin = SdpOrigin.Create(options.SessionId, options.SessionVersion),
            IceLite = options.IceLite,
            MsidSemantic = "WMS *",
        };
        var mids = new HashSet<string>(StringComparer.Ordinal);
        var bundle = new List<string>();
        foreach (OfferedMedia slot in options.Media)
        {
            if (!mids.Add(slot.Mid))
                throw new ArgumentException($"Duplicate mid '{slot.Mid}'.", nameof(options));
            if (slot.Stopped)
            {
                offer.Media.Add(Stopped(slot));
                continue;
            }
            if (slot.Codecs.Count == 0)
                throw new ArgumentException($"m-section '{slot.Mid}' has no codec.", nameof(options));
            offer.Media.Add(Active(slot, options));
            bundle.Add(slot.Mid);
        }
        if (bundle.Count > 0)
            offer.Groups.Add(new SdpGroup("BUNDLE", bundle));
        return offer;
    }

    /// <summary>A mid never used before: one more than the largest numeric mid in <paramref name="usedMids"/>.</summary>
    public static string NextMid(IEnumerable<string> usedMids)
    {
        long next = 0;
        foreach (string mid in usedMids)
        {
            if (long.TryParse(mid, NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n >= next)
                next = n + 1;
        }
        return next.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>The index of the first stopped slot, which a new track may take over, or -1.</summary>
    public static int FindRecyclableSlot(IReadOnlyList<OfferedMedia> media)
    {
        for (int i = 0; i < media.Count; i++)
        {
            if (media[i].Stopped)
                return i;
        }
        return -1;
    }

    private static MediaDescription Stopped(OfferedMedia slot)
    {
        var section = new MediaDescription(slot.Kind, 0) { Mid = slot.Mid, Direction = MediaDirection.Inactive };
        if (slot.Codecs.Count > 0)
            section.Formats.Add(slot.Codecs[0].PayloadType.ToString(CultureInfo.InvariantCulture));
        else
            section.Formats.Add("0");
        return section;
    }

    private static MediaDescription Active(OfferedMedia slot, OfferOptions options)
    {
        var section = new MediaDescription(slot.Kind, 9)
        {
            Mid = slot.Mid,
            Connection = SdpConnection.Placeholder,
            IceUfrag = options.IceUfrag,
            IcePwd = options.IcePwd,
            Fingerprint = options.Fingerprint,
            Setup = DtlsSetup.ActPass,
            RtcpMux = true,
            RtcpRsize = true,
            EndOfCandidates = options.IceLite,
            Direction = slot.Track is null ? MediaDirection.Inactive : MediaDirection.SendOnly,
        };
        section.Candidates.AddRange(options.Candidates);
        foreach (RtpCodec codec in slot.Codecs)
        {
            section.Codecs.Add(codec.Clone());
            section.Formats.Add(codec.PayloadType.ToString(CultureInfo.InvariantCulture));
        }
        section.Extensions.AddRange(slot.Extensions);
        if (slot.Track is { } track)
        {
            section.Msid = new SdpMsid(track.StreamId, track.TrackId);
            section.Ssrcs.Add(new SsrcAttribute(track.Ssrc, "cname", track.Cname));
            section.Ssrcs.Add(new SsrcAttribute(track.Ssrc, "msid", $"{track.StreamId} {track.TrackId}"));
        }
        return section;
    }
}
