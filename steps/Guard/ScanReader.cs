using System.Text.Json.Nodes;
using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;

namespace Workflows.Steps.Guard;

/// <summary>The texts of a dataset (every content column of each row) or of a raw file (every field of each record),
/// for the rule scan.</summary>
internal static class ScanReader
{
    public static async Task<(List<(string Id, string Text)> Rows, string? Error)> ReadAsync(string path, string shown, string tempDirectory, CancellationToken ct)
    {
        var rows = new List<(string, string)>();
        if (Directory.Exists(path) || path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            if (!DatasetFile.Exists(path)) return (rows, $"scan: '{shown}' holds no {DatasetFile.FileName}");
            await foreach (var row in DatasetFile.ReadAsync(path, ct)) rows.Add(($"{row.SourceFile}:{row.SourceLine}", row.ContentText()));
            return (rows, null);
        }
        if (!File.Exists(path)) return (rows, $"scan: '{shown}' not found (looked at {path})");
        var (type, error) = SourceTypes.Resolve(SourceFileType.Auto, path);
        if (type is null) return (rows, $"scan: {error}");
        var source = SourceTypes.Create(type.Value, new IngestOptions { Path = path }, tempDirectory);
        await foreach (var record in source.ReadAsync(path, ct))
        {
            if (record.Fatal) return (rows, $"scan: {shown}:{record.Line}: {record.Error}");
            if (record.Fields is not null) rows.Add(($"{Path.GetFileName(path)}:{record.Line}", string.Join("\n", Texts(record.Fields))));
        }
        return (rows, null);
    }

    private static IEnumerable<string> Texts(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => Texts(p.Value)),
        JsonArray a => a.SelectMany(Texts),
        JsonValue v => [v.ToString()],
        _ => [],
    };
}
