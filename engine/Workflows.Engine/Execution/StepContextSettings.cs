namespace Workflows.Engine.Execution;

/// <summary>The plain facts a step context is built from.</summary>
internal sealed record StepContextSettings(
    string StepName,
    string WorkflowName,
    string Device,
    string Fingerprint,
    string ProjectRoot,
    IReadOnlyDictionary<string, string> Lineage,
    string WorkRoot,
    string StateDirectory,
    string LogFile);
