namespace Workflows.Steps.Evaluate.Metrics;

/// <summary>SQuAD token F1: the harmonic mean of precision and recall of the words shared by prediction and
/// reference, counted with multiplicity. Words are normalised by <see cref="AnswerNormaliser"/>, or, with
/// normalisation off, split on whitespace and compared exactly. Two empty answers score 1; one empty scores 0.</summary>
internal static class TokenF1
{
    public static double Score(string prediction, string reference, bool normalise = true)
    {
        var predicted = Words(prediction, normalise);
        var gold = Words(reference, normalise);
        if (predicted.Count == 0 || gold.Count == 0) return predicted.Count == gold.Count ? 1 : 0;
        var counts = gold.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
        var common = 0;
        foreach (var word in predicted)
        {
            if (!counts.TryGetValue(word, out var left) || left == 0) continue;
            counts[word] = left - 1;
            common++;
        }
        if (common == 0) return 0;
        var precision = (double)common / predicted.Count;
        var recall = (double)common / gold.Count;
        return 2 * precision * recall / (precision + recall);
    }

    private static List<string> Words(string text, bool normalise) =>
        normalise ? AnswerNormaliser.Tokens(text) : [.. text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)];
}
