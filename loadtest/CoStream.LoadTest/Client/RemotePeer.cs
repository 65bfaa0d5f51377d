using CoStream.Sfu.Protocols.Ice;
using DtlsRole = CoStream.Sfu.Protocols.Dtls.DtlsRole;

namespace CoStream.LoadTest.Client;

/// <summary>What a <see cref="SimPeer"/> needs to know about the other side to connect (from its SDP, or directly).</summary>
public sealed record RemotePeer(
    string IceUfrag,
    string IcePassword,
    IReadOnlyList<IceCandidate> Candidates,
    string FingerprintAlgorithm,
    string Fingerprint,
    DtlsRole LocalDtlsRole,
    bool LocalIceControlling);
