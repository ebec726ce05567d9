using Workflows.Engine.Yaml;

namespace Workflows.Engine.Definition;

/// <summary>A parsed workflow file: its header fields, params and steps, each keeping its source mark.</summary>
public sealed record WorkflowDefinition
{
    public const string SupportedApiVersion = "workflows/v1";

    /// <summary>The file it was read from, as the user named it (used in diagnostics).</summary>
    public required string SourcePath { get; init; }

    /// <summary>sha256 of the file's bytes: runs record it beside the author's <see cref="Version"/>.</summary>
    public required string ContentHash { get; init; }

    public required string Name { get; init; }

    /// <summary>Bumped by the author; recorded with every run.</summary>
    public int Version { get; init; } = 1;

    public string? Description { get; init; }

    /// <summary>Git triggers (<c>on: push: { branches, paths }</c>); null when the workflow declares none.</summary>
    public PushTrigger? OnPush { get; init; }

    /// <summary>Parameters in file order, after <c>--set</c> overrides.</summary>
    public required IReadOnlyDictionary<string, YamlNode> Params { get; init; }

    /// <summary>The MLflow experiment name; defaults to the workflow name.</summary>
    public required string Experiment { get; init; }

    /// <summary>False when <c>tracking: { enabled: false }</c>.</summary>
    public bool TrackingEnabled { get; init; } = true;

    /// <summary>Default of <see cref="TrackingUploadMaxMb"/>.</summary>
    public const double DefaultUploadMaxMb = 100;

    /// <summary><c>tracking: { upload_max_mb: N }</c>: a step output up to N MB (all its files together) is
    /// uploaded to the step's MLflow run; a larger one is logged as its manifest plus a tag with its store
    /// digest. Default 100; must be positive.</summary>
    public double TrackingUploadMaxMb { get; init; } = DefaultUploadMaxMb;

    /// <summary><c>tracking: { model_aliases: [champion] }</c>: registry aliases moved to every model version
    /// the run registers (registration happens only once the steps before it, gates included, passed).
    /// Default none.</summary>
    public IReadOnlyList<string> ModelAliases { get; init; } = [];

    /// <summary><c>auto</c> | <c>cpu</c> | <c>cuda</c> | <c>cuda:N</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Extra step assemblies, resolved against the project root.</summary>
    public required IReadOnlyList<string> Libraries { get; init; }

    /// <summary>Where <c>libraries:</c> is written, for load errors.</summary>
    public SourceMark? LibrariesMark { get; init; }

    /// <summary>Steps in file order.</summary>
    public required IReadOnlyList<StepDefinition> Steps { get; init; }
}
