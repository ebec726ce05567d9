using Workflows.Steps.Datasets;

namespace Workflows.Steps.Tests.TestSupport;

/// <summary>Builds canonical rows with ids as ingest would give them.</summary>
internal static class Rows
{
    public static DatasetRow Instruction(string instruction, string output, int line = 1) =>
        WithId(new DatasetRow { Id = "", SourceId = "", SourceFile = "t.jsonl", SourceLine = line, Kind = RowKind.Instruction, Instruction = instruction, Output = output });

    public static DatasetRow Text(string text, int line = 1, string? label = null) =>
        WithId(new DatasetRow { Id = "", SourceId = "", SourceFile = "t.jsonl", SourceLine = line, Kind = label is null ? RowKind.Text : RowKind.Classification, Text = text, Label = label });

    public static DatasetRow Chat(string user, string assistant, int line = 1) =>
        WithId(new DatasetRow
        {
            Id = "", SourceId = "", SourceFile = "t.jsonl", SourceLine = line, Kind = RowKind.Conversation,
            Messages = [new ChatMessage("system", "sys"), new ChatMessage("user", user), new ChatMessage("assistant", assistant)],
        });

    public static DatasetRow Conversation(int line, params (string Role, string Content)[] messages) =>
        WithId(new DatasetRow
        {
            Id = "", SourceId = "", SourceFile = "t.jsonl", SourceLine = line, Kind = RowKind.Conversation,
            Messages = messages.Select(m => new ChatMessage(m.Role, m.Content)).ToList(),
        });

    public static DatasetRow Pair(string user, string chosen, string rejected, int line = 1) =>
        WithId(new DatasetRow
        {
            Id = "", SourceId = "", SourceFile = "t.jsonl", SourceLine = line, Kind = RowKind.Preference,
            Messages = [new ChatMessage("user", user)], Chosen = chosen, Rejected = rejected,
        });

    public static DatasetRow Judged(string user, string answer, bool desirable, int line = 1) =>
        WithId(new DatasetRow
        {
            Id = "", SourceId = "", SourceFile = "t.jsonl", SourceLine = line, Kind = RowKind.Feedback,
            Messages = [new ChatMessage("user", user), new ChatMessage("assistant", answer)],
            Label = desirable ? FeedbackLabels.Desirable : FeedbackLabels.Undesirable,
        });

    private static DatasetRow WithId(DatasetRow row)
    {
        var id = RowId.Of(row);
        return row with { Id = id, SourceId = id };
    }

    /// <summary>Writes the rows as a dataset in a fresh folder under the context and returns the folder.</summary>
    public static async Task<string> WriteDatasetAsync(TestStepContext context, IEnumerable<DatasetRow> rows)
    {
        var folder = Directory.CreateDirectory(Path.Combine(context.Root, "in-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        await DatasetFile.WriteAllAsync(folder, rows);
        return folder;
    }
}
