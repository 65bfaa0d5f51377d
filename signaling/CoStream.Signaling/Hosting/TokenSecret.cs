using System.Security.Cryptography;

namespace CoStream.Signaling.Hosting;

/// <summary>
/// The room-token signing secret: <c>CoStream:TokenSecret</c> (base64, ≥ 32 bytes) when configured,
/// else a random one kept in <c>.data/token-secret</c> so tokens survive a restart of the embedded setup.
/// </summary>
public static class TokenSecret
{
    public static byte[] Load(IConfiguration config)
    {
        if (config["CoStream:TokenSecret"] is { Length: > 0 } b64) return Convert.FromBase64String(b64);
        var path = Path.GetFullPath(config["CoStream:TokenSecretFile"] ?? Path.Combine(".data", "token-secret"));
        if (File.Exists(path)) return Convert.FromBase64String(File.ReadAllText(path).Trim());
        var secret = RandomNumberGenerator.GetBytes(32);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, Convert.ToBase64String(secret));
        return secret;
    }
}
