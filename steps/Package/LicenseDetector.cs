namespace Workflows.Steps.Package;

/// <summary>The hub licence identifier (huggingface.co/docs/hub/repositories-licenses) of a model's
/// licence file, recognised from its first lines.</summary>
internal static class LicenseDetector
{
    private static readonly (string Marker, string Id)[] Known =
    [
        ("MIT License", "mit"),
        ("Apache License", "apache-2.0"),
        ("BSD 3-Clause", "bsd-3-clause"),
        ("BSD 2-Clause", "bsd-2-clause"),
        ("GNU GENERAL PUBLIC LICENSE", "gpl-3.0"),
        ("Creative Commons Attribution 4.0", "cc-by-4.0"),
        ("LLAMA 2 COMMUNITY LICENSE", "llama2"),
        ("LLAMA 3 COMMUNITY LICENSE", "llama3"),
    ];

    /// <summary>The licence id of the LICENSE file in <paramref name="folder"/>, "other" for an unknown
    /// licence text, null when there is none.</summary>
    public static string? Detect(string folder)
    {
        var file = new[] { "LICENSE", "LICENSE.txt", "LICENSE.md" }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
        if (file is null) return null;
        var head = string.Join("\n", File.ReadLines(file).Take(5));
        return Known.FirstOrDefault(k => head.Contains(k.Marker, StringComparison.OrdinalIgnoreCase)).Id ?? "other";
    }
}
