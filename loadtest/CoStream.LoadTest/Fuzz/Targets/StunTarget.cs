using CoStream.Sfu.Protocols.Stun;

namespace CoStream.LoadTest.Fuzz.Targets;

/// <summary>STUN parsing (RFC 8489) and the checks the ICE agent runs on a message.</summary>
internal sealed class StunTarget : FuzzTarget
{
    private static readonly byte[] ShortTermKey = System.Text.Encoding.ASCII.GetBytes(FuzzSeeds.Password);
    private static readonly byte[] LongTermKey = StunMessage.ComputeLongTermKey("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9", "example.org", "TheMatrIX");

    public override string Name => "stun";

    public override string Folder => "Stun";

    public override string EntryPoints => "StunMessage.TryRead, CheckMessageIntegrity, CheckFingerprint, TryReadUsername, accessors";

    public override IReadOnlyList<byte[]> Seeds { get; } = FuzzSeeds.Stun();

    public override void FindLengthFields(ReadOnlySpan<byte> input, List<LengthField> fields) => LengthFieldWalker.Stun(input, fields);

    public override string? Run(byte[] input)
    {
        bool hasUsername = StunMessage.TryReadUsername(input, out ReadOnlySpan<byte> username);
        FuzzInvariant.Check(hasUsername || username.IsEmpty, "TryReadUsername false with a username");
        _ = StunMessage.VerifyFingerprint(input);
        _ = StunMessage.VerifyMessageIntegrity(input, ShortTermKey);

        StunError error = StunMessage.TryRead(input, out StunMessage message, out int consumed);
        if (error != StunError.None)
        {
            return ReasonName<StunError>.Of(error);
        }

        FuzzInvariant.Check(consumed == input.Length, $"consumed {consumed} of {input.Length}");
        _ = message.Type;
        _ = message.TransactionId;
        _ = message.Username.Length + message.Software.Length + message.Realm.Length + message.Nonce.Length;
        _ = message.Priority + message.IceControlling + message.IceControlled;
        _ = message.XorMappedAddress;
        _ = message.ErrorCode + message.ErrorReason.Length;
        _ = message.CheckMessageIntegrity(ShortTermKey);
        _ = message.CheckMessageIntegrity(LongTermKey);
        _ = message.CheckFingerprint();
        foreach (StunAttribute attribute in message.Attributes)
        {
            FuzzInvariant.Check(attribute.Value.Length <= input.Length, "attribute longer than the message");
        }

        return null;
    }
}
