namespace CoStream.Sfu.Protocols.Stun;

/// <summary>The class bits C1 C0 of a STUN message type (RFC 5389 §6).</summary>
public enum StunClass : byte
{
    Request = 0b00,
    Indication = 0b01,
    SuccessResponse = 0b10,
    ErrorResponse = 0b11,
}

/// <summary>The 12-bit STUN method. Only Binding is used by ICE.</summary>
public enum StunMethod : ushort
{
    Binding = 0x001,
}

/// <summary>
/// Method and class, packed into the 14-bit message type field (RFC 5389 §6, Figure 3):
/// <code>
///  0                 1
///  2  3  4 5 6 7 8 9 0 1 2 3 4 5
/// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// |M |M |M|M|M|C|M|M|M|C|M|M|M|M|
/// |11|10|9|8|7|1|6|5|4|0|3|2|1|0|
/// +--+--+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public readonly record struct StunMessageType(StunMethod Method, StunClass Class)
{
    public static StunMessageType BindingRequest => new(StunMethod.Binding, StunClass.Request);
    public static StunMessageType BindingIndication => new(StunMethod.Binding, StunClass.Indication);
    public static StunMessageType BindingSuccess => new(StunMethod.Binding, StunClass.SuccessResponse);
    public static StunMessageType BindingError => new(StunMethod.Binding, StunClass.ErrorResponse);

    private const int MethodLowMask = 0x000F;   // M0-M3 stay at bits 0-3
    private const int MethodMidMask = 0x0070;   // M4-M6 move to bits 5-7
    private const int MethodHighMask = 0x0F80;  // M7-M11 move to bits 9-13
    private const int ClassBit0 = 0x0010;       // C0 at bit 4
    private const int ClassBit1 = 0x0100;       // C1 at bit 8

    public bool IsRequest => Class == StunClass.Request;
    public bool IsResponse => Class is StunClass.SuccessResponse or StunClass.ErrorResponse;

    /// <summary>The 16-bit value as written on the wire (the top two bits are zero).</summary>
    public ushort ToUInt16()
    {
        int m = (int)Method;
        int c = (int)Class;
        int value = (m & MethodLowMask)
            | ((m & MethodMidMask) << 1)
            | ((m & MethodHighMask) << 2)
            | ((c & 1) != 0 ? ClassBit0 : 0)
            | ((c & 2) != 0 ? ClassBit1 : 0);
        return (ushort)value;
    }

    /// <summary>Unpacks a wire value; the top two bits are ignored (the reader refuses them earlier).</summary>
    public static StunMessageType FromUInt16(ushort value)
    {
        int m = (value & MethodLowMask)
            | ((value >> 1) & MethodMidMask)
            | ((value >> 2) & MethodHighMask);
        int c = ((value & ClassBit0) != 0 ? 1 : 0) | ((value & ClassBit1) != 0 ? 2 : 0);
        return new StunMessageType((StunMethod)m, (StunClass)c);
    }

    public override string ToString() => $"{Method} {Class}";
}
