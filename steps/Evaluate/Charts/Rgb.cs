namespace Workflows.Steps.Evaluate.Charts;

/// <summary>An opaque 8-bit colour.</summary>
internal readonly record struct Rgb(byte R, byte G, byte B)
{
    public static Rgb FromHex(uint rgb) => new((byte)(rgb >> 16), (byte)(rgb >> 8), (byte)rgb);

    public static readonly Rgb White = new(255, 255, 255);
    public static readonly Rgb Black = new(0, 0, 0);
}
