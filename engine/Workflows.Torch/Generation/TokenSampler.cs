namespace Workflows.Torch.Generation;

/// <summary>Picks the next token from one row of logits: greedy, or temperature + top-k + top-p sampling.</summary>
internal sealed class TokenSampler(GenerationOptions options)
{
    private readonly Random _random = new(options.Seed);

    public int Next(float[] logits)
    {
        if (options.Temperature == 0)
        {
            return ArgMax(logits);
        }

        // Work in double so the tail of the distribution is not lost to rounding.
        var order = Enumerable.Range(0, logits.Length).OrderByDescending(i => logits[i]).ThenBy(i => i).ToArray();
        var keep = options.TopK > 0 ? Math.Min(options.TopK, order.Length) : order.Length;
        var max = logits[order[0]];
        var weights = new double[keep];
        var total = 0.0;
        for (var i = 0; i < keep; i++)
        {
            weights[i] = Math.Exp((logits[order[i]] - max) / options.Temperature);
            total += weights[i];
        }

        if (options.TopP < 1)
        {
            var cumulative = 0.0;
            for (var i = 0; i < keep; i++)
            {
                cumulative += weights[i] / total;
                if (cumulative >= options.TopP)
                {
                    keep = i + 1;
                    break;
                }
            }

            total = weights.Take(keep).Sum();
        }

        var target = _random.NextDouble() * total;
        for (var i = 0; i < keep; i++)
        {
            target -= weights[i];
            if (target <= 0)
            {
                return order[i];
            }
        }

        return order[keep - 1];
    }

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
