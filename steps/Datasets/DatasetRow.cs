using System.Text;

namespace Workflows.Steps.Datasets;

/// <summary>One row of a canonical dataset (<c>data.parquet</c>); see <c>steps/Datasets/README.md</c>
/// for which columns each <see cref="RowKind"/> fills.</summary>
public sealed record DatasetRow
{
    /// <summary>Content hash of the row (32 hex chars, see <see cref="RowId"/>): rows with equal content
    /// share an id, whatever file or line they came from.</summary>
    public required string Id { get; init; }

    /// <summary>Id of the original row this one was generated from; equal to <see cref="Id"/> for rows read
    /// from a source file. Split groups by it so a row and its augmented twins never straddle splits.</summary>
    public required string SourceId { get; init; }

    /// <summary>The file the row was read from, relative to the project root ('/' separators).</summary>
    public required string SourceFile { get; init; }

    /// <summary>1-based line where the row starts in <see cref="SourceFile"/> (row number for Parquet input).</summary>
    public required long SourceLine { get; init; }

    public required RowKind Kind { get; init; }

    /// <summary>Optional system prompt (instruction rows).</summary>
    public string? System { get; init; }

    public string? Instruction { get; init; }

    public string? Input { get; init; }

    public string? Output { get; init; }

    /// <summary>The conversation (conversation rows) or the prompt turns (preference rows).</summary>
    public IReadOnlyList<ChatMessage>? Messages { get; init; }

    public string? Text { get; init; }

    public string? Label { get; init; }

    public string? Chosen { get; init; }

    public string? Rejected { get; init; }

    /// <summary>Every content field joined by newlines, in column order: what length statistics,
    /// de-duplication and leakage checks look at.</summary>
    public string ContentText()
    {
        var text = new StringBuilder();
        void Add(string? value)
        {
            if (string.IsNullOrEmpty(value)) return;
            if (text.Length > 0) text.Append('\n');
            text.Append(value);
        }
        Add(System);
        Add(Instruction);
        Add(Input);
        Add(Output);
        foreach (var message in Messages ?? []) Add(message.Content);
        Add(Text);
        Add(Chosen);
        Add(Rejected);
        return text.ToString();
    }

    /// <summary>This row with its content changed by <paramref name="change"/>, a fresh content id and
    /// <see cref="SourceId"/> pointing at the original (this row's own source).</summary>
    public DatasetRow Derive(Func<DatasetRow, DatasetRow> change)
    {
        var changed = change(this) with { SourceId = SourceId };
        return changed with { Id = RowId.Of(changed) };
    }
}
