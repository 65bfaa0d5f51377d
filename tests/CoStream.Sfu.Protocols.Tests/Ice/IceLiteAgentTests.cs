using System.Net;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Stun;
using static CoStream.Sfu.Protocols.Tests.Ice.IceTestPackets;

namespace CoStream.Sfu.Protocols.Tests.Ice;

public sealed class IceLiteAgentTests
{
    private static readonly IceCredentials Server = new("srvUfrag", "serverPasswordServerPass");
    private static readonly byte[] Key = Server.PasswordBytes.ToArray();
    private static readonly IPEndPoint Browser = EndPoint("198.51.100.10:50000");
    private static readonly IPEndPoint OtherPath = EndPoint("[2001:db8::10]:50002");

    [Fact]
    public void Rfc8445_7_3_ValidCheck_GetsSignedSuccessWithXorMappedAddress_AndSelectsAtOnce()
    {
        var agent = new IceLiteAgent(Server, "brwsr");
        var id = StunTransactionId.NewRandom();
        byte[] request = BindingRequest("srvUfrag:brwsr", Key, id: id);
        byte[] response = new byte[IceLiteAgent.MaxResponseLength];

        IceLiteOutcome outcome = agent.HandleBindingRequest(request, Browser, 1000, response, out int length);

        Assert.Equal(IceLiteOutcome.Responded, outcome);
        Assert.Equal(StunError.None, StunMessage.TryRead(response.AsSpan(0, length), out StunMessage message, out _));
        Assert.Equal(StunMessageType.BindingSuccess, message.Type);
        Assert.Equal(id, message.TransactionId);
        Assert.Equal(Browser, message.XorMappedAddress);
        Assert.True(message.CheckMessageIntegrity(Key));
        Assert.True(message.CheckFingerprint());
        Assert.Equal(Browser, agent.SelectedRemote);
        Assert.False(agent.IsNominated);
        Assert.Equal(1000, agent.LastValidCheckMs);
    }

    [Fact]
    public void Rfc8445_7_3_1_5_UseCandidateNominates_AndReplacesTheFirstSelection()
    {
        var agent = new IceLiteAgent(Server);
        byte[] response = new byte[IceLiteAgent.MaxResponseLength];

        agent.HandleBindingRequest(BindingRequest("srvUfrag:brwsr", Key), Browser, 10, response, out _);
        IceLiteOutcome outcome = agent.HandleBindingRequest(
            BindingRequest("srvUfrag:brwsr", Key, useCandidate: true), OtherPath, 20, response, out int length);

        Assert.Equal(IceLiteOutcome.Nominated, outcome);
        Assert.True(length > 0);
        Assert.Equal(OtherPath, agent.SelectedRemote);
        Assert.True(agent.IsNominated);
        StunMessage.TryRead(response.AsSpan(0, length), out StunMessage message, out _);
        Assert.Equal(OtherPath, message.XorMappedAddress);
    }

    [Fact]
    public void Rfc8445_7_3_LaterPlainCheckFromAnotherAddress_IsAnsweredButDoesNotMoveSelection()
    {
        var agent = new IceLiteAgent(Server);
        byte[] response = new byte[IceLiteAgent.MaxResponseLength];
        agent.HandleBindingRequest(BindingRequest("srvUfrag:brwsr", Key), Browser, 10, response, out _);

        IceLiteOutcome outcome = agent.HandleBindingRequest(BindingRequest("srvUfrag:brwsr", Key), OtherPath, 20, response, out int length);

        Assert.Equal(IceLiteOutcome.Responded, outcome);
        Assert.True(length > 0);
        Assert.Equal(Browser, agent.SelectedRemote);
        Assert.Equal(10, agent.LastValidCheckMs); // a check on another path is not consent for the selected one
    }

