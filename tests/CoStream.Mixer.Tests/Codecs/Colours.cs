using CoStream.Mixer.Codecs;

namespace CoStream.Mixer.Tests.Codecs;

/// <summary>Synthetic test pictures: solid colours (BT.601 limited-range YUV) that change every 5 frames.</summary>
internal static class Colours
{
    public static readonly (byte Y, byte U, byte V)[] Palette =
    [
        (81, 90, 240),   // red
        (145, 54, 34),   // green
        (41, 240, 110),  // blue
        (210, 16, 146),  // yellow
        (235, 128, 128), // white
        (16, 128, 128),  // black
    ];

    public static (byte Y, byte U, byte V) ForFrame(long index) => Palette[index / 5 % Palette.Length];

    public static I420Frame Frame(int width, int height, long index)
    {
        var (y, u, v) = ForFrame(index);
        return I420Frame.Solid(width, height, y, u, v, pts: index);
    }
}
