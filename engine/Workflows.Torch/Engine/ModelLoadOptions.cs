namespace Workflows.Torch.Engine;

/// <summary>How <see cref="DeviceEngine"/> should load a base model.</summary>
public sealed record ModelLoadOptions
{
    /// <summary>Parameter dtype: <c>float32</c> (default), <c>bfloat16</c> or <c>float16</c> (slow on CPU).</summary>
    public string Dtype { get; init; } = "float32";

    /// <summary>Base-weight quantisation; only <c>none</c> (the default) so far.</summary>
    public string Quantisation { get; init; } = "none";
}