    [Fact]
    public void Rfc7675_ConsentExpiresThirtySecondsAfterTheLastValidCheck()
    {
        var agent = new IceLiteAgent(Server);
        byte[] response = new byte[IceLiteAgent.MaxResponseLength];
        Assert.False(agent.IsConsentExpired(1_000_000)); // nothing selected yet

        agent.HandleBindingRequest(BindingRequest("srvUfrag:brwsr", Key), Browser, 5_000, response, out _);
        agent.HandleBindingRequest(BindingRequest("srvUfrag:brwsr", Key), Browser, 9_000, response, out _);

        Assert.False(agent.IsConsentExpired(38_999));
        Assert.True(agent.IsConsentExpired(39_000));
        Assert.True(agent.IsConsentExpired(20_000, timeoutMs: 10_000));
    }

    public static TheoryData<string, byte[], IceLiteOutcome, int> RefusalRows()
    {
        byte[] badFingerprint = BindingRequest("srvUfrag:brwsr", Key);
        badFingerprint[^1] ^= 0xFF;
        return new TheoryData<string, byte[], IceLiteOutcome, int>
        {
            { "not STUN", new byte[] { 0x80, 0x6f, 0, 1 }, IceLiteOutcome.Malformed, 0 },
            { "indication", BindingRequest("srvUfrag:brwsr", Key, type: StunMessageType.BindingIndication), IceLiteOutcome.NotARequest, 0 },
            { "success response", BindingRequest("srvUfrag:brwsr", Key, type: StunMessageType.BindingSuccess), IceLiteOutcome.NotARequest, 0 },
            { "other method", BindingRequest("srvUfrag:brwsr", Key, type: new StunMessageType((StunMethod)3, StunClass.Request)), IceLiteOutcome.NotARequest, 0 },
            { "bad fingerprint", badFingerprint, IceLiteOutcome.BadFingerprint, 0 },
            { "no integrity", BindingRequest("srvUfrag:brwsr", Key, integrity: false), IceLiteOutcome.MissingCredentials, 400 },
            { "wrong local ufrag", BindingRequest("other123:brwsr", Key), IceLiteOutcome.BadUsername, 401 },
            { "no separator", BindingRequest("srvUfrag", Key), IceLiteOutcome.BadUsername, 401 },
            { "local ufrag prefix only", BindingRequest("srvUfragX:brwsr", Key), IceLiteOutcome.BadUsername, 401 },
            { "wrong remote ufrag", BindingRequest("srvUfrag:other", Key), IceLiteOutcome.BadUsername, 401 },
            { "wrong password", BindingRequest("srvUfrag:brwsr", "notTheServerPasswordAtAll"u8), IceLiteOutcome.BadIntegrity, 401 },
            { "peer claims controlled", BindingRequest("srvUfrag:brwsr", Key, controlled: true), IceLiteOutcome.RoleConflict, 487 },
        };
    }

    [Theory]
    [MemberData(nameof(RefusalRows))]
    public void Rfc8445_7_3_And_Rfc5389_10_1_2_RefusalRows(string row, byte[] request, IceLiteOutcome expected, int errorCode)
    {
        var agent = new IceLiteAgent(Server, "brwsr");
        byte[] response = new byte[IceLiteAgent.MaxResponseLength];

        IceLiteOutcome outcome = agent.HandleBindingRequest(request, Browser, 1, response, out int length);

        Assert.True(expected == outcome, $"{row}: expected {expected}, got {outcome}");
        Assert.Null(agent.SelectedRemote);
        if (errorCode == 0)
        {
            Assert.Equal(0, length);
            return;
        }

        Assert.Equal(StunError.None, StunMessage.TryRead(response.AsSpan(0, length), out StunMessage message, out _));
        Assert.Equal(StunMessageType.BindingError, message.Type);
        Assert.Equal(errorCode, message.ErrorCode);
        Assert.True(message.CheckFingerprint());
        // Only the 487 answers an authenticated request, so only it is signed.
        Assert.Equal(errorCode == 487, message.HasMessageIntegrity);
        Assert.Equal(errorCode == 487, message.CheckMessageIntegrity(Key));
    }

