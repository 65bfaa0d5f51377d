namespace CoStream.Sfu.Protocols.Codecs;

/// <summary>Why a VP8 RTP payload (RFC 7741) was refused; <see cref="None"/> (0) means success.</summary>
public enum Vp8Error
{
    None = 0,
    /// <summary>The payload is empty.</summary>
    Empty,
    /// <summary>The descriptor's extension bytes (X, PictureID, TL0PICIDX, TID/KEYIDX) run past the payload.</summary>
    DescriptorTruncated,
    /// <summary>Nothing follows the payload descriptor.</summary>
    NoPayloadData,
}
