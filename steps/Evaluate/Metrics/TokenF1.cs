namespace Workflows.Steps.Evaluate.Metrics;

/// <summary>SQuAD token F1: the harmonic mean of precision and recall of the normalised words shared by
/// prediction and reference, counted with multiplicity. Two empty answers score 1; one empty scores 0.</summary>
internal static class TokenF1
{
    public static double Score(string prediction, string reference)
    {
        var predicted = AnswerNormaliser.Tokens(prediction);
        var gold = AnswerNormaliser.Tokens(reference);
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
}
