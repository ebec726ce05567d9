namespace Workflows.Torch.Evaluation;

/// <summary>Summed next-token cross-entropy over a text set.</summary>
/// <param name="TotalNats">Sum of −log p(target) over every predicted token.</param>
/// <param name="TokenCount">Number of predicted tokens.</param>
public sealed record LossSummary(double TotalNats, long TokenCount)
{
    /// <summary>Mean loss in nats per token.</summary>
    public double MeanLoss => TokenCount == 0 ? double.NaN : TotalNats / TokenCount;

    /// <summary>exp(mean loss).</summary>
    public double Perplexity => Math.Exp(MeanLoss);
}
