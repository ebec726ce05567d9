namespace Workflows.Steps.Package;

/// <summary>Copies the images a report's markdown shows (e.g. evaluate's <c>chart.png</c>) into the
/// package beside the model card, under names that cannot collide between reports.</summary>
internal static class ReportImages
{
    /// <summary>Per report folder: image file name in the report → file name in the package.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> CopyInto(IReadOnlyList<string> reports, string packageFolder)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        for (var i = 0; i < reports.Count; i++)
        {
            var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
            if (Directory.Exists(reports[i]))
            {
                foreach (var image in Directory.EnumerateFiles(reports[i], "*.png").Order(StringComparer.Ordinal))
                {
                    var name = $"report{i + 1}-{Path.GetFileName(image)}";
                    File.Copy(image, Path.Combine(packageFolder, name), overwrite: true);
                    renamed[Path.GetFileName(image)] = name;
                }
            }
            result[reports[i]] = renamed;
        }
        return result;
    }

    /// <summary>Points markdown image links at the copied files.</summary>
    public static string Relink(string markdown, IReadOnlyDictionary<string, string> renamed) =>
        renamed.Aggregate(markdown, (text, image) => text.Replace($"]({image.Key})", $"]({image.Value})", StringComparison.Ordinal));
}
