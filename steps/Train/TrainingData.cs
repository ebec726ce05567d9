using Workflows.Steps.Datasets;
using Workflows.Torch.Chat;
using Workflows.Torch.Chat.Jinja;
using Workflows.Torch.Tokenization;

namespace Workflows.Steps.Train;

/// <summary>The tokenised examples of one dataset, with counts of what was dropped or cut.</summary>
public sealed record TrainingData(IReadOnlyList<TokenisedExample> Examples, int Unusable, int Truncated)
{
    /// <summary>Tokens that carry the loss, over all examples.</summary>
    public long TrainedTokens => Examples.Sum(e => (long)e.TrainedTokens);

    /// <summary>
    /// Renders, tokenises and fits <paramref name="rows"/> into <paramref name="maxLength"/> tokens.
    /// Returns an error line instead when a row is too long and <c>overlong: fail</c>.
    /// </summary>
    public static (TrainingData? Data, string? Error) Build(IEnumerable<DatasetRow> rows, TrainOptions options, TextTokenizer tokenizer, int maxLength, string field,
        ChatTemplate? chat = null)
    {
        var examples = new List<TokenisedExample>();
        int unusable = 0, truncated = 0;
        foreach (var row in rows)
        {
            IReadOnlyList<TextSegment>? segments;
            try
            {
                segments = PromptRenderer.Render(row, options.Template, options.CustomTemplate, chat);
            }
            catch (JinjaException e)
            {
                return (null, $"{field}: row from {row.SourceFile}:{row.SourceLine}: {e.Message}");
            }

            if (segments is null) { unusable++; continue; }
            var example = ExampleTokeniser.Tokenise(segments, tokenizer, options.TrainOnInputs, chat is not null);
            if (example.Ids.Length > maxLength && !options.Packing)              // packing cuts the stream itself: nothing is lost
            {
                if (options.Overlong == OverlongPolicy.Fail)
                {
                    return (null, $"{field}: row from {row.SourceFile}:{row.SourceLine} has {example.Ids.Length} tokens, more than max_seq_len {maxLength}; " +
                        "raise max_seq_len (up to the model's context) or set overlong: truncate");
                }

                example = new TokenisedExample(example.Ids[..maxLength], example.Labels[..maxLength]);
                truncated++;
            }

            if (example.TrainedTokens == 0) { unusable++; continue; }
            examples.Add(example);
        }

        return (new TrainingData(options.Packing ? Pack(examples, maxLength, options.PackingAttention == PackingAttention.Documents) : examples, unusable, truncated), null);
    }

    // Concatenates examples (each starts with BOS) and cuts the stream into full sequences; with separate documents,
    // records where each example begins in its sequence (the part of one cut at a sequence's start begins at 0).
    private static List<TokenisedExample> Pack(List<TokenisedExample> examples, int maxLength, bool separateDocuments)
    {
        var ids = examples.SelectMany(e => e.Ids).ToArray();
        var labels = examples.SelectMany(e => e.Labels).ToArray();
        var beginnings = new List<int>(examples.Count);                                     // in the stream
        var offset = 0;
        foreach (var example in examples)
        {
            beginnings.Add(offset);
            offset += example.Ids.Length;
        }

        var packed = new List<TokenisedExample>();
        var next = 0;                                                                       // first beginning not yet placed
        for (var start = 0; start < ids.Length; start += maxLength)
        {
            var length = Math.Min(maxLength, ids.Length - start);
            var starts = new List<int> { 0 };
            for (; next < beginnings.Count && beginnings[next] < start + length; next++)
            {
                if (beginnings[next] > start) starts.Add(beginnings[next] - start);
            }

            var chunk = new TokenisedExample(ids[start..(start + length)], labels[start..(start + length)])
            {
                DocumentStarts = separateDocuments ? [.. starts] : null,
            };
            if (length > 1 && chunk.TrainedTokens > 0) packed.Add(chunk);
        }

        return packed;
    }
}
