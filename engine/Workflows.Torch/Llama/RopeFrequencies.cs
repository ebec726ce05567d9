using TorchSharp;
using static TorchSharp.torch;

namespace Workflows.Torch.Llama;

/// <summary>
/// RoPE inverse frequencies as transformers' <c>modeling_rope_utils</c> computes them, in float32
/// and in the same order of operations, so the angles agree with a transformers model to the bit
/// pattern the same arithmetic gives.
/// </summary>
public static class RopeFrequencies
{
    /// <summary>
    /// The inverse frequencies (hs/2, float32, CPU) for a sequence of <paramref name="sequenceLength"/>
    /// tokens. Only dynamic NTK depends on the length: past <c>max_position_embeddings</c> it raises
    /// the base; within it every type gives the same frequencies for any length.
    /// </summary>
    public static Tensor Compute(LlamaConfig config, long sequenceLength)
    {
        using var scope = NewDisposeScope();
        var dim = config.HeadDim;
        var scaling = config.Rope;
        var theta = config.RopeTheta;
        if (scaling is { RopeType: "dynamic" })
        {
            // base * ((factor * seq_len / max_pos) - (factor - 1)) ** (dim / (dim - 2)), seq_len at least max_pos.
            double maxPositions = config.MaxPositionEmbeddings;
            var length = Math.Max(sequenceLength, config.MaxPositionEmbeddings);
            theta *= Math.Pow((scaling.Factor * length / maxPositions) - (scaling.Factor - 1), dim / (double)(dim - 2));
        }

        var exponents = arange(0, dim, 2, ScalarType.Int64).to_type(ScalarType.Float32) / dim;
        var inverse = 1.0f / pow(tensor((float)theta), exponents);                               // (hs/2)
        var result = scaling?.RopeType switch
        {
            "linear" => inverse / scaling.Factor,
            "llama3" => Llama3(inverse, scaling),
            _ => inverse,
        };
        return scope.MoveToOuter(result);
    }

    // Llama 3.1: keep high frequencies, divide low ones by the factor, blend smoothly in between.
    private static Tensor Llama3(Tensor inverse, RopeScaling s)
    {
        var lowFreqWavelength = s.OriginalMaxPositionEmbeddings / s.LowFreqFactor;
        var highFreqWavelength = s.OriginalMaxPositionEmbeddings / s.HighFreqFactor;
        var wavelength = 2 * Math.PI / inverse;
        var scaled = where(wavelength > lowFreqWavelength, inverse / s.Factor, inverse);
        var smooth = ((s.OriginalMaxPositionEmbeddings / wavelength) - s.LowFreqFactor) / (s.HighFreqFactor - s.LowFreqFactor);
        var smoothed = ((1 - smooth) * scaled / s.Factor) + (smooth * scaled);
        var medium = (wavelength < highFreqWavelength).logical_not() & (wavelength > lowFreqWavelength).logical_not();
        return where(medium, smoothed, scaled);
    }
}
