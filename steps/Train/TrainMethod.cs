namespace Workflows.Steps.Train;

/// <summary>Which weights the train step fits: an adapter, or the model itself.</summary>
public enum TrainMethod
{
    /// <summary>LoRA over the full-precision base.</summary>
    Lora,
    /// <summary>LoRA over the base stored as NF4 (see <c>quantization</c>).</summary>
    Qlora,
    /// <summary>Weight-decomposed LoRA: a trainable magnitude per output row.</summary>
    Dora,
    /// <summary>Full fine-tuning: every weight trains (less any <c>freeze</c>d) and the output is a model folder.</summary>
    Full,
}
