using static TorchSharp.torch;

namespace Workflows.Torch.Adapters;

/// <summary>
/// The 16 levels of 4-bit NormalFloat (Dettmers et al., QLoRA): quantiles of N(0, 1) scaled to
/// [-1, 1], with an exact zero. Values copied from bitsandbytes so codes are interchangeable.
/// </summary>
public static class Nf4Codebook
{
    /// <summary>The levels, ascending; code i means <c>Levels[i] × absmax</c>.</summary>
    public static IReadOnlyList<float> Levels { get; } =
    [
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
        0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    ];

    /// <summary>The widest gap between neighbouring levels: rounding to the nearest level errs by at
    /// most half of it (times the block's absmax).</summary>
    public static float LargestGap { get; } = Levels.Zip(Levels.Skip(1), (a, b) => b - a).Max();

    /// <summary>The levels as a float32 tensor on <paramref name="device"/>.</summary>
    public static Tensor AsTensor(Device device) => tensor(Levels.ToArray(), device: device);

    /// <summary>Midpoints between neighbouring levels: bucketising a normalised weight against them
    /// gives the nearest level's code.</summary>
    public static Tensor Boundaries(Device device) =>
        tensor(Levels.Zip(Levels.Skip(1), (a, b) => (a + b) / 2).ToArray(), device: device);
}
