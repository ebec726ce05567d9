using Workflows.Engine.Definition;

namespace Workflows.Engine.Execution.Slurm;

/// <summary>Everything one step's batch script is made of.</summary>
/// <param name="JobName">Shown by squeue; <c>wf-&lt;workflow&gt;-&lt;step&gt;</c>.</param>
/// <param name="RunId">The run the step belongs to.</param>
/// <param name="Step">The step's name.</param>
/// <param name="ProjectRoot">Where the job starts (<c>--chdir</c>).</param>
/// <param name="SlurmDirectory">The run's Slurm folder: job output and the visibility marker.</param>
/// <param name="Resources">The step's resources with defaults filled in.</param>
/// <param name="DependsOnJobs">Jobs that must succeed first (<c>afterok</c>).</param>
/// <param name="Settings">The executor's settings.</param>
public sealed record SbatchJob(string JobName, string RunId, string Step, string ProjectRoot, string SlurmDirectory,
    StepResources Resources, IReadOnlyList<string> DependsOnJobs, SlurmSettings Settings);
