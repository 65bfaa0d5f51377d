namespace CoStream.Sfu.Protocols.Tests.Rtp;

internal static class RtpTestBytes
{
    /// <summary>Hex with any whitespace and '|' separators (used to annotate fields) ignored.</summary>
    public static byte[] Hex(string text)
    {
        var clean = new System.Text.StringBuilder(text.Length);
        foreach (char c in text)
        {
            if (Uri.IsHexDigit(c))
            {
                clean.Append(c);
            }
        }

        return Convert.FromHexString(clean.ToString());
    }
}
