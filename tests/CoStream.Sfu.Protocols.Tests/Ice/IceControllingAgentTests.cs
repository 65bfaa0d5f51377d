using System.Net;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Stun;
using static CoStream.Sfu.Protocols.Tests.Ice.IceTestPackets;

namespace CoStream.Sfu.Protocols.Tests.Ice;

public sealed class IceControllingAgentTests
{
    private static readonly IPEndPoint ClientAddress = EndPoint("192.0.2.50:40000");
    private static readonly IPEndPoint ServerAddress = EndPoint("203.0.113.1:3478");
    private static readonly IPEndPoint Unreachable = EndPoint("10.9.9.9:1");

    private static InMemoryIceNetwork Connectable(params (IPEndPoint EndPoint, uint Priority)[] remotes)
    {
        var network = new InMemoryIceNetwork(ClientAddress, ServerAddress);
        foreach ((IPEndPoint endPoint, uint priority) in remotes)
        {
            Assert.True(network.Client.AddRemoteCandidate(InMemoryIceNetwork.HostCandidate(endPoint, priority)));
        }

        return network;
    }

    [Fact]
    public void Rfc8445_8_1_1_ConnectsToLiteAgent_AndBothAgreeOnTheSelectedPair()
    {
        InMemoryIceNetwork network = Connectable((ServerAddress, 2130706431));
        Assert.Equal(IceConnectionState.New, network.Client.State);

        network.RunUntil(() => network.Client.State == IceConnectionState.Connected, limitMs: 10_000);

        Assert.Equal(IceConnectionState.Connected, network.Client.State);
        Assert.Equal(ServerAddress, network.Client.SelectedRemote);
        Assert.Equal(ClientAddress, network.Server.SelectedRemote);
        Assert.True(network.Server.IsNominated);
        // Regular nomination: an ordinary check first, then the same pair again with USE-CANDIDATE.
        Assert.False(network.Sent[0].UseCandidate);
        Assert.True(network.Sent[1].UseCandidate);
        Assert.Equal(new[] { IceLiteOutcome.Responded, IceLiteOutcome.Nominated }, network.ServerOutcomes);
        Assert.Equal(new[] { IceCheckOutcome.Succeeded, IceCheckOutcome.Nominated }, network.ClientOutcomes);
        Assert.True(network.Client.CheckList[0].Nominated);
    }

    [Fact]
    public void Rfc8445_6_1_2_5_HigherPriorityPairIsCheckedFirst_AndAReachableLowerOneWins()
    {
        InMemoryIceNetwork network = Connectable((ServerAddress, 1694498815), (Unreachable, 2130706431));

        network.RunUntil(() => network.Client.State == IceConnectionState.Connected, limitMs: 10_000);

        Assert.Equal(Unreachable, network.Client.CheckList[0].Remote);
        Assert.Equal(Unreachable, network.Sent[0].To);
        Assert.Equal(ServerAddress, network.Sent[1].To);
        Assert.Equal(ServerAddress, network.Client.SelectedRemote);
        Assert.Equal(ClientAddress, network.Server.SelectedRemote);
    }

    [Fact]
    public void Rfc8445_14_2_ChecksArePacedAtTa()
    {
        InMemoryIceNetwork network = Connectable((Unreachable, 2130706431), (EndPoint("10.9.9.8:2"), 2130706430));
        byte[] buffer = new byte[256];

        Assert.True(network.Client.TryGetNextCheck(0, buffer, out _, out _));
        Assert.False(network.Client.TryGetNextCheck(49, buffer, out _, out _));
        Assert.True(network.Client.TryGetNextCheck(50, buffer, out _, out IPEndPoint second));
        Assert.Equal(EndPoint("10.9.9.8:2"), second);
        Assert.Equal(IceConnectionState.Checking, network.Client.State);
    }

    [Fact]
    public void Rfc5389_7_2_1_LostChecksAreRetransmittedWithTheSameTransactionId()
    {
        InMemoryIceNetwork network = Connectable((ServerAddress, 2130706431));
        network.DropRequest = index => index < 2;

        network.RunUntil(() => network.Client.State == IceConnectionState.Connected, limitMs: 10_000);

        Assert.Equal(IceConnectionState.Connected, network.Client.State);
        Assert.Equal(network.Sent[0].Id, network.Sent[1].Id);
        Assert.Equal(network.Sent[0].Id, network.Sent[2].Id);
        Assert.True(network.Sent[1].At - network.Sent[0].At >= 500); // RTO, not Ta
        Assert.True(network.Sent[2].At - network.Sent[1].At >= 1000); // doubled
    }

