namespace Workflows.Engine.Steps;

/// <summary>The type of an artifact a step produces or consumes. Validation refuses a reference whose
/// producer's output kind differs from the kind the consuming option expects.</summary>
public enum ArtifactKind
{
    /// <summary>A table of rows (canonical Parquet).</summary>
    Dataset,
    /// <summary>A full model checkpoint folder (config, weights, tokenizer).</summary>
    Model,
    /// <summary>A parameter-efficient adapter folder (PEFT layout).</summary>
    Adapter,
    /// <summary>A report: JSON/Markdown metrics, charts.</summary>
    Report,
    /// <summary>A publishable package folder (model or adapter with card and checksums).</summary>
    Package,
    /// <summary>Any file or folder; accepts every kind.</summary>
    Any,
}
