namespace Workflows.Steps.Evaluate.Charts;

/// <summary>
/// Gives ScottPlot a font it can draw text with. SkiaSharp's Linux build without dependencies does not
/// ask fontconfig for fonts, so a TrueType file is registered by path: the first of the usual Linux
/// locations that exists (Debian's <c>fonts-dejavu-core</c> provides the first one).
/// </summary>
internal static class ChartFonts
{
    public const string Family = "DejaVu Sans";

    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/TTF/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    ];

    private static readonly Lazy<string?> Registered = new(() =>
    {
        var file = Candidates.FirstOrDefault(File.Exists);
        if (file is not null) ScottPlot.Fonts.AddFontFile(Family, file);
        return file;
    });

    /// <summary>The font family to use, or null when no font file was found (text is then left to SkiaSharp's default).</summary>
    public static string? Use() => Registered.Value is null ? null : Family;
}
