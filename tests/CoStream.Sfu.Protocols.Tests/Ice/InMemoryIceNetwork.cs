using System.Net;
using CoStream.Sfu.Protocols.Ice;
using CoStream.Sfu.Protocols.Stun;

namespace CoStream.Sfu.Protocols.Tests.Ice;

/// <summary>
/// A controlling agent (load-tester side) and a lite agent (server side) joined by an in-memory
/// UDP path with zero latency and a simulated clock. Only <see cref="ServerAddress"/> reaches the
/// lite agent; datagrams to any other address vanish.
/// </summary>
internal sealed class InMemoryIceNetwork
{
    public static readonly IceCredentials ClientCredentials = new("clntUfrg", "clientPasswordClientPass");
    public static readonly IceCredentials ServerCredentials = new("srvrUfrg", "serverPasswordServerPass");

    private readonly byte[] _request = new byte[256];
    private readonly byte[] _response = new byte[IceLiteAgent.MaxResponseLength];

    public InMemoryIceNetwork(IPEndPoint clientAddress, IPEndPoint serverAddress, int seed = 1)
    {
        ClientAddress = clientAddress;
        ServerAddress = serverAddress;
        Client = new IceControllingAgent(
            ClientCredentials, ServerCredentials.Ufrag, ServerCredentials.Password, tieBreaker: 0xC0FFEE, new Random(seed));
        Client.AddLocalCandidate(clientAddress);
        Server = new IceLiteAgent(ServerCredentials, ClientCredentials.Ufrag);
    }

    public IPEndPoint ClientAddress { get; }

    public IPEndPoint ServerAddress { get; }

    public IceControllingAgent Client { get; }

    public IceLiteAgent Server { get; }

    public long Now { get; set; }

    /// <summary>Every datagram the client sent: time, destination, transaction id, USE-CANDIDATE.</summary>
    public List<(long At, IPEndPoint To, StunTransactionId Id, bool UseCandidate)> Sent { get; } = new();

    public List<IceLiteOutcome> ServerOutcomes { get; } = new();

    public List<IceCheckOutcome> ClientOutcomes { get; } = new();

    /// <summary>Drops a request on its way to the server when true (argument: index in <see cref="Sent"/>).</summary>
    public Func<int, bool> DropRequest { get; set; } = _ => false;

    public IPEndPoint? ResponseSource { get; set; }

    public void RunUntil(Func<bool> done, long limitMs, int stepMs = 5)
    {
        long end = Now + limitMs;
        while (!done() && Now < end)
        {
            Step();
            Now += stepMs;
        }
    }

    public void RunFor(long durationMs, int stepMs = 5)
    {
        long end = Now + durationMs;
        while (Now < end)
        {
            Step();
            Now += stepMs;
        }
    }

    public void Step()
    {
        while (Client.TryGetNextCheck(Now, _request, out int length, out IPEndPoint destination))
        {
            StunMessage.TryRead(_request.AsSpan(0, length), out StunMessage sent, out _);
            Sent.Add((Now, destination, sent.TransactionId, sent.UseCandidate));
            if (!destination.Equals(ServerAddress) || DropRequest(Sent.Count - 1))
            {
                continue;
            }

            IceLiteOutcome outcome = Server.HandleBindingRequest(_request.AsSpan(0, length), ClientAddress, Now, _response, out int responseLength);
            ServerOutcomes.Add(outcome);
            if (responseLength > 0)
            {
                ClientOutcomes.Add(Client.HandleResponse(_response.AsSpan(0, responseLength), ResponseSource ?? ServerAddress, Now));
            }
        }
    }

    public static IceCandidate HostCandidate(IPEndPoint endPoint, uint priority) =>
        new("1", 1, IceTransport.Udp, priority, endPoint.Address.ToString(), endPoint.Port, IceCandidateType.Host);
}
