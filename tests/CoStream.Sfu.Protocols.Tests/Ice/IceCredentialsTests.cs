using CoStream.Sfu.Protocols.Ice;

namespace CoStream.Sfu.Protocols.Tests.Ice;

public sealed class IceCredentialsTests
{
    [Fact]
    public void Rfc8839_5_4_GeneratedCredentialsAreIceChars()
    {
        for (int i = 0; i < 200; i++)
        {
            IceCredentials credentials = IceCredentials.Generate();

            Assert.Equal(8, credentials.Ufrag.Length);
            Assert.Equal(24, credentials.Password.Length);
            Assert.True(IceCredentials.IsValidUfrag(credentials.Ufrag));
            Assert.True(IceCredentials.IsValidPassword(credentials.Password));
            Assert.Equal(credentials.Password, System.Text.Encoding.ASCII.GetString(credentials.PasswordBytes.Span));
        }
    }

    [Fact]
    public void GeneratedCredentialsDiffer()
    {
        var ufrags = new HashSet<string>();
        for (int i = 0; i < 1000; i++)
        {
            ufrags.Add(IceCredentials.Generate().Ufrag);
        }

        Assert.Equal(1000, ufrags.Count);
    }

    [Theory]
    [InlineData("abc", "VOkJxbRl1RmTxUk/WvJxBt", false)]       // ufrag 3 chars
    [InlineData("abcd", "VOkJxbRl1RmTxUk/WvJxB", false)]       // pwd 21 chars
    [InlineData("ab:d", "VOkJxbRl1RmTxUk/WvJxBt", false)]      // ':' is not an ice-char
    [InlineData("abcd", "VOkJxbRl1RmTxUk WvJxBtx", false)]     // space
    [InlineData("ab+/", "VOkJxbRl1RmTxUk/WvJxBt", true)]
    public void Rfc8839_5_4_GrammarIsEnforced(string ufrag, string password, bool valid)
    {
        Assert.Equal(valid, IceCredentials.TryCreate(ufrag, password, out IceCredentials? credentials));
        Assert.Equal(valid, credentials != null);
        if (!valid)
        {
            Assert.Throws<ArgumentException>(() => new IceCredentials(ufrag, password));
        }
    }
}