    [Fact]
    public void WithoutRemoteUfrag_AnySecondPartIsAccepted()
    {
        var agent = new IceLiteAgent(Server);
        byte[] response = new byte[IceLiteAgent.MaxResponseLength];

        Assert.Equal(IceLiteOutcome.Responded, agent.HandleBindingRequest(BindingRequest("srvUfrag:anyone", Key), Browser, 1, response, out _));
    }

    [Fact]
    public void FingerprintIsOptionalInRequests()
    {
        var agent = new IceLiteAgent(Server, "brwsr");
        byte[] response = new byte[IceLiteAgent.MaxResponseLength];

        Assert.Equal(
            IceLiteOutcome.Responded,
            agent.HandleBindingRequest(BindingRequest("srvUfrag:brwsr", Key, fingerprint: false), Browser, 1, response, out _));
    }

    [Fact]
    public void ResponseBufferTooSmall_WritesNothingAndChangesNoState()
    {
        var agent = new IceLiteAgent(Server);
        byte[] response = new byte[60];

        IceLiteOutcome outcome = agent.HandleBindingRequest(BindingRequest("srvUfrag:brwsr", Key), Browser, 1, response, out int length);

        Assert.Equal(IceLiteOutcome.ResponseBufferTooSmall, outcome);
        Assert.Equal(0, length);
        Assert.Null(agent.SelectedRemote);
    }

    [Fact]
    public void HostileInput_NeverThrows_NeverSelects_AndEveryOutcomeIsCounted()
    {
        var agent = new IceLiteAgent(Server, "brwsr");
        var random = new Random(8445);
        byte[][] seeds =
        [
            BindingRequest("srvUfrag:brwsr", Key),
            BindingRequest("srvUfrag:brwsr", Key, useCandidate: true),
            BindingRequest("srvUfrag:brwsr", Key, controlled: true),
        ];
        byte[] response = new byte[IceLiteAgent.MaxResponseLength];
        var counts = new int[Enum.GetValues<IceLiteOutcome>().Length];
        const int cases = 100_000;
        for (int i = 0; i < cases; i++)
        {
            byte[] seed = seeds[random.Next(seeds.Length)];
            byte[] input;
            switch (random.Next(3))
            {
                case 0:
                    input = seed[..random.Next(seed.Length)];
                    break;
                case 1:
                    input = new byte[random.Next(0, 160)];
                    random.NextBytes(input);
                    break;
                default:
                    input = (byte[])seed.Clone();
                    input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                    break;
            }

            IceLiteOutcome outcome = agent.HandleBindingRequest(input, Browser, i, response, out int length);
            counts[(int)outcome]++;
            Assert.InRange(length, 0, response.Length);
        }

        // A single flipped bit never yields an authenticated check: the HMAC (or CRC) catches it.
        Assert.Null(agent.SelectedRemote);
        Assert.Equal(0, counts[(int)IceLiteOutcome.Responded] + counts[(int)IceLiteOutcome.Nominated]);
        Assert.Equal(cases, counts.Sum());
        foreach (IceLiteOutcome reason in new[] { IceLiteOutcome.Malformed, IceLiteOutcome.NotARequest, IceLiteOutcome.BadFingerprint })
        {
            Assert.True(counts[(int)reason] > 0, $"no input was refused for {reason}");
        }
    }
}

public sealed class IceLiteAgentAllocationTests
{
    [Fact]
    public void HotPath_AnsweringAValidCheckAllocatesNothing()
    {
        var server = new IceCredentials("srvUfrag", "serverPasswordServerPass");
        var agent = new IceLiteAgent(server, "brwsr");
        byte[] request = IceTestPackets.BindingRequest("srvUfrag:brwsr", server.PasswordBytes.Span);
        byte[] response = new byte[IceLiteAgent.MaxResponseLength];
        var remote = IceTestPackets.EndPoint("198.51.100.10:50000");
        for (int i = 0; i < 10; i++)
        {
            agent.HandleBindingRequest(request, remote, i, response, out _); // warm up (JIT, static tables)
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            agent.HandleBindingRequest(request, remote, 100 + i, response, out _);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(199, agent.LastValidCheckMs);
    }
}
