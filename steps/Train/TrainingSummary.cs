using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Workflows.Steps.Train;

/// <summary>The small report written beside the adapter as <c>training_summary.json</c>.</summary>
public sealed record TrainingSummary
{
    public const string FileName = "training_summary.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public required string Method { get; init; }

    /// <summary>The objective trained: <c>sft</c>, <c>dpo</c>, <c>orpo</c>, <c>simpo</c> or <c>kto</c>.</summary>
    public required string Objective { get; init; }
    public required int Steps { get; init; }
    public required long Tokens { get; init; }
    public required int TrainExamples { get; init; }
    public required int ValidationExamples { get; init; }
    public required double FinalTrainLoss { get; init; }
    public double? BaseValLoss { get; init; }
    public double? FinalValLoss { get; init; }
    public double? BestValLoss { get; init; }

    /// <summary>The step whose adapter was written (the best one when there is validation data).</summary>
    public int AdapterStep { get; init; }

    public required long TrainableParameters { get; init; }

    /// <summary>How the frozen base was quantised (<c>method: qlora</c>), as also recorded in
    /// <c>adapter_config.json</c>; null for a full-precision base.</summary>
    public JsonObject? Quantization { get; init; }

    public void Write(string folder) => File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(this, Json) + "\n");
}
