using Workflows.Steps.Datasets;

namespace Workflows.Steps.Augment;

/// <summary>Reads and rewrites the text fields of a row: all of them (templates), or only the prompt
/// side, the part a user writes (noise, rephrasing).</summary>
internal static class RowTexts
{
    public static DatasetRow MapAll(DatasetRow row, Func<string, string> map) => row with
    {
        System = Map(row.System, map), Instruction = Map(row.Instruction, map), Input = Map(row.Input, map),
        Output = Map(row.Output, map), Text = Map(row.Text, map), Chosen = Map(row.Chosen, map), Rejected = Map(row.Rejected, map),
        Messages = row.Messages?.Select(m => m with { Content = map(m.Content) }).ToArray(),
    };

    public static IEnumerable<string> All(DatasetRow row) =>
        new[] { row.System, row.Instruction, row.Input, row.Output, row.Text, row.Chosen, row.Rejected }
            .Concat(row.Messages?.Select(m => m.Content) ?? [])
            .OfType<string>();

    /// <summary>The instruction, the first user turn, or the text; null when the row has none.</summary>
    public static string? Prompt(DatasetRow row) => row.Kind switch
    {
        RowKind.Instruction => row.Instruction,
        RowKind.Conversation or RowKind.Preference or RowKind.Feedback => row.Messages?.FirstOrDefault(m => m.Role == ChatMessage.UserRole)?.Content,
        _ => row.Text,
    };

    public static DatasetRow WithPrompt(DatasetRow row, string prompt)
    {
        switch (row.Kind)
        {
            case RowKind.Instruction:
                return row with { Instruction = prompt };
            case RowKind.Conversation or RowKind.Preference or RowKind.Feedback:
                var messages = row.Messages!.ToArray();
                var first = Array.FindIndex(messages, m => m.Role == ChatMessage.UserRole);
                messages[first] = messages[first] with { Content = prompt };
                return row with { Messages = messages };
            default:
                return row with { Text = prompt };
        }
    }

    private static string? Map(string? value, Func<string, string> map) => value is null ? null : map(value);
}
