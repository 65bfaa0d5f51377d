namespace CoStream.LoadTest.Client;

/// <summary>Carries a <see cref="SimPeer"/>'s SDP offer to the server by any signalling (WHIP/WHEP, or an in-process engine) and returns the answer.</summary>
public delegate Task<string> OfferExchange(string offerSdp, CancellationToken ct);
