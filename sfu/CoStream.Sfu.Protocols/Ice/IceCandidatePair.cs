using System.Net;

namespace CoStream.Sfu.Protocols.Ice;

/// <summary>State of a pair on the check list (RFC 8445 §6.1.2.6; one data stream, so no Frozen).</summary>
public enum IceCandidatePairState
{
    Waiting,
    InProgress,
    Succeeded,
    Failed,
}

/// <summary>A local/remote pair on the controlling agent's check list.</summary>
public sealed class IceCandidatePair
{
    internal IceCandidatePair(IPEndPoint local, uint localPriority, IPEndPoint remote, uint remotePriority, int order)
    {
        Local = local;
        LocalPriority = localPriority;
        Remote = remote;
        RemotePriority = remotePriority;
        Priority = ComputePriority(localPriority, remotePriority);
        Order = order;
    }

    public IPEndPoint Local { get; }

    public uint LocalPriority { get; }

    public IPEndPoint Remote { get; }

    public uint RemotePriority { get; }

    /// <summary>RFC 8445 §6.1.2.3 pair priority, controlling side's candidate as G.</summary>
    public ulong Priority { get; }

    public IceCandidatePairState State { get; internal set; }

    public bool Nominated { get; internal set; }

    /// <summary>Insertion order, breaking priority ties so the check list order is deterministic.</summary>
    internal int Order { get; }

    /// <summary>
    /// RFC 8445 §6.1.2.3: pair priority = 2^32*MIN(G,D) + 2*MAX(G,D) + (G&gt;D?1:0), where G is the
    /// controlling agent's candidate priority and D the controlled agent's.
    /// </summary>
    public static ulong ComputePriority(uint controlling, uint controlled)
    {
        ulong min = Math.Min(controlling, controlled);
        ulong max = Math.Max(controlling, controlled);
        return (min << 32) + (2 * max) + (controlling > controlled ? 1ul : 0ul);
    }

    public override string ToString() => $"{Local} -> {Remote} ({State}{(Nominated ? ", nominated" : "")})";
}
