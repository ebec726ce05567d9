using System.Globalization;

namespace Workflows.Steps.Datasets;

/// <summary>Reads a canonical column of a row by its Parquet name (for options such as
/// <c>group_by: source_id</c> or <c>stratify_by: label</c>).</summary>
public static class DatasetColumns
{
    private static readonly Dictionary<string, Func<DatasetRow, string?>> Readers = new(StringComparer.Ordinal)
    {
        ["id"] = r => r.Id,
        ["source_id"] = r => r.SourceId,
        ["source_file"] = r => r.SourceFile,
        ["source_line"] = r => r.SourceLine.ToString(CultureInfo.InvariantCulture),
        ["kind"] = r => r.Kind.ToString().ToLowerInvariant(),
        ["system"] = r => r.System,
        ["instruction"] = r => r.Instruction,
        ["input"] = r => r.Input,
        ["output"] = r => r.Output,
        ["messages"] = r => r.Messages is null ? null : DatasetSchema.MessagesToJson(r.Messages),
        ["text"] = r => r.Text,
        ["label"] = r => r.Label,
        ["chosen"] = r => r.Chosen,
        ["rejected"] = r => r.Rejected,
    };

    /// <summary>Every column name, in file order.</summary>
    public static IReadOnlyCollection<string> Names => Readers.Keys;

    /// <summary>A reader for the column, or null when no column has that name.</summary>
    public static Func<DatasetRow, string?>? Reader(string column) => Readers.GetValueOrDefault(column);
}
