namespace Workflows.Steps.Evaluate.Metrics;

/// <summary>1 when prediction and reference are equal after <see cref="AnswerNormaliser"/> (or exactly, when
/// normalisation is off), else 0.</summary>
internal static class ExactMatch
{
    public static double Score(string prediction, string reference, bool normalise = true) =>
        normalise
            ? AnswerNormaliser.Normalise(prediction) == AnswerNormaliser.Normalise(reference) ? 1 : 0
            : prediction.Trim() == reference.Trim() ? 1 : 0;
}
