namespace Workflows.Engine.Execution;

/// <summary>The plain facts a step context is built from. <c>WorkPath</c> is a path prefix in the run's
/// temp folder, not a folder: the step's outputs are written to <c>&lt;WorkPath&gt;.out-&lt;output&gt;</c> and its
/// scratch folder is <c>&lt;WorkPath&gt;.tmp</c>, so a step that asks for no scratch creates one folder per
/// output and nothing else.</summary>
internal sealed record StepContextSettings(
    string StepName,
    string WorkflowName,
    string Device,
    string Fingerprint,
    string ProjectRoot,
    IReadOnlyDictionary<string, string> Lineage,
    string WorkPath,
    string StateDirectory,
    string LogFile);
