using Workflows.Steps.Datasets;

namespace Workflows.Steps.Tests.TestSupport;

/// <summary>A row's content in one comparable line: kind|system|instruction|input|output|role:content;…|text|label|chosen|rejected.</summary>
internal static class RowText
{
    public static string Of(DatasetRow row) => string.Join("|",
        row.Kind.ToString().ToLowerInvariant(), row.System, row.Instruction, row.Input, row.Output,
        string.Join(";", (row.Messages ?? []).Select(m => $"{m.Role}:{m.Content}")),
        row.Text, row.Label, row.Chosen, row.Rejected);
}