    [Fact]
    public void Rfc7675_ConsentChecksKeepBothSidesAlive()
    {
        InMemoryIceNetwork network = Connectable((ServerAddress, 2130706431));
        network.RunUntil(() => network.Client.State == IceConnectionState.Connected, limitMs: 10_000);
        long connectedAt = network.Now;
        int sentBefore = network.Sent.Count;

        network.RunFor(120_000);

        int consentChecks = network.Sent.Count - sentBefore;
        Assert.Equal(IceConnectionState.Connected, network.Client.State);
        Assert.InRange(consentChecks, 120_000 / 6000, 120_000 / 4000);   // one every 4..6 s
        Assert.All(network.Sent.Skip(sentBefore), s => Assert.Equal(ServerAddress, s.To));
        Assert.All(network.ClientOutcomes.Skip(2), o => Assert.Equal(IceCheckOutcome.ConsentRefreshed, o));
        Assert.True(network.Server.LastValidCheckMs > connectedAt + 100_000);
        Assert.False(network.Server.IsConsentExpired(network.Now));
        Assert.True(network.Client.LastConsentMs > connectedAt + 100_000);
    }

    [Fact]
    public void Rfc7675_ConsentExpires_WhenTheLiteSideStopsAnswering()
    {
        InMemoryIceNetwork network = Connectable((ServerAddress, 2130706431));
        network.RunUntil(() => network.Client.State == IceConnectionState.Connected, limitMs: 10_000);
        network.RunFor(20_000);
        long lastAnswer = network.Client.LastConsentMs;
        network.DropRequest = _ => true;

        network.RunUntil(() => network.Client.State == IceConnectionState.Failed, limitMs: 60_000);

        Assert.Equal(IceConnectionState.Failed, network.Client.State);
        Assert.InRange(network.Now - lastAnswer, 30_000, 30_005); // found on the first poll past 30 s
        Assert.True(network.Server.IsConsentExpired(network.Now));
        Assert.False(network.Client.TryGetNextCheck(network.Now + 1000, new byte[256], out _, out _));
    }

    [Fact]
    public void Rfc8445_7_2_5_4_AllPairsFailing_FailsTheAgent()
    {
        InMemoryIceNetwork network = Connectable((Unreachable, 2130706431));

        network.RunUntil(() => network.Client.State == IceConnectionState.Failed, limitMs: 60_000);

        Assert.Equal(IceConnectionState.Failed, network.Client.State);
        Assert.Equal(IceCandidatePairState.Failed, network.Client.CheckList[0].State);
        Assert.Equal(7, network.Sent.Count); // Rc transmissions of the single check
        Assert.Null(network.Client.SelectedRemote);
    }

    [Fact]
    public void Rfc8445_7_2_5_2_1_ResponseFromAnotherAddressFailsThePair()
    {
        InMemoryIceNetwork network = Connectable((ServerAddress, 2130706431));
        network.ResponseSource = EndPoint("203.0.113.99:3478");

        network.Step();

        Assert.Equal(IceCheckOutcome.NonSymmetric, Assert.Single(network.ClientOutcomes));
        Assert.Equal(IceCandidatePairState.Failed, network.Client.CheckList[0].State);
    }

    [Fact]
    public void Rfc8445_7_2_5_ResponsesThatAreNotOursOrNotSignedAreIgnored()
    {
        InMemoryIceNetwork network = Connectable((ServerAddress, 2130706431));
        network.DropRequest = _ => true;
        network.Step();
        StunTransactionId inFlight = network.Sent[0].Id;
        IceControllingAgent client = network.Client;

        Assert.Equal(IceCheckOutcome.Malformed, client.HandleResponse(new byte[] { 1, 2, 3 }, ServerAddress, 1));
        Assert.Equal(IceCheckOutcome.NotAResponse, client.HandleResponse(BindingRequest("a:b", "k"u8, id: inFlight), ServerAddress, 1));
        Assert.Equal(IceCheckOutcome.UnknownTransaction, client.HandleResponse(Success(StunTransactionId.NewRandom(), "serverPasswordServerPass"u8), ServerAddress, 1));
        Assert.Equal(IceCheckOutcome.BadIntegrity, client.HandleResponse(Success(inFlight, "forgedPasswordForgedPass"u8), ServerAddress, 1));
        Assert.Equal(IceCheckOutcome.BadIntegrity, client.HandleResponse(Unsigned401(inFlight), ServerAddress, 1));

        // The check is still alive: the genuine response is accepted.
        Assert.Equal(IceCheckOutcome.Succeeded, client.HandleResponse(Success(inFlight, "serverPasswordServerPass"u8), ServerAddress, 2));
        Assert.Equal(IceCheckOutcome.UnknownTransaction, client.HandleResponse(Success(inFlight, "serverPasswordServerPass"u8), ServerAddress, 3));
    }

