namespace CoStream.Sfu.Protocols.Sdp;

/// <summary>The media type of an m-line (RFC 8866 §5.14).</summary>
public enum MediaKind
{
    /// <summary>Any other token (text, message...); the token is kept in <see cref="MediaDescription.KindName"/>.</summary>
    Other = 0,
    Audio,
    Video,
    Application,
}

/// <summary>Direction attributes (RFC 8866 §6.7, RFC 3264 §5.1), from the point of view of the description's writer.</summary>
public enum MediaDirection
{
    SendRecv = 0,
    SendOnly,
    RecvOnly,
    Inactive,
}

/// <summary><c>a=setup</c> values (RFC 4145 §4, RFC 5763 §5).</summary>
public enum DtlsSetup
{
    ActPass = 1,
    Active,
    Passive,
    HoldConn,
}

/// <summary>Our role in the DTLS handshake: the client sends ClientHello (setup active).</summary>
public enum DtlsRole
{
    Client = 1,
    Server,
}

/// <summary>Direction of an <c>a=rid</c> line (RFC 8851 §4).</summary>
public enum RidDirection
{
    Send = 1,
    Recv,
}

/// <summary>Helpers to turn the SDP tokens into enums and back, and to reason about directions.</summary>
public static class SdpTokens
{
    public static string ToToken(this MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => "sendonly",
        MediaDirection.RecvOnly => "recvonly",
        MediaDirection.Inactive => "inactive",
        _ => "sendrecv",
    };

    public static string ToToken(this DtlsSetup setup) => setup switch
    {
        DtlsSetup.Active => "active",
        DtlsSetup.Passive => "passive",
        DtlsSetup.HoldConn => "holdconn",
        _ => "actpass",
    };

    public static string ToToken(this RidDirection direction) => direction == RidDirection.Recv ? "recv" : "send";

    public static string ToToken(this MediaKind kind) => kind switch
    {
        MediaKind.Audio => "audio",
        MediaKind.Video => "video",
        MediaKind.Application => "application",
        _ => "other",
    };

    public static bool TryParseSetup(string value, out DtlsSetup setup)
    {
        switch (value)
        {
            case "actpass": setup = DtlsSetup.ActPass; return true;
            case "active": setup = DtlsSetup.Active; return true;
            case "passive": setup = DtlsSetup.Passive; return true;
            case "holdconn": setup = DtlsSetup.HoldConn; return true;
            default: setup = default; return false;
        }
    }

    public static bool TryParseDirection(string value, out MediaDirection direction)
    {
        switch (value)
        {
            case "sendrecv": direction = MediaDirection.SendRecv; return true;
            case "sendonly": direction = MediaDirection.SendOnly; return true;
            case "recvonly": direction = MediaDirection.RecvOnly; return true;
            case "inactive": direction = MediaDirection.Inactive; return true;
            default: direction = default; return false;
        }
    }

    /// <summary>True when the direction lets its writer send.</summary>
    public static bool Sends(this MediaDirection direction) =>
        direction is MediaDirection.SendRecv or MediaDirection.SendOnly;

    /// <summary>True when the direction lets its writer receive.</summary>
    public static bool Receives(this MediaDirection direction) =>
        direction is MediaDirection.SendRecv or MediaDirection.RecvOnly;

    /// <summary>The direction seen from the other side (sendonly ↔ recvonly).</summary>
    public static MediaDirection Reverse(this MediaDirection direction) => direction switch
    {
        MediaDirection.SendOnly => MediaDirection.RecvOnly,
        MediaDirection.RecvOnly => MediaDirection.SendOnly,
        _ => direction,
    };

    /// <summary>Builds a direction from "may send" and "may receive".</summary>
    public static MediaDirection FromFlags(bool send, bool receive) => (send, receive) switch
    {
        (true, true) => MediaDirection.SendRecv,
        (true, false) => MediaDirection.SendOnly,
        (false, true) => MediaDirection.RecvOnly,
        _ => MediaDirection.Inactive,
    };
}
