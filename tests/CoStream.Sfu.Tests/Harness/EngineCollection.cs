namespace CoStream.Sfu.Tests.Harness;

/// <summary>
/// The end-to-end engine tests run one at a time and apart from every other test: each starts an SFU
/// and several <c>SimPeer</c>s with their own threads, and the machine has few cores.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EngineCollection
{
    public const string Name = "engine";
}