    [Fact]
    public void Rfc8445_6_1_2_3_PairPriority()
    {
        // G = controlling candidate priority, D = controlled candidate priority.
        Assert.Equal((100ul << 32) + (2 * 200ul) + 0, IceCandidatePair.ComputePriority(100, 200));
        Assert.Equal((100ul << 32) + (2 * 200ul) + 1, IceCandidatePair.ComputePriority(200, 100));
        Assert.Equal((2130706431ul << 32) + (2ul * 2130706431), IceCandidatePair.ComputePriority(2130706431, 2130706431)); // largest RFC priority
    }

    [Fact]
    public void RemoteCandidatesThatCannotBeCheckedAreSkipped()
    {
        var network = new InMemoryIceNetwork(ClientAddress, ServerAddress);
        IceCandidate.TryParse("candidate:1 1 udp 2122260223 9b36eaac-bb2e-49bb-bb78-21c41c499900.local 56143 typ host", out IceCandidate? mdns);
        IceCandidate.TryParse("candidate:2 1 tcp 1518280447 203.0.113.1 9 typ host tcptype active", out IceCandidate? tcp);
        IceCandidate.TryParse("candidate:3 2 udp 2130706430 203.0.113.1 3479 typ host", out IceCandidate? rtcpComponent);
        IceCandidate.TryParse("candidate:4 1 udp 2130706431 2001:db8::1 3478 typ host", out IceCandidate? otherFamily);

        Assert.False(network.Client.AddRemoteCandidate(mdns!));
        Assert.False(network.Client.AddRemoteCandidate(tcp!));
        Assert.False(network.Client.AddRemoteCandidate(rtcpComponent!));
        Assert.True(network.Client.AddRemoteCandidate(otherFamily!));     // kept, but no IPv4 local to pair with
        Assert.True(network.Client.AddRemoteCandidate(InMemoryIceNetwork.HostCandidate(ServerAddress, 1)));
        Assert.False(network.Client.AddRemoteCandidate(InMemoryIceNetwork.HostCandidate(ServerAddress, 2))); // duplicate
        Assert.Single(network.Client.CheckList);
    }

    [Fact]
    public void HostileInput_HandleResponseNeverThrows_AndNoForgeryCompletesACheck()
    {
        InMemoryIceNetwork network = Connectable((ServerAddress, 2130706431));
        network.DropRequest = _ => true;
        network.Step();
        byte[] genuine = Success(network.Sent[0].Id, "serverPasswordServerPass"u8);
        var random = new Random(7675);
        var counts = new int[Enum.GetValues<IceCheckOutcome>().Length];
        const int cases = 100_000;
        for (int i = 0; i < cases; i++)
        {
            byte[] input;
            switch (random.Next(4))
            {
                case 0:
                    input = genuine[..random.Next(genuine.Length)];
                    break;
                case 3: // well formed, correct FINGERPRINT, signed with a guessed key
                    byte[] guess = new byte[24];
                    random.NextBytes(guess);
                    input = Success(network.Sent[0].Id, guess);
                    break;
                case 1:
                    input = new byte[random.Next(0, 120)];
                    random.NextBytes(input);
                    break;
                default:
                    input = (byte[])genuine.Clone();
                    input[random.Next(input.Length)] ^= (byte)(1 << random.Next(8));
                    break;
            }

            counts[(int)network.Client.HandleResponse(input, ServerAddress, 1)]++;
        }

        Assert.Equal(cases, counts.Sum());
        Assert.Equal(0, counts[(int)IceCheckOutcome.Succeeded] + counts[(int)IceCheckOutcome.Nominated]);
        foreach (IceCheckOutcome reason in new[] { IceCheckOutcome.Malformed, IceCheckOutcome.UnknownTransaction, IceCheckOutcome.BadIntegrity, IceCheckOutcome.BadFingerprint })
        {
            Assert.True(counts[(int)reason] > 0, $"no input was refused for {reason}");
        }

        Assert.Equal(IceCheckOutcome.Succeeded, network.Client.HandleResponse(genuine, ServerAddress, 2));
    }

    private static byte[] Success(StunTransactionId id, ReadOnlySpan<byte> key)
    {
        byte[] buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingSuccess, id);
        writer.AddXorMappedAddress(ClientAddress);
        writer.AddMessageIntegrity(key);
        writer.AddFingerprint();
        return buffer[..writer.Length];
    }

    private static byte[] Unsigned401(StunTransactionId id)
    {
        byte[] buffer = new byte[128];
        var writer = new StunMessageWriter(buffer, StunMessageType.BindingError, id);
        writer.AddErrorCode(401, "Unauthorized");
        writer.AddFingerprint();
        return buffer[..writer.Length];
    }
}
