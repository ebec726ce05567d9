namespace Workflows.Steps.Train;

/// <summary>Which adapter the train step fits.</summary>
public enum TrainMethod
{
    /// <summary>LoRA over the full-precision base.</summary>
    Lora,
    /// <summary>LoRA over the base stored as NF4 (see <c>quantization</c>).</summary>
    Qlora,
    /// <summary>Weight-decomposed LoRA: a trainable magnitude per output row.</summary>
    Dora,
}
