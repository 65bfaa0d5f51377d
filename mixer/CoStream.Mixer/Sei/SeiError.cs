namespace CoStream.Mixer.Sei;

/// <summary>Why an SEI NAL unit or an access unit was refused; <see cref="None"/> means it was read.</summary>
public enum SeiError
{
    None = 0,
    /// <summary>Shorter than a NAL header plus one SEI message.</summary>
    TooShort,
    /// <summary>forbidden_zero_bit set, or (H.265) nuh_temporal_id_plus1 = 0.</summary>
    BadNalHeader,
    /// <summary>Not an SEI NAL unit (H.264 type 6; H.265 prefix 39 or suffix 40).</summary>
    NotSei,
    /// <summary>A payloadType or payloadSize runs past the end, or is larger than <see cref="SeiUserDataUnregistered.MaxPayloadSize"/>.</summary>
    BadMessageHeader,
    /// <summary>A message's payloadSize runs past the end of the NAL unit.</summary>
    TruncatedMessage,
    /// <summary>A user_data_unregistered message shorter than its 16-byte UUID.</summary>
    ShortUserData,
    /// <summary>The NAL unit does not end with rbsp_trailing_bits (0x80, then only zero bytes).</summary>
    MissingTrailingBits,
    /// <summary>The caller's scratch buffer cannot hold the unescaped payload.</summary>
    ScratchTooSmall,
    /// <summary>No user_data_unregistered message (with the wanted UUID, when one is asked for).</summary>
    NotFound,
    /// <summary>The access unit does not start with an Annex-B start code.</summary>
    NoStartCode,
    /// <summary>The access unit holds no VCL NAL unit to put the SEI in front of.</summary>
    NoVclNal,
    /// <summary>The destination buffer is too small.</summary>
    DestinationTooSmall,
}
