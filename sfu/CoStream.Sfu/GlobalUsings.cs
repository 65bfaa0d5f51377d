global using MediaKind = CoStream.Sfu.Protocols.Sdp.MediaKind;
