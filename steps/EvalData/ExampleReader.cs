using System.Text.Json.Nodes;
using Workflows.Steps.Datasets;
using Workflows.Steps.Ingest;

namespace Workflows.Steps.EvalData;

/// <summary>Reads evaluation items from a dataset artifact (canonical columns) or straight from a raw
/// JSONL/JSON/CSV/TSV/TXT file through ingest's readers and a <see cref="FieldMapping"/>.</summary>
internal static class ExampleReader
{
    /// <summary>The items, how many records were unusable, or why the file cannot be read at all.</summary>
    public static async Task<ExampleSet> ReadAsync(string path, string shownPath, FieldMapping fields, string tempDirectory, CancellationToken ct)
    {
        if (Directory.Exists(path) || path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
        {
            if (!DatasetFile.Exists(path)) return ExampleSet.Failed($"'{shownPath}': no {DatasetFile.FileName} there; pass a dataset output or a .jsonl/.csv/.tsv/.txt file");
            var rows = await DatasetFile.ReadAllAsync(path, ct);
            var mapped = rows.Select(FromRow).ToList();
            return new ExampleSet(mapped.OfType<EvalExample>().ToList(), mapped.Count(m => m is null), null);
        }
        if (!File.Exists(path)) return ExampleSet.Failed($"'{shownPath}' not found (looked at {path})");
        var (type, error) = SourceTypes.Resolve(SourceFileType.Auto, path);
        if (type is null) return ExampleSet.Failed(error!);
        var source = SourceTypes.Create(type.Value, new IngestOptions { Path = path }, tempDirectory);
        var examples = new List<EvalExample>();
        var skipped = 0;
        var name = Path.GetFileName(path);
        await foreach (var record in source.ReadAsync(path, ct))
        {
            if (record.Fatal) return ExampleSet.Failed($"{shownPath}:{record.Line}: {record.Error}");
            if (record.Fields is null) skipped++;
            else examples.Add(FromRecord(record.Fields, fields, $"{name}:{record.Line}"));
        }
        return new ExampleSet(examples, skipped, null);
    }

    /// <summary>Canonical rows: instruction → prompt + target, classification → prompt + label, text → text,
    /// conversation → the turns before the last assistant reply as prompt, that reply as target;
    /// preference → the prompt turns as prompt, choices [chosen, rejected] with label 0.</summary>
    private static EvalExample? FromRow(DatasetRow row) => row.Kind switch
    {
        RowKind.Instruction => new EvalExample(row.Id, Join(row.Instruction, row.Input), row.Output, null, null),
        RowKind.Classification => new EvalExample(row.Id, row.Text, null, null, row.Label),
        RowKind.Text => new EvalExample(row.Id, null, null, row.Text, null),
        RowKind.Conversation when row.Messages is { Count: > 1 } m && m[^1].Role == ChatMessage.AssistantRole =>
            new EvalExample(row.Id, string.Join("\n", m.Take(m.Count - 1).Where(t => t.Role != ChatMessage.SystemRole).Select(t => t.Content)), m[^1].Content, null, null),
        RowKind.Preference when row.Chosen is not null && row.Rejected is not null =>
            new EvalExample(row.Id, string.Join("\n", (row.Messages ?? []).Where(t => t.Role != ChatMessage.SystemRole).Select(t => t.Content)), row.Chosen, null, "0", [row.Chosen, row.Rejected]),
        _ => null,
    };

    private static EvalExample FromRecord(JsonObject record, FieldMapping fields, string id)
    {
        var reader = new RecordFields(record, new ColumnMapping());
        string? Text(string field) => RecordFields.Get(record, field) is { } node ? reader.AsText(node, field) : null;
        var choices = RecordFields.Get(record, fields.Choices) is JsonArray array
            ? array.Select(c => c?.ToString() ?? "").ToList()
            : null;
        return new EvalExample(id, Text(fields.Prompt), Text(fields.Target), Text(fields.Text), Text(fields.Label), choices);
    }

    private static string? Join(string? instruction, string? input) =>
        string.IsNullOrEmpty(input) ? instruction : $"{instruction}\n{input}";
}
