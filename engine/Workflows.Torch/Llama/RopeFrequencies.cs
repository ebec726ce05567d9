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

        var exponents = arange(Scalars.Of(0L), Scalars.Of((long)dim), Scalars.Of(2L), ScalarType.Int64).to_type(ScalarType.Float32) / Scalars.Of((long)dim);
        var inverse = pow(tensor((float)theta), exponents).reciprocal().mul(Scalars.Of((double)1.0f));  // (hs/2); 1 / x as TorchSharp computes it
        var result = scaling?.RopeType switch
        {
            "linear" => inverse / Scalars.Of(scaling.Factor),
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
        var wavelength = inverse.reciprocal().mul(Scalars.Of(2 * Math.PI));                        // 2π / x as TorchSharp computes it
        var scaled = where(wavelength > Scalars.Of(lowFreqWavelength), inverse / Scalars.Of(s.Factor), inverse);
        var smooth = (wavelength.reciprocal().mul(Scalars.Of((long)s.OriginalMaxPositionEmbeddings)) - Scalars.Of(s.LowFreqFactor)) / Scalars.Of(s.HighFreqFactor - s.LowFreqFactor);
        var smoothed = (smooth.SubtractedFrom(Scalars.Of(1L)) * scaled / Scalars.Of(s.Factor)).Plus(smooth * scaled);
        var medium = (wavelength < Scalars.Of(highFreqWavelength)).logical_not() & (wavelength > Scalars.Of(lowFreqWavelength)).logical_not();
        return where(medium, smoothed, scaled);
    }
}
