using CoStream.Signaling.Rooms.Chat;

namespace CoStream.Signaling.Tests.Rooms.Chat;

/// <summary>Comment text rules: trimmed, 1..300 scalars, no control or bidi-override characters, valid UTF-16.</summary>
public sealed class CommentTextTests
{
    public static TheoryData<string?, CommentTextError, string> Rows() => new()
    {
        { "hello", CommentTextError.None, "hello" },
        { "  padded\u3000 ", CommentTextError.None, "padded" },          // ideographic space trims too
        { "好物推荐 👍🏽", CommentTextError.None, "好物推荐 👍🏽" },
        { "👨‍👩‍👧", CommentTextError.None, "👨‍👩‍👧" },                     // ZWJ sequence (U+200D is allowed)
        { null, CommentTextError.Missing, "" },
        { "", CommentTextError.Empty, "" },
        { "   \t ", CommentTextError.Empty, "" },
        { "line\nbreak", CommentTextError.ControlCharacter, "" },
        { "bell\u0007", CommentTextError.ControlCharacter, "" },
        { "c1\u0085x", CommentTextError.ControlCharacter, "" },
        { "abc\u202Eevil", CommentTextError.BidiControl, "" },          // RIGHT-TO-LEFT OVERRIDE
        { "iso\u2067late", CommentTextError.BidiControl, "" },
        { new string('x', 300), CommentTextError.None, new string('x', 300) },
        { new string('x', 301), CommentTextError.TooLong, "" },
        { string.Concat(Enumerable.Repeat("😀", 300)), CommentTextError.None, string.Concat(Enumerable.Repeat("😀", 300)) },
        { string.Concat(Enumerable.Repeat("😀", 301)), CommentTextError.TooLong, "" },
        { new string(' ', 100) + "ok" + new string(' ', 100), CommentTextError.None, "ok" },
        { new string('x', 100_000), CommentTextError.TooLong, "" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public void TryNormalize(string? raw, CommentTextError expected, string normalized)
    {
        Assert.Equal(expected, CommentText.TryNormalize(raw, 300, out var text));
        Assert.Equal(normalized, text);
    }

    [Fact]
    public void UnpairedSurrogates_AreRefused()
    {
        // Not theory rows: xunit's data serialization would replace a lone surrogate by U+FFFD.
        foreach (var raw in new[] { "lone \uD800 surrogate", "tail \uDC00", "\uDBFF" })
            Assert.Equal(CommentTextError.InvalidUtf16, CommentText.TryNormalize(raw, 300, out _));
        Assert.Equal(CommentTextError.None, CommentText.TryNormalize("pair \uD83D\uDE00", 300, out _));
    }

    [Theory]
    [InlineData(null, CommentTextError.None)]
    [InlineData("c-123:abc", CommentTextError.None)]
    [InlineData("", CommentTextError.BadClientId)]
    [InlineData("has space", CommentTextError.BadClientId)]
    [InlineData("ünï", CommentTextError.BadClientId)]
    public void ClientId(string? id, CommentTextError expected) => Assert.Equal(expected, CommentText.CheckClientId(id));

    [Fact]
    public void ClientId_LongerThan64_IsRefused() =>
        Assert.Equal(CommentTextError.BadClientId, CommentText.CheckClientId(new string('a', 65)));

    [Fact]
    public void RandomInput_NeverThrows_AndEveryRefusalHasAReason()
    {
        var random = new Random(20261122);
        var refused = new Dictionary<CommentTextError, int>();
        const int cases = 100_000;
        for (var i = 0; i < cases; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++) chars[j] = (char)random.Next(0, 0x10000);
            var error = CommentText.TryNormalize(new string(chars), 30, out var text);
            if (error == CommentTextError.None) Assert.NotEmpty(text);
            else refused[error] = refused.GetValueOrDefault(error) + 1;
        }
        Assert.True(refused.Count >= 4, string.Join(", ", refused));
        Assert.All(refused.Values, n => Assert.True(n > 0));
    }
}
